// Notifications end to end: events -> outbox (with the checkpoint) -> signed webhooks to a real
// receiver on 127.0.0.1 that fails a few times; restart mid-stream; dead letters; reminders
// with an injected clock.

#include "consumers/notifications.hpp"

#include <gtest/gtest.h>
#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>

#include "consumers/delivery.hpp"
#include "consumers/email.hpp"
#include "consumers/message_history.hpp"
#include "consumers/outbox.hpp"
#include "consumers/reminder_worker.hpp"
#include "tests/consumers/log_fixture.hpp"

namespace docket::consumers {
namespace {

using namespace docket::consumers::testing;
using nlohmann::json;

constexpr const char* kSecret = "webhook-test-secret";

// HMAC-SHA256 computed here independently of the code under test.
std::string expected_hmac_hex(const std::string& t, const std::string& body) {
  const std::string text = t + "." + body;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), kSecret, static_cast<int>(std::strlen(kSecret)),
       reinterpret_cast<const unsigned char*>(text.data()), text.size(), mac, &len);
  char hex[3];
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    std::snprintf(hex, sizeof hex, "%02x", mac[i]);
    out += hex;
  }
  return out;
}

// A webhook receiver on 127.0.0.1: answers 500 to the first `failures` requests, then 200.
class Receiver {
 public:
  explicit Receiver(int failures) : failures_(failures) {
    server_.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mutex_);
      ++requests_;
      const std::string sig = req.get_header_value("Docket-Signature");
      const auto comma = sig.find(",v1=");
      const bool signed_ok =
          sig.starts_with("t=") && comma != std::string::npos &&
          sig.substr(comma + 4) == expected_hmac_hex(sig.substr(2, comma - 2), req.body);
      if (!signed_ok) ++bad_signatures_;
      if (failures_ > 0) {
        --failures_;
        res.status = 500;
        return;
      }
      const auto message = json::parse(req.body);
      ++accepted_[message["id"].get<std::string>()];
      bodies_.push_back(message);
      res.status = 200;
      cv_.notify_all();
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // bind_to_any_port already listens: connections queue until the accept loop runs.
  }
  ~Receiver() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  // Waits (bounded) until `n` distinct messages were accepted.
  bool wait_accepted(std::size_t n) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, std::chrono::seconds(15), [&] { return accepted_.size() >= n; });
  }
  int requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  int bad_signatures() {
    std::lock_guard lock(mutex_);
    return bad_signatures_;
  }
  std::map<std::string, int> accepted() {
    std::lock_guard lock(mutex_);
    return accepted_;
  }
  std::vector<json> bodies() {
    std::lock_guard lock(mutex_);
    return bodies_;
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
  std::vector<json> bodies_;
};

DeliveryConfig fast_retries(int max_attempts = 8) {
  DeliveryConfig c;
  c.secret = kSecret;
  c.max_attempts = max_attempts;
  c.base_backoff = std::chrono::milliseconds(5);
  c.max_backoff = std::chrono::milliseconds(50);
  return c;
}

domain::AppointmentCancelled cancelled(const std::string& id, const std::string& patient,
                                       domain::Instant start) {
  domain::AppointmentCancelled e;
  e.actor = actor("a", domain::Role::doctor);
  e.appointment_id = id;
  e.patient_id = patient;
  e.start = start;
  e.personal.reason = "doctor unwell";
  return e;
}

TEST(Notifications, SignedWebhooksAreRetriedAndNeverDuplicatedAcrossARestart) {
  TempDir dir;
  Receiver receiver(3);
  auto log = open_log(dir.path() / "log");
  auto store = ConsumerStore::open(dir.path() / "notifications");
  ASSERT_TRUE(store) << store.error().message;
  auto transport = make_curl_transport({});
  DeliveryWorker worker(**store, *transport, fast_retries());
  NotificationHandler handler({{receiver.url()}, {}}, [&] { worker.wake(); });
  worker.start();

  append(*log, "a", {registered("a", "cardiology")}, at("2027-01-01T08:00:00Z"));
  {
    ConsumerRunner runner(*log, **store, handler);
    ASSERT_TRUE(runner.start());
    append(*log, "a", {booked("appt-1", "p-1", at("2027-03-01T09:00:00Z"))},
           at("2027-01-02T08:00:00Z"));
    domain::AppointmentConfirmed confirmed;
    confirmed.actor = actor("a", domain::Role::doctor);
    confirmed.appointment_id = "appt-1";
    append(*log, "a", {confirmed}, at("2027-01-02T09:00:00Z"));
    ASSERT_TRUE(receiver.wait_accepted(2));
    runner.stop();
  }
  // While the consumer is down the appointment is cancelled; after the restart only the new
  // event's message goes out.
  append(*log, "a", {cancelled("appt-1", "p-1", at("2027-03-01T09:00:00Z"))},
         at("2027-01-03T08:00:00Z"));
  {
    ConsumerRunner runner(*log, **store, handler);
    ASSERT_TRUE(runner.start());
    ASSERT_TRUE(receiver.wait_accepted(3));
  }
  worker.stop();

  EXPECT_EQ(receiver.bad_signatures(), 0);
  EXPECT_GE(receiver.requests(), 3 + 3);  // three 500s were retried
  for (const auto& [id, times] : receiver.accepted())
    EXPECT_EQ(times, 1) << id;
  std::vector<std::string> types;
  for (const auto& body : receiver.bodies()) {
    types.push_back(body["type"]);
    const std::string text = body.dump();
    EXPECT_EQ(text.find("cough"), std::string::npos) << "free text in a notification";
    EXPECT_EQ(text.find("unwell"), std::string::npos) << "free text in a notification";
  }
  // A retried message may arrive after a later one: delivery promises no order across messages.
  std::sort(types.begin(), types.end());
  EXPECT_EQ(types, (std::vector<std::string>{"appointment.booked", "appointment.cancelled",
                                             "appointment.confirmed"}));
  auto left = list_outbox(**store);
  ASSERT_TRUE(left);
  EXPECT_TRUE(left->empty());
}

