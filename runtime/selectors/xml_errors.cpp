#include "selectors/xml_errors.h"

namespace spider::detail {
namespace {

void discardGenericError(void*, const char*, ...) {}

}  // namespace

XPathErrorCapture::XPathErrorCapture(xmlXPathContext* context)
    : context_(context),
      oldUserData_(context->userData),
      oldError_(context->error),
      oldGeneric_(xmlGenericError),
      oldGenericContext_(xmlGenericErrorContext) {
    context_->userData = this;
    context_->error = &XPathErrorCapture::onStructuredError;
    xmlSetGenericErrorFunc(nullptr, &discardGenericError);
}

XPathErrorCapture::~XPathErrorCapture() {
    context_->userData = oldUserData_;
    context_->error = oldError_;
    xmlSetGenericErrorFunc(oldGenericContext_, oldGeneric_);
}

void XPathErrorCapture::onStructuredError(void* self, xmlError* error) {
    auto* capture = static_cast<XPathErrorCapture*>(self);
    if (!capture->message_.empty() || error == nullptr || error->message == nullptr) return;
    capture->message_ = error->message;
    while (!capture->message_.empty() && capture->message_.back() == '\n') capture->message_.pop_back();
}

std::string XPathErrorCapture::message(const char* fallback) const {
    return message_.empty() ? std::string(fallback) : message_;
}

QuietLibxml::QuietLibxml() : oldGeneric_(xmlGenericError), oldGenericContext_(xmlGenericErrorContext) {
    xmlSetGenericErrorFunc(nullptr, &discardGenericError);
}

QuietLibxml::~QuietLibxml() { xmlSetGenericErrorFunc(oldGenericContext_, oldGeneric_); }

}  // namespace spider::detail
