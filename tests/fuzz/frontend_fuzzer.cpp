// libFuzzer entry point: any bytes through parse, sema and both renderers. The properties
// checked are the front end's promises: no crash, no hang, no sanitizer report, and an
// input that produced no module always produced an error.
#include "ast/dump.h"
#include "diagnostics/render.h"
#include "driver/check_command.h"

#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    spiderc::SourceManager sources;
    const spiderc::FileId file =
        sources.add("fuzz.spider", std::string(reinterpret_cast<const char*>(data), size));
    spiderc::DiagnosticEngine diags(sources);
    auto module = spiderc::driver::checkModule(sources, file, diags);
    if (module == nullptr && !diags.hadErrors()) {
        std::abort();
    }
    if (module) {
        (void)spiderc::ast::dumpModule(*module, sources.file(file));
    }
    (void)spiderc::renderAllText(diags, spiderc::TextStyle{true});
    (void)spiderc::renderAllJson(diags);
    return 0;
}
