#include "sema/sema.h"

#include "sema/checker.h"

namespace spiderc::sema {

void analyze(ast::Module& module, DiagnosticEngine& diags) { Checker(module, diags).run(); }

} // namespace spiderc::sema
