#pragma once

// spider::Item: what a spider yields and feeds export: an insertion-ordered map of fields
// plus the item's type. Generated item structs convert into an Item (one set() per declared
// field, in declaration order); a spider yielding a plain map gives an untyped Item.

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "data/value.h"

namespace spider {

// The declaration of an item type: its name and its fields in declaration order. Generated
// code keeps one per item struct and shares it among all its Items.
struct ItemType {
    std::string name;
    std::vector<std::string> fields;
};

class Item {
public:
    Item() = default;
    explicit Item(ValueMap fields) : fields_(std::move(fields)) {}
    Item(std::shared_ptr<const ItemType> type, ValueMap fields)
        : type_(std::move(type)), fields_(std::move(fields)) {}

    // The declared type, or nullptr for an item built from a plain map.
    const ItemType* type() const { return type_.get(); }
    const std::shared_ptr<const ItemType>& sharedType() const { return type_; }
    // The type's name, or "dict" (what Scrapy logs for a dict item) when untyped.
    std::string_view typeName() const { return type_ ? std::string_view(type_->name) : "dict"; }

    // Field names a CSV header should list: the declared fields when typed, else the keys
    // this item has (Scrapy's ItemAdapter.field_names()).
    std::vector<std::string> fieldNames() const;

    const ValueMap& fields() const { return fields_; }
    ValueMap& fields() { return fields_; }
    const Value* get(std::string_view field) const { return fields_.find(field); }
    Value& set(std::string field, Value value) {
        return fields_.set(std::move(field), std::move(value));
    }

    // Same type name and equal fields in the same order.
    friend bool operator==(const Item& a, const Item& b) {
        return a.typeName() == b.typeName() && a.fields_ == b.fields_;
    }

private:
    std::shared_ptr<const ItemType> type_;
    ValueMap fields_;
};

inline std::vector<std::string> Item::fieldNames() const {
    if (type_) return type_->fields;
    std::vector<std::string> names;
    names.reserve(fields_.size());
    for (const auto& entry : fields_) names.push_back(entry.first);
    return names;
}

}  // namespace spider
