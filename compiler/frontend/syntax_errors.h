#pragma once
// Turns ANTLR's recognition errors into messages people understand.
//
// ANTLR's default messages dump token sets ("mismatched input 'x' expecting {'(', ...}").
// This error strategy keeps ANTLR's recovery (single-token insertion/deletion, resync) but
// reports through the DiagnosticEngine with:
//   - expected-token sets summarised ("an expression", "end of statement", "a name");
//   - context-specific wording (top level, spider body, Python habits such as `if x:`,
//     `else if`, `=` in a condition, keywords used as names), with notes and fix-its;
//   - cascade suppression: after an error, further errors up to the end of that statement
//     are dropped, so one mistake gives one message.
#include "diagnostics/diagnostic_engine.h"

#include <antlr4-runtime.h>

#include <vector>

namespace spiderc::frontend {

class SyntaxErrorStrategy : public antlr4::DefaultErrorStrategy {
public:
    // `locations[i]` is the byte range of token i; `types[i]` its type.
    // `field`: parsing an f-string field, whose end of input is the field's '}'.
    SyntaxErrorStrategy(const std::vector<Location>& locations, std::vector<std::size_t> types,
                        DiagnosticEngine& diags, bool field = false);

    // Recovery that respects the (already verified) bracket structure: skip to the end of
    // the current statement at the error's nesting depth, never conjure or delete a
    // bracket, so one mistake cannot shift every later '}' and cascade.
    void recover(antlr4::Parser* parser, std::exception_ptr e) override;
    void sync(antlr4::Parser* parser) override;

    bool sawErrors() const { return errors_ > 0; }

protected:
    void reportNoViableAlternative(antlr4::Parser* parser,
                                   const antlr4::NoViableAltException& e) override;
    void reportInputMismatch(antlr4::Parser* parser,
                             const antlr4::InputMismatchException& e) override;
    void reportFailedPredicate(antlr4::Parser* parser,
                               const antlr4::FailedPredicateException& e) override;
    void reportUnwantedToken(antlr4::Parser* parser) override;
    void reportMissingToken(antlr4::Parser* parser) override;
    bool singleTokenInsertion(antlr4::Parser* parser) override;
    antlr4::Token* singleTokenDeletion(antlr4::Parser* parser) override;

private:
    void report(antlr4::Parser* parser, antlr4::Token* offending,
                const antlr4::misc::IntervalSet& expected, bool extraneous);
    Location locationOf(const antlr4::Token* token) const;

    const std::vector<Location>& locations_;
    std::vector<std::size_t> types_;
    std::vector<int> depths_; // bracket depth of each token (brackets at their outer level)
    DiagnosticEngine& diags_;
    bool field_;
    std::ptrdiff_t lastRecoverIndex_ = -1;
    std::size_t errors_ = 0;
    std::ptrdiff_t suppressThrough_ = -1; // token index up to which errors are cascades
};

} // namespace spiderc::frontend
