#include "frontend/source_check.h"

#include <fmt/format.h>

namespace spiderc::frontend {

SourceFacts checkSource(FileId file, std::string_view text, DiagnosticEngine& diags) {
    SourceFacts facts;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const auto byte = static_cast<unsigned char>(text[pos]);
        if (byte == 0) {
            auto here = static_cast<std::uint32_t>(pos);
            diags.error({file, here, here + 1}, "file contains a NUL byte")
                .note("spider sources are UTF-8 text; is this a binary file?");
            return facts;
        }
        if (byte < 0x80) {
            ++pos;
            continue;
        }
        char32_t cp = 0;
        const std::size_t len = decodeUtf8(text, pos, cp);
        if (len == 0) {
            auto here = static_cast<std::uint32_t>(pos);
            diags.error({file, here, here + 1},
                        fmt::format("invalid UTF-8 (byte 0x{:02X})", static_cast<unsigned>(byte)))
                .note("spider sources must be encoded as UTF-8");
            return facts;
        }
        pos += len;
    }
    facts.valid = true;
    return facts;
}

} // namespace spiderc::frontend
