#include "sema/suggest.h"

#include <algorithm>

namespace spiderc::sema {

std::size_t editDistance(std::string_view a, std::string_view b) {
    const std::size_t n = a.size();
    const std::size_t m = b.size();
    std::vector<std::size_t> prev2(m + 1), prev(m + 1), cur(m + 1);
    for (std::size_t j = 0; j <= m; ++j) {
        prev[j] = j;
    }
    for (std::size_t i = 1; i <= n; ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= m; ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                cur[j] = std::min(cur[j], prev2[j - 2] + 1);
            }
        }
        prev2 = prev;
        prev = cur;
    }
    return prev[m];
}

std::optional<std::string> closestMatch(std::string_view name,
                                        const std::vector<std::string_view>& candidates) {
    const std::size_t limit = std::max<std::size_t>(1, name.size() / 3);
    std::optional<std::string> best;
    std::size_t bestDistance = limit + 1;
    for (std::string_view c : candidates) {
        if (c == name || c.empty()) {
            continue;
        }
        // Cheap filter before the quadratic distance.
        const std::size_t lengthGap = c.size() > name.size() ? c.size() - name.size()
                                                             : name.size() - c.size();
        if (lengthGap > limit) {
            continue;
        }
        const std::size_t d = editDistance(name, c);
        if (d < bestDistance || (d == bestDistance && best && c < *best)) {
            bestDistance = d;
            best = std::string(c);
        }
    }
    return best;
}

std::string didYouMean(std::string_view name, const std::vector<std::string_view>& candidates) {
    if (auto match = closestMatch(name, candidates)) {
        return "; did you mean '" + *match + "'?";
    }
    return {};
}

} // namespace spiderc::sema
