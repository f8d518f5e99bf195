// Read-your-writes (Docket-Min-Position), readiness and metrics of the read side, the log
// endpoint, and online rebuilds, over real HTTP.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>

#include "tests/http/query_fixture.hpp"

namespace docket::http_test {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

TEST(ReadYourWrites, AQueryWithTheBookingsPositionSeesTheBooking) {
  TempDir dir;
  QueryService s(dir.path());
  add_doctor(s, "dr-a");
  for (int i = 0; i < 20; ++i) {
    char start[32];
    std::snprintf(start, sizeof start, "2027-03-01T%02d:%d0:00Z", 9 + i / 6, i % 6);
    auto booked = book(s, "dr-a", "p-" + std::to_string(i), start);
    ASSERT_EQ(booked.status, 201) << booked.raw;
    const std::string id = booked.body["id"];
    auto read =
        s.get_after("/v1/appointments/" + id, token("p-" + std::to_string(i), api::Role::patient),
                    booked.header("Docket-Position"));
    ASSERT_EQ(read.status, 200) << "booking " << i << ": " << read.raw;
    EXPECT_EQ(read.body["id"], id);
  }
}

TEST(ReadYourWrites, AnUnreachablePositionIsNotCaughtUpWithinTheBound) {
  TempDir dir;
  QueryService s(dir.path(), {.min_position_wait = std::chrono::milliseconds(200)});
  const std::string patient = token("p-1", api::Role::patient);
  const auto started = Clock::now();
  auto r = s.get_after("/v1/doctors", patient, "1000000");
  const auto waited = Clock::now() - started;
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.code(), "not_caught_up");
  EXPECT_GE(waited, std::chrono::milliseconds(200));
  EXPECT_LT(waited, std::chrono::seconds(3));

  auto malformed = s.get_after("/v1/doctors", patient, "not-a-position");
  EXPECT_EQ(malformed.status, 422);
  EXPECT_EQ(malformed.code(), "invalid_field");
  EXPECT_EQ(malformed.body["field"], "Docket-Min-Position");
  EXPECT_EQ(s.get_after("/v1/doctors", patient, "0").status, 200) << "the start is always covered";
}

TEST(ReadSideOperations, ReadyWhileCaughtUpAndMetricsShowTheProjector) {
  TempDir dir;
  QueryService s(dir.path());
  const std::string at = add_doctor(s, "dr-a");
  ASSERT_EQ(s.get_after("/v1/doctors", token("p", api::Role::patient), at).status, 200);
  auto ready = s.get("/readyz", "");
  EXPECT_EQ(ready.status, 200) << ready.raw;
  auto metrics = s.get("/metrics", "");
  EXPECT_NE(metrics.raw.find("docket_projection_lag_events 0"), std::string::npos) << metrics.raw;
  EXPECT_NE(metrics.raw.find("docket_projection_events_applied_total 2"), std::string::npos)
      << "registered and scheduled: two events";
  s.projector().stop();
  auto stopped = s.get("/readyz", "");
  EXPECT_EQ(stopped.status, 503);
  EXPECT_EQ(stopped.code(), "unavailable");
  EXPECT_NE(s.get("/metrics", "").raw.find("docket_projection_running 0"), std::string::npos);
}

TEST(ReadSideOperations, NotReadyWhileTheReadModelsTrailTheLog) {
  TempDir dir;
  QueryService s(dir.path(), {.ready_max_lag = 0});
  std::string at;
  {
    // While paused the projector applies nothing, so the write below leaves it behind.
    auto paused = s.projector().pause();
    at = add_doctor(s, "dr-a");
    auto lagging = s.get("/readyz", "");
    EXPECT_EQ(lagging.status, 503) << lagging.raw;
    EXPECT_EQ(lagging.code(), "unavailable");
  }
  ASSERT_EQ(s.get_after("/v1/doctors", token("p", api::Role::patient), at).status, 200);
  EXPECT_EQ(s.get("/readyz", "").status, 200);
}

