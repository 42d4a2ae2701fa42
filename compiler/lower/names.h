#pragma once
// C++ names for DSL names. Deterministic, injective mangling: a DSL name that is a C++
// keyword, a name the generated code or the runtime relies on (`std`, `spider`, `main`,
// Spider's members...) or a name that ends in `_` gets one `_` appended; every other name
// is kept. So `class` becomes `class_`, `class_` becomes `class__`, and two different DSL
// names never meet in C++. Spellings C++ reserves for its implementation (`__x`, `_X`)
// become `dsl__x_`.
//
// Names the generator invents (temporaries, members, item structs, spider classes) come
// from NameTable::fresh(), which never returns a mangled DSL name of the module nor a name
// it returned before.
#include <set>
#include <string>
#include <string_view>

namespace spiderc::lower {

// Whether `name` is a C++ keyword or a name generated code keeps for itself.
bool isReservedName(std::string_view name);

// The C++ spelling of a DSL identifier.
std::string mangle(std::string_view name);

class NameTable {
public:
    // Registers a DSL identifier that appears in the module (its mangled form is taken).
    void addDslName(std::string_view name) { taken_.insert(mangle(name)); }
    // `base` if free, else `base2`, `base3`, ...; the result is taken from then on.
    std::string fresh(const std::string& base);
    bool taken(const std::string& name) const { return taken_.count(name) != 0; }

private:
    std::set<std::string> taken_;
};

// "quotes" -> "Quotes", "my_spider" -> "MySpider" (for class names).
std::string titleCase(std::string_view name);

} // namespace spiderc::lower