TEST(Notifications, GivesUpIntoADeadLetterThatAnAdminCanRetry) {
  TempDir dir;
  Receiver receiver(2);
  auto store = ConsumerStore::open(dir.path() / "notifications");
  ASSERT_TRUE(store);
  {
    Effects effects(**store);
    ASSERT_TRUE(
        enqueue(effects, {{"id", "m-1"}, {"type", "appointment.booked"}}, {receiver.url()}));
    ASSERT_TRUE((*store)->write(effects));
  }
  auto transport = make_curl_transport({});
  // The worker's thread is not started: each deliver_due() is one pass, and the injected clock
  // makes every retry due at once.
  auto config = fast_retries(2);
  auto clock = std::chrono::system_clock::now();
  config.now = [&clock] { return clock; };
  DeliveryWorker worker(**store, *transport, config);
  ASSERT_TRUE(worker.deliver_due());
  clock += std::chrono::seconds(1);
  ASSERT_TRUE(worker.deliver_due());
  auto dead = list_dead_letters(**store);
  ASSERT_TRUE(dead);
  ASSERT_EQ(dead->size(), 1u);
  EXPECT_EQ((*dead)[0].attempts, 2);
  EXPECT_EQ((*dead)[0].last_error, "status 500");
  EXPECT_EQ(receiver.requests(), 2);

  auto retried = retry_dead_letter(**store, (*dead)[0].seq);
  ASSERT_TRUE(retried);
  EXPECT_TRUE(*retried);
  auto delivered = worker.deliver_due();
  ASSERT_TRUE(delivered);
  EXPECT_EQ(*delivered, 1u);
  EXPECT_EQ(receiver.accepted().at("m-1"), 1);
  EXPECT_TRUE(list_dead_letters(**store)->empty());
  EXPECT_TRUE(list_outbox(**store)->empty());
}

std::map<std::string, std::vector<std::int64_t>> reminders_in_outbox(const ConsumerStore& store) {
  std::map<std::string, std::vector<std::int64_t>> out;
  auto entries = list_outbox(store);
  if (!entries) throw std::runtime_error("outbox");
  for (const auto& e : *entries) {
    const auto m = json::parse(e.body);
    if (m["type"] != "appointment.reminder") continue;
    out[m["data"]["appointment_id"]].push_back(m["data"]["minutes_before"]);
  }
  return out;
}

