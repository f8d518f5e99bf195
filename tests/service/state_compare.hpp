#pragma once
// Folding a doctor's stream by hand, and comparing two states through everything `decide` sees.

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "domain/doctor_state.hpp"
#include "domain/event_json.hpp"
#include "eventstore/event_log.hpp"

namespace docket::api::testing {

// The doctor's state folded from the whole stream, without snapshots or the service.
inline domain::DoctorState full_replay(eventstore::EventLog& log, const std::string& doctor_id) {
  domain::DoctorState s = domain::initial_state();
  auto events = log.read_stream("doctor-" + doctor_id, 1);
  EXPECT_TRUE(events.ok());
  if (!events.ok()) return s;
  for (const eventstore::RecordedEvent& e : *events) {
    auto decoded = domain::decode(e.type, e.data);
    EXPECT_TRUE(decoded.ok()) << e.type;
    if (decoded.ok()) domain::apply(s, *decoded);
  }
  return s;
}

template <class T>
std::vector<std::string> ids(const std::vector<const T*>& v) {
  std::vector<std::string> out;
  for (const T* x : v)
    out.push_back(x->id);
  return out;
}

// Expects `a` and `b` to be the same through the state's public interface.
inline void expect_same_state(const domain::DoctorState& a, const domain::DoctorState& b) {
  EXPECT_EQ(a.version(), b.version());
  EXPECT_EQ(a.registered(), b.registered());
  EXPECT_EQ(a.id(), b.id());
  EXPECT_TRUE(a.profile() == b.profile());
  EXPECT_TRUE(a.settings() == b.settings());
  EXPECT_TRUE(a.schedule() == b.schedule());
  EXPECT_TRUE(a.blocks() == b.blocks());
  EXPECT_TRUE(a.appointments() == b.appointments());
  EXPECT_TRUE(a.holds() == b.holds());
  EXPECT_TRUE(a.walkins() == b.walkins());
  EXPECT_TRUE(a.waitlist() == b.waitlist());
  EXPECT_TRUE(a.deadlines() == b.deadlines());
  EXPECT_EQ(a.waiting_dates(), b.waiting_dates());
  std::set<std::string> patients;
  for (const auto& [id, x] : a.appointments()) {
    patients.insert(x.patient_id);
    const domain::SlotUse* ua = a.slot_use(x.start);
    const domain::SlotUse* ub = b.slot_use(x.start);
    ASSERT_TRUE(ua != nullptr && ub != nullptr);
    EXPECT_TRUE(*ua == *ub) << id;
  }
  for (const auto& [id, x] : a.holds())
    patients.insert(x.patient_id);
  for (const std::string& p : patients) {
    EXPECT_EQ(a.live_appointments_of(p), b.live_appointments_of(p)) << p;
    EXPECT_EQ(a.holds_of(p), b.holds_of(p)) << p;
  }
  for (const domain::LocalDate d : a.waiting_dates())
    EXPECT_EQ(ids(a.waiting_on(d)), ids(b.waiting_on(d)));
  for (const auto& [id, w] : a.walkins()) {
    EXPECT_EQ(ids(a.queue_on(w.date)), ids(b.queue_on(w.date)));
    EXPECT_EQ(a.walkins_registered(w.date), b.walkins_registered(w.date));
  }
}

}  // namespace docket::api::testing
