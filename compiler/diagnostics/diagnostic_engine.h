#pragma once
// Diagnostics are collected, never thrown. Every stage reports into one DiagnosticEngine;
// the driver renders them at the end (render.h) as text or JSON.
#include "diagnostics/source.h"

#include <cstddef>
#include <string>
#include <vector>

namespace spiderc {

enum class Severity { Note, Warning, Error };

// Replace the text at `location` with `replacement` (an empty range inserts).
struct FixIt {
    Location location;
    std::string replacement;
};

// A secondary message, usually pointing at a related place ("block opened here").
// A note without a valid location is rendered without a source line.
struct Note {
    Location location;
    std::string message;
};

struct Diagnostic {
    Severity severity = Severity::Error;
    Location location;
    std::string message;
    std::vector<Note> notes;
    std::vector<FixIt> fixIts;

    // Builders, so a report reads as one expression:
    //   diags.error(loc, "...").note(other, "opened here").fixIt(loc, "{");
    Diagnostic& note(Location where, std::string text);
    Diagnostic& note(std::string text);
    Diagnostic& fixIt(Location where, std::string replacement);
};

class DiagnosticEngine {
public:
    // After this many errors further ones are dropped (a final error says so), so a huge
    // broken input cannot flood the output or the memory.
    static constexpr std::size_t kDefaultErrorLimit = 50;

    explicit DiagnosticEngine(const SourceManager& sources,
                              std::size_t errorLimit = kDefaultErrorLimit);

    Diagnostic& error(Location where, std::string message);
    Diagnostic& warning(Location where, std::string message);

    bool hadErrors() const { return errorCount_ > 0; }
    std::size_t errorCount() const { return errorCount_; }
    std::size_t warningCount() const { return warningCount_; }
    const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }
    const SourceManager& sources() const { return sources_; }

    // Diagnostics in source order (file, offset), stable for equal positions; the stages
    // report in pass order, people read in file order.
    std::vector<Diagnostic> sorted() const;

private:
    Diagnostic& add(Severity severity, Location where, std::string message);

    const SourceManager& sources_;
    std::size_t errorLimit_;
    std::size_t errorCount_ = 0;
    std::size_t warningCount_ = 0;
    bool limitReported_ = false;
    std::vector<Diagnostic> diagnostics_;
    Diagnostic sink_; // absorbs builder calls on dropped diagnostics
};

} // namespace spiderc
