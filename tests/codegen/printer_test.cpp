#include "codegen/printer.h"

#include <catch2/catch.hpp>

#include <stdexcept>

using spiderc::codegen::Printer;

TEST_CASE("a printer template substitutes its variables and keeps the template's layout") {
    Printer p;
    p.emit({{"name", "Quote"}, {"type", "int"}}, R"(
        struct $name$ {
            $type$ x;
        };
    )");
    CHECK(p.text() == "struct Quote {\n    int x;\n};\n");
}

TEST_CASE("a template variable without a value is a generator error, not output") {
    Printer p;
    CHECK_THROWS_AS(p.emit({{"name", "x"}}, "int $nmae$;"), std::logic_error);
    CHECK_THROWS_AS(p.emit("unterminated $x"), std::logic_error);
    CHECK(p.text().empty());
}

TEST_CASE("$$ prints a dollar sign and indentation applies to every substituted line") {
    Printer p;
    p.indent();
    p.emit({{"body", "a;\nb;"}}, "{ $$ }\n$body$");
    p.directive("#line 3 \"x.spider\"");
    CHECK(p.text() == "    { $ }\n    a;\n    b;\n#line 3 \"x.spider\"\n");
    p.outdent();
    CHECK_THROWS_AS(p.outdent(), std::logic_error);
}