TEST(Reminders, DueOnceNoneWhenCancelledOnlyForTheNewTimeWhenMoved) {
  TempDir dir;
  auto log = open_log(dir.path() / "log");
  auto store = ConsumerStore::open(dir.path() / "notifications");
  ASSERT_TRUE(store);
  NotificationConfig config{{"http://127.0.0.1:9/never-called"},
                            {std::chrono::hours(24), std::chrono::hours(1)}};
  NotificationHandler handler(config);
  const auto decided = at("2027-03-01T08:00:00Z");
  append(*log, "a", {registered("a", "cardiology")}, decided);
  append(*log, "a", {booked("appt-1", "p-1", at("2027-03-10T10:00:00Z"))}, decided);
  append(*log, "a", {booked("appt-2", "p-2", at("2027-03-10T11:00:00Z"))}, decided);
  append(*log, "a", {cancelled("appt-2", "p-2", at("2027-03-10T11:00:00Z"))}, decided);
  append(*log, "a", {booked("appt-3", "p-3", at("2027-03-10T12:00:00Z"))}, decided);
  domain::AppointmentRescheduled moved;
  moved.actor = actor("p-3", domain::Role::patient);
  moved.appointment_id = "appt-3";
  moved.patient_id = "p-3";
  moved.old_start = at("2027-03-10T12:00:00Z");
  moved.old_end = at("2027-03-10T12:30:00Z");
  moved.new_start = at("2027-03-11T12:00:00Z");
  moved.new_end = at("2027-03-11T12:30:00Z");
  append(*log, "a", {moved}, decided);
  {
    ConsumerRunner runner(*log, **store, handler);
    ASSERT_TRUE(runner.start());
    ASSERT_TRUE(runner.wait_for(*log->head(), std::chrono::seconds(10)));
  }
  auto fire = [&](const char* now) {
    auto n = fire_due_reminders(**store, config, at(now));
    if (!n) throw std::runtime_error(n.error().message);
    return *n;
  };
  EXPECT_EQ(fire("2027-03-09T09:59:59Z"), 0u);
  EXPECT_EQ(fire("2027-03-09T10:00:00Z"), 1u);  // appt-1, 24 h before
  EXPECT_EQ(fire("2027-03-09T10:00:00Z"), 0u);  // sent once
  EXPECT_EQ(fire("2027-03-10T11:59:59Z"), 1u);  // appt-1 1 h; appt-2 none; appt-3 old time none
  EXPECT_EQ(fire("2027-03-12T00:00:00Z"), 2u);  // appt-3 at its new time, 24 h and 1 h
  auto next = next_reminder_due(**store);
  ASSERT_TRUE(next);
  EXPECT_FALSE(next->has_value());

  const auto sent = reminders_in_outbox(**store);
  EXPECT_EQ(sent.at("appt-1"), (std::vector<std::int64_t>{1440, 60}));
  EXPECT_FALSE(sent.contains("appt-2"));
  EXPECT_EQ(sent.at("appt-3"), (std::vector<std::int64_t>{1440, 60}));
  auto outbox = list_outbox(**store);
  ASSERT_TRUE(outbox);
  for (const auto& e : *outbox) {
    const auto m = json::parse(e.body);
    if (m["type"] == "appointment.reminder" && m["data"]["appointment_id"] == "appt-3") {
      EXPECT_EQ(m["data"]["start"], "2027-03-11T12:00:00Z");
    }
  }
}

TEST(Reminders, WorkerFiresWhatIsDueByItsClockAndWakesDelivery) {
  TempDir dir;
  auto log = open_log(dir.path() / "log");
  auto store = ConsumerStore::open(dir.path() / "notifications");
  ASSERT_TRUE(store);
  NotificationConfig config{{"http://127.0.0.1:9/never-called"}, {std::chrono::hours(1)}};
  const auto decided = at("2027-03-01T08:00:00Z");
  append(*log, "a", {registered("a", "cardiology")}, decided);
  append(*log, "a", {booked("appt-1", "p-1", at("2027-03-10T10:00:00Z"))}, decided);
  std::mutex mutex;
  std::condition_variable cv;
  int wakes = 0;
  domain::Instant clock = at("2027-03-10T08:00:00Z");  // one hour before the reminder
  ReminderWorker worker(
      **store, config,
      [&] {
        std::lock_guard lock(mutex);
        return clock;
      },
      [&] {
        std::lock_guard lock(mutex);
        ++wakes;
        cv.notify_all();
      });
  NotificationHandler handler(config, [&] { worker.wake(); });
  ConsumerRunner runner(*log, **store, handler);
  worker.start();
  ASSERT_TRUE(runner.start());
  ASSERT_TRUE(runner.wait_for(*log->head(), std::chrono::seconds(10)));
  {
    std::lock_guard lock(mutex);
    clock = at("2027-03-10T09:00:00Z");  // now due
  }
  worker.wake();
  std::unique_lock lock(mutex);
  ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(10), [&] { return wakes > 0; }));
  lock.unlock();
  worker.stop();
  EXPECT_EQ(worker.queued(), 1u);
  EXPECT_EQ(reminders_in_outbox(**store).at("appt-1"), (std::vector<std::int64_t>{60}));
}

