#include <gtest/gtest.h>

#include "domain/doctor.hpp"
#include "domain/doctor_state_json.hpp"
#include "service_fixture.hpp"
#include "state_compare.hpp"

namespace docket::api::testing {
namespace {

domain::Actor desk() {
  return {"desk-1", domain::Role::receptionist};
}

// Drives one doctor through most of what its state records: live, cancelled and rescheduled
// appointments, a waitlist offer, released, consumed and live holds, added and removed blocks,
// walk-ins called and completed.
void busy_day(CommandService& service) {
  const auto run = [&](domain::Command c) {
    const CommandResult r = service.execute("dr-ada", std::move(c));
    ASSERT_TRUE(r.ok()) << describe(r);
  };
  const auto staff_book = [&](std::string id, int i, std::string patient, std::string hold = "") {
    domain::BookAppointment c;
    c.actor = desk();
    c.appointment_id = std::move(id);
    c.patient_id = std::move(patient);
    c.start = slot(i);
    c.hold_id = std::move(hold);
    run(c);
  };
  staff_book("dr-ada.a1", 0, "p1");
  staff_book("dr-ada.a2", 1, "p2");
  staff_book("dr-ada.a3", 2, "p1");
  domain::JoinWaitlist w1;
  w1.actor = desk();
  w1.entry_id = "dr-ada.w1";
  w1.patient_id = "p5";
  w1.date = *domain::parse_local_date("2027-03-01");
  run(w1);
  domain::JoinWaitlist w2 = w1;
  w2.entry_id = "dr-ada.w2";
  w2.patient_id = "p6";
  w2.date = *domain::parse_local_date("2027-03-02");
  w2.priority = 3;
  run(w2);
  run(domain::CancelAppointment{desk(), "dr-ada.a2", "clinic closed"});  // offers slot 1 to w1
  run(domain::RescheduleAppointment{desk(), "dr-ada.a3", slot(5), ""});
  run(place_hold("dr-ada.h1", slot(6), "p3"));
  run(domain::ReleaseHold{patient("p3"), "dr-ada.h1"});
  run(place_hold("dr-ada.h2", slot(7), "p4"));
  staff_book("dr-ada.a4", 7, "p4", "dr-ada.h2");
  run(place_hold("dr-ada.h3", slot(8), "p7"));
  run(place_hold("dr-ada.h4", slot(8 + 48), "p7"));
  domain::AddBlock b1;
  b1.actor = desk();
  b1.block_id = "dr-ada.b1";
  b1.start = at("2027-03-03T09:00:00Z");
  b1.end = at("2027-03-03T10:00:00Z");
  b1.reason = "training";
  run(b1);
  run(domain::RemoveBlock{desk(), "dr-ada.b1"});
  domain::AddBlock b2 = b1;
  b2.block_id = "dr-ada.b2";
  b2.start = at("2027-03-04T09:00:00Z");
  b2.end = at("2027-03-04T12:00:00Z");
  run(b2);
  run(domain::RegisterWalkin{desk(), "dr-ada.k1", "p8", domain::Urgency::routine, ""});
  run(domain::RegisterWalkin{desk(), "dr-ada.k2", "p9", domain::Urgency::urgent, ""});
  run(domain::RegisterWalkin{desk(), "dr-ada.k3", "p10", domain::Urgency::routine, ""});
  run(domain::CallNextWalkin{desk()});
  run(domain::CompleteWalkin{desk(), "dr-ada.k2"});
}

// The same decision, whichever state it is taken against.
void expect_same_decisions(const domain::DoctorState& a, const domain::DoctorState& b,
                           domain::Instant now) {
  std::vector<domain::Command> probes = {
      book("dr-ada.x1", slot(1), "p11"),  // offered to w1
      book("dr-ada.x2", slot(3), "p1"),
      book("dr-ada.x3", slot(8), "p12"),                // held by h3
      domain::ReleaseHold{patient("p3"), "dr-ada.h1"},  // already released: no events
      domain::CallNextWalkin{desk()},
      domain::ExpireDue{{"system", domain::Role::system}},
  };
  for (const domain::Command& c : probes) {
    const auto x = domain::decide(a, c, now);
    const auto y = domain::decide(b, c, now);
    ASSERT_EQ(x.ok(), y.ok()) << c.index();
    if (x.ok()) {
      EXPECT_TRUE(*x == *y) << c.index();
    } else {
      EXPECT_EQ(x.error().code, y.error().code) << c.index();
    }
  }
}

TEST(Snapshot, CodecRebuildsABusyDoctor) {
  TempDir dir;
  WriteSide ws(dir.path());
  ws.add_doctor("dr-ada");
  busy_day(ws.service());
  const domain::DoctorState state = full_replay(ws.log(), "dr-ada");
  domain::SnapshotBasis basis;
  {
    domain::DoctorState s = domain::initial_state();
    auto events = ws.log().read_stream("doctor-dr-ada", 1);
    ASSERT_TRUE(events.ok());
    for (const auto& e : *events) {
      auto decoded = domain::decode(e.type, e.data);
      ASSERT_TRUE(decoded.ok());
      basis.observe(s, *decoded);
      domain::apply(s, *decoded);
    }
  }
  EXPECT_EQ(basis.ended_holds, (std::vector<std::string>{"dr-ada.h1", "dr-ada.h2"}));
  const auto encoded = domain::encode_snapshot(state, basis);
  ASSERT_TRUE(encoded.has_value());
  EXPECT_LT((*encoded)["events"].size(), state.version());
  // Survives a trip through bytes.
  const auto decoded =
      domain::decode_snapshot(nlohmann::json::from_cbor(nlohmann::json::to_cbor(*encoded)));
  ASSERT_TRUE(decoded.ok()) << decoded.error().detail;
  expect_same_state(state, decoded->state);
  EXPECT_TRUE(decoded->basis == basis);
  expect_same_decisions(state, decoded->state, ws.clock().now());
}

TEST(Snapshot, ServiceWritesThemAndLoadsTheLatest) {
  TempDir dir;
  CommandServiceOptions options;
  options.snapshot_every = 1;  // as often as the entity count allows
  WriteSide ws(dir.path(), options);
  ws.add_doctor("dr-ada");
  busy_day(ws.service());
  ws.service().flush_snapshots();
  EXPECT_GE(ws.service().metrics().snapshots_written.load(), 3u);
  EXPECT_EQ(ws.service().metrics().snapshots_refused.load(), 0u);
  ws.reopen();
  auto state = ws.service().state_of("dr-ada");
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(ws.service().metrics().snapshot_loads.load(), 1u);
  EXPECT_LT(ws.service().metrics().rehydrated_events.load(), state->version() / 2);
  const domain::DoctorState replayed = full_replay(ws.log(), "dr-ada");
  expect_same_state(replayed, *state);
  expect_same_decisions(replayed, *state, ws.clock().now());
}

TEST(Snapshot, RejectsWhatIsNotASnapshot) {
  EXPECT_FALSE(domain::decode_snapshot(nlohmann::json::object()).ok());
  EXPECT_FALSE(domain::decode_snapshot(nlohmann::json{{"format", 99}}).ok());
  nlohmann::json bad = {{"format", 1},
                        {"events", {{{"type", "docket.nope.v1"}, {"data", {}}}}},
                        {"pad", 0},
                        {"ended_holds", nlohmann::json::array()}};
  EXPECT_FALSE(domain::decode_snapshot(bad).ok());
}

}  // namespace
}  // namespace docket::api::testing
