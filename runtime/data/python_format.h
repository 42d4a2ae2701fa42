#pragma once

// Values as Python prints them, for output Scrapy users compare against: the stats dump
// (pprint of a dict) and CSV cells (str() of a field).

#include <string>
#include <string_view>

#include "data/value.h"

namespace spider {

// repr(): None, True, 42, 0.1, 'it\'s', [1, 'a'], {'k': 1}. Strings use single quotes unless
// they contain a single quote and no double quote, escape \\, \n, \r, \t and other control
// characters (\xNN), and keep printable non-ASCII as is (invalid UTF-8 bytes as \xNN).
std::string pythonRepr(const Value& value);
// repr() of a string alone.
std::string pythonStringRepr(std::string_view text);
// str(): a string is itself, everything else its repr().
std::string pythonStr(const Value& value);

}  // namespace spider
