#include "diagnostics/diagnostic_engine.h"

#include <algorithm>

namespace spiderc {

Diagnostic& Diagnostic::note(Location where, std::string text) {
    notes.push_back({where, std::move(text)});
    return *this;
}

Diagnostic& Diagnostic::note(std::string text) { return note(Location{}, std::move(text)); }

Diagnostic& Diagnostic::fixIt(Location where, std::string replacement) {
    fixIts.push_back({where, std::move(replacement)});
    return *this;
}

DiagnosticEngine::DiagnosticEngine(const SourceManager& sources, std::size_t errorLimit)
    : sources_(sources), errorLimit_(errorLimit) {}

Diagnostic& DiagnosticEngine::error(Location where, std::string message) {
    return add(Severity::Error, where, std::move(message));
}

Diagnostic& DiagnosticEngine::warning(Location where, std::string message) {
    return add(Severity::Warning, where, std::move(message));
}

Diagnostic& DiagnosticEngine::add(Severity severity, Location where, std::string message) {
    if (errorCount_ >= errorLimit_) {
        if (!limitReported_) {
            limitReported_ = true;
            diagnostics_.push_back({Severity::Error, where,
                                    "too many errors; stopping after " +
                                        std::to_string(errorLimit_),
                                    {},
                                    {}});
        }
        sink_ = Diagnostic{};
        return sink_;
    }
    if (severity == Severity::Error) {
        ++errorCount_;
    } else if (severity == Severity::Warning) {
        ++warningCount_;
    }
    diagnostics_.push_back({severity, where, std::move(message), {}, {}});
    return diagnostics_.back();
}

std::vector<Diagnostic> DiagnosticEngine::sorted() const {
    std::vector<Diagnostic> result = diagnostics_;
    // The "too many errors" marker stays last wherever it points.
    auto end = result.end();
    if (limitReported_) {
        --end;
    }
    std::stable_sort(result.begin(), end, [](const Diagnostic& a, const Diagnostic& b) {
        if (a.location.file != b.location.file) {
            return a.location.file < b.location.file;
        }
        return a.location.begin < b.location.begin;
    });
    return result;
}

} // namespace spiderc
