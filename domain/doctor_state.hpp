#pragma once
// The doctor aggregate's state: what `decide` needs to enforce every rule, with indexes that keep
// a booking O(1) on average however many appointments the doctor has. It is changed only by
// `apply` (evolve), which holds no rules and never fails. A value type; not thread-safe for
// concurrent mutation (one writer per doctor), safe for concurrent const reads.
//
// Patients' free text is not kept here: the aggregate needs none of it to decide.

#include <date/tz.h>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "domain/calendar.hpp"
#include "domain/doctor_types.hpp"
#include "domain/events.hpp"
#include "domain/time.hpp"

namespace docket::domain {

struct Appointment {
  std::string id;
  std::string number;
  std::string patient_id;
  Instant start;
  Instant end;
  ConsultationType consultation_type = ConsultationType::in_person;
  std::int64_t fee = 0;
  AppointmentStatus status = AppointmentStatus::confirmed;
  bool operator==(const Appointment&) const = default;
};

struct Hold {
  std::string id;
  std::string patient_id;
  Instant start;
  Instant end;
  ConsultationType consultation_type = ConsultationType::in_person;
  Instant expires_at;
  bool operator==(const Hold&) const = default;
};

struct Block {
  std::string id;
  Instant start;
  Instant end;
  std::string reason;
  BlockKind kind = BlockKind::other;
  bool removed = false;
  bool operator==(const Block&) const = default;
};

struct Walkin {
  std::string id;
  std::string patient_id;
  Urgency urgency = Urgency::routine;
  LocalDate date;
  int sequence = 0;
  std::string queue_number;
  Instant arrived_at;
  WalkinStatus status = WalkinStatus::waiting;
  std::uint64_t arrival = 0;  // order of registration within the stream
  bool operator==(const Walkin&) const = default;
};

struct WaitlistOffer {
  Instant start;
  Instant end;
  Instant expires_at;
  bool operator==(const WaitlistOffer&) const = default;
};

struct WaitlistEntry {
  std::string id;
  std::string patient_id;
  LocalDate date;
  int from_minute = 0;
  int to_minute = 1440;
  ConsultationType consultation_type = ConsultationType::in_person;
  int priority = 0;
  std::uint64_t joined = 0;  // order of joining within the stream
  WaitlistStatus status = WaitlistStatus::waiting;
  std::optional<WaitlistOffer> offer;  // set while offered
  std::string appointment_id;          // set once booked
  bool operator==(const WaitlistEntry&) const = default;
};

// How much of one slot (by start instant) is taken, and by what.
struct SlotUse {
  int booked = 0;                   // appointments that take capacity
  std::vector<std::string> holds;   // ids of holds on this slot
  std::vector<std::string> offers;  // ids of waitlist entries with an offer on this slot
  int taken() const { return booked + static_cast<int>(holds.size() + offers.size()); }
  bool operator==(const SlotUse&) const = default;
};

struct Applier;

class DoctorState {
 public:
  // Whether DoctorRegistered has been applied.
  bool registered() const { return registered_; }
  const std::string& id() const { return id_; }
  const Profile& profile() const { return profile_; }
  // The doctor's zone; nullptr before registration (or for a zone the tz database lost).
  const date::time_zone* zone() const { return zone_; }
  const Settings& settings() const { return settings_; }
  const Schedule& schedule() const { return schedule_; }
  // Number of events applied: the stream version.
  std::uint64_t version() const { return version_; }

  // Blocks by id, removed ones included (flagged).
  const std::unordered_map<std::string, Block>& blocks() const { return blocks_; }
  // Every appointment ever booked, by id.
  const std::unordered_map<std::string, Appointment>& appointments() const { return appointments_; }
  const Appointment* find_appointment(std::string_view id) const;
  // Holds not yet consumed, released or expired by an event (they may be past expires_at).
  const std::unordered_map<std::string, Hold>& holds() const { return holds_; }
  const Hold* find_hold(std::string_view id) const;
  // Whether the id was ever used for a hold (live or ended).
  bool hold_id_used(std::string_view id) const;
  const std::unordered_map<std::string, Walkin>& walkins() const { return walkins_; }
  const std::unordered_map<std::string, WaitlistEntry>& waitlist() const { return waitlist_; }

