// The doctor's own data: registration, profile, schedule, blocks, settings.

#include <algorithm>

#include "domain/decide_support.hpp"
#include "domain/text.hpp"

namespace docket::domain::detail {
namespace {

bool valid_doctor_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

// Shape checks shared by registration and profile updates.
std::optional<Error> check_profile(const Profile& p) {
  if (p.name.empty()) return Error{errc::invalid_field, "name is empty", "name", {}};
  if (auto e = check_length(p.name, max_name_chars, "name")) return e;
  if (p.specialty.empty()) return Error{errc::invalid_field, "specialty is empty", "specialty", {}};
  if (auto e = check_length(p.specialty, max_name_chars, "specialty")) return e;
  if (find_zone(p.timezone) == nullptr) {
    return Error{errc::invalid_timezone, "unknown time zone", "timezone", {}};
  }
  if (p.consultation_fee < 0) {
    return Error{errc::out_of_range, "consultation_fee is negative", "consultation_fee", {}};
  }
  if (p.consultation_types.empty()) {
    return Error{errc::invalid_field, "consultation_types is empty", "consultation_types", {}};
  }
  return std::nullopt;
}

Failure<Error> as_failure(Error e) {
  return {std::move(e)};
}

}  // namespace

Decision decide_register(const DoctorState& s, const RegisterDoctor& c, Instant /*now*/) {
  if (c.actor.role != Role::admin) return error(errc::forbidden, "only an admin registers doctors");
  if (s.registered()) return error(errc::doctor_exists, "the doctor is already registered", "id");
  if (!valid_doctor_id(c.doctor_id)) {
    return error(errc::invalid_id, "a doctor id is 1-64 of a-z, 0-9 and -", "id");
  }
  const Profile p{c.name, c.specialty, c.timezone, c.consultation_fee, c.consultation_types, true};
  if (auto e = check_profile(p)) return as_failure(std::move(*e));
  return Events{DoctorRegistered{c.actor, c.doctor_id, p, Settings{}}};
}

Decision decide_profile(const DoctorState& s, const UpdateProfile& c, Instant /*now*/) {
  if (!s.registered()) return error(errc::doctor_not_found, "no such doctor");
  if (c.actor.role != Role::admin) return error(errc::forbidden, "only an admin edits profiles");
  Profile p = s.profile();
  if (c.name) p.name = *c.name;
  if (c.specialty) p.specialty = *c.specialty;
  if (c.timezone) p.timezone = *c.timezone;
  if (c.consultation_fee) p.consultation_fee = *c.consultation_fee;
  if (c.consultation_types) p.consultation_types = *c.consultation_types;
  if (c.active) p.active = *c.active;
  if (auto e = check_profile(p)) return as_failure(std::move(*e));
  if (p == s.profile()) return Events{};
  return Events{DoctorProfileUpdated{c.actor, s.profile(), p}};
}

Decision decide_schedule(const DoctorState& s, const SetSchedule& c, Instant now) {
  if (!s.registered()) return error(errc::doctor_not_found, "no such doctor");
  if (c.actor.role != Role::admin) return error(errc::forbidden, "only an admin sets schedules");
  if (auto v = validate_rules(c.rules); !v) return as_failure(v.error());
  const LocalDate from = c.effective_from ? *c.effective_from : local_date_of(now, *s.zone());
  const auto& history = s.schedule().history();
  if (!history.empty() && history.back().effective_from == from &&
      history.back().rules == c.rules) {
    return Events{};
  }
  DoctorScheduleSet e;
  e.actor = c.actor;
  e.effective_from = from;
  e.rules = c.rules;
  if (const RuleSet* old = s.schedule().set_on(from)) {
    e.had_old = true;
    e.old_effective_from = old->effective_from;
    e.old_rules = old->rules;
  }
  Events out{e};
  // New slots may serve waiting entries on the dates the new rules govern.
  Schedule next = s.schedule();
  next.replace_from(from, c.rules);
  OfferMaker offers(s, now, c.actor, out);
  offers.use_schedule(&next);
  offers.dates(from, LocalDate::max());
  offers.finish();
  return out;
}

Decision decide_add_block(const DoctorState& s, const AddBlock& c, Instant /*now*/) {
  if (!s.registered()) return error(errc::doctor_not_found, "no such doctor");
  if (!is_staff_or_own_doctor(s, c.actor)) {
    return error(errc::forbidden, "only staff or the doctor itself block a calendar");
  }
  if (c.block_id.empty() || s.blocks().contains(c.block_id)) {
    return error(errc::invalid_id, "the block id is empty or already used", "block_id");
  }
  if (!(c.start < c.end)) return error(errc::invalid_field, "end must be after start", "end");
  if (auto e = check_length(c.reason, max_reason_chars, "reason")) return as_failure(*e);

  // Rare command: a scan over the appointments is fine here and keeps bookings index-only.
  std::vector<const Appointment*> hit;
  for (const auto& [id, a] : s.appointments()) {
    if (is_live(a.status) && a.start < c.end && c.start < a.end) hit.push_back(&a);
  }
  std::sort(hit.begin(), hit.end(), [](const Appointment* a, const Appointment* b) {
    return a->start != b->start ? a->start < b->start : a->id < b->id;
  });
  if (!hit.empty() && !c.cancel_conflicting) {
    Error e{errc::conflicting_appointments, "live appointments fall inside the block", "", {}};
    for (const Appointment* a : hit)
      e.ids.push_back(a->id);
    return as_failure(std::move(e));
  }
  Events out{DoctorBlockAdded{c.actor, c.block_id, c.start, c.end, c.reason, c.kind}};
  // Their slots lie inside the block, so nothing freed here is offered to the waitlist.
  for (const Appointment* a : hit) {
    AppointmentCancelled x;
    x.actor = c.actor;
    x.appointment_id = a->id;
    x.patient_id = a->patient_id;
    x.start = a->start;
    x.old_status = a->status;
    x.block_id = c.block_id;
    x.personal.reason = c.reason;
    out.emplace_back(std::move(x));
  }
  return out;
}

Decision decide_remove_block(const DoctorState& s, const RemoveBlock& c, Instant now) {
  if (!s.registered()) return error(errc::doctor_not_found, "no such doctor");
  if (!is_staff_or_own_doctor(s, c.actor)) {
    return error(errc::forbidden, "only staff or the doctor itself unblock a calendar");
  }
  const auto it = s.blocks().find(c.block_id);
  if (it == s.blocks().end()) return error(errc::not_found, "no such block", "block_id");
  const Block& b = it->second;
  if (b.removed) return Events{};  // a retried DELETE
  Events out{DoctorBlockRemoved{c.actor, b.id, b.start, b.end}};
  OfferMaker offers(s, now, c.actor, out);
  offers.ignore_block(b.id);
  offers.dates(local_date_of(b.start, *s.zone()), local_date_of(b.end, *s.zone()));
  offers.finish();
  return out;
}

Decision decide_settings(const DoctorState& s, const UpdateSettings& c, Instant /*now*/) {
  if (!s.registered()) return error(errc::doctor_not_found, "no such doctor");
  if (c.actor.role != Role::admin) return error(errc::forbidden, "only an admin edits settings");
  Settings n = s.settings();
  struct Ranged {
    const std::optional<int>& value;
    int Settings::*member;
    int lo;
    int hi;
    const char* field;
  };
  const Ranged ranged[] = {
      {c.min_notice_minutes, &Settings::min_notice_minutes, 0, 10080, "min_notice_minutes"},
      {c.max_advance_days, &Settings::max_advance_days, 1, 1825, "max_advance_days"},
      {c.cancellation_deadline_hours, &Settings::cancellation_deadline_hours, 0, 168,
       "cancellation_deadline_hours"},
      {c.buffer_minutes, &Settings::buffer_minutes, 0, 120, "buffer_minutes"},
      {c.hold_minutes, &Settings::hold_minutes, 1, 60, "hold_minutes"},
      {c.max_walk_ins_per_day, &Settings::max_walk_ins_per_day, 0, 500, "max_walk_ins_per_day"},
      {c.waitlist_offer_minutes, &Settings::waitlist_offer_minutes, 1, 1440,
       "waitlist_offer_minutes"},
  };
  for (const Ranged& r : ranged) {
    if (!r.value) continue;
    if (*r.value < r.lo || *r.value > r.hi) {
      return error(errc::out_of_range,
                   std::string(r.field) + " must be within " + std::to_string(r.lo) + ".." +
                       std::to_string(r.hi),
                   r.field);
    }
    n.*r.member = *r.value;
  }
  if (c.auto_confirm) n.auto_confirm = *c.auto_confirm;
  if (n == s.settings()) return Events{};
  return Events{DoctorSettingsChanged{c.actor, s.settings(), n}};
}

}  // namespace docket::domain::detail
