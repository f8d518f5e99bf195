#include "domain/errors.hpp"

namespace docket::domain {

std::string_view to_code(errc e) noexcept {
  switch (e) {
    case errc::forbidden: return "forbidden";
    case errc::not_found: return "not_found";
    case errc::invalid_field: return "invalid_field";
    case errc::out_of_range: return "out_of_range";
    case errc::invalid_id: return "invalid_id";
    case errc::invalid_timezone: return "invalid_timezone";
    case errc::doctor_exists: return "doctor_exists";
    case errc::doctor_not_found: return "doctor_not_found";
    case errc::doctor_inactive: return "doctor_inactive";
    case errc::overlapping_rules: return "overlapping_rules";
    case errc::conflicting_appointments: return "conflicting_appointments";
    case errc::slot_taken: return "slot_taken";
    case errc::slot_blocked: return "slot_blocked";
    case errc::patient_conflict: return "patient_conflict";
    case errc::not_a_slot: return "not_a_slot";
    case errc::in_past: return "in_past";
    case errc::too_soon: return "too_soon";
    case errc::too_far: return "too_far";
    case errc::consultation_type_not_offered: return "consultation_type_not_offered";
    case errc::text_too_long: return "text_too_long";
    case errc::hold_invalid: return "hold_invalid";
    case errc::invalid_transition: return "invalid_transition";
    case errc::deadline_passed: return "deadline_passed";
    case errc::too_early: return "too_early";
    case errc::queue_full: return "queue_full";
    case errc::queue_empty: return "queue_empty";
    case errc::offer_expired: return "offer_expired";
    case errc::range_too_large: return "range_too_large";
  }
  return "unknown";
}

}  // namespace docket::domain
