#pragma once
// Semantic analysis: names, types and the language's static rules (docs/language.md,
// "Static rules"). Annotates the module in place (see the contract in ast/ast.h) and
// reports into the DiagnosticEngine; never throws.
//
// Errors do not cascade: an expression whose operand already failed has the Error type,
// and Error is accepted everywhere without a further message; an unknown name is declared
// on first report so its other uses stay quiet.
#include "ast/ast.h"
#include "diagnostics/diagnostic_engine.h"

namespace spiderc::sema {

void analyze(ast::Module& module, DiagnosticEngine& diags);

} // namespace spiderc::sema
