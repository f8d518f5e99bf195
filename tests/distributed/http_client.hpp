#pragma once
// A small HTTP client for the distributed tests: one request to 127.0.0.1:<port> with a bearer
// token, answered as status, headers and parsed body. Connection failures answer status 0.

#include <httplib.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "api/auth.hpp"

namespace docket::distributed_test {

inline constexpr const char* kSecret = "distributed-test-secret-for-docket";

// A token valid for an hour, signed with kSecret.
inline std::string token(const std::string& sub, api::Role role) {
  const auto exp = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) +
                   std::chrono::hours(1);
  auto t = api::mint_token(kSecret, sub, role, exp);
  return t.ok() ? t.value() : std::string();
}

struct Response {
  int status = 0;  // 0: no answer
  nlohmann::json body;
  std::string raw;
  httplib::Headers headers;
  std::string header(const std::string& name) const {
    const auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
  std::string code() const {
    return body.is_object() && body.contains("code") ? body["code"].get<std::string>() : "";
  }
};

inline Response call(int port, const std::string& method, const std::string& path,
                     const std::string& bearer, const nlohmann::json& body = nullptr,
                     httplib::Headers headers = {}, int timeout_seconds = 15) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(5, 0);
  client.set_read_timeout(timeout_seconds, 0);
  if (!bearer.empty()) headers.emplace("Authorization", "Bearer " + bearer);
  const std::string text = body.is_null() ? std::string() : body.dump();
  auto r = [&] {
    if (method == "GET") return client.Get(path, headers);
    if (method == "PUT") return client.Put(path, headers, text, "application/json");
    if (method == "DELETE") return client.Delete(path, headers);
    return client.Post(path, headers, text, "application/json");
  }();
  Response out;
  if (!r) return out;
  out.status = r->status;
  out.raw = r->body;
  out.headers = r->headers;
  out.body = nlohmann::json::parse(r->body, nullptr, false);
  return out;
}

}  // namespace docket::distributed_test
