#include "api/error_map.hpp"

#include <utility>

namespace docket::api {

std::string_view to_code(api_errc e) noexcept {
  switch (e) {
    case api_errc::malformed_json:
      return "malformed_json";
    case api_errc::bad_request:
      return "bad_request";
    case api_errc::unauthenticated:
      return "unauthenticated";
    case api_errc::method_not_allowed:
      return "method_not_allowed";
    case api_errc::version_mismatch:
      return "version_mismatch";
    case api_errc::body_too_large:
      return "body_too_large";
    case api_errc::uri_too_long:
      return "uri_too_long";
    case api_errc::unsupported_media_type:
      return "unsupported_media_type";
    case api_errc::unknown_field:
      return "unknown_field";
    case api_errc::idempotency_key_reused:
      return "idempotency_key_reused";
    case api_errc::internal:
      return "internal";
    case api_errc::not_caught_up:
      return "not_caught_up";
    case api_errc::write_conflict:
      return "write_conflict";
    case api_errc::unavailable:
      return "unavailable";
    case api_errc::rebuild_running:
      return "rebuild_running";
  }
  return "internal";
}

// No default branches: -Wswitch (an error under DOCKET_WERROR) flags a new kind without a status.
int http_status(domain::errc e) noexcept {
  using domain::errc;
  switch (e) {
    case errc::forbidden:
      return 403;
    case errc::not_found:
    case errc::doctor_not_found:
    case errc::queue_empty:
      return 404;
    case errc::slot_taken:
    case errc::slot_blocked:
    case errc::doctor_inactive:
    case errc::patient_conflict:
    case errc::doctor_exists:
    case errc::conflicting_appointments:
    case errc::invalid_transition:
    case errc::deadline_passed:
    case errc::too_early:
    case errc::queue_full:
    case errc::offer_expired:
      return 409;
    case errc::not_a_slot:
    case errc::in_past:
    case errc::too_soon:
    case errc::too_far:
    case errc::consultation_type_not_offered:
    case errc::text_too_long:
    case errc::hold_invalid:
    case errc::invalid_timezone:
    case errc::invalid_id:
    case errc::overlapping_rules:
    case errc::invalid_field:
    case errc::out_of_range:
    case errc::range_too_large:
      return 422;
  }
  return 500;
}

int http_status(api_errc e) noexcept {
  switch (e) {
    case api_errc::malformed_json:
    case api_errc::bad_request:
      return 400;
    case api_errc::unauthenticated:
      return 401;
    case api_errc::method_not_allowed:
      return 405;
    case api_errc::version_mismatch:
      return 412;
    case api_errc::body_too_large:
      return 413;
    case api_errc::uri_too_long:
      return 414;
    case api_errc::unsupported_media_type:
      return 415;
    case api_errc::unknown_field:
    case api_errc::idempotency_key_reused:
      return 422;
    case api_errc::internal:
      return 500;
    case api_errc::not_caught_up:
    case api_errc::unavailable:
      return 503;
    case api_errc::write_conflict:
    case api_errc::rebuild_running:
      return 409;
  }
  return 500;
}

std::string_view title(domain::errc e) noexcept {
  using domain::errc;
  switch (e) {
    case errc::forbidden:
      return "Not allowed for this caller";
    case errc::not_found:
      return "Not found";
    case errc::invalid_field:
      return "Invalid field";
    case errc::out_of_range:
      return "Value out of range";
    case errc::invalid_id:
      return "Invalid id";
    case errc::invalid_timezone:
      return "Unknown time zone";
    case errc::doctor_exists:
      return "Doctor already exists";
    case errc::doctor_not_found:
      return "Doctor not found";
    case errc::doctor_inactive:
      return "Doctor is inactive";
    case errc::overlapping_rules:
      return "Schedule rules overlap";
    case errc::conflicting_appointments:
      return "Appointments in the way";
    case errc::slot_taken:
      return "Slot taken";
    case errc::slot_blocked:
      return "Slot blocked";
    case errc::patient_conflict:
      return "Patient already booked at that time";
    case errc::not_a_slot:
      return "Not a slot";
    case errc::in_past:
      return "In the past";
    case errc::too_soon:
      return "Too soon";
    case errc::too_far:
      return "Too far ahead";
    case errc::consultation_type_not_offered:
      return "Consultation type not offered";
    case errc::text_too_long:
      return "Text too long";
    case errc::hold_invalid:
      return "Hold invalid";
    case errc::invalid_transition:
      return "Invalid transition";
    case errc::deadline_passed:
      return "Deadline passed";
    case errc::too_early:
      return "Too early";
    case errc::queue_full:
      return "Queue full";
    case errc::queue_empty:
      return "Queue empty";
    case errc::offer_expired:
      return "Offer expired";
    case errc::range_too_large:
      return "Range too large";
  }
  return "Error";
}

std::string_view title(api_errc e) noexcept {
  switch (e) {
    case api_errc::malformed_json:
      return "Malformed JSON";
    case api_errc::bad_request:
      return "Bad request";
    case api_errc::unauthenticated:
      return "Unauthenticated";
    case api_errc::method_not_allowed:
      return "Method not allowed";
    case api_errc::version_mismatch:
      return "Version mismatch";
    case api_errc::body_too_large:
      return "Body too large";
    case api_errc::uri_too_long:
      return "URI too long";
    case api_errc::unsupported_media_type:
      return "Unsupported media type";
    case api_errc::unknown_field:
      return "Unknown field";
    case api_errc::idempotency_key_reused:
      return "Idempotency key reused";
    case api_errc::internal:
      return "Internal error";
    case api_errc::not_caught_up:
      return "Not caught up";
    case api_errc::write_conflict:
      return "Concurrent write";
    case api_errc::unavailable:
      return "Service unavailable";
    case api_errc::rebuild_running:
      return "Rebuild already running";
  }
  return "Error";
}

Problem to_problem(const domain::Error& error) {
  Problem p = make_problem(error.code, error.detail, error.field);
  if (error.code == domain::errc::conflicting_appointments) {
    p.extra = nlohmann::json{{"appointments", error.ids}};
  }
  return p;
}

Problem make_problem(api_errc e, std::string detail, std::string field) {
  return Problem{http_status(e),    std::string(to_code(e)), std::string(title(e)),
                 std::move(detail), std::move(field),        nullptr};
}

Problem make_problem(domain::errc e, std::string detail, std::string field) {
  return Problem{http_status(e),        std::string(domain::to_code(e)),
                 std::string(title(e)), std::move(detail),
                 std::move(field),      nullptr};
}

Problem problem_for_status(int status) {
  switch (status) {
    case 400:
      return make_problem(api_errc::bad_request, "The request could not be parsed.");
    case 404:
      return make_problem(domain::errc::not_found, "No such resource.");
    case 405:
      return make_problem(api_errc::method_not_allowed, "Method not allowed here.");
    case 413:
      return make_problem(api_errc::body_too_large, "The body is over 64 KiB.");
    case 414:
      return make_problem(api_errc::uri_too_long, "The request target is too long.");
    case 415:
      return make_problem(api_errc::unsupported_media_type, "The body must be application/json.");
    default:
      break;
  }
  if (status >= 400 && status < 500) {
    Problem p = make_problem(api_errc::bad_request, "The request could not be served.");
    p.status = status;
    return p;
  }
  return make_problem(api_errc::internal, "Internal error.");
}

}  // namespace docket::api
