#include "codegen/line_markers.h"

#include "codegen/literals.h"

namespace spiderc::codegen {

// Must match the marker codegen.cpp writes.
constexpr std::string_view kMarker = "// @spiderc-cpp-line";

std::string finishLineMarkers(std::string_view formatted, std::string_view cppName) {
    std::string out;
    out.reserve(formatted.size());
    std::size_t lineNo = 1;
    std::size_t start = 0;
    while (start < formatted.size()) {
        std::size_t end = formatted.find('\n', start);
        const bool last = end == std::string_view::npos;
        if (last) end = formatted.size();
        const std::string_view line = formatted.substr(start, end - start);
        const std::size_t first = line.find_first_not_of(' ');
        if (first != std::string_view::npos && line.substr(first) == kMarker) {
            out += "#line " + std::to_string(lineNo + 1) + " \"" + lineDirectiveFile(cppName) +
                   "\"";
        } else {
            out.append(line);
        }
        if (!last) out += '\n';
        start = end + 1;
        ++lineNo;
    }
    return out;
}

} // namespace spiderc::codegen
