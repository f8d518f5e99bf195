// Holds and bookings.
//
// A booking is checked in this order, so that the first error is the one a user can act on:
//   doctor_not_found; forbidden (patient for itself, staff for anyone); invalid_field (staff
//   without patient_id); doctor_inactive; invalid_id (appointment id used); text_too_long
//   (reason_for_visit, then symptoms: fixable without picking another time); hold_invalid (the
//   named hold); then the slot itself (check_slot in decide_support.hpp): in_past, too_soon,
//   too_far, not_a_slot, consultation_type_not_offered, slot_blocked, patient_conflict, slot_taken.

#include "domain/decide_support.hpp"

namespace docket::domain::detail {
namespace {

Failure<Error> as_failure(Error e) {
  return {std::move(e)};
}

AppointmentStatus initial_status(const DoctorState& s) {
  return s.settings().auto_confirm ? AppointmentStatus::confirmed : AppointmentStatus::pending;
}

// The named hold, if it can be consumed by this patient's booking of `start`.
Result<const Hold*> usable_hold(const DoctorState& s, std::string_view hold_id,
                                std::string_view patient_id, Instant start, Instant now) {
  const Hold* h = s.find_hold(hold_id);
  if (h == nullptr) return error(errc::hold_invalid, "unknown or ended hold", "hold_id");
  if (!(now < h->expires_at)) return error(errc::hold_invalid, "the hold has expired", "hold_id");
  if (h->patient_id != patient_id) {
    return error(errc::hold_invalid, "the hold is another patient's", "hold_id");
  }
  if (h->start != start)
    return error(errc::hold_invalid, "the hold is for another slot", "hold_id");
  return h;
}

}  // namespace

Decision decide_place_hold(const DoctorState& s, const PlaceHold& c, Instant now) {
  if (!s.registered()) return error(errc::doctor_not_found, "no such doctor");
  auto patient = resolve_patient(c.actor, c.patient_id);
  if (!patient) return as_failure(patient.error());
  if (!s.profile().active) return error(errc::doctor_inactive, "the doctor takes no bookings");
  if (c.hold_id.empty() || s.hold_id_used(c.hold_id)) {
    return error(errc::invalid_id, "the hold id is empty or already used", "hold_id");
  }
  SlotRequest r;
  r.start = c.start;
  r.type = c.consultation_type;
  r.patient_id = *patient;
  auto slot = check_slot(s, r, now);
  if (!slot) return as_failure(slot.error());
  return Events{HoldPlaced{c.actor, c.hold_id, *patient, slot->start, slot->end,
                           c.consultation_type,
                           now + std::chrono::minutes(s.settings().hold_minutes)}};
}

Decision decide_release_hold(const DoctorState& s, const ReleaseHold& c, Instant now) {
  if (!s.registered()) return error(errc::doctor_not_found, "no such doctor");
  const Hold* h = s.find_hold(c.hold_id);
  if (h == nullptr) {
    if (s.hold_id_used(c.hold_id)) return Events{};  // already released, consumed or expired
    return error(errc::not_found, "no such hold", "hold_id");
  }
  const bool own = c.actor.role == Role::patient && c.actor.sub == h->patient_id;
  if (!own && !c.actor.is_staff()) return error(errc::forbidden, "not your hold");
  Events out{HoldReleased{c.actor, h->id, h->patient_id, h->start}};
  OfferMaker offers(s, now, c.actor, out);
  offers.freed(h->start, now < h->expires_at ? 1 : 0);
  offers.finish();
  return out;
}

Decision decide_book(const DoctorState& s, const BookAppointment& c, Instant now) {
  if (!s.registered()) return error(errc::doctor_not_found, "no such doctor");
  auto patient = resolve_patient(c.actor, c.patient_id);
  if (!patient) return as_failure(patient.error());
  if (!s.profile().active) return error(errc::doctor_inactive, "the doctor takes no bookings");
  if (c.appointment_id.empty() || s.find_appointment(c.appointment_id) != nullptr) {
    return error(errc::invalid_id, "the appointment id is empty or already used", "id");
  }
  if (auto e = check_length(c.reason_for_visit, max_reason_for_visit_chars, "reason_for_visit")) {
    return as_failure(*e);
  }
  if (auto e = check_length(c.symptoms, max_symptoms_chars, "symptoms")) return as_failure(*e);
  const Hold* hold = nullptr;
  if (!c.hold_id.empty()) {
    auto h = usable_hold(s, c.hold_id, *patient, c.start, now);
    if (!h) return as_failure(h.error());
    hold = *h;
  } else {
    // The patient's own live hold never blocks its booking: the booking consumes it.
    hold = own_live_hold(s, *patient, c.start, now);
  }
  SlotRequest r;
  r.start = c.start;
  r.type = c.consultation_type;
  r.patient_id = *patient;
  if (hold != nullptr) r.reserved_hold = hold->id;
  auto slot = check_slot(s, r, now);
  if (!slot) return as_failure(slot.error());

  AppointmentBooked e;
  e.actor = c.actor;
  e.appointment_id = c.appointment_id;
  e.number = format_appointment_number(slot->date, s.appointment_sequence(slot->date) + 1);
  e.patient_id = std::move(*patient);
  e.start = slot->start;
  e.end = slot->end;
  e.consultation_type = c.consultation_type;
  e.fee = s.profile().consultation_fee;
  e.status = initial_status(s);
  if (hold != nullptr) e.hold_id = hold->id;
  e.personal.reason_for_visit = c.reason_for_visit;
  e.personal.symptoms = c.symptoms;
  Events out;
  out.emplace_back(std::move(e));
  return out;
}

namespace {

// The appointment a lifecycle command names, or not_found.
Result<const Appointment*> find(const DoctorState& s, const std::string& id) {
  if (!s.registered()) return error(errc::doctor_not_found, "no such doctor");
  const Appointment* a = s.find_appointment(id);
  if (a == nullptr) return error(errc::not_found, "no such appointment", "appointment_id");
  return a;
}

bool is_own_patient(const Appointment& a, const Actor& actor) {
  return actor.role == Role::patient && actor.sub == a.patient_id;
}

Failure<Error> bad_transition(const Appointment& a, std::string_view what) {
  return error(errc::invalid_transition, std::string("cannot ") + std::string(what) +
                                             " an appointment that is " +
                                             std::string(to_string(a.status)));
}

// A patient may cancel or move while now <= start - cancellation_deadline_hours: exactly at the
// deadline is still allowed, one second later is deadline_passed.
bool past_deadline(const DoctorState& s, const Appointment& a, Instant now) {
  return now > a.start - std::chrono::hours(s.settings().cancellation_deadline_hours);
}

}  // namespace

Decision decide_cancel(const DoctorState& s, const CancelAppointment& c, Instant now) {
  auto found = find(s, c.appointment_id);
  if (!found) return as_failure(found.error());
  const Appointment& a = **found;
  const bool patient = is_own_patient(a, c.actor);
  if (!patient && !is_staff_or_own_doctor(s, c.actor)) {
    return error(errc::forbidden, "not your appointment");
  }
  if (!is_live(a.status)) return bad_transition(a, "cancel");
  if (patient && past_deadline(s, a, now)) {
    return error(errc::deadline_passed, "the cancellation deadline has passed");
  }
  if (auto e = check_length(c.reason, max_reason_chars, "reason")) return as_failure(*e);
  AppointmentCancelled e;
  e.actor = c.actor;
  e.appointment_id = a.id;
  e.patient_id = a.patient_id;
  e.start = a.start;
  e.old_status = a.status;
  e.personal.reason = c.reason;
  Events out;
  out.emplace_back(std::move(e));
  OfferMaker offers(s, now, c.actor, out);
  offers.freed(a.start, 1);
  offers.finish();
  return out;
}

Decision decide_reschedule(const DoctorState& s, const RescheduleAppointment& c, Instant now) {
  auto found = find(s, c.appointment_id);
  if (!found) return as_failure(found.error());
  const Appointment& a = **found;
  const bool patient = is_own_patient(a, c.actor);
  if (!patient && !c.actor.is_staff()) return error(errc::forbidden, "not your appointment");
  if (a.status != AppointmentStatus::pending && a.status != AppointmentStatus::confirmed) {
    return bad_transition(a, "reschedule");
  }
  if (c.start == a.start) return Events{};  // already there: a retry
  if (patient && past_deadline(s, a, now)) {
    return error(errc::deadline_passed, "the cancellation deadline of the old slot has passed");
  }
  if (!s.profile().active) return error(errc::doctor_inactive, "the doctor takes no bookings");
  if (auto e = check_length(c.reason, max_reason_chars, "reason")) return as_failure(*e);
  const Hold* hold = own_live_hold(s, a.patient_id, c.start, now);
  SlotRequest r;
  r.start = c.start;
  r.type = a.consultation_type;
  r.patient_id = a.patient_id;
  r.moving_appointment = a.id;
  if (hold != nullptr) r.reserved_hold = hold->id;
  auto slot = check_slot(s, r, now);
  if (!slot) return as_failure(slot.error());
  AppointmentRescheduled e;
  e.actor = c.actor;
  e.appointment_id = a.id;
  e.patient_id = a.patient_id;
  e.old_start = a.start;
  e.old_end = a.end;
  e.new_start = slot->start;
  e.new_end = slot->end;
  e.old_status = a.status;
  e.new_status = initial_status(s);
  if (hold != nullptr) e.hold_id = hold->id;
  e.personal.reason = c.reason;
  Events out;
  out.emplace_back(std::move(e));
  OfferMaker offers(s, now, c.actor, out);
  offers.freed(a.start, 1);
  offers.finish();
  return out;
}

Decision decide_confirm(const DoctorState& s, const ConfirmAppointment& c, Instant /*now*/) {
  auto found = find(s, c.appointment_id);
  if (!found) return as_failure(found.error());
  const Appointment& a = **found;
  if (!is_staff_or_own_doctor(s, c.actor)) return error(errc::forbidden, "not your appointment");
  if (a.status != AppointmentStatus::pending) return bad_transition(a, "confirm");
  return Events{AppointmentConfirmed{c.actor, a.id}};
}

Decision decide_reject(const DoctorState& s, const RejectAppointment& c, Instant now) {
  auto found = find(s, c.appointment_id);
  if (!found) return as_failure(found.error());
  const Appointment& a = **found;
  if (!is_staff_or_own_doctor(s, c.actor)) return error(errc::forbidden, "not your appointment");
  if (a.status != AppointmentStatus::pending) return bad_transition(a, "reject");
  if (auto e = check_length(c.reason, max_reason_chars, "reason")) return as_failure(*e);
  AppointmentRejected e{c.actor, a.id, Personal{}};
  e.personal.reason = c.reason;
  Events out{std::move(e)};
  OfferMaker offers(s, now, c.actor, out);
  offers.freed(a.start, 1);
  offers.finish();
  return out;
}

// Check-in and start are allowed from 2 h before the start (exactly then included).
Decision decide_check_in(const DoctorState& s, const CheckInAppointment& c, Instant now) {
  auto found = find(s, c.appointment_id);
  if (!found) return as_failure(found.error());
  const Appointment& a = **found;
  if (!c.actor.is_staff()) return error(errc::forbidden, "only staff check patients in");
  if (a.status != AppointmentStatus::confirmed) return bad_transition(a, "check in");
  if (now < a.start - early_window) return error(errc::too_early, "check-in opens 2 h before");
  return Events{AppointmentCheckedIn{c.actor, a.id}};
}

Decision decide_start(const DoctorState& s, const StartAppointment& c, Instant now) {
  auto found = find(s, c.appointment_id);
  if (!found) return as_failure(found.error());
  const Appointment& a = **found;
  if (!is_staff_or_own_doctor(s, c.actor)) return error(errc::forbidden, "not your appointment");
  if (a.status != AppointmentStatus::confirmed && a.status != AppointmentStatus::checked_in) {
    return bad_transition(a, "start");
  }
  if (now < a.start - early_window) return error(errc::too_early, "start opens 2 h before");
  return Events{AppointmentStarted{c.actor, a.id}};
}

Decision decide_complete(const DoctorState& s, const CompleteAppointment& c, Instant /*now*/) {
  auto found = find(s, c.appointment_id);
  if (!found) return as_failure(found.error());
  const Appointment& a = **found;
  if (!is_staff_or_own_doctor(s, c.actor)) return error(errc::forbidden, "not your appointment");
  if (a.status != AppointmentStatus::in_progress) return bad_transition(a, "complete");
  return Events{AppointmentCompleted{c.actor, a.id}};
}

// A no-show is possible only strictly after the start: at the start itself it is too_early.
Decision decide_no_show(const DoctorState& s, const MarkNoShow& c, Instant now) {
  auto found = find(s, c.appointment_id);
  if (!found) return as_failure(found.error());
  const Appointment& a = **found;
  if (!is_staff_or_own_doctor(s, c.actor)) return error(errc::forbidden, "not your appointment");
  if (a.status != AppointmentStatus::confirmed && a.status != AppointmentStatus::checked_in) {
    return bad_transition(a, "mark as no-show");
  }
  if (!(now > a.start)) return error(errc::too_early, "a no-show is only after the start");
  return Events{AppointmentNoShow{c.actor, a.id, a.status}};
}

}  // namespace docket::domain::detail
