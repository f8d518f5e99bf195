#pragma once
// Domain errors. Each value is the API's `code` (API.md) for a rule the domain decides; the HTTP
// layer maps kinds to statuses in one place and never invents codes for domain outcomes.

#include <string>
#include <string_view>
#include <vector>

#include "domain/result.hpp"

namespace docket::domain {

enum class errc {
  forbidden,                      // the actor's role or ownership does not allow the command
  not_found,                      // the named appointment, hold, walk-in, waitlist entry or block is unknown
  invalid_field,                  // a field has the wrong shape (bad time of day, empty list, ...)
  out_of_range,                   // a value is outside its documented range
  invalid_id,                     // a doctor id does not match [a-z0-9-]{1,64}
  invalid_timezone,               // the time zone is not an IANA zone known to the tz database
  doctor_exists,                  // the doctor was already registered
  doctor_not_found,               // the doctor was never registered
  doctor_inactive,                // the doctor is deactivated and takes no bookings
  overlapping_rules,              // two schedule rules of one doctor cover the same weekday and time
  conflicting_appointments,       // a block would cover live appointments (ids in Error::ids)
  slot_taken,                     // no capacity is left in the slot
  slot_blocked,                   // the slot lies in a blocked period
  patient_conflict,               // the patient already has a live appointment overlapping it here
  not_a_slot,                     // the start is outside the schedule or off the slot grid
  in_past,                        // the slot starts before now
  too_soon,                       // the slot starts within min_notice_minutes of now
  too_far,                        // the slot starts more than max_advance_days after now
  consultation_type_not_offered,  // the slot (or the doctor) does not offer that consultation type
  text_too_long,                  // a free-text field is longer than its limit in characters
  hold_invalid,                   // the named hold is unknown, expired, another patient's or another slot's
  invalid_transition,             // the appointment / walk-in / waitlist entry is in a state that forbids it
  deadline_passed,                // a patient's cancellation deadline has passed
  too_early,                      // check-in/start before 2 h ahead, or no-show before the start
  queue_full,                     // max_walk_ins_per_day reached for that local day
  queue_empty,                    // no walk-in is waiting
  offer_expired,                  // the waitlist offer has lapsed
  range_too_large,                // a date range is longer than allowed
};

// The API code string for an error kind, e.g. "slot_taken".
std::string_view to_code(errc e) noexcept;

struct Error {
  errc code;
  std::string detail;            // human-readable; never contains patient free text
  std::string field;             // the request field at fault, empty when none is
  std::vector<std::string> ids;  // related ids (the appointments of conflicting_appointments)
};

inline Failure<Error> error(errc code, std::string detail, std::string field = {}) {
  return {Error{code, std::move(detail), std::move(field), {}}};
}

template <class T>
using Result = docket::Result<T, Error>;

}  // namespace docket::domain
