#pragma once
// Invariants of the doctor aggregate, computed from the state's raw records (appointments, holds,
// waitlist entries, blocks) and never from its indexes (slot use, per-patient lists, sequences),
// so that a wrong index cannot hide the error it causes. Each check returns an empty string when
// the invariant holds, else a description of the breach. Pure functions over values.

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "domain/doctor.hpp"

namespace docket::domain::testing {

inline std::int64_t key_of(Instant t) {
  return t.time_since_epoch().count();
}

// Whether an appointment in status `s` holds a unit of its slot (API.md: pending takes capacity
// like confirmed; rejected, cancelled and no_show free it).
inline bool occupies(AppointmentStatus s) {
  switch (s) {
    case AppointmentStatus::pending:
    case AppointmentStatus::confirmed:
    case AppointmentStatus::checked_in:
    case AppointmentStatus::in_progress:
    case AppointmentStatus::completed:
      return true;
    case AppointmentStatus::cancelled:
    case AppointmentStatus::rejected:
    case AppointmentStatus::no_show:
      return false;
  }
  return false;
}

inline bool live(AppointmentStatus s) {
  return occupies(s) && s != AppointmentStatus::completed;
}

// Units taken per slot start at `now`: appointments that occupy their slot, holds and offers that
// have not lapsed (now < expires_at).
inline std::map<std::int64_t, int> units_by_start(const DoctorState& s, Instant now) {
  std::map<std::int64_t, int> units;
  for (const auto& [id, a] : s.appointments()) {
    if (occupies(a.status)) ++units[key_of(a.start)];
  }
  for (const auto& [id, h] : s.holds()) {
    if (now < h.expires_at) ++units[key_of(h.start)];
  }
  for (const auto& [id, e] : s.waitlist()) {
    if (e.status == WaitlistStatus::offered && e.offer && now < e.offer->expires_at) {
      ++units[key_of(e.offer->start)];
    }
  }
  return units;
}

inline int capacity_at(const DoctorState& s, Instant start) {
  if (s.zone() == nullptr) return 0;
  const auto slot = slot_starting_at(s.schedule(), *s.zone(), start, s.settings().buffer_minutes,
                                     s.profile().consultation_types);
  return slot ? slot->capacity : 0;
}

// No decision fills a slot past its capacity. A schedule or buffer change may leave a slot with
// more than its new capacity (changing rules never cancels an appointment), so a slot is at fault
// only when this decision added to it while above its capacity.
inline std::string check_capacity(const DoctorState& before, const DoctorState& after,
                                  Instant now) {
  const auto was = units_by_start(before, now);
  for (const auto& [start, units] : units_by_start(after, now)) {
    const auto it = was.find(start);
    const int before_units = it == was.end() ? 0 : it->second;
    const Instant at{std::chrono::seconds(start)};
    if (units > before_units && units > capacity_at(after, at)) {
      return "slot " + format_rfc3339(at) + " holds " + std::to_string(units) + " units (" +
             std::to_string(before_units) + " before), capacity " +
             std::to_string(capacity_at(after, at));
    }
  }
  return {};
}

// No patient has two live appointments at this doctor that overlap in time.
inline std::string check_patient_overlap(const DoctorState& s) {
  std::map<std::string, std::vector<const Appointment*>> by_patient;
  for (const auto& [id, a] : s.appointments()) {
    if (live(a.status)) by_patient[a.patient_id].push_back(&a);
  }
  for (auto& [patient, list] : by_patient) {
    std::sort(list.begin(), list.end(),
              [](const Appointment* a, const Appointment* b) { return a->start < b->start; });
    for (std::size_t i = 1; i < list.size(); ++i) {
      if (list[i]->start < list[i - 1]->end) {
        return "patient " + patient + ": " + list[i - 1]->id + " and " + list[i]->id + " overlap";
      }
    }
  }
  return {};
}

// Appointment numbers are unique, and per local date they run 0001, 0002, ... without gaps.
inline std::string check_numbers(const DoctorState& s) {
  std::set<std::string> seen;
  std::map<std::string, std::set<int>> by_date;
  for (const auto& [id, a] : s.appointments()) {
    if (!seen.insert(a.number).second) return "number " + a.number + " used twice";
    if (a.number.size() != 17 || a.number.rfind("APT-", 0) != 0) return "bad number " + a.number;
    by_date[a.number.substr(4, 8)].insert(std::stoi(a.number.substr(13)));
  }
  for (const auto& [day, seqs] : by_date) {
    if (*seqs.begin() != 1 || *seqs.rbegin() != static_cast<int>(seqs.size())) {
      return "numbers of " + day + " are not 1.." + std::to_string(seqs.size());
    }
  }
  return {};
}

// No live appointment lies (even partly) inside a block that is in force.
inline std::string check_blocks(const DoctorState& s) {
  for (const auto& [bid, b] : s.blocks()) {
    if (b.removed) continue;
    for (const auto& [id, a] : s.appointments()) {
      if (live(a.status) && a.start < b.end && b.start < a.end) {
        return "live appointment " + id + " inside block " + bid;
      }
    }
  }
  return {};
}

// Holds and offers never outlive an ExpireDue issued at or after their deadline.
inline std::string check_nothing_due(const DoctorState& s, Instant now) {
  for (const auto& [id, h] : s.holds()) {
    if (!(now < h.expires_at)) return "hold " + id + " still live after ExpireDue";
  }
  for (const auto& [id, e] : s.waitlist()) {
    if (e.status == WaitlistStatus::offered && e.offer && !(now < e.offer->expires_at)) {
      return "offer of " + id + " still live after ExpireDue";
    }
  }
  return {};
}

// Facts each event must carry, checked against the state the decision produced.
inline std::string check_event(const DoctorState& after, const Event& event) {
  const Actor& actor = event_actor(event);
  if (actor.role == Role::doctor && actor.sub != after.id()) {
    return "another doctor acted on this stream";
  }
  // What a patient does concerns only that patient (offers it causes go to others).
  const auto own = [&](const std::string& patient_id) -> std::string {
    if (actor.role == Role::patient && actor.sub != patient_id) {
      return "patient " + actor.sub + " acted for " + patient_id;
    }
    return {};
  };
  if (const auto* b = std::get_if<AppointmentBooked>(&event)) {
    if (auto e = own(b->patient_id); !e.empty()) return e;
    const LocalDate d = local_date_of(b->start, *after.zone());
    if (b->number.substr(4, 8) != format_compact_date(d)) {
      return "number " + b->number + " is not the local date of " + format_rfc3339(b->start);
    }
  }
  if (const auto* h = std::get_if<HoldPlaced>(&event)) return own(h->patient_id);
  if (const auto* h = std::get_if<HoldReleased>(&event)) return own(h->patient_id);
  if (const auto* c = std::get_if<AppointmentCancelled>(&event)) return own(c->patient_id);
  if (const auto* r = std::get_if<AppointmentRescheduled>(&event)) return own(r->patient_id);
  if (const auto* j = std::get_if<WaitlistJoined>(&event)) return own(j->patient_id);
  if (const auto* a = std::get_if<WaitlistAccepted>(&event)) return own(a->patient_id);
  if (const auto* l = std::get_if<WaitlistLeft>(&event)) return own(l->patient_id);
  if (const auto* o = std::get_if<WaitlistOffered>(&event)) {
    // An offer matches its entry: same local date, inside the window.
    const auto it = after.waitlist().find(o->entry_id);
    if (it == after.waitlist().end()) return "offer for unknown entry " + o->entry_id;
    const WaitlistEntry& e = it->second;
    const LocalDate d = local_date_of(o->start, *after.zone());
    const int minute = local_minute_of(o->start, *after.zone());
    if (d != e.date || minute < e.from_minute || minute >= e.to_minute) {
      return "offer " + format_rfc3339(o->start) + " does not match entry " + e.id;
    }
    if (capacity_at(after, o->start) == 0) return "offer on a start that is not a slot";
  }
  return {};
}

}  // namespace docket::domain::testing
