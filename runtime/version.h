#pragma once
// The runtime's version, printed by every crawler's --version and checked by spiderc build
// against the headers it compiles generated code with.
#include <string_view>

namespace spider {
std::string_view runtimeVersion() noexcept;
} // namespace spider
