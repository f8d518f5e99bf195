#pragma once
// The doctor aggregate's event catalog.
//
// THESE STRUCTS ARE STORAGE FORMATS. Every event ever appended stays in the log forever and is
// read back through these types. Never change the meaning, name or type of a field of an existing
// event: add a new version (`...v2`) as a new struct, keep decoding the old one, and register an
// upcaster from the old type name to the new version (event_json.hpp). Adding an event type means
// adding it to `Event`, to the JSON codec and to the round-trip test.
//
// Conventions: each event names its stable type in `type` (`docket.<entity>.<verb>.v1`), records
// the acting user and role in `actor`, keeps the patient's free text only in `personal`, and
// carries old and new values where something is changed. Empty strings mean "absent".

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "domain/calendar.hpp"
#include "domain/doctor_types.hpp"
#include "domain/time.hpp"

namespace docket::domain {

// ---- doctor -------------------------------------------------------------------------------------

struct DoctorRegistered {
  static constexpr std::string_view type = "docket.doctor.registered.v1";
  Actor actor;
  std::string doctor_id;
  Profile profile;
  Settings settings;
  bool operator==(const DoctorRegistered&) const = default;
};

// Profile fields changed, including deactivation (`active` false) and reactivation.
struct DoctorProfileUpdated {
  static constexpr std::string_view type = "docket.doctor.profile_updated.v1";
  Actor actor;
  Profile old_profile;
  Profile new_profile;
  bool operator==(const DoctorProfileUpdated&) const = default;
};

// A rule set replacing the rules for local dates on or after `effective_from`. `old_rules` /
// `old_effective_from` are the set that was in force on `effective_from` before (empty rules and
// `had_old` false when none was).
struct DoctorScheduleSet {
  static constexpr std::string_view type = "docket.doctor.schedule_set.v1";
  Actor actor;
  LocalDate effective_from;
  std::vector<ScheduleRule> rules;
  bool had_old = false;
  LocalDate old_effective_from;
  std::vector<ScheduleRule> old_rules;
  bool operator==(const DoctorScheduleSet&) const = default;
};

struct DoctorSettingsChanged {
  static constexpr std::string_view type = "docket.doctor.settings_changed.v1";
  Actor actor;
  Settings old_settings;
  Settings new_settings;
  bool operator==(const DoctorSettingsChanged&) const = default;
};

struct DoctorBlockAdded {
  static constexpr std::string_view type = "docket.doctor.block_added.v1";
  Actor actor;
  std::string block_id;
  Instant start;
  Instant end;
  std::string reason;  // the clinic's reason (not patient data)
  BlockKind kind = BlockKind::other;
  bool operator==(const DoctorBlockAdded&) const = default;
};

struct DoctorBlockRemoved {
  static constexpr std::string_view type = "docket.doctor.block_removed.v1";
  Actor actor;
  std::string block_id;
  Instant start;  // the removed period, for the audit
  Instant end;
  bool operator==(const DoctorBlockRemoved&) const = default;
};

// ---- holds --------------------------------------------------------------------------------------

struct HoldPlaced {
  static constexpr std::string_view type = "docket.hold.placed.v1";
  Actor actor;
  std::string hold_id;
  std::string patient_id;
  Instant start;
  Instant end;
  ConsultationType consultation_type = ConsultationType::in_person;
  Instant expires_at;
  bool operator==(const HoldPlaced&) const = default;
};

struct HoldReleased {
  static constexpr std::string_view type = "docket.hold.released.v1";
  Actor actor;
  std::string hold_id;
  std::string patient_id;
  Instant start;
  bool operator==(const HoldReleased&) const = default;
};

// Issued by the scheduler (`system`) once `expires_at` is reached.
struct HoldExpired {
  static constexpr std::string_view type = "docket.hold.expired.v1";
  Actor actor;
  std::string hold_id;
  std::string patient_id;
  Instant start;
  Instant expired_at;  // the hold's expires_at
  bool operator==(const HoldExpired&) const = default;
};

// ---- appointments -------------------------------------------------------------------------------

// A booking. `hold_id` names the hold it consumed (empty when none); the hold ends with it.
struct AppointmentBooked {
  static constexpr std::string_view type = "docket.appointment.booked.v1";
  Actor actor;
  std::string appointment_id;
  std::string number;  // APT-YYYYMMDD-NNNN
  std::string patient_id;
  Instant start;
  Instant end;
  ConsultationType consultation_type = ConsultationType::in_person;
  std::int64_t fee = 0;  // minor units, from the profile at booking time
  AppointmentStatus status = AppointmentStatus::confirmed;
  std::string hold_id;
  std::string waitlist_entry_id;  // set when the booking accepts a waitlist offer
  Personal personal;              // reason_for_visit, symptoms
  bool operator==(const AppointmentBooked&) const = default;
};

struct AppointmentConfirmed {
  static constexpr std::string_view type = "docket.appointment.confirmed.v1";
  Actor actor;
  std::string appointment_id;
  bool operator==(const AppointmentConfirmed&) const = default;
};

struct AppointmentRejected {
  static constexpr std::string_view type = "docket.appointment.rejected.v1";
  Actor actor;
  std::string appointment_id;
  Personal personal;  // reason
  bool operator==(const AppointmentRejected&) const = default;
};

// `block_id` is set when a block with cancel_conflicting cancelled it (reason = block's reason).
struct AppointmentCancelled {
  static constexpr std::string_view type = "docket.appointment.cancelled.v1";
  Actor actor;
  std::string appointment_id;
  std::string patient_id;
  Instant start;
  AppointmentStatus old_status = AppointmentStatus::confirmed;
  std::string block_id;
  Personal personal;  // reason
  bool operator==(const AppointmentCancelled&) const = default;
};

// One decision: the old slot freed and the new one taken. `hold_id`: a hold of the patient on
// the new slot that the move consumed (empty when none).
struct AppointmentRescheduled {
  static constexpr std::string_view type = "docket.appointment.rescheduled.v1";
  Actor actor;
  std::string appointment_id;
  std::string patient_id;
  Instant old_start;
  Instant old_end;
  Instant new_start;
  Instant new_end;
  AppointmentStatus old_status = AppointmentStatus::confirmed;
  AppointmentStatus new_status = AppointmentStatus::confirmed;
  std::string hold_id;
  Personal personal;  // reason
  bool operator==(const AppointmentRescheduled&) const = default;
};

struct AppointmentCheckedIn {
  static constexpr std::string_view type = "docket.appointment.checked_in.v1";
  Actor actor;
  std::string appointment_id;
  bool operator==(const AppointmentCheckedIn&) const = default;
};

struct AppointmentStarted {
  static constexpr std::string_view type = "docket.appointment.started.v1";
  Actor actor;
  std::string appointment_id;
  bool operator==(const AppointmentStarted&) const = default;
};

struct AppointmentCompleted {
  static constexpr std::string_view type = "docket.appointment.completed.v1";
  Actor actor;
  std::string appointment_id;
  bool operator==(const AppointmentCompleted&) const = default;
};

struct AppointmentNoShow {
  static constexpr std::string_view type = "docket.appointment.no_show.v1";
  Actor actor;
  std::string appointment_id;
  AppointmentStatus old_status = AppointmentStatus::confirmed;
  bool operator==(const AppointmentNoShow&) const = default;
};

// ---- walk-ins -----------------------------------------------------------------------------------

struct WalkinRegistered {
  static constexpr std::string_view type = "docket.walkin.registered.v1";
  Actor actor;
  std::string walkin_id;
  std::string patient_id;
  Urgency urgency = Urgency::routine;
  LocalDate date;  // the doctor's local date of arrival
  int sequence = 0;
  std::string queue_number;  // Q001 ...
  Instant arrived_at;
  Personal personal;  // notes (the reason given at the desk)
  bool operator==(const WalkinRegistered&) const = default;
};

struct WalkinCalled {
  static constexpr std::string_view type = "docket.walkin.called.v1";
  Actor actor;
  std::string walkin_id;
  bool operator==(const WalkinCalled&) const = default;
};

struct WalkinCompleted {
  static constexpr std::string_view type = "docket.walkin.completed.v1";
  Actor actor;
  std::string walkin_id;
  bool operator==(const WalkinCompleted&) const = default;
};

struct WalkinLeft {
  static constexpr std::string_view type = "docket.walkin.left.v1";
  Actor actor;
  std::string walkin_id;
  WalkinStatus old_status = WalkinStatus::waiting;
  bool operator==(const WalkinLeft&) const = default;
};

struct WalkinNoShow {
  static constexpr std::string_view type = "docket.walkin.no_show.v1";
  Actor actor;
  std::string walkin_id;
  WalkinStatus old_status = WalkinStatus::waiting;
  bool operator==(const WalkinNoShow&) const = default;
};

// ---- waitlist -----------------------------------------------------------------------------------

struct WaitlistJoined {
  static constexpr std::string_view type = "docket.waitlist.joined.v1";
  Actor actor;
  std::string entry_id;
  std::string patient_id;
  LocalDate date;
  int from_minute = 0;   // local, inclusive
  int to_minute = 1440;  // local, exclusive
  ConsultationType consultation_type = ConsultationType::in_person;
  int priority = 0;
  bool operator==(const WaitlistJoined&) const = default;
};

// A freed slot reserved for the entry's patient until `expires_at` (takes capacity like a hold).
struct WaitlistOffered {
  static constexpr std::string_view type = "docket.waitlist.offered.v1";
  Actor actor;  // whoever's command freed the slot
  std::string entry_id;
  std::string patient_id;
  Instant start;
  Instant end;
  Instant expires_at;
  bool operator==(const WaitlistOffered&) const = default;
};

struct WaitlistOfferExpired {
  static constexpr std::string_view type = "docket.waitlist.offer_expired.v1";
  Actor actor;
  std::string entry_id;
  std::string patient_id;
  Instant start;
  bool operator==(const WaitlistOfferExpired&) const = default;
};

// The offer was accepted; the AppointmentBooked that follows in the same decision books it.
struct WaitlistAccepted {
  static constexpr std::string_view type = "docket.waitlist.accepted.v1";
  Actor actor;
  std::string entry_id;
  std::string patient_id;
  std::string appointment_id;
  bool operator==(const WaitlistAccepted&) const = default;
};

struct WaitlistLeft {
  static constexpr std::string_view type = "docket.waitlist.left.v1";
  Actor actor;
  std::string entry_id;
  std::string patient_id;
  WaitlistStatus old_status = WaitlistStatus::waiting;
  bool operator==(const WaitlistLeft&) const = default;
};

using Event =
    std::variant<DoctorRegistered, DoctorProfileUpdated, DoctorScheduleSet, DoctorSettingsChanged,
                 DoctorBlockAdded, DoctorBlockRemoved, HoldPlaced, HoldReleased, HoldExpired,
                 AppointmentBooked, AppointmentConfirmed, AppointmentRejected, AppointmentCancelled,
                 AppointmentRescheduled, AppointmentCheckedIn, AppointmentStarted,
                 AppointmentCompleted, AppointmentNoShow, WalkinRegistered, WalkinCalled,
                 WalkinCompleted, WalkinLeft, WalkinNoShow, WaitlistJoined, WaitlistOffered,
                 WaitlistOfferExpired, WaitlistAccepted, WaitlistLeft>;

// The stable type name of an event, e.g. "docket.appointment.booked.v1".
inline std::string_view event_type(const Event& e) {
  return std::visit([](const auto& x) { return std::decay_t<decltype(x)>::type; }, e);
}

// The acting user recorded in an event.
inline const Actor& event_actor(const Event& e) {
  return std::visit([](const auto& x) -> const Actor& { return x.actor; }, e);
}

}  // namespace docket::domain
