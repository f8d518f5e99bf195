#pragma once
// Given / when / then for the doctor decider: given these events, when this command at this
// instant, then these events or this error. Plus the standard doctor the tests start from.
//
// The standard doctor "dr-ada" works in UTC, Monday to Friday 09:00-17:00 in 30-minute slots of
// capacity 1, schedule effective from 2027-01-01, default settings. 2027-03-01 is a Monday.

#include <gtest/gtest.h>

#include <initializer_list>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "domain/doctor.hpp"
#include "domain/event_json.hpp"

namespace docket::domain::testing {

inline Instant at(std::string_view rfc3339) {
  const auto t = parse_rfc3339(rfc3339);
  EXPECT_TRUE(t.has_value()) << rfc3339;
  return t.value_or(Instant{});
}
inline LocalDate day(std::string_view text) {
  const auto d = parse_local_date(text);
  EXPECT_TRUE(d.has_value()) << text;
  return d.value_or(LocalDate{});
}

inline const std::string doctor_id = "dr-ada";
inline Actor admin() {
  return {"root", Role::admin};
}
inline Actor receptionist() {
  return {"desk-1", Role::receptionist};
}
inline Actor patient(std::string id = "pat-1") {
  return {std::move(id), Role::patient};
}
inline Actor the_doctor() {
  return {doctor_id, Role::doctor};
}
inline Actor other_doctor() {
  return {"dr-bob", Role::doctor};
}
inline Actor scheduler() {
  return {"scheduler", Role::system};
}

inline ScheduleRule weekday_rule(int capacity = 1, int slot_minutes = 30) {
  ScheduleRule r;
  r.weekdays = 0x1F;  // Monday..Friday
  r.start_minute = 9 * 60;
  r.end_minute = 17 * 60;
  r.slot_minutes = slot_minutes;
  r.capacity = capacity;
  return r;
}

inline Event registered(std::string timezone = "UTC") {
  Profile p{"Ada Lovelace",           "cardiology", std::move(timezone), 5000,
            ConsultationTypes::all(), true};
  return DoctorRegistered{admin(), doctor_id, p, Settings{}};
}

inline Event schedule_set(std::vector<ScheduleRule> rules = {weekday_rule()},
                          LocalDate from = day("2027-01-01")) {
  DoctorScheduleSet e;
  e.actor = admin();
  e.effective_from = from;
  e.rules = std::move(rules);
  return e;
}

inline Event settings_changed(Settings n) {
  return DoctorSettingsChanged{admin(), Settings{}, n};
}

// A confirmed booking of the standard doctor (UTC, so the number's date is the UTC date).
inline AppointmentBooked booked(std::string id, std::string patient_id, Instant start,
                                int sequence = 1, int minutes = 30) {
  AppointmentBooked e;
  e.actor = patient(patient_id);
  e.appointment_id = std::move(id);
  const LocalDate d = std::chrono::floor<date::days>(date::local_seconds{start.time_since_epoch()});
  e.number = format_appointment_number(d, sequence);
  e.patient_id = std::move(patient_id);
  e.start = start;
  e.end = start + std::chrono::minutes(minutes);
  e.fee = 5000;
  e.status = AppointmentStatus::confirmed;
  return e;
}

inline HoldPlaced hold_placed(std::string id, std::string patient_id, Instant start,
                              Instant expires_at) {
  return HoldPlaced{patient(patient_id),
                    std::move(id),
                    std::move(patient_id),
                    start,
                    start + std::chrono::minutes(30),
                    ConsultationType::in_person,
                    expires_at};
}

inline WaitlistJoined joined(std::string id, std::string patient_id, LocalDate date,
                             int priority = 0, int from_minute = 0, int to_minute = 1440) {
  return WaitlistJoined{patient(patient_id), std::move(id), std::move(patient_id),       date,
                        from_minute,         to_minute,     ConsultationType::in_person, priority};
}

// The standard doctor: registered and scheduled.
inline std::vector<Event> standard_doctor() {
  return {registered(), schedule_set()};
}

// Folds events into a state.
inline DoctorState given(const std::vector<Event>& events) {
  DoctorState s = initial_state();
  for (const Event& e : events)
    apply(s, e);
  return s;
}
inline DoctorState given(std::vector<Event> base, std::initializer_list<Event> more) {
  for (const Event& e : more)
    base.push_back(e);
  return given(base);
}

inline std::string describe(const std::vector<Event>& events) {
  std::ostringstream out;
  for (const Event& e : events)
    out << encode(e).type << " " << encode(e).data.dump() << "\n";
  return out.str();
}
inline std::string describe(const Error& e) {
  return std::string(to_code(e.code)) + " field=" + e.field + " (" + e.detail + ")";
}

// Then: exactly these events.
inline void then_events(const Result<std::vector<Event>>& r, const std::vector<Event>& expected) {
  ASSERT_TRUE(r.ok()) << "unexpected error: " << describe(r.error());
  EXPECT_EQ(r.value(), expected) << "got:\n"
                                 << describe(r.value()) << "expected:\n"
                                 << describe(expected);
}

// Then: this error (and field, when given).
inline void then_error(const Result<std::vector<Event>>& r, errc code,
                       std::string_view field = {}) {
  ASSERT_FALSE(r.ok()) << "expected " << to_code(code) << ", got events:\n" << describe(r.value());
  EXPECT_EQ(r.error().code, code) << describe(r.error());
  if (!field.empty()) {
    EXPECT_EQ(r.error().field, field) << describe(r.error());
  }
}

// Then: success; returns the events for closer looks.
inline std::vector<Event> then_ok(const Result<std::vector<Event>>& r) {
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : describe(r.error()));
  return r.ok() ? r.value() : std::vector<Event>{};
}

template <class E>
const E* first_of(const std::vector<Event>& events) {
  for (const Event& e : events) {
    if (const E* x = std::get_if<E>(&e)) return x;
  }
  return nullptr;
}

inline BookAppointment book(std::string id, Instant start, std::string patient_id = "pat-1") {
  BookAppointment c;
  c.actor = patient(patient_id);
  c.appointment_id = std::move(id);
  c.start = start;
  return c;
}

}  // namespace docket::domain::testing
