#pragma once
// "Did you mean ...?": the closest candidate by edit distance, if close enough.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spiderc::sema {

// Optimal-string-alignment distance (Levenshtein plus adjacent transpositions).
std::size_t editDistance(std::string_view a, std::string_view b);

// The candidate closest to `name` within max(1, len/3) edits (ties: alphabetical first).
std::optional<std::string> closestMatch(std::string_view name,
                                        const std::vector<std::string_view>& candidates);

// " did you mean 'x'?" or "" (for appending to a message after ';').
std::string didYouMean(std::string_view name, const std::vector<std::string_view>& candidates);

} // namespace spiderc::sema
