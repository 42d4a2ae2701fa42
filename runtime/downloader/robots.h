#pragma once
// robots.txt, read the way Scrapy 2.8 reads it: Protego 0.2.1's parser and matcher
// (Scrapy's default ROBOTSTXT_PARSER), reimplemented so the same file gives the same
// answers. What that means, briefly:
//
// - Lines split as Python's str.splitlines(); `#` starts a comment; "field: value" (or, for
//   a line without a colon, a known lower-case field followed by a space and a value).
//   Field names are case-insensitive and a few misspellings count ("dissallow").
// - Groups: consecutive User-agent lines share the rules that follow; a later group with
//   an agent already seen adds to that agent's rules. Rules before any User-agent are
//   ignored. An agent with `*` inside also counts without them ("google*" -> "google").
// - The group that applies to a crawler's user agent is the one whose agent is the longest
//   substring of it (lower-cased); `*` scores 1; ties go to the first group in the file.
//   No group: everything is allowed.
// - Allow/Disallow patterns and URL paths are compared in a normalised percent-encoding;
//   the longest pattern that matches the path (with query) wins, Allow winning ties; `*`
//   matches any run of characters and a trailing `$` anchors the end. "Allow: /x/index.html"
//   also allows "/x/". An empty "Disallow:" is ignored.
// - Crawl-delay is a float per group (a malformed value is ignored); Sitemap lines are
//   collected whatever their position.
//
// Known differences from Protego: user agents and field names are lower-cased in ASCII
// only, and Request-rate and Host lines are accepted but not kept.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spider {

class RobotsTxt {
  public:
    // An empty file: everything allowed.
    RobotsTxt() = default;

    // Parses the text of a robots.txt (UTF-8).
    static RobotsTxt parse(std::string_view text);
    // A downloaded body, decoded as Scrapy does: strictly as UTF-8; a body that is not valid
    // UTF-8 counts as empty (allow everything) and sets *undecodable when given.
    static RobotsTxt fromBody(std::string_view body, bool* undecodable = nullptr);

    // Whether `userAgent` may fetch `url` (an absolute URL, or a path).
    bool allowed(std::string_view url, std::string_view userAgent) const;
    // The Crawl-delay of the group that applies to `userAgent`, if it has one.
    std::optional<double> crawlDelay(std::string_view userAgent) const;
    const std::vector<std::string>& sitemaps() const { return sitemaps_; }

  private:
    struct Rule {
        std::string pattern; // normalised as Protego's _quote_pattern does
        bool allow = false;
        std::size_t priority = 0; // the pattern's length in code points
    };
    struct Group {
        std::string agent; // lower-cased
        std::vector<Rule> rules;
        std::optional<double> crawlDelay;

        void add(std::string pattern, bool allow);
        bool allowed(std::string_view url) const;
    };

    const Group* groupFor(std::string_view userAgent) const;

    std::vector<Group> groups_; // in order of first appearance
    std::vector<std::string> sitemaps_;
};

namespace detail {
// Exposed for tests: Protego's URL normalisation (path with params, query, fragment) and a
// pattern match as Protego's _URLPattern.match.
std::string robotsQuotePath(std::string_view url);
bool robotsPatternMatches(std::string_view pattern, std::string_view quotedPath);
} // namespace detail

} // namespace spider
