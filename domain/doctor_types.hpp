#pragma once
// Value types shared by the doctor aggregate's commands, events and state: who acts, the
// doctor's profile and settings, and the statuses of appointments, walk-ins and waitlist entries.
// All are plain values; nothing here reads the clock or does I/O.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/calendar.hpp"
#include "domain/time.hpp"

namespace docket::domain {

// The role claim of the caller. `system` is the write side's scheduler (time-driven commands).
enum class Role : std::uint8_t { patient, doctor, receptionist, admin, system };

std::string_view to_string(Role r) noexcept;
std::optional<Role> parse_role(std::string_view text) noexcept;

// Who issues a command: the token's `sub` and `role`. A doctor's sub is its doctor id, a
// patient's sub its patient id.
struct Actor {
  std::string sub;
  Role role = Role::patient;
  bool is_staff() const { return role == Role::receptionist || role == Role::admin; }
  bool operator==(const Actor&) const = default;
};

// A patient's free text. Kept apart from every other field of an event so that it can be
// encrypted per patient (and shredded) without changing event shapes. Empty means absent.
struct Personal {
  std::string reason_for_visit;  // booking: why the patient comes
  std::string symptoms;          // booking: what the patient reports
  std::string notes;             // walk-in: the reason or notes given at the desk
  std::string reason;            // cancel / reschedule / reject: the reason given
  bool empty() const {
    return reason_for_visit.empty() && symptoms.empty() && notes.empty() && reason.empty();
  }
  bool operator==(const Personal&) const = default;
};

// Per-doctor booking settings; defaults and ranges are API.md's.
struct Settings {
  int min_notice_minutes = 0;            // 0..10080
  int max_advance_days = 90;             // 1..1825
  int cancellation_deadline_hours = 24;  // 0..168, binds patients only
  int buffer_minutes = 0;                // 0..120, gap after each slot
  bool auto_confirm = true;              // bookings start confirmed (else pending)
  int hold_minutes = 5;                  // 1..60
  int max_walk_ins_per_day = 20;         // 0..500
  int waitlist_offer_minutes = 30;       // 1..1440
  bool operator==(const Settings&) const = default;
};

// The doctor's public profile.
struct Profile {
  std::string name;
  std::string specialty;
  std::string timezone;           // IANA name, e.g. "Europe/Berlin"
  std::int64_t consultation_fee;  // minor units (cents)
  ConsultationTypes consultation_types;
  bool active = true;
  bool operator==(const Profile&) const = default;
};

enum class AppointmentStatus : std::uint8_t {
  pending,
  confirmed,
  checked_in,
  in_progress,
  completed,
  cancelled,
  rejected,
  no_show,
};
std::string_view to_string(AppointmentStatus s) noexcept;
std::optional<AppointmentStatus> parse_appointment_status(std::string_view text) noexcept;
// Pending, confirmed, checked in or in progress: still ahead or under way.
constexpr bool is_live(AppointmentStatus s) {
  return s == AppointmentStatus::pending || s == AppointmentStatus::confirmed ||
         s == AppointmentStatus::checked_in || s == AppointmentStatus::in_progress;
}
// Whether the appointment occupies a unit of its slot's capacity (live or completed).
constexpr bool takes_capacity(AppointmentStatus s) {
  return is_live(s) || s == AppointmentStatus::completed;
}

enum class BlockKind : std::uint8_t { leave, holiday, emergency, other };
std::string_view to_string(BlockKind k) noexcept;
std::optional<BlockKind> parse_block_kind(std::string_view text) noexcept;

// Ordered by severity: a higher value is served first.
enum class Urgency : std::uint8_t { routine = 0, urgent = 1, emergency = 2 };
std::string_view to_string(Urgency u) noexcept;
std::optional<Urgency> parse_urgency(std::string_view text) noexcept;

enum class WalkinStatus : std::uint8_t { waiting, called, completed, left, no_show };
std::string_view to_string(WalkinStatus s) noexcept;
std::optional<WalkinStatus> parse_walkin_status(std::string_view text) noexcept;

enum class WaitlistStatus : std::uint8_t { waiting, offered, booked, expired, left };
std::string_view to_string(WaitlistStatus s) noexcept;
std::optional<WaitlistStatus> parse_waitlist_status(std::string_view text) noexcept;

// "APT-20270301-0007": the local date of the start and a sequence per doctor and date.
std::string format_appointment_number(LocalDate day, int sequence);
// "Q007": a sequence per doctor and local date.
std::string format_queue_number(int sequence);

}  // namespace docket::domain
