#pragma once
// The settings table the checker validates `settings { }` against, built from the
// runtime's runtime/settings/settings.def so compiler and crawler never disagree.
#include <span>
#include <string_view>

namespace spiderc::sema {

enum class SettingType { Int, Float, Bool, Str, ListInt, ListStr };

struct SettingInfo {
    std::string_view name;
    SettingType type;
    std::string_view doc;
};

std::span<const SettingInfo> allSettings();
// Index into allSettings(), or -1.
int findSetting(std::string_view name);
std::string_view settingTypeName(SettingType type);

} // namespace spiderc::sema
