#include "selectors/query_cache.h"

#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include <functional>
#include <unordered_map>

#include "selectors/regex.h"
#include "selectors/selector_errors.h"
#include "selectors/xml_errors.h"

namespace spider {
namespace {

struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

template <typename V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

struct CompiledXPathDeleter {
    void operator()(xmlXPathCompExpr* comp) const noexcept { xmlXPathFreeCompExpr(comp); }
};
using CompiledXPath = std::unique_ptr<xmlXPathCompExpr, CompiledXPathDeleter>;

struct XPathContextDeleter {
    void operator()(xmlXPathContext* ctxt) const noexcept { xmlXPathFreeContext(ctxt); }
};

}  // namespace

struct QueryCache::Impl {
    std::size_t capacity;
    StringMap<std::string> htmlCss;
    StringMap<std::string> xmlCss;
    StringMap<CompiledXPath> xpaths;
    StringMap<Regex> regexes;
    Stats stats;
    // Expressions are compiled against a context of their own with no dictionary, so the
    // compiled form refers to no document and can be evaluated against any of them.
    std::unique_ptr<xmlXPathContext, XPathContextDeleter> compileContext;
    std::string lastError;

    template <typename V, typename Make>
    V& lookup(StringMap<V>& map, std::string_view key, Make&& make) {
        if (auto it = map.find(key); it != map.end()) {
            ++stats.hits;
            return it->second;
        }
        ++stats.misses;
        V value = make();
        if (map.size() >= capacity) map.clear();
        return map.emplace(std::string(key), std::move(value)).first->second;
    }
};

QueryCache::QueryCache(std::size_t capacity) : impl_(std::make_unique<Impl>()) {
    impl_->capacity = capacity == 0 ? 1 : capacity;
}

QueryCache::~QueryCache() = default;

const std::string& QueryCache::cssToXPath(std::string_view css, CssDialect dialect) {
    auto& map = dialect == CssDialect::Html ? impl_->htmlCss : impl_->xmlCss;
    return impl_->lookup(map, css, [&] { return spider::cssToXPath(css, dialect); });
}

_xmlXPathCompExpr* QueryCache::compileXPath(std::string_view expression) {
    return impl_->lookup(impl_->xpaths, expression, [&] {
        if (expression.find('\0') != std::string_view::npos) {
            throw XPathError("XPath error: NUL character in expression");
        }
        if (!impl_->compileContext) {
            xmlInitParser();
            impl_->compileContext.reset(xmlXPathNewContext(nullptr));
            if (!impl_->compileContext) throw XPathError("XPath error: out of memory");
            impl_->compileContext->dict = nullptr;
        }
        const std::string text(expression);
        detail::XPathErrorCapture capture(impl_->compileContext.get());
        xmlXPathCompExpr* comp =
            xmlXPathCtxtCompile(impl_->compileContext.get(), reinterpret_cast<const xmlChar*>(text.c_str()));
        if (comp == nullptr) {
            throw XPathError("XPath error: " + capture.message("Invalid expression") + " in " + text);
        }
        return CompiledXPath(comp);
    }).get();
}

const Regex& QueryCache::regex(std::string_view pattern) {
    return impl_->lookup(impl_->regexes, pattern, [&] { return Regex(pattern); });
}

QueryCache::Stats QueryCache::stats() const { return impl_->stats; }

}  // namespace spider
