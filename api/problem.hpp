#pragma once
// An RFC 9457 problem: the one shape every Docket error reply has (API.md, "Conventions").

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace docket::api {

// The media type of every error reply.
inline constexpr std::string_view problem_content_type = "application/problem+json";

struct Problem {
  int status = 500;                // the HTTP status; chosen by error_map, never by a handler
  std::string code;                // the API code, e.g. "slot_taken"
  std::string title;               // a short, fixed human summary of `code`
  std::string detail;              // this occurrence; never contains patient free text or secrets
  std::string field;               // the request field at fault; empty when no single field is
  nlohmann::json extra = nullptr;  // an object of additional members (e.g. "appointments"), or null
};

// The JSON form: {"type", "title", "status", "code", "detail"} plus "field" only when set, plus
// every member of `extra` whose name is not one of those (the fixed members always win).
// `type` is "urn:docket:problem:<code>", stable per code. Pure; thread-safe.
nlohmann::json to_json(const Problem& problem);

// to_json(problem) serialised compactly, ready to be sent. Pure; thread-safe.
std::string to_body(const Problem& problem);

}  // namespace docket::api
