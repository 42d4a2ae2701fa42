#include "version.h"

namespace spider {
std::string_view runtimeVersion() noexcept { return SPIDER_VERSION; }
} // namespace spider
