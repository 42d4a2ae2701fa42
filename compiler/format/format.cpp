#include "format/format.h"

#include <clang/Format/Format.h>
#include <clang/Tooling/Core/Replacement.h>
#include <llvm/Support/Error.h>

namespace spiderc::format {
namespace {

// The project's .clang-format, spelled out so no file on disk can change it.
clang::format::FormatStyle builtInStyle() {
    clang::format::FormatStyle style = clang::format::getLLVMStyle();
    style.Language = clang::format::FormatStyle::LK_Cpp;
    style.Standard = clang::format::FormatStyle::LS_Latest;
    style.ColumnLimit = 100;
    style.IndentWidth = 4;
    style.AccessModifierOffset = -2;
    style.AllowShortFunctionsOnASingleLine = clang::format::FormatStyle::SFS_Inline;
    style.AllowShortLambdasOnASingleLine = clang::format::FormatStyle::SLS_All;
    style.AlwaysBreakTemplateDeclarations = clang::format::FormatStyle::BTDS_Yes;
    style.BreakConstructorInitializers = clang::format::FormatStyle::BCIS_BeforeComma;
    style.DerivePointerAlignment = false;
    style.PointerAlignment = clang::format::FormatStyle::PAS_Left;
    style.IncludeStyle.IncludeBlocks = clang::tooling::IncludeStyle::IBS_Preserve;
    style.SortIncludes = clang::format::FormatStyle::SI_CaseSensitive;
    return style;
}

} // namespace

std::string formatCpp(std::string_view code, std::string* error) {
    const clang::format::FormatStyle style = builtInStyle();
    const std::vector<clang::tooling::Range> ranges{
        clang::tooling::Range(0, static_cast<unsigned>(code.size()))};
    const llvm::StringRef text(code.data(), code.size());
    clang::tooling::Replacements replacements =
        clang::format::reformat(style, text, ranges, "generated.cpp");
    llvm::Expected<std::string> formatted = clang::tooling::applyAllReplacements(text, replacements);
    if (!formatted) {
        const std::string message = llvm::toString(formatted.takeError());
        if (error != nullptr) *error = message;
        return std::string(code);
    }
    return std::move(*formatted);
}

} // namespace spiderc::format
