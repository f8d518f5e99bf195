// The downstream endpoints over real HTTP, answered by the real consumers runtime (notifications
// and analytics stores beside the service's log): ownership of notifications, dead letters and
// their retry, daily analytics, and the 401/403/404/422/503 problems.

#include <gtest/gtest.h>
#include <httplib.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "app/consumers_runtime.hpp"
#include "tests/http/http_fixture.hpp"

namespace docket::http_test {
namespace {

using nlohmann::json;

// Webhook receivers on 127.0.0.1: /ok answers 200, /gone 410 (a dead letter at once).
class Receivers {
 public:
  Receivers() {
    server_.Post("/ok", [](const httplib::Request&, httplib::Response& res) { res.status = 200; });
    server_.Post("/gone",
                 [](const httplib::Request&, httplib::Response& res) { res.status = 410; });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~Receivers() {
    server_.stop();
    thread_.join();
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
};

class Downstream : public ::testing::Test {
 protected:
  Downstream()
      : s_(dir_.path(), [this](eventstore::EventLog& log, const std::filesystem::path& dir) {
          app::ConsumersConfig config;
          config.notification.destinations = {receivers_.url("/ok"), receivers_.url("/gone")};
          config.delivery.secret = "downstream-test-secret";
          config.delivery.base_backoff = std::chrono::milliseconds(5);
          config.clock = [] { return *domain::parse_rfc3339("2027-02-22T00:00:00Z"); };
          auto rt = app::ConsumersRuntime::start(log, dir, std::move(config));
          if (!rt) throw std::runtime_error(rt.error());
          runtime_ = rt.value().get();
          return std::unique_ptr<api::DownstreamQueries>(std::move(rt).value());
        }) {}

  void SetUp() override {
    standard_doctor(s_, "dr-a");
    using Booking = std::pair<std::string, std::string>;
    for (const auto& [patient, start] : {Booking{"patient-1", "2027-02-24T09:00:00Z"},
                                         Booking{"patient-2", "2027-02-24T09:10:00Z"},
                                         Booking{"patient-1", "2027-02-25T10:00:00Z"}}) {
      const auto r = s_.post("/v1/appointments", token(patient, api::Role::patient),
                             {{"doctor_id", "dr-a"},
                              {"start", start},
                              {"consultation_type", "in_person"},
                              {"reason_for_visit", "chest pain at night"}});
      ASSERT_EQ(r.status, 201) << r.raw;
    }
    ASSERT_TRUE(runtime_->catch_up(std::chrono::seconds(10)));
  }

  // Waits (bounded) until every delivery of every message is decided (none pending).
  bool deliveries_settled() {
    for (int i = 0; i < 500; ++i) {
      auto page = runtime_->notifications(std::nullopt, 0, 1000);
      if (!page) return false;
      bool pending = false;
      for (const auto& n : page->items) {
        for (const auto& d : n.deliveries)
          pending = pending || d.state == "pending";
      }
      if (!pending) return true;
      std::unique_lock lock(mutex_);
      cv_.wait_for(lock, std::chrono::milliseconds(20));
    }
    return false;
  }

  TempDir dir_;
  Receivers receivers_;
  app::ConsumersRuntime* runtime_ = nullptr;
  Service s_;
  std::mutex mutex_;
  std::condition_variable cv_;
  const std::string admin_ = token("root", api::Role::admin);
  const std::string desk_ = token("desk", api::Role::receptionist);
  const std::string alice_ = token("patient-1", api::Role::patient);
};

TEST_F(Downstream, APatientSeesOnlyItsOwnNotificationsAndStaffSeeAll) {
  auto r = s_.send("GET", "/v1/notifications", alice_);
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["total"], 2);
  EXPECT_EQ(r.body["page"], 1);
  ASSERT_EQ(r.body["notifications"].size(), 2u);
  for (const auto& n : r.body["notifications"]) {
    EXPECT_EQ(n["patient_id"], "patient-1");
    EXPECT_EQ(n["type"], "appointment.booked");
    EXPECT_EQ(n["deliveries"].size(), 2u);
    EXPECT_EQ(n["deliveries"][0]["channel"], "webhook");
  }
  EXPECT_EQ(r.raw.find("chest pain"), std::string::npos) << "free text in a notification";
  EXPECT_EQ(r.raw.find("/gone"), std::string::npos) << "destinations are not shown";

  r = s_.send("GET", "/v1/notifications?patient_id=patient-1", alice_);
  EXPECT_EQ(r.status, 200);
  r = s_.send("GET", "/v1/notifications?patient_id=patient-2", alice_);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.code(), "forbidden");
  EXPECT_EQ(r.header("Content-Type"), "application/problem+json");

