#pragma once
// Commands to the doctor aggregate (stream `doctor-<id>`). Each names its actor; the domain
// decides authorization from it (errc::forbidden). Ids of new entities come in the command (the
// service layer creates them) so that `decide` stays deterministic; the domain only checks that
// they are unused. An empty `patient_id` means "the acting patient" and is required from staff.

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "domain/calendar.hpp"
#include "domain/doctor_types.hpp"
#include "domain/time.hpp"

namespace docket::domain {

// ---- doctor (admin; blocks also staff and the doctor itself) -----------------------------------

struct RegisterDoctor {
  Actor actor;
  std::string doctor_id;  // [a-z0-9-]{1,64}
  std::string name;
  std::string specialty;
  std::string timezone;
  std::int64_t consultation_fee = 0;
  ConsultationTypes consultation_types = ConsultationTypes::all();
};

// Any subset of the profile; `active` false deactivates, true reactivates.
struct UpdateProfile {
  Actor actor;
  std::optional<std::string> name;
  std::optional<std::string> specialty;
  std::optional<std::string> timezone;
  std::optional<std::int64_t> consultation_fee;
  std::optional<ConsultationTypes> consultation_types;
  std::optional<bool> active;
};

struct SetSchedule {
  Actor actor;
  std::vector<ScheduleRule> rules;
  std::optional<LocalDate> effective_from;  // default: today in the doctor's zone
};

struct AddBlock {
  Actor actor;
  std::string block_id;
  Instant start;
  Instant end;
  std::string reason;
  BlockKind kind = BlockKind::other;
  bool cancel_conflicting = false;
};

struct RemoveBlock {
  Actor actor;
  std::string block_id;
};

// Any subset of the settings.
struct UpdateSettings {
  Actor actor;
  std::optional<int> min_notice_minutes;
  std::optional<int> max_advance_days;
  std::optional<int> cancellation_deadline_hours;
  std::optional<int> buffer_minutes;
  std::optional<bool> auto_confirm;
  std::optional<int> hold_minutes;
  std::optional<int> max_walk_ins_per_day;
  std::optional<int> waitlist_offer_minutes;
};

// ---- holds and appointments ---------------------------------------------------------------------

struct PlaceHold {
  Actor actor;
  std::string hold_id;
  std::string patient_id;
  Instant start;
  ConsultationType consultation_type = ConsultationType::in_person;
};

struct ReleaseHold {
  Actor actor;
  std::string hold_id;
};

struct BookAppointment {
  Actor actor;
  std::string appointment_id;
  std::string patient_id;
  Instant start;
  ConsultationType consultation_type = ConsultationType::in_person;
  std::string reason_for_visit;  // <= 500 characters
  std::string symptoms;          // <= 1000 characters
  std::string hold_id;           // empty: none named
};

struct CancelAppointment {
  Actor actor;
  std::string appointment_id;
  std::string reason;
};

struct RescheduleAppointment {
  Actor actor;
  std::string appointment_id;
  Instant start;
  std::string reason;
};

struct ConfirmAppointment {
  Actor actor;
  std::string appointment_id;
};

struct RejectAppointment {
  Actor actor;
  std::string appointment_id;
  std::string reason;
};

struct CheckInAppointment {
  Actor actor;
  std::string appointment_id;
};

struct StartAppointment {
  Actor actor;
  std::string appointment_id;
};

struct CompleteAppointment {
  Actor actor;
  std::string appointment_id;
};

struct MarkNoShow {
  Actor actor;
  std::string appointment_id;
};

// ---- walk-ins (staff; the doctor for its own queue) ---------------------------------------------

struct RegisterWalkin {
  Actor actor;
  std::string walkin_id;
  std::string patient_id;
  Urgency urgency = Urgency::routine;
  std::string reason;
};

// Calls the first waiting walk-in of today's (local) queue.
struct CallNextWalkin {
  Actor actor;
};

struct CompleteWalkin {
  Actor actor;
  std::string walkin_id;
};

struct LeaveWalkin {
  Actor actor;
  std::string walkin_id;
};

struct MarkWalkinNoShow {
  Actor actor;
  std::string walkin_id;
};

// ---- waitlist (patient for itself, staff) -------------------------------------------------------

struct JoinWaitlist {
  Actor actor;
  std::string entry_id;
  std::string patient_id;
  LocalDate date;
  int from_minute = 0;   // local minutes, inclusive
  int to_minute = 1440;  // local minutes, exclusive
  ConsultationType consultation_type = ConsultationType::in_person;
  int priority = 0;
};

// Books the offered slot as appointment `appointment_id`.
struct AcceptWaitlistOffer {
  Actor actor;
  std::string entry_id;
  std::string appointment_id;
};

struct LeaveWaitlist {
  Actor actor;
  std::string entry_id;
};

// ---- time-driven (system) -----------------------------------------------------------------------

// Expires every hold and waitlist offer whose deadline is <= now, passing lapsed offers on.
struct ExpireDue {
  Actor actor;
};

using Command =
    std::variant<RegisterDoctor, UpdateProfile, SetSchedule, AddBlock, RemoveBlock, UpdateSettings,
                 PlaceHold, ReleaseHold, BookAppointment, CancelAppointment, RescheduleAppointment,
                 ConfirmAppointment, RejectAppointment, CheckInAppointment, StartAppointment,
                 CompleteAppointment, MarkNoShow, RegisterWalkin, CallNextWalkin, CompleteWalkin,
                 LeaveWalkin, MarkWalkinNoShow, JoinWaitlist, AcceptWaitlistOffer, LeaveWaitlist,
                 ExpireDue>;

}  // namespace docket::domain
