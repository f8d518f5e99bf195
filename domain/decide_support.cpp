#include "domain/decide_support.hpp"

#include <algorithm>

#include "domain/text.hpp"

namespace docket::domain::detail {
namespace {

bool live_at(Instant expires_at, Instant now) {
  return now < expires_at;
}

}  // namespace

Result<std::string> resolve_patient(const Actor& actor, const std::string& patient_id) {
  if (actor.role == Role::patient) {
    if (!patient_id.empty() && patient_id != actor.sub) {
      return error(errc::forbidden, "a patient acts only for itself", "patient_id");
    }
    return actor.sub;
  }
  if (actor.is_staff()) {
    if (patient_id.empty())
      return error(errc::invalid_field, "patient_id is required", "patient_id");
    return patient_id;
  }
  return error(errc::forbidden, "only the patient or staff may do this");
}

std::optional<Error> check_length(std::string_view text, std::size_t max, std::string_view field) {
  if (text.size() <= max || utf8_length(text) <= max) return std::nullopt;
  return Error{errc::text_too_long,
               std::string(field) + " is longer than " + std::to_string(max) + " characters",
               std::string(field),
               {}};
}

int taken_at(const DoctorState& s, Instant start, Instant now, std::string_view reserved_hold,
             std::string_view reserved_offer) {
  const SlotUse* u = s.slot_use(start);
  if (u == nullptr) return 0;
  int n = u->booked;
  for (const std::string& id : u->holds) {
    if (id == reserved_hold) continue;
    const Hold* h = s.find_hold(id);
    if (h != nullptr && live_at(h->expires_at, now)) ++n;
  }
  for (const std::string& id : u->offers) {
    if (id == reserved_offer) continue;
    const auto it = s.waitlist().find(id);
    if (it != s.waitlist().end() && it->second.offer &&
        live_at(it->second.offer->expires_at, now)) {
      ++n;
    }
  }
  return n;
}

const Hold* own_live_hold(const DoctorState& s, std::string_view patient_id, Instant start,
                          Instant now) {
  for (const std::string& id : s.holds_of(patient_id)) {
    const Hold* h = s.find_hold(id);
    if (h != nullptr && h->start == start && live_at(h->expires_at, now)) return h;
  }
  return nullptr;
}

bool is_blocked(const DoctorState& s, Instant start, Instant end, std::string_view ignore_block) {
  for (const auto& [id, b] : s.blocks()) {
    if (b.removed || id == ignore_block) continue;
    if (b.start < end && start < b.end) return true;
  }
  return false;
}

Result<Slot> check_slot(const DoctorState& s, const SlotRequest& r, Instant now) {
  const Settings& set = s.settings();
  if (r.start < now) return error(errc::in_past, "the slot starts in the past", "start");
  if (r.check_window) {
    if (r.start < now + std::chrono::minutes(set.min_notice_minutes)) {
      return error(errc::too_soon, "the slot starts within the minimum notice", "start");
    }
    if (r.start > now + std::chrono::days(set.max_advance_days)) {
      return error(errc::too_far, "the slot is beyond the booking horizon", "start");
    }
  }
  std::optional<Slot> slot;
  if (s.zone() != nullptr) {
    slot = slot_starting_at(s.schedule(), *s.zone(), r.start, set.buffer_minutes,
                            s.profile().consultation_types);
  }
  if (!slot) return error(errc::not_a_slot, "no slot starts at that time", "start");
  if (!slot->types.contains(r.type)) {
    return error(errc::consultation_type_not_offered, "the slot does not offer that type",
                 "consultation_type");
  }
  if (is_blocked(s, slot->start, slot->end)) {
    return error(errc::slot_blocked, "the doctor is not available then", "start");
  }
  const auto& ids = s.live_appointments_of(r.patient_id);
  const auto& spans = s.live_spans_of(r.patient_id);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (spans[i].first < slot->end && slot->start < spans[i].second &&
        ids[i] != r.moving_appointment) {
      return error(errc::patient_conflict, "the patient already has an appointment then", "start");
    }
  }
  if (r.check_capacity &&
      taken_at(s, slot->start, now, r.reserved_hold, r.reserved_offer) >= slot->capacity) {
    return error(errc::slot_taken, "no capacity is left in the slot", "start");
  }
  return *slot;
}