  r = s_.send("GET", "/v1/notifications", desk_);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["total"], 3);
  r = s_.send("GET", "/v1/notifications?patient_id=patient-2&per_page=1", admin_);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["total"], 1);
  EXPECT_EQ(r.body["notifications"][0]["patient_id"], "patient-2");
  r = s_.send("GET", "/v1/notifications?page=2&per_page=2", admin_);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["notifications"].size(), 1u);
  EXPECT_EQ(r.body["per_page"], 2);

  EXPECT_EQ(s_.send("GET", "/v1/notifications", "").status, 401);
  r = s_.send("GET", "/v1/notifications", token("dr-a", api::Role::doctor));
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.code(), "forbidden");
  r = s_.send("GET", "/v1/notifications?page=0", admin_);
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.code(), "out_of_range");
}

TEST_F(Downstream, DeliveryStateShowsDeadLettersThatAnAdminRetries) {
  ASSERT_TRUE(deliveries_settled());
  auto r = s_.send("GET", "/v1/notifications", alice_);
  ASSERT_EQ(r.status, 200);
  for (const auto& n : r.body["notifications"]) {
    EXPECT_EQ(n["state"], "dead");  // the /gone destination answered 410
    EXPECT_EQ(n["deliveries"][0]["state"], "delivered");
    EXPECT_EQ(n["deliveries"][1]["state"], "dead");
    EXPECT_EQ(n["deliveries"][1]["last_error"], "status 410");
    EXPECT_EQ(n["attempts"], 1);
  }
  r = s_.send("GET", "/v1/notifications/dead-letters", admin_);
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["total"], 3);
  ASSERT_EQ(r.body["dead_letters"].size(), 3u);
  const auto first = r.body["dead_letters"][0];
  EXPECT_EQ(first["destination"], receivers_.url("/gone"));
  EXPECT_EQ(first["type"], "appointment.booked");
  EXPECT_EQ(s_.send("GET", "/v1/notifications/dead-letters", desk_).status, 403);
  EXPECT_EQ(s_.send("GET", "/v1/notifications/dead-letters", "").status, 401);

  const std::string retry =
      "/v1/notifications/dead-letters/" + std::to_string(first["seq"].get<int>()) + "/retry";
  r = s_.post(retry, admin_, {{"force", true}});
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.code(), "unknown_field");
  r = s_.send("POST", retry, desk_);
  EXPECT_EQ(r.status, 403);
  r = s_.send("POST", retry, admin_);
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["state"], "pending");
  // A sequence that is no dead letter is 404. (Retrying `first` again is no such case: the
  // delivery worker may already have failed it again, making it a dead letter once more.)
  r = s_.send("POST", "/v1/notifications/dead-letters/999999/retry", admin_);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.code(), "not_found");
  EXPECT_EQ(s_.send("POST", "/v1/notifications/dead-letters/abc/retry", admin_).code(),
            "not_found");
  // The retried delivery fails again (still 410) and is a dead letter once more.
  ASSERT_TRUE(deliveries_settled());
  r = s_.send("GET", "/v1/notifications/dead-letters", admin_);
  EXPECT_EQ(r.body["total"], 3);
}

