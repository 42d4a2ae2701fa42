#include "sema/settings.h"

#include <array>

namespace spiderc::sema {
namespace {

#define SPIDER_SETTING_TYPE_int SettingType::Int
#define SPIDER_SETTING_TYPE_float SettingType::Float
#define SPIDER_SETTING_TYPE_bool SettingType::Bool
#define SPIDER_SETTING_TYPE_str SettingType::Str
#define SPIDER_SETTING_TYPE_list_int SettingType::ListInt
#define SPIDER_SETTING_TYPE_list_str SettingType::ListStr

constexpr SettingInfo kSettings[] = {
#define SPIDER_SETTING(name, type, def, doc) {#name, SPIDER_SETTING_TYPE_##type, doc},
#include "settings/settings.def"
};

} // namespace

std::span<const SettingInfo> allSettings() { return kSettings; }

int findSetting(std::string_view name) {
    for (std::size_t i = 0; i < std::size(kSettings); ++i) {
        if (kSettings[i].name == name) {
            return static_cast<int>(i);
        }
    }
    return -1;
}

std::string_view settingTypeName(SettingType type) {
    switch (type) {
    case SettingType::Int: return "int";
    case SettingType::Float: return "float";
    case SettingType::Bool: return "bool";
    case SettingType::Str: return "str";
    case SettingType::ListInt: return "list[int]";
    case SettingType::ListStr: return "list[str]";
    }
    return "?";
}

} // namespace spiderc::sema
