#pragma once
// Request body checks shared by every command endpoint (API.md, "Conventions"): media type,
// size, UTF-8 and JSON shape. The HTTP server applies them before a handler runs, so a handler
// only ever sees a JSON object.

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string_view>

#include "api/problem.hpp"
#include "domain/result.hpp"

namespace docket::api {

// Bodies above this many bytes are refused with 413 body_too_large.
inline constexpr std::size_t max_body_bytes = 64 * 1024;

// What a route accepts as its body.
enum class BodyRule {
  none,             // no body is read into the handler (GET, DELETE, ...); any body is discarded
  json_object,      // a JSON object is required
  empty_or_object,  // action endpoints: an empty body (any or no Content-Type) or a JSON object
};

// Ok when `content_type` (the header's value, "" when absent) is application/json, in any case,
// with optional parameters; a `charset` parameter, if given, must be utf-8. Otherwise 415
// unsupported_media_type. Pure.
docket::Status<Problem> check_content_type(std::string_view content_type);

// Ok when `bytes` <= max_body_bytes, else 413 body_too_large. Pure.
docket::Status<Problem> check_body_size(std::size_t bytes);

// Applies `rule` (never BodyRule::none) to a complete body: an empty body under empty_or_object
// gives an empty object whatever the Content-Type; otherwise, in this order, 415 for the media
// type, 413 for the size, 400 malformed_json for invalid UTF-8, malformed JSON or a JSON value
// that is not an object. Returns the parsed object. Pure; thread-safe.
docket::Result<nlohmann::json, Problem> parse_body(std::string_view content_type,
                                                   std::string_view body, BodyRule rule);

}  // namespace docket::api