  // The use of the slot starting at `start`; nullptr when nothing was ever recorded for it.
  const SlotUse* slot_use(Instant start) const;
  // Units of the slot starting at `start` counted as taken by events (appointments that take
  // capacity, holds and offers not yet ended by an event).
  int taken(Instant start) const;
  // Ids of the patient's live appointments (pending, confirmed, checked in, in progress).
  const std::vector<std::string>& live_appointments_of(std::string_view patient_id) const;
  // The [start, end) of the same appointments, in the same order (conflict checks need no lookup).
  const std::vector<std::pair<Instant, Instant>>& live_spans_of(std::string_view patient_id) const;
  // Ids of the patient's holds not yet ended by an event.
  const std::vector<std::string>& holds_of(std::string_view patient_id) const;
  // Waiting entries (status waiting) for a local date, in offer order: priority desc, then join.
  std::vector<const WaitlistEntry*> waiting_on(LocalDate date) const;
  // Dates that have waiting entries.
  std::vector<LocalDate> waiting_dates() const;

  // Appointment numbers given so far on a local date (the last sequence used).
  int appointment_sequence(LocalDate date) const;
  // Walk-ins registered so far on a local date.
  int walkins_registered(LocalDate date) const;
  // Waiting walk-ins of a local date in service order: emergency, urgent, routine, then arrival.
  std::vector<const Walkin*> queue_on(LocalDate date) const;

  // Pending deadlines: (instant, hold id or waitlist entry id), earliest first.
  const std::set<std::pair<Instant, std::string>>& deadlines() const { return deadlines_; }

  bool operator==(const DoctorState&) const = default;

 private:
  friend struct Applier;
  friend void apply(DoctorState& state, const Event& event);

  bool registered_ = false;
  std::string id_;
  Profile profile_{};
  const date::time_zone* zone_ = nullptr;
  Settings settings_{};
  Schedule schedule_{};
  std::uint64_t version_ = 0;
  std::uint64_t counter_ = 0;  // arrival / join order

  std::unordered_map<std::string, Block> blocks_;
  std::unordered_map<std::string, Appointment> appointments_;
  std::unordered_map<std::string, Hold> holds_;
  std::unordered_set<std::string> ended_holds_;
  std::unordered_map<std::string, Walkin> walkins_;
  std::unordered_map<std::string, WaitlistEntry> waitlist_;

  std::unordered_map<std::int64_t, SlotUse> slot_use_;  // key: start, seconds since epoch
  struct PatientLive {
    std::vector<std::string> ids;
    std::vector<std::pair<Instant, Instant>> spans;  // parallel to ids
    bool operator==(const PatientLive&) const = default;
  };
  std::unordered_map<std::string, PatientLive> live_by_patient_;
  std::unordered_map<std::string, std::vector<std::string>> holds_by_patient_;
  std::map<LocalDate, std::vector<std::string>> waiting_by_date_;
  std::map<LocalDate, int> appointment_sequence_;
  std::map<LocalDate, int> walkin_count_;
  std::map<LocalDate, std::vector<std::string>> walkins_by_date_;
  std::set<std::pair<Instant, std::string>> deadlines_;
};

// The state of a stream with no events.
DoctorState initial_state();

// Evolve in place: applies one event. Never fails and decides nothing; an event that does not fit
// the state (which `decide` never produces) is applied as far as it makes sense.
void apply(DoctorState& state, const Event& event);
// Event is a std::variant, so an unqualified `apply(state, event)` also finds std::apply by ADL;
// these exact matches keep the call on the overload above for non-const events too.
inline void apply(DoctorState& state, Event& event) {
  apply(state, static_cast<const Event&>(event));
}
inline void apply(DoctorState& state, Event&& event) {
  apply(state, static_cast<const Event&>(event));
}

// Evolve as a value: `state` with `event` applied.
DoctorState evolve(DoctorState state, const Event& event);

// The earliest time-driven transition due (a hold's or a waitlist offer's expiry), or nullopt
// when none is pending; at that instant the scheduler sends ExpireDue.
std::optional<Instant> next_deadline(const DoctorState& state);

}  // namespace docket::domain
