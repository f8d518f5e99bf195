#include "consumers/email.hpp"

#include <nlohmann/json.hpp>

namespace docket::consumers {
namespace {

std::string header_safe(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c != '\r' && c != '\n') out.push_back(c);
  }
  return out;
}

std::string text_of(const nlohmann::json& v) {
  return v.is_string() ? v.get<std::string>() : v.dump();
}

}  // namespace

std::string build_email(std::string_view message_json, std::string_view from, std::string_view to) {
  const auto message = nlohmann::json::parse(message_json, nullptr, false);
  const std::string type = message.is_object() ? message.value("type", "") : "";
  const std::string id = message.is_object() ? message.value("id", "") : "";
  std::string out;
  out += "From: " + header_safe(from) + "\r\n";
  out += "To: " + header_safe(to) + "\r\n";
  out += "Subject: Docket: " + header_safe(type) + "\r\n";
  out += "Message-ID: <" + header_safe(id) + "@docket>\r\n";
  if (message.is_object())
    out += "X-Docket-Occurred-At: " + header_safe(message.value("occurred_at", "")) + "\r\n";
  out += "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n";
  out += header_safe(type) + "\r\n";
  if (message.is_object() && message.contains("data") && message["data"].is_object()) {
    for (const auto& [key, value] : message["data"].items()) {
      out += header_safe(key) + ": " + header_safe(text_of(value)) + "\r\n";
    }
  }
  return out;
}

}  // namespace docket::consumers