OfferMaker::OfferMaker(const DoctorState& s, Instant now, const Actor& actor, Events& out)
    : s_(s), now_(now), actor_(actor), out_(out), schedule_(&s.schedule()) {}

void OfferMaker::freed(Instant start, int still_counted) {
  freed_.emplace_back(start, still_counted);
  adjust_[start.time_since_epoch().count()] -= still_counted;
}

void OfferMaker::dates(LocalDate from, LocalDate to) {
  ranges_.emplace_back(from, to);
}

int OfferMaker::free_units(const Slot& slot) const {
  int taken = taken_at(s_, slot.start, now_);
  const auto it = adjust_.find(slot.start.time_since_epoch().count());
  if (it != adjust_.end()) taken += it->second;
  return slot.capacity - taken;
}

// A slot is offered only when it could be booked now: active doctor, not blocked, inside the
// booking window.
bool OfferMaker::offerable(const Slot& slot) const {
  const Settings& set = s_.settings();
  if (!s_.profile().active) return false;
  if (slot.start < now_ + std::chrono::minutes(set.min_notice_minutes)) return false;
  if (slot.start > now_ + std::chrono::days(set.max_advance_days)) return false;
  return !is_blocked(s_, slot.start, slot.end, ignore_block_);
}

// An entry matches a slot on its date, from <= start < to, offering its type, unless its patient
// already has a live appointment overlapping the slot (the offer could never be accepted).
bool OfferMaker::matches(const WaitlistEntry& e, const Slot& slot) const {
  if (offered_.contains(e.id) || e.date != slot.date || slot.local_start_minute < e.from_minute ||
      slot.local_start_minute >= e.to_minute || !slot.types.contains(e.consultation_type)) {
    return false;
  }
  for (const auto& [start, end] : s_.live_spans_of(e.patient_id)) {
    if (start < slot.end && slot.start < end) return false;
  }
  return true;
}

void OfferMaker::offer(const WaitlistEntry& e, const Slot& slot) {
  WaitlistOffered o;
  o.actor = actor_;
  o.entry_id = e.id;
  o.patient_id = e.patient_id;
  o.start = slot.start;
  o.end = slot.end;
  o.expires_at = now_ + std::chrono::minutes(s_.settings().waitlist_offer_minutes);
  out_.emplace_back(std::move(o));
  offered_.insert(e.id);
  adjust_[slot.start.time_since_epoch().count()] += 1;
}

void OfferMaker::finish() {
  if (s_.zone() == nullptr) return;
  const date::time_zone& zone = *s_.zone();
  for (const auto& [start, units] : freed_) {
    const auto slot = slot_starting_at(*schedule_, zone, start, s_.settings().buffer_minutes,
                                       s_.profile().consultation_types);
    if (!slot || !offerable(*slot)) continue;
    for (const WaitlistEntry* e : s_.waiting_on(slot->date)) {
      if (free_units(*slot) <= 0) break;
      if (matches(*e, *slot)) offer(*e, *slot);
    }
  }
  for (const auto& [from, to] : ranges_) {
    for (const LocalDate day : s_.waiting_dates()) {
      if (day < from || day > to) continue;
      const std::vector<Slot> slots = slots_on(*schedule_, zone, day, s_.settings().buffer_minutes,
                                               s_.profile().consultation_types);
      for (const WaitlistEntry* e : s_.waiting_on(day)) {
        for (const Slot& slot : slots) {
          if (matches(*e, slot) && offerable(slot) && free_units(slot) > 0) {
            offer(*e, slot);
            break;
          }
        }
      }
    }
  }
}

}  // namespace docket::domain::detail
