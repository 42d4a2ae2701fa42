#include "lower/names.h"

#include <catch2/catch.hpp>

#include <set>
#include <string>

using namespace spiderc::lower;

TEST_CASE("names that collide with C++ keywords or runtime names are mangled") {
    for (const char* name : {"class", "new", "int", "main", "std", "spider", "register",
                             "default", "delete", "namespace", "co_await", "fetch", "name"}) {
        INFO(name);
        CHECK(mangle(name) == std::string(name) + "_");
    }
    CHECK(mangle("quotes") == "quotes");
    CHECK(mangle("page_no") == "page_no");
}

TEST_CASE("mangling is injective: distinct DSL names never meet in C++") {
    const std::set<std::string> names = {"class",   "class_", "class__", "x_",  "x",
                                         "__x",     "dsl__x", "_Foo",    "dsl_Foo", "dsl_Foo_",
                                         "new",     "new_",   "a__b",    "dsla__b_"};
    std::set<std::string> mangled;
    for (const std::string& n : names) mangled.insert(mangle(n));
    CHECK(mangled.size() == names.size());
    CHECK(mangle("__x").find("dsl") == 0);
}

TEST_CASE("fresh names avoid every DSL name and every earlier fresh name") {
    NameTable table;
    table.addDslName("tmp");
    table.addDslName("tmp2");
    CHECK(table.fresh("tmp") == "tmp3");
    CHECK(table.fresh("tmp") == "tmp4");
    CHECK(table.fresh("other") == "other");
    CHECK(titleCase("my_spider") == "MySpider");
}