TEST_F(Downstream, DailyAnalyticsCountTheBookingsPerDoctorAndSpecialty) {
  auto r = s_.send("GET", "/v1/analytics/daily?from=2027-02-22&to=2027-02-28", admin_);
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["group_by"], "doctor");
  ASSERT_EQ(r.body["totals"].size(), 1u);
  EXPECT_EQ(r.body["totals"][0]["group"], "dr-a");
  EXPECT_EQ(r.body["totals"][0]["booked"], 3);  // booked on 2027-02-22, the service's clock
  ASSERT_EQ(r.body["days"].size(), 1u);
  EXPECT_EQ(r.body["days"][0]["date"], "2027-02-22");
  r = s_.send("GET", "/v1/analytics/daily?from=2027-02-22&to=2027-02-22&group_by=specialty",
              admin_);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["totals"][0]["group"], "cardiology");
  r = s_.send("GET", "/v1/analytics/daily?from=2027-02-23&to=2027-02-28", admin_);
  EXPECT_EQ(r.body["days"].size(), 0u);

  r = s_.send("GET", "/v1/analytics/daily?to=2027-02-28", admin_);
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.code(), "invalid_field");
  EXPECT_EQ(r.body["field"], "from");
  r = s_.send("GET", "/v1/analytics/daily?from=2027-02-31&to=2027-03-01", admin_);
  EXPECT_EQ(r.code(), "invalid_field");
  r = s_.send("GET", "/v1/analytics/daily?from=2027-02-22&to=2027-02-28&group_by=day", admin_);
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.body["field"], "group_by");
  r = s_.send("GET", "/v1/analytics/daily?from=2027-02-22&to=2027-02-21", admin_);
  EXPECT_EQ(r.code(), "out_of_range");
  r = s_.send("GET", "/v1/analytics/daily?from=2026-01-01&to=2027-02-21", admin_);
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.code(), "range_too_large");
  EXPECT_EQ(s_.send("GET", "/v1/analytics/daily?from=2027-02-22&to=2027-02-28", desk_).status, 403);
}

TEST_F(Downstream, MetricsShowHowFarEachConsumerTrailsTheLog) {
  auto r = s_.send("GET", "/metrics", "");
  ASSERT_EQ(r.status, 200);
  for (const std::string consumer : {"notifications", "analytics"}) {
    const std::string labels = "{consumer=\"" + consumer + "\"} ";
    EXPECT_NE(r.raw.find("docket_consumer_lag_events" + labels + "0\n"), std::string::npos)
        << r.raw;
    EXPECT_NE(r.raw.find("docket_consumer_failed" + labels + "0\n"), std::string::npos);
  }
  // Stopped consumers fall behind by what is appended meanwhile.
  runtime_->stop();
  r = s_.post(
      "/v1/appointments", alice_,
      {{"doctor_id", "dr-a"}, {"start", "2027-02-26T09:00:00Z"}, {"consultation_type", "video"}});
  ASSERT_EQ(r.status, 201) << r.raw;
  r = s_.send("GET", "/metrics", "");
  for (const std::string consumer : {"notifications", "analytics"}) {
    EXPECT_NE(r.raw.find("docket_consumer_lag_events{consumer=\"" + consumer + "\"} 1\n"),
              std::string::npos)
        << r.raw;
  }
}

TEST(DownstreamUnavailable, WithoutConsumersTheRoutesAnswer503) {
  TempDir dir;
  Service s(dir.path());
  const std::string admin = token("root", api::Role::admin);
  for (const auto& path : {"/v1/notifications", "/v1/notifications/dead-letters",
                           "/v1/analytics/daily?from=2027-02-22&to=2027-02-28"}) {
    const auto r = s.send("GET", path, admin);
    EXPECT_EQ(r.status, 503) << path;
    EXPECT_EQ(r.code(), "unavailable") << path;
  }
  const auto r = s.send("POST", "/v1/notifications/dead-letters/1/retry", admin);
  EXPECT_EQ(r.status, 503);
  // Bad input is still refused first, the same way with and without consumers.
  EXPECT_EQ(s.send("GET", "/v1/notifications?per_page=x", admin).code(), "invalid_field");
}

}  // namespace
}  // namespace docket::http_test
