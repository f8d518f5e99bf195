// libcurl behind the Transport interface: webhooks over HTTP(S), e-mail over SMTP.

#include <curl/curl.h>

#include <cstring>
#include <mutex>

#include "consumers/delivery.hpp"
#include "consumers/email.hpp"

namespace docket::consumers {
namespace {

size_t discard(char*, size_t size, size_t n, void*) {
  return size * n;
}

struct Upload {
  std::string_view data;
  std::size_t at = 0;
};

size_t read_upload(char* buffer, size_t size, size_t n, void* user) {
  auto* up = static_cast<Upload*>(user);
  const std::size_t len = std::min(size * n, up->data.size() - up->at);
  std::memcpy(buffer, up->data.data() + up->at, len);
  up->at += len;
  return len;
}

class CurlTransport : public Transport {
 public:
  explicit CurlTransport(CurlTransportConfig config) : config_(std::move(config)) {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  }

  PostOutcome send(const std::string& destination, const std::string& body,
                   const std::string& signature) override {
    if (destination.starts_with("mailto:")) return mail(destination.substr(7), body);
    CURL* curl = curl_easy_init();
    if (curl == nullptr) return {0, false, "curl_easy_init failed"};
    curl_slist* headers = nullptr;
    headers = curl_slist_append(headers, "Content-Type: application/json");
    const std::string sig = "Docket-Signature: " + signature;
    headers = curl_slist_append(headers, sig.c_str());
    curl_easy_setopt(curl, CURLOPT_URL, destination.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(config_.timeout.count()));
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
    PostOutcome out;
    const CURLcode rc = curl_easy_perform(curl);
    if (rc == CURLE_OK) {
      curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out.status);
    } else {
      out.timed_out = rc == CURLE_OPERATION_TIMEDOUT;
      out.error = curl_easy_strerror(rc);
    }
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    return out;
  }

 private:
  PostOutcome mail(const std::string& to, const std::string& body) {
    if (config_.smtp_url.empty()) return {400, false, "e-mail is not configured"};
    CURL* curl = curl_easy_init();
    if (curl == nullptr) return {0, false, "curl_easy_init failed"};
    const std::string message = build_email(body, config_.mail_from, to);
    Upload upload{message};
    curl_slist* rcpt = curl_slist_append(nullptr, ("<" + to + ">").c_str());
    const std::string from = "<" + config_.mail_from + ">";
    curl_easy_setopt(curl, CURLOPT_URL, config_.smtp_url.c_str());
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from.c_str());
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_upload);
    curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(config_.timeout.count()));
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    PostOutcome out;
    const CURLcode rc = curl_easy_perform(curl);
    if (rc == CURLE_OK) {
      out.status = 200;  // the SMTP server accepted it: delivered, in the HTTP terms above
    } else {
      out.timed_out = rc == CURLE_OPERATION_TIMEDOUT;
      out.error = curl_easy_strerror(rc);
    }
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(curl);
    return out;
  }

  CurlTransportConfig config_;
};

}  // namespace

std::unique_ptr<Transport> make_curl_transport(CurlTransportConfig config) {
  return std::make_unique<CurlTransport>(std::move(config));
}

}  // namespace docket::consumers
