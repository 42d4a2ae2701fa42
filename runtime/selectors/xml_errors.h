#pragma once

// Private to the selectors layer: keeps libxml2's diagnostics out of stderr and turns
// them into exception messages. Includes libxml2 headers, so only .cpp files include it.

#include <libxml/xmlerror.h>
#include <libxml/xpath.h>

#include <string>

namespace spider::detail {

// While alive, libxml2's generic error channel (which some code paths write to directly,
// e.g. an unknown XPath function) goes to a sink instead of stderr, and the XPath
// context's structured errors are recorded; the previous handlers come back on exit.
// Scoped, per thread (libxml2 keeps these handlers per thread).
class XPathErrorCapture {
public:
    explicit XPathErrorCapture(xmlXPathContext* context);
    ~XPathErrorCapture();
    XPathErrorCapture(const XPathErrorCapture&) = delete;
    XPathErrorCapture& operator=(const XPathErrorCapture&) = delete;

    // The first structured error's message (without its trailing newline), or fallback.
    std::string message(const char* fallback) const;

private:
    static void onStructuredError(void* self, xmlError* error);

    xmlXPathContext* context_;
    void* oldUserData_;
    xmlStructuredErrorFunc oldError_;
    xmlGenericErrorFunc oldGeneric_;
    void* oldGenericContext_;
    std::string message_;
};

// Only silences the generic error channel (for parsing, whose own errors are disabled
// with HTML_PARSE_NOERROR / XML_PARSE_NOERROR).
class QuietLibxml {
public:
    QuietLibxml();
    ~QuietLibxml();
    QuietLibxml(const QuietLibxml&) = delete;
    QuietLibxml& operator=(const QuietLibxml&) = delete;

private:
    xmlGenericErrorFunc oldGeneric_;
    void* oldGenericContext_;
};

}  // namespace spider::detail
