// Analytics facts against counts recomputed directly from the log, including after a redelivery
// of the whole log.

#include "consumers/analytics.hpp"

#include <gtest/gtest.h>

#include <random>
#include <sstream>

#include "tests/consumers/log_fixture.hpp"

namespace docket::consumers {
namespace {

using namespace docket::consumers::testing;
using domain::Role;

// Two doctors in two specialties; bookings, then per appointment one random outcome, decided at
// varied times; walk-ins called after varied waits. Fixed seed.
void workload(eventstore::EventLog& log) {
  std::mt19937 random(20270301);
  const std::vector<std::string> doctors = {"a", "b"};
  append(log, "a", {registered("a", "cardiology", 5000)}, at("2027-03-01T07:00:00Z"));
  append(log, "b", {registered("b", "dermatology", 7000)}, at("2027-03-01T07:00:00Z"));
  const auto day0 = at("2027-03-01T08:00:00Z");
  for (int i = 0; i < 60; ++i) {
    const std::string doctor = doctors[i % 2];
    const std::string id = "appt-" + std::to_string(i);
    const std::string patient = "p-" + std::to_string(i);
    const auto decided = day0 + std::chrono::hours(6 * i);
    const auto start = decided + std::chrono::hours(1 + static_cast<int>(random() % 300));
    append(log, doctor, {booked(id, patient, start, doctor == "a" ? 5000 : 7000)}, decided);
    const auto later = decided + std::chrono::minutes(30);
    switch (random() % 5) {
      case 0: {
        domain::AppointmentCancelled e;
        const Role roles[] = {Role::patient, Role::doctor, Role::receptionist};
        e.actor = actor("x", roles[random() % 3]);
        e.appointment_id = id;
        e.patient_id = patient;
        e.start = start;
        append(log, doctor, {e}, later);
        break;
      }
      case 1: {
        domain::AppointmentRescheduled e;
        e.actor = actor(patient, Role::patient);
        e.appointment_id = id;
        e.patient_id = patient;
        e.old_start = start;
        e.new_start = start + std::chrono::hours(24);
        append(log, doctor, {e}, later);
        break;
      }
      case 2: {
        domain::AppointmentCompleted e;
        e.actor = actor(doctor, Role::doctor);
        e.appointment_id = id;
        append(log, doctor, {e}, start + std::chrono::minutes(30));
        break;
      }
      case 3: {
        domain::AppointmentNoShow e;
        e.actor = actor(doctor, Role::doctor);
        e.appointment_id = id;
        append(log, doctor, {e}, start + std::chrono::minutes(30));
        break;
      }
      default:
        break;
    }
  }
  for (int i = 0; i < 10; ++i) {
    const std::string doctor = doctors[i % 2];
    domain::WalkinRegistered w;
    w.actor = actor("desk", Role::receptionist);
    w.walkin_id = "w-" + std::to_string(i);
    w.patient_id = "wp-" + std::to_string(i);
    w.arrived_at = day0 + std::chrono::hours(i);
    w.queue_number = domain::format_queue_number(i + 1);
    append(log, doctor, {w}, w.arrived_at);
    domain::WalkinCalled c;
    c.actor = actor(doctor, Role::doctor);
    c.walkin_id = w.walkin_id;
    append(log, doctor, {c}, w.arrived_at + std::chrono::minutes(5 + i));
  }
}

// The same totals, counted straight from the stored envelopes.
std::map<std::string, std::map<std::string, std::int64_t>> recount(eventstore::EventLog& log) {
  std::map<std::string, std::map<std::string, std::int64_t>> by_doctor;
  std::map<std::string, std::int64_t> fee;
  std::map<std::string, std::int64_t> arrived;
  eventstore::Position at;
  for (;;) {
    auto batch = log.read_all(at, 1000);
    if (!batch) throw std::runtime_error("read_all");
    if (batch->commits.empty()) break;
    for (const auto& c : batch->commits) {
      for (const auto& e : c.events) {
        auto& d = by_doctor[e.stream.substr(7)];
        const auto t = domain::parse_rfc3339(e.time)->time_since_epoch().count();
        if (e.type == domain::AppointmentBooked::type) {
          ++d["booked"];
          fee[e.data["appointment_id"]] = e.data["fee"];
        } else if (e.type == domain::AppointmentCancelled::type) {
          ++d["cancelled"];
          ++d["cancelled_by_" + e.actor.role];
        } else if (e.type == domain::AppointmentRescheduled::type) {
          ++d["rescheduled"];
        } else if (e.type == domain::AppointmentCompleted::type) {
          ++d["completed"];
          d["revenue"] += fee[e.data["appointment_id"]];
        } else if (e.type == domain::AppointmentNoShow::type) {
          ++d["no_shows"];
        } else if (e.type == domain::WalkinRegistered::type) {
          ++d["walk_ins"];
          arrived[e.data["walkin_id"]] = t;
        } else if (e.type == domain::WalkinCalled::type) {
          ++d["walk_ins_called"];
          d["walk_in_wait_seconds"] += t - arrived[e.data["walkin_id"]];
        }
      }
    }
    at = batch->next;
  }
  return by_doctor;
}

TEST(Analytics, TotalsEqualCountsRecomputedFromTheLogEvenAfterRedelivery) {
  TempDir dir;
  auto log = open_log(dir.path() / "log");
  workload(*log);
  auto store = ConsumerStore::open(dir.path() / "analytics");
  ASSERT_TRUE(store);
  AnalyticsHandler handler;
  for (int round = 0; round < 2; ++round) {
    if (round == 1) {  // the whole log again, as after a restore: nothing may count twice
      Effects none(**store);
      ASSERT_TRUE((*store)->write(none, eventstore::Position()));
    }
    ConsumerRunner runner(*log, **store, handler, 16);
    ASSERT_TRUE(runner.start());
    ASSERT_TRUE(runner.wait_for(*log->head(), std::chrono::seconds(20)))
        << runner.failure().value_or("");
  }
  const auto from = *domain::parse_local_date("2027-01-01");
  const auto to = *domain::parse_local_date("2027-12-31");
  auto rows = query_facts(**store, from, to, GroupBy::doctor);
  ASSERT_TRUE(rows) << rows.error().message;
  const auto expected = recount(*log);
  ASSERT_EQ(rows->size(), 2u);
  std::int64_t lead_total = 0;
  for (const auto& row : *rows) {
    const auto& want = expected.at(row.group);
    for (const auto& name : fact_names()) {
      if (name.starts_with("cancelled_lead_")) {
        lead_total += row.counts.at(name);
        continue;
      }
      const auto it = want.find(name);
      EXPECT_EQ(row.counts.at(name), it == want.end() ? 0 : it->second) << row.group << " " << name;
    }
  }
  EXPECT_EQ(lead_total, expected.at("a").at("cancelled") + expected.at("b").at("cancelled"));

  auto specialties = query_facts(**store, from, to, GroupBy::specialty);
  ASSERT_TRUE(specialties);
  ASSERT_EQ(specialties->size(), 2u);
  EXPECT_EQ((*specialties)[0].group, "cardiology");
  EXPECT_EQ((*specialties)[0].counts.at("booked"), expected.at("a").at("booked"));
  EXPECT_EQ((*specialties)[1].counts.at("revenue"), expected.at("b").at("revenue"));

  // A range before everything is empty; a one-day range holds only that day's facts.
  auto none = query_facts(**store, from, *domain::parse_local_date("2027-02-28"), GroupBy::doctor);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  auto first_day = query_facts(**store, *domain::parse_local_date("2027-03-01"),
                               *domain::parse_local_date("2027-03-01"), GroupBy::doctor);
  ASSERT_TRUE(first_day);
  std::int64_t booked_first_day = 0;
  for (const auto& r : *first_day)
    booked_first_day += r.counts.at("booked");
  EXPECT_GT(booked_first_day, 0);
  EXPECT_LT(booked_first_day, expected.at("a").at("booked") + expected.at("b").at("booked"));

  std::ostringstream csv;
  write_facts_csv(*rows, csv);
  std::istringstream lines(csv.str());
  std::string header;
  std::getline(lines, header);
  EXPECT_TRUE(header.starts_with("group,booked,cancelled,"));
  std::size_t n = 0;
  for (std::string line; std::getline(lines, line);)
    ++n;
  EXPECT_EQ(n, 2u);
  std::ostringstream jsonl;
  write_facts_jsonl(*rows, jsonl);
  std::istringstream jl(jsonl.str());
  std::string first;
  std::getline(jl, first);
  const auto parsed = nlohmann::json::parse(first);
  EXPECT_EQ(parsed["booked"], expected.at(parsed["group"].get<std::string>()).at("booked"));
}

}  // namespace
}  // namespace docket::consumers