TEST(MessageHistory, ShowsEachPatientsMessagesWithTheirDeliveryStateInTheSameBatches) {
  TempDir dir;
  Receiver good(0);
  Receiver bad(1000);  // always 500
  auto log = open_log(dir.path() / "log");
  auto store = ConsumerStore::open(dir.path() / "notifications");
  ASSERT_TRUE(store);
  NotificationHandler handler({{good.url(), bad.url()}, {}});
  append(*log, "a", {registered("a", "cardiology")}, at("2027-01-01T08:00:00Z"));
  append(*log, "a", {booked("appt-1", "p-1", at("2027-03-01T09:00:00Z"))},
         at("2027-01-02T08:00:00Z"));
  append(*log, "a", {booked("appt-2", "p-2", at("2027-03-01T10:00:00Z"))},
         at("2027-01-02T08:01:00Z"));
  {
    ConsumerRunner runner(*log, **store, handler);
    ASSERT_TRUE(runner.start());
    ASSERT_TRUE(runner.wait_for(*log->head(), std::chrono::seconds(10)));
  }
  auto all = list_messages(**store, std::nullopt, 0, 100);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->total, 2u);
  EXPECT_EQ(all->items[0].state(), "pending");
  EXPECT_EQ(all->items[0].deliveries.size(), 2u);

  auto transport = make_curl_transport({});
  auto config = fast_retries(2);
  auto clock = std::chrono::system_clock::now();
  config.now = [&clock] { return clock; };
  DeliveryWorker worker(**store, *transport, config);
  ASSERT_TRUE(worker.deliver_due());
  auto mine = list_messages(**store, std::string("p-1"), 0, 100);
  ASSERT_TRUE(mine);
  ASSERT_EQ(mine->total, 1u);
  ASSERT_EQ(mine->items.size(), 1u);
  const auto& first = mine->items[0];
  EXPECT_EQ(first.patient_id, "p-1");
  EXPECT_EQ(first.type, "appointment.booked");
  EXPECT_EQ(first.data["appointment_id"], "appt-1");
  EXPECT_EQ(first.state(), "pending");  // delivered to one destination, retrying the other
  EXPECT_EQ(first.deliveries[0].state, "delivered");
  EXPECT_EQ(first.deliveries[1].state, "pending");
  EXPECT_EQ(first.deliveries[1].last_error, "status 500");

  clock += std::chrono::seconds(1);
  ASSERT_TRUE(worker.deliver_due());
  mine = list_messages(**store, std::string("p-1"), 0, 100);
  ASSERT_TRUE(mine);
  EXPECT_EQ(mine->items[0].state(), "dead");
  EXPECT_EQ(mine->items[0].attempts(), 2);
  auto dead = list_dead_letters(**store);
  ASSERT_TRUE(dead);
  ASSERT_EQ(dead->size(), 2u);  // one per patient's message, to the failing destination
  for (const auto& d : *dead) {
    EXPECT_EQ(d.destination, bad.url());
  }
  ASSERT_TRUE(retry_dead_letter(**store, (*dead)[0].seq));
  all = list_messages(**store, std::nullopt, 0, 100);
  ASSERT_TRUE(all);
  EXPECT_EQ(all->items[0].state(), "pending");
  EXPECT_EQ(all->items[1].state(), "dead");
  // Paging: the second message alone.
  auto second = list_messages(**store, std::nullopt, 1, 1);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->total, 2u);
  ASSERT_EQ(second->items.size(), 1u);
  EXPECT_EQ(second->items[0].patient_id, "p-2");
  EXPECT_EQ(good.accepted().size(), 2u);
  EXPECT_EQ(list_messages(**store, std::string("p-"), 0, 100)->total, 0u);
}

TEST(MessageHistory, RedactsCredentialsFromDestinations) {
  EXPECT_EQ(redact_destination("https://user:pw@hooks.example.org/x?token=s#f"),
            "https://hooks.example.org/x");
  EXPECT_EQ(redact_destination("http://127.0.0.1:80/hook"), "http://127.0.0.1:80/hook");
  EXPECT_EQ(redact_destination("mailto:desk@example.org"), "mailto:desk@example.org");
}

TEST(Email, BuildsAHeaderSafeMessageWithoutFreeText) {
  const json message = {
      {"id", "ev-1:appointment.booked"},
      {"type", "appointment.booked"},
      {"occurred_at", "2027-01-02T08:00:00Z"},
      {"data", {{"appointment_id", "appt-1"}, {"start", "2027-03-01T09:00:00Z"}}}};
  const std::string mail =
      build_email(message.dump(), "clinic@example.org", "p1@example.org\r\nBcc: x@evil");
  EXPECT_NE(mail.find("Subject: Docket: appointment.booked\r\n"), std::string::npos);
  EXPECT_NE(mail.find("appointment_id: appt-1\r\n"), std::string::npos);
  EXPECT_EQ(mail.find("\r\nBcc:"), std::string::npos) << "header injection";
  EXPECT_NE(mail.find("\r\n\r\n"), std::string::npos);
}

TEST(Webhook, SignatureIsHmacSha256OverTimestampDotBody) {
  const std::string sig = webhook_signature(kSecret, 1800000000, R"({"id":"x"})");
  EXPECT_EQ(sig, "t=1800000000,v1=" + expected_hmac_hex("1800000000", R"({"id":"x"})"));
}

}  // namespace
}  // namespace docket::consumers
