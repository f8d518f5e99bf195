#include "api/body.hpp"

#include <algorithm>
#include <cctype>
#include <string>

#include "api/error_map.hpp"
#include "api/utf8.hpp"

namespace docket::api {
namespace {

std::string_view trim(std::string_view s) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t'; };
  while (!s.empty() && is_space(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && is_space(s.back()))
    s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view unquote(std::string_view s) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') return s.substr(1, s.size() - 2);
  return s;
}

Problem unsupported(std::string_view content_type) {
  return make_problem(api_errc::unsupported_media_type,
                      content_type.empty() ? "Content-Type application/json is required."
                                           : "Only application/json (UTF-8) is accepted.");
}

}  // namespace

docket::Status<Problem> check_content_type(std::string_view content_type) {
  const auto semicolon = content_type.find(';');
  if (!iequals(trim(content_type.substr(0, semicolon)), "application/json")) {
    return fail(unsupported(content_type));
  }
  std::string_view params =
      semicolon == std::string_view::npos ? std::string_view{} : content_type.substr(semicolon + 1);
  while (!params.empty()) {
    const auto end = params.find(';');
    const std::string_view param = trim(params.substr(0, end));
    params = end == std::string_view::npos ? std::string_view{} : params.substr(end + 1);
    const auto eq = param.find('=');
    if (eq == std::string_view::npos || !iequals(trim(param.substr(0, eq)), "charset")) continue;
    const std::string_view charset = unquote(trim(param.substr(eq + 1)));
    if (!iequals(charset, "utf-8") && !iequals(charset, "utf8")) {
      return fail(unsupported(content_type));
    }
  }
  return docket::unit;
}

docket::Status<Problem> check_body_size(std::size_t bytes) {
  if (bytes > max_body_bytes) {
    return fail(make_problem(api_errc::body_too_large, "The body is over 64 KiB."));
  }
  return docket::unit;
}

docket::Result<nlohmann::json, Problem> parse_body(std::string_view content_type,
                                                   std::string_view body, BodyRule rule) {
  if (rule == BodyRule::empty_or_object && body.empty()) return nlohmann::json::object();
  if (auto ok = check_content_type(content_type); !ok) return fail(ok.error());
  if (auto ok = check_body_size(body.size()); !ok) return fail(ok.error());
  if (!is_valid_utf8(body)) {
    return fail(make_problem(api_errc::malformed_json, "The body is not valid UTF-8."));
  }
  nlohmann::json parsed = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    return fail(make_problem(api_errc::malformed_json, "The body is not valid JSON."));
  }
  if (!parsed.is_object()) {
    return fail(make_problem(api_errc::malformed_json, "The body must be a JSON object."));
  }
  return parsed;
}

}  // namespace docket::api
