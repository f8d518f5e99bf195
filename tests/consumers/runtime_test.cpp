// The consumers runtime as `docket serve` and `docket consume` wire it: signed webhooks to a real
// receiver on 127.0.0.1 that answers 500 at first, the runtime stopped with deliveries still
// being retried and events appended while it is down, then restarted on the same data directory:
// every message arrives exactly once; reminders fire by the injected clock, none for a cancelled
// appointment.

#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>

#include "app/consumers_runtime.hpp"
#include "consumers/delivery.hpp"
#include "tests/consumers/log_fixture.hpp"

namespace docket::app {
namespace {

using namespace docket::consumers::testing;
using nlohmann::json;

constexpr const char* kSecret = "runtime-test-secret";

// Answers 500 to the first `failures` requests, then 200; checks every signature.
class FlakyReceiver {
 public:
  explicit FlakyReceiver(int failures) : failures_(failures) {
    server_.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mutex_);
      ++requests_;
      const std::string sig = req.get_header_value("Docket-Signature");
      const auto comma = sig.find(",v1=");
      if (!sig.starts_with("t=") || comma == std::string::npos ||
          sig != consumers::webhook_signature(kSecret, std::stoll(sig.substr(2, comma - 2)),
                                              req.body)) {
        ++bad_signatures_;
      }
      if (failures_ > 0) {
        --failures_;
        res.status = 500;
        return;
      }
      const auto message = json::parse(req.body);
      ++accepted_[message["id"].get<std::string>()];
      types_.push_back(message["type"].get<std::string>());
      res.status = 200;
      cv_.notify_all();
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~FlakyReceiver() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  bool wait_requests(int n) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, std::chrono::seconds(15), [&] { return requests_ >= n; });
  }
  bool wait_accepted(std::size_t n) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, std::chrono::seconds(15), [&] { return accepted_.size() >= n; });
  }
  std::map<std::string, int> accepted() {
    std::lock_guard lock(mutex_);
    return accepted_;
  }
  std::vector<std::string> types() {
    std::lock_guard lock(mutex_);
    return types_;
  }
  int bad_signatures() {
    std::lock_guard lock(mutex_);
    return bad_signatures_;
  }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mutex_;
  std::condition_variable cv_;
  int failures_;
  int requests_ = 0;
  int bad_signatures_ = 0;
  std::map<std::string, int> accepted_;
  std::vector<std::string> types_;
};

TEST(ConsumersRuntime, RestartedMidStreamSendsEveryMessageOnceAndRemindersByItsClock) {
  TempDir dir;
  FlakyReceiver receiver(3);
  auto log = open_log(dir.path() / "log");
  std::mutex clock_mutex;
  domain::Instant now = at("2027-03-01T07:00:00Z");
  const auto make_config = [&] {
    ConsumersConfig config;
    config.analytics = false;
    config.notification.destinations = {receiver.url()};
    config.notification.reminders = {std::chrono::hours(1)};
    config.delivery.secret = kSecret;
    config.delivery.base_backoff = std::chrono::milliseconds(20);
    config.delivery.max_backoff = std::chrono::milliseconds(100);
    config.clock = [&] {
      std::lock_guard lock(clock_mutex);
      return now;
    };
    return config;
  };
  append(*log, "a", {registered("a", "cardiology")}, at("2027-03-01T06:00:00Z"));
  append(*log, "a", {booked("appt-1", "p-1", at("2027-03-01T09:00:00Z"))},
         at("2027-03-01T06:10:00Z"));
  append(*log, "a", {booked("appt-2", "p-2", at("2027-03-01T09:30:00Z"))},
         at("2027-03-01T06:20:00Z"));
  {
    auto runtime = ConsumersRuntime::start(*log, dir.path(), make_config());
    ASSERT_TRUE(runtime) << runtime.error();
    ASSERT_TRUE((*runtime)->catch_up(std::chrono::seconds(10)));
    // Stop while the first deliveries are still failing and being retried.
    ASSERT_TRUE(receiver.wait_requests(1));
  }
  // While it is down, appt-2 is cancelled and the clock passes both reminders' due times.
  domain::AppointmentCancelled cancelled;
  cancelled.actor = actor("p-2", domain::Role::patient);
  cancelled.appointment_id = "appt-2";
  cancelled.patient_id = "p-2";
  cancelled.start = at("2027-03-01T09:30:00Z");
  cancelled.personal.reason = "feeling better";
  append(*log, "a", {cancelled}, at("2027-03-01T07:30:00Z"));
  {
    std::lock_guard lock(clock_mutex);
    now = at("2027-03-01T08:45:00Z");
  }
  {
    auto runtime = ConsumersRuntime::start(*log, dir.path(), make_config());
    ASSERT_TRUE(runtime) << runtime.error();
    ASSERT_TRUE((*runtime)->catch_up(std::chrono::seconds(10)));
    // booked x2, cancelled, and appt-1's reminder; appt-2's is stale.
    ASSERT_TRUE(receiver.wait_accepted(4));
    auto page = (*runtime)->notifications(std::string("p-2"), 0, 10);
    ASSERT_TRUE(page);
    EXPECT_EQ(page->total, 2u);
  }
  EXPECT_EQ(receiver.bad_signatures(), 0);
  for (const auto& [id, times] : receiver.accepted())
    EXPECT_EQ(times, 1) << id;
  auto types = receiver.types();
  std::sort(types.begin(), types.end());
  EXPECT_EQ(types, (std::vector<std::string>{"appointment.booked", "appointment.booked",
                                             "appointment.cancelled", "appointment.reminder"}));
}

TEST(ConsumersRuntime, AConsumerThatDoesNotRunHereAnswersUnavailable) {
  TempDir dir;
  auto log = open_log(dir.path() / "log");
  ConsumersConfig config;
  config.notifications = false;
  auto runtime = ConsumersRuntime::start(*log, dir.path(), std::move(config));
  ASSERT_TRUE(runtime) << runtime.error();
  EXPECT_FALSE((*runtime)->runs_notifications());
  EXPECT_TRUE((*runtime)->runs_analytics());
  auto page = (*runtime)->notifications(std::nullopt, 0, 10);
  ASSERT_FALSE(page);
  EXPECT_NE(page.error().detail.find("notifications"), std::string::npos);
  EXPECT_FALSE((*runtime)->dead_letters(0, 10));
  EXPECT_FALSE((*runtime)->retry_dead_letter(1));
  const auto day = *domain::parse_local_date("2027-03-01");
  auto facts = (*runtime)->analytics_daily(day, day, api::FactGrouping::doctor);
  ASSERT_TRUE(facts);
  EXPECT_TRUE(facts->empty());
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "consumers" / "notifications"));
}

}  // namespace
}  // namespace docket::app
