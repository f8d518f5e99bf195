#pragma once
// The one place that maps error kinds to HTTP statuses (STYLE.md, "Errors are values"): every
// domain::errc and every API-level failure. Handlers return errors; they never pick a status.

#include <string_view>

#include "api/problem.hpp"
#include "domain/errors.hpp"

namespace docket::api {

// Failures decided by the HTTP layer rather than the domain. Each value is its API `code`.
enum class api_errc {
  malformed_json,          // 400: the body is not valid UTF-8 JSON, or not a JSON object
  bad_request,             // 400: the HTTP request itself could not be understood
  unauthenticated,         // 401: no, malformed, badly signed, wrongly signed or expired token
  method_not_allowed,      // 405: the path exists, but not for this method
  version_mismatch,        // 412: an If-Match version is not the aggregate's current version
  body_too_large,          // 413: the body is over 64 KiB
  uri_too_long,            // 414: the request target is over the server's limit
  unsupported_media_type,  // 415: a body that is not application/json
  unknown_field,           // 422: a command body names a field the command does not have
  idempotency_key_reused,  // 422: an Idempotency-Key was already used with another body
  internal,                // 500: an unexpected failure; the reply says nothing more
  not_caught_up,           // 503: the read models did not reach Docket-Min-Position in time
  write_conflict,          // 409: another writer appended to the doctor's stream first, twice
  unavailable,             // 503: the event log failed or is closed; nothing was applied
  rebuild_running,         // 409: a read-model rebuild is already running
};

// The API code, e.g. "body_too_large". Pure.
std::string_view to_code(api_errc e) noexcept;

// The HTTP status of a domain error kind / an API failure. Total: every value has one. Pure.
int http_status(domain::errc e) noexcept;
int http_status(api_errc e) noexcept;

// A fixed one-line human summary of the kind (the problem's `title`). Pure.
std::string_view title(domain::errc e) noexcept;
std::string_view title(api_errc e) noexcept;

// The problem reply for a domain error: status from http_status, code, title, the error's detail
// and field; conflicting_appointments carries its ids as "appointments". Pure; thread-safe.
Problem to_problem(const domain::Error& error);

// The problem reply for an API failure with the given detail and field (may be empty). Pure.
Problem make_problem(api_errc e, std::string detail, std::string field = {});
// The same for a domain kind decided in the HTTP layer (e.g. not_found for an unknown route).
Problem make_problem(domain::errc e, std::string detail, std::string field = {});

// The problem for a bare status that cpp-httplib produced on its own (a request line it could
// not parse, a body over its limit, ...): 400 bad_request, 404 not_found, 405
// method_not_allowed, 413 body_too_large, 414 uri_too_long, 415 unsupported_media_type, 503
// not_caught_up is never produced this way; any other 4xx keeps its status with code
// bad_request, any 5xx becomes 500 internal. Pure.
Problem problem_for_status(int status);

}  // namespace docket::api
