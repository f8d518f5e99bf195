// Walk-ins, the waitlist and the time-driven expiry of holds and offers.

#include "domain/decide_support.hpp"

namespace docket::domain::detail {
namespace {

Failure<Error> as_failure(Error e) {
  return {std::move(e)};
}

Result<const Walkin*> find_walkin(const DoctorState& s, const Actor& actor, const std::string& id) {
  if (!s.registered()) return error(errc::doctor_not_found, "no such doctor");
  if (!is_staff_or_own_doctor(s, actor)) {
    return error(errc::forbidden, "only staff or the doctor itself manage the queue");
  }
  const auto it = s.walkins().find(id);
  if (it == s.walkins().end()) return error(errc::not_found, "no such walk-in", "walkin_id");
  return &it->second;
}

// Moves a walk-in to `to` when it is in one of `from`; already in `to` is a retry (no events).
template <class Ev>
Decision walkin_transition(const DoctorState& s, const Actor& actor, const std::string& id,
                           WalkinStatus to, std::initializer_list<WalkinStatus> from) {
  auto found = find_walkin(s, actor, id);
  if (!found) return as_failure(found.error());
  const Walkin& w = **found;
  if (w.status == to) return Events{};
  for (const WalkinStatus f : from) {
    if (w.status == f) {
      Ev e;
      e.actor = actor;
      e.walkin_id = w.id;
      if constexpr (requires { e.old_status; }) e.old_status = w.status;
      return Events{std::move(e)};
    }
  }
  return error(errc::invalid_transition,
               std::string("the walk-in is ") + std::string(to_string(w.status)));
}

Result<const WaitlistEntry*> find_entry(const DoctorState& s, const Actor& actor,
                                        const std::string& id) {
  if (!s.registered()) return error(errc::doctor_not_found, "no such doctor");
  const auto it = s.waitlist().find(id);
  if (it == s.waitlist().end()) return error(errc::not_found, "no such waitlist entry", "entry_id");
  const bool own = actor.role == Role::patient && actor.sub == it->second.patient_id;
  if (!own && !actor.is_staff()) return error(errc::forbidden, "not your waitlist entry");
  return &it->second;
}

}  // namespace

Decision decide_register_walkin(const DoctorState& s, const RegisterWalkin& c, Instant now) {
  if (!s.registered()) return error(errc::doctor_not_found, "no such doctor");
  if (!is_staff_or_own_doctor(s, c.actor)) {
    return error(errc::forbidden, "only staff or the doctor itself register walk-ins");
  }
  if (c.patient_id.empty())
    return error(errc::invalid_field, "patient_id is required", "patient_id");
  if (!s.profile().active) return error(errc::doctor_inactive, "the doctor takes no patients");
  if (c.walkin_id.empty() || s.walkins().contains(c.walkin_id)) {
    return error(errc::invalid_id, "the walk-in id is empty or already used", "walkin_id");
  }
  if (auto e = check_length(c.reason, max_reason_chars, "reason")) return as_failure(*e);
  const LocalDate today = local_date_of(now, *s.zone());
  const int registered = s.walkins_registered(today);
  if (registered >= s.settings().max_walk_ins_per_day) {
    return error(errc::queue_full, "the day's walk-in limit is reached");
  }
  WalkinRegistered e;
  e.actor = c.actor;
  e.walkin_id = c.walkin_id;
  e.patient_id = c.patient_id;
  e.urgency = c.urgency;
  e.date = today;
  e.sequence = registered + 1;
  e.queue_number = format_queue_number(e.sequence);
  e.arrived_at = now;
  e.personal.notes = c.reason;
  return Events{std::move(e)};
}

Decision decide_call_next(const DoctorState& s, const CallNextWalkin& c, Instant now) {
  if (!s.registered()) return error(errc::doctor_not_found, "no such doctor");
  if (!is_staff_or_own_doctor(s, c.actor)) {
    return error(errc::forbidden, "only staff or the doctor itself call walk-ins");
  }
  const auto queue = s.queue_on(local_date_of(now, *s.zone()));
  if (queue.empty()) return error(errc::queue_empty, "no walk-in is waiting");
  return Events{WalkinCalled{c.actor, queue.front()->id}};
}

Decision decide_complete_walkin(const DoctorState& s, const CompleteWalkin& c, Instant /*now*/) {
  return walkin_transition<WalkinCompleted>(s, c.actor, c.walkin_id, WalkinStatus::completed,
                                            {WalkinStatus::called});
}

Decision decide_leave_walkin(const DoctorState& s, const LeaveWalkin& c, Instant /*now*/) {
  return walkin_transition<WalkinLeft>(s, c.actor, c.walkin_id, WalkinStatus::left,
                                       {WalkinStatus::waiting, WalkinStatus::called});
}

Decision decide_walkin_no_show(const DoctorState& s, const MarkWalkinNoShow& c, Instant /*now*/) {
  return walkin_transition<WalkinNoShow>(s, c.actor, c.walkin_id, WalkinStatus::no_show,
                                         {WalkinStatus::waiting, WalkinStatus::called});
}

Decision decide_join_waitlist(const DoctorState& s, const JoinWaitlist& c, Instant now) {
  if (!s.registered()) return error(errc::doctor_not_found, "no such doctor");
  auto patient = resolve_patient(c.actor, c.patient_id);
  if (!patient) return as_failure(patient.error());
  if (!s.profile().active) return error(errc::doctor_inactive, "the doctor takes no bookings");
  if (c.entry_id.empty() || s.waitlist().contains(c.entry_id)) {
    return error(errc::invalid_id, "the entry id is empty or already used", "entry_id");
  }
  if (c.date < local_date_of(now, *s.zone())) {
    return error(errc::in_past, "the date has passed", "date");
  }
  if (c.from_minute < 0 || c.from_minute > 1439) {
    return error(errc::out_of_range, "from must be 00:00..23:59", "from");
  }
  if (c.to_minute <= c.from_minute || c.to_minute > 1440) {
    return error(errc::invalid_field, "to must be after from and at most 24:00", "to");
  }
  if (c.priority < 0 || c.priority > 1000) {
    return error(errc::out_of_range, "priority must be within 0..1000", "priority");
  }
  if (!s.profile().consultation_types.contains(c.consultation_type)) {
    return error(errc::consultation_type_not_offered, "the doctor does not offer that type",
                 "consultation_type");
  }
  return Events{WaitlistJoined{c.actor, c.entry_id, *patient, c.date, c.from_minute, c.to_minute,
                               c.consultation_type, c.priority}};
}

// An offer is accepted while now < expires_at; at expires_at it has lapsed (offer_expired).
Decision decide_accept_offer(const DoctorState& s, const AcceptWaitlistOffer& c, Instant now) {
  auto found = find_entry(s, c.actor, c.entry_id);
  if (!found) return as_failure(found.error());
  const WaitlistEntry& e = **found;
  if (e.status == WaitlistStatus::expired ||
      (e.status == WaitlistStatus::offered && e.offer && !(now < e.offer->expires_at))) {
    return error(errc::offer_expired, "the offer has lapsed");
  }
  if (e.status != WaitlistStatus::offered || !e.offer) {
    return error(errc::invalid_transition,
                 std::string("the entry is ") + std::string(to_string(e.status)));
  }
  if (!s.profile().active) return error(errc::doctor_inactive, "the doctor takes no bookings");
  if (c.appointment_id.empty() || s.find_appointment(c.appointment_id) != nullptr) {
    return error(errc::invalid_id, "the appointment id is empty or already used", "id");
  }
  // The offer reserved the capacity and the window was checked when it was made.
  SlotRequest r;
  r.start = e.offer->start;
  r.type = e.consultation_type;
  r.patient_id = e.patient_id;
  r.reserved_offer = e.id;
  r.check_window = false;
  auto slot = check_slot(s, r, now);
  if (!slot) return as_failure(slot.error());
  AppointmentBooked b;
  b.actor = c.actor;
  b.appointment_id = c.appointment_id;
  b.number = format_appointment_number(slot->date, s.appointment_sequence(slot->date) + 1);
  b.patient_id = e.patient_id;
  b.start = slot->start;
  b.end = slot->end;
  b.consultation_type = e.consultation_type;
  b.fee = s.profile().consultation_fee;
  b.status = s.settings().auto_confirm ? AppointmentStatus::confirmed : AppointmentStatus::pending;
  b.waitlist_entry_id = e.id;
  Events out{WaitlistAccepted{c.actor, e.id, e.patient_id, c.appointment_id}};
  out.emplace_back(std::move(b));
  return out;
}

Decision decide_leave_waitlist(const DoctorState& s, const LeaveWaitlist& c, Instant now) {
  auto found = find_entry(s, c.actor, c.entry_id);
  if (!found) return as_failure(found.error());
  const WaitlistEntry& e = **found;
  switch (e.status) {
    case WaitlistStatus::left:
    case WaitlistStatus::expired:
      return Events{};  // nothing left to leave
    case WaitlistStatus::booked:
      return error(errc::invalid_transition, "the entry is booked; cancel the appointment");
    case WaitlistStatus::waiting:
    case WaitlistStatus::offered:
      break;
  }
  Events out{WaitlistLeft{c.actor, e.id, e.patient_id, e.status}};
  if (e.offer) {
    OfferMaker offers(s, now, c.actor, out);
    offers.freed(e.offer->start, now < e.offer->expires_at ? 1 : 0);
    offers.finish();
  }
  return out;
}

// Everything with deadline <= now lapses: a hold expires exactly at its expires_at.
Decision decide_expire_due(const DoctorState& s, const ExpireDue& c, Instant now) {
  if (c.actor.role != Role::system) return error(errc::forbidden, "only the scheduler expires");
  Events out;
  if (!s.registered()) return out;
  OfferMaker offers(s, now, c.actor, out);
  for (const auto& [at, id] : s.deadlines()) {
    if (at > now) break;
    if (const Hold* h = s.find_hold(id); h != nullptr && h->expires_at == at) {
      out.emplace_back(HoldExpired{c.actor, h->id, h->patient_id, h->start, h->expires_at});
      offers.freed(h->start, 0);
      continue;
    }
    const auto it = s.waitlist().find(id);
    if (it != s.waitlist().end() && it->second.offer && it->second.offer->expires_at == at) {
      const WaitlistEntry& e = it->second;
      out.emplace_back(WaitlistOfferExpired{c.actor, e.id, e.patient_id, e.offer->start});
      offers.freed(e.offer->start, 0);
    }
  }
  offers.finish();
  return out;
}

}  // namespace docket::domain::detail