TEST(LogEvents, PagesThroughTheLogWithNextTokens) {
  TempDir dir;
  QueryService s(dir.path());
  add_doctor(s, "dr-a");
  book(s, "dr-a", "p-1", "2027-03-01T09:00:00Z");
  const std::string admin = token("root", api::Role::admin);
  auto first = s.get("/v1/events?limit=2", admin);
  ASSERT_EQ(first.status, 200) << first.raw;
  ASSERT_EQ(first.body["events"].size(), 2u);
  EXPECT_EQ(first.body["events"][0]["specversion"], "1.0");
  EXPECT_EQ(first.body["events"][0]["type"], "docket.doctor.registered.v1");
  auto rest = s.get("/v1/events?after=" + first.body["next"].get<std::string>(), admin);
  ASSERT_EQ(rest.status, 200);
  ASSERT_FALSE(rest.body["events"].empty());
  EXPECT_EQ(rest.body["events"][0]["type"], "docket.appointment.booked.v1");
  auto end = s.get("/v1/events?after=" + rest.body["next"].get<std::string>(), admin);
  EXPECT_TRUE(end.body["events"].empty());
  EXPECT_EQ(end.body["next"], rest.body["next"]);

  EXPECT_EQ(s.get("/v1/events?limit=0", admin).code(), "out_of_range");
  EXPECT_EQ(s.get("/v1/events?limit=1001", admin).body["field"], "limit");
  EXPECT_EQ(s.get("/v1/events?after=x", admin).body["field"], "after");
  EXPECT_EQ(s.get("/v1/events", token("desk", api::Role::receptionist)).status, 403);
}

TEST(OnlineRebuild, RebuildsWhileServingAndRefusesASecondOne) {
  TempDir dir;
  QueryService s(dir.path());
  add_doctor(s, "dr-a");
  auto booked = book(s, "dr-a", "p-1", "2027-03-01T09:00:00Z");
  ASSERT_EQ(booked.status, 201);
  const std::string admin = token("root", api::Role::admin);
  const std::string path = "/v1/doctors/dr-a/availability?from=2027-03-01&to=2027-03-01";
  const auto before = s.get_after(path, admin, booked.header("Docket-Position"));
  ASSERT_EQ(before.status, 200);

  {
    // The rebuild cannot switch generations while the projector is paused, so it is still
    // running when the second request arrives.
    auto paused = s.projector().pause();
    auto started =
        s.post("/v1/admin/projections/rebuild", admin, {{"projections", {"availability"}}});
    ASSERT_EQ(started.status, 202) << started.raw;
    EXPECT_EQ(started.body["projections"], json({"availability"}));
    auto second = s.post("/v1/admin/projections/rebuild", admin, json::object());
    EXPECT_EQ(second.status, 409);
    EXPECT_EQ(second.code(), "rebuild_running");
    EXPECT_EQ(s.get(path, admin).body, before.body) << "the old generation keeps serving";
  }
  s.wait_for_rebuild();
  const json status = s.get("/v1/admin/projections", admin).body;
  ASSERT_TRUE(status["rebuild"].is_object()) << status;
  EXPECT_EQ(status["rebuild"]["projections"], json({"availability"}));
  EXPECT_EQ(status["behind"], 0);
  EXPECT_FALSE(status["rebuild"]["running"].get<bool>());
  EXPECT_TRUE(status["rebuild"]["error"].is_null()) << status;
  auto after = s.get(path, admin);
  EXPECT_EQ(after.body, before.body) << "the rebuilt model answers the same";

  auto unknown = s.post("/v1/admin/projections/rebuild", admin, {{"projections", {"nope"}}});
  EXPECT_EQ(unknown.status, 422);
  EXPECT_EQ(unknown.body["field"], "projections");
  EXPECT_EQ(
      s.post("/v1/admin/projections/rebuild", token("d", api::Role::receptionist), json{}).status,
      403);
}

}  // namespace
}  // namespace docket::http_test
