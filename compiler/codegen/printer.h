#pragma once
// A text printer for generated code with `$name$` templates, in the style of protobuf's
// io::Printer: the template looks like the output, variables are substituted, and a
// variable the template names but the caller did not give is a generator bug, reported at
// once (std::logic_error) instead of leaking "$name$" into a user's program.
//
//     Printer p;
//     p.emit({{"class", "QuotesSpider"}}, R"(
//         class $class$ final : public spider::Spider {
//     )");
//     p.indent();
//     ...
//     p.outdent();
//
// A template may start with a newline and be indented as the surrounding C++ is: the
// common leading indentation of its lines is removed and the printer's own indentation
// (4 spaces per level) applied. `$$` prints a dollar sign.
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace spiderc::codegen {

class Printer {
public:
    using Vars = std::map<std::string, std::string, std::less<>>;

    void emit(const Vars& vars, std::string_view text);
    void emit(std::string_view text) { emit({}, text); }
    // One line, verbatim (no substitution), at the current indentation.
    void line(std::string_view text);
    // A preprocessor line: always at column 0.
    void directive(std::string_view text);

    void indent() { ++level_; }
    void outdent();

    // A position in the output, to rewrite what follows it once more is known (the locals
    // a statement hoists are named and declared after its expressions are generated).
    struct Mark {
        std::size_t offset = 0;
        int level = 0;
    };
    Mark mark() const { return {out_.size(), level_}; }
    // The text printed since `at`, and replacing it (lines given to `replaceFrom` are used
    // as they are: the caller indents them, e.g. with `at.level`).
    std::string textFrom(const Mark& at) const;
    void replaceFrom(const Mark& at, std::string text);

    const std::string& text() const { return out_; }

private:
    void appendLine(std::string_view line);

    std::string out_;
    int level_ = 0;
};

// `text` with each `$name$` replaced by vars[name]; throws std::logic_error for a name not
// in `vars` or an unterminated `$`.
std::string substitute(const Printer::Vars& vars, std::string_view text);

} // namespace spiderc::codegen
