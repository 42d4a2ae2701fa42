#include "codegen/printer.h"

#include <stdexcept>
#include <vector>

namespace spiderc::codegen {

std::string substitute(const Printer::Vars& vars, std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '$') {
            out += text[i];
            continue;
        }
        const std::size_t close = text.find('$', i + 1);
        if (close == std::string_view::npos) {
            throw std::logic_error("codegen: unterminated '$' in template: " + std::string(text));
        }
        const std::string_view name = text.substr(i + 1, close - i - 1);
        if (name.empty()) {
            out += '$';
        } else {
            const auto it = vars.find(name);
            if (it == vars.end()) {
                throw std::logic_error("codegen: template variable '$" + std::string(name) +
                                       "$' has no value in: " + std::string(text));
            }
            out += it->second;
        }
        i = close;
    }
    return out;
}

void Printer::emit(const Vars& vars, std::string_view text) {
    if (!text.empty() && text.front() == '\n') text.remove_prefix(1);
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) {
            lines.push_back(text.substr(start));
            break;
        }
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    // A template ending in "\n    " (the closing raw-string indentation) has no last line.
    if (!lines.empty() && lines.back().find_first_not_of(' ') == std::string_view::npos) {
        lines.pop_back();
    }
    std::size_t common = std::string_view::npos;
    for (std::string_view line : lines) {
        const std::size_t first = line.find_first_not_of(' ');
        if (first != std::string_view::npos) common = std::min(common, first);
    }
    if (common == std::string_view::npos) common = 0;
    for (std::string_view line : lines) {
        const std::string substituted =
            substitute(vars, line.size() >= common ? line.substr(common) : std::string_view());
        // A substituted value may span lines (a nested block): indent each of them.
        std::size_t from = 0;
        while (true) {
            const std::size_t nl = substituted.find('\n', from);
            appendLine(std::string_view(substituted).substr(
                from, nl == std::string::npos ? std::string::npos : nl - from));
            if (nl == std::string::npos) break;
            from = nl + 1;
        }
    }
}

void Printer::line(std::string_view text) { appendLine(text); }

void Printer::directive(std::string_view text) {
    out_.append(text);
    out_ += '\n';
}

void Printer::outdent() {
    if (level_ == 0) throw std::logic_error("codegen: outdent below zero");
    --level_;
}

std::string Printer::textFrom(const Mark& at) const {
    if (at.offset > out_.size()) throw std::logic_error("codegen: a mark past the end");
    return out_.substr(at.offset);
}

void Printer::replaceFrom(const Mark& at, std::string text) {
    if (at.offset > out_.size()) throw std::logic_error("codegen: a mark past the end");
    out_.resize(at.offset);
    out_ += text;
}

void Printer::appendLine(std::string_view line) {
    if (line.empty()) {
        out_ += '\n';
        return;
    }
    if (line.front() == '#') {
        out_.append(line);
    } else {
        out_.append(static_cast<std::size_t>(level_) * 4, ' ');
        out_.append(line);
    }
    out_ += '\n';
}

} // namespace spiderc::codegen
