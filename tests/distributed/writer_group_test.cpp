// Two command writers (`docket serve --role command`), a projector (`--role project`) and a
// notification consumer (`docket consume notifications`, posting to a webhook receiver here) on one
// mock Kafka cluster of three brokers (docket_mock_kafka, a process of its own): bookings go
// through both writers, which forward commands for partitions they do not own; one writer is
// killed with SIGKILL and the other takes its partitions over; a restarted writer takes its share
// back. Checked against the topic itself: no acknowledged booking is lost, no slot holds two live
// appointments, a keyed booking is not applied twice; and the projector that followed everything
// and one started afresh (a rebuild from the topic) show exactly the topic's bookings; the
// notification consumer told of every acknowledged booking and of no booking the topic lacks.

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "domain/doctor_state.hpp"
#include "domain/event_json.hpp"
#include "domain/time.hpp"
#include "eventstore/kafka_log.hpp"
#include "tests/distributed/docket_process.hpp"
#include "tests/distributed/http_client.hpp"
#include "tests/distributed/mock_kafka_process.hpp"
#include "tests/eventstore/temp_dir.hpp"

namespace docket::distributed_test {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr int kPartitions = 8;
constexpr int kDoctors = 12;

// Polls `condition` every 100 ms until it holds or `limit` passes; whether it held.
bool eventually(std::chrono::seconds limit, const std::function<bool()>& condition) {
  const auto deadline = Clock::now() + limit;
  while (true) {
    if (condition()) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

std::string doctor(int i) {
  return "dr-group-" + std::to_string(i);
}

domain::Instant first_day() {
  const auto today = date::floor<date::days>(std::chrono::system_clock::now());
  return domain::Instant((today + date::days(2)).time_since_epoch());
}

std::string slot(int n) {
  return domain::format_rfc3339(first_day() + std::chrono::minutes(10 * n));
}

json booking(int d, int n) {
  return {{"doctor_id", doctor(d)}, {"start", slot(n)}, {"consultation_type", "in_person"}};
}

std::unique_ptr<DocketProcess> projector(const std::string& log,
                                         const std::filesystem::path& data) {
  return std::make_unique<DocketProcess>(
      std::vector<std::string>{"serve", "--role", "project", "--log", log, "--data", data.string(),
                               "--host", "127.0.0.1", "--port", "0"},
      std::vector<std::string>{std::string("DOCKET_JWT_SECRET=") + kSecret});
}

// The booked count of every slot of doctor `d` over the test's days, from a projector; empty when
// it does not answer 200.
std::map<std::string, int> booked_slots(int port, int d) {
  const auto day = [](int n) {
    return domain::format_local_date(domain::LocalDate(
        (date::floor<date::days>(first_day()) + date::days(n)).time_since_epoch()));
  };
  const auto r = call(port, "GET",
                      "/v1/doctors/" + doctor(d) + "/availability?from=" + day(0) + "&to=" + day(6),
                      token("root", api::Role::admin));
  std::map<std::string, int> booked;
  if (r.status != 200 || !r.body.is_object() || !r.body.contains("slots")) return booked;
  for (const auto& slot : r.body["slots"]) {
    if (slot.value("booked", 0) > 0) booked[slot["start"].get<std::string>()] = slot["booked"];
  }
  booked["answered"] = 1;
  return booked;
}

std::unique_ptr<DocketProcess> writer(const std::string& log, const std::filesystem::path& data) {
  return std::make_unique<DocketProcess>(
      std::vector<std::string>{"serve", "--role", "command", "--log", log, "--data", data.string(),
                               "--host", "127.0.0.1", "--port", "0", "--group-session-timeout-ms",
                               "6000"},
      std::vector<std::string>{std::string("DOCKET_JWT_SECRET=") + kSecret});
}

// A webhook receiver on loopback: the appointment ids of the `appointment.booked` messages it was
// sent, and every message id it saw.
class WebhookReceiver {
 public:
  WebhookReceiver() {
    server_.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      const auto message = json::parse(req.body, nullptr, false);
      const std::lock_guard lock(mutex_);
      if (message.is_object() && message.value("type", "") == "appointment.booked") {
        booked_.insert(message["data"].value("appointment_id", ""));
        ++booked_messages_[message.value("id", "")];
      }
      res.status = 200;
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~WebhookReceiver() {
    server_.stop();
    thread_.join();
  }
  int port() const { return port_; }
  std::set<std::string> booked() {
    const std::lock_guard lock(mutex_);
    return booked_;
  }
  // Distinct `appointment.booked` message ids received.
  std::size_t booked_messages() {
    const std::lock_guard lock(mutex_);
    return booked_messages_.size();
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::set<std::string> booked_;
  std::map<std::string, int> booked_messages_;
};

std::unique_ptr<DocketProcess> notifier(const std::string& log, const std::filesystem::path& data,
                                        int hook_port) {
  return std::make_unique<DocketProcess>(
      std::vector<std::string>{"consume", "notifications", "--log", log, "--data", data.string(),
                               "--webhook-urls",
                               "http://127.0.0.1:" + std::to_string(hook_port) + "/hook"},
      std::vector<std::string>{"DOCKET_WEBHOOK_SECRET=distributed-test-webhook-secret"},
      std::chrono::seconds(60), "notifications consuming");
}

struct Acknowledged {
  std::mutex mutex;
  std::map<std::string, std::pair<int, std::string>> bookings;  // id -> (doctor, start)
  void add(const Response& r) {
    const std::lock_guard lock(mutex);
    bookings[r.body["id"].get<std::string>()] = {
        std::stoi(r.body["doctor_id"].get<std::string>().substr(9)),
        r.body["start"].get<std::string>()};
  }
};

// `threads` clients book the slots [first, first + count) of every doctor, each client through
// the writer ports[client % ports.size()], every slot raced by all clients.
void book_all(const std::vector<int>& ports, int threads, int first, int count,
              Acknowledged& acked) {
  std::vector<std::thread> clients;
  for (int c = 0; c < threads; ++c) {
    clients.emplace_back([&, c] {
      const int port = ports[static_cast<std::size_t>(c) % ports.size()];
      const std::string bearer = token("patient-" + std::to_string(c), api::Role::patient);
      for (int n = first; n < first + count; ++n) {
        for (int d = 0; d < kDoctors; ++d) {
          const auto r = call(port, "POST", "/v1/appointments", bearer, booking(d, n));
          if (r.status == 201) acked.add(r);
        }
      }
    });
  }
  for (auto& t : clients)
    t.join();
}

// Every doctor's state folded from the topic, the way every reader applies the void-commit rule.
std::map<int, domain::DoctorState> states_from_topic(const std::string& bootstraps) {
  eventstore::KafkaConfig config;
  config.bootstrap_servers = bootstraps;
  config.topic = "docket.events";
  config.partitions = kPartitions;
  config.replication_factor = 3;
  config.create_topic = false;
  config.librdkafka_settings = {{"log_level", "3"}};
  auto log = eventstore::open_kafka_log(config);
  EXPECT_TRUE(log.ok()) << (log.ok() ? "" : log.error().message);
  std::map<int, domain::DoctorState> states;
  if (!log.ok()) return states;
  for (int d = 0; d < kDoctors; ++d) {
    auto events = (*log)->read_stream("doctor-" + doctor(d));
    EXPECT_TRUE(events.ok());
    if (!events.ok()) continue;
    domain::DoctorState state = domain::initial_state();
    for (const auto& recorded : *events) {
      auto event = domain::decode(recorded.type, recorded.data);
      EXPECT_TRUE(event.ok()) << recorded.type;
      if (event.ok()) domain::apply(state, *event);
    }
    states.emplace(d, std::move(state));
  }
  (*log)->close();
  return states;
}

TEST(WriterGroup, WritersShareTheLogAndTakeOverFromAKilledOne) {
  MockKafkaProcess kafka(3, kPartitions);
  const std::string log = "kafka://" + kafka.bootstraps() +
                          "?topic=docket.events&partitions=" + std::to_string(kPartitions) +
                          "&replication=3";
  eventstore::testing::TempDir a_dir;
  eventstore::testing::TempDir b_dir;
  eventstore::testing::TempDir p_dir;
  auto a = writer(log, a_dir.path());
  auto b = writer(log, b_dir.path());
  // Follows the log from the start, through the takeover.
  auto follower = projector(log, p_dir.path());
  WebhookReceiver hooks;
  ASSERT_GT(hooks.port(), 0);
  eventstore::testing::TempDir n_dir;
  auto notifications = notifier(log, n_dir.path(), hooks.port());
  const std::string admin = token("root", api::Role::admin);

  // Doctors registered through both writers; the first calls wait for the group to settle.
  for (int d = 0; d < kDoctors; ++d) {
    const int port = d % 2 == 0 ? a->port() : b->port();
    ASSERT_TRUE(eventually(std::chrono::seconds(60), [&] {
      const auto r = call(port, "POST", "/v1/doctors", admin,
                          {{"id", doctor(d)},
                           {"name", "Dr " + std::to_string(d)},
                           {"specialty", "gp"},
                           {"timezone", "UTC"},
                           {"consultation_fee", 10}});
      return r.status == 201 || r.code() == "doctor_exists";
    })) << doctor(d);
    const auto from = domain::format_local_date(
        domain::LocalDate(date::floor<date::days>(first_day()).time_since_epoch()));
    ASSERT_TRUE(eventually(std::chrono::seconds(30), [&] {
      return call(port, "PUT", "/v1/doctors/" + doctor(d) + "/schedule", admin,
                  {{"rules",
                    {{{"weekdays", {1, 2, 3, 4, 5, 6, 7}},
                      {"start", "00:00"},
                      {"end", "24:00"},
                      {"slot_minutes", 10},
                      {"capacity", 1}}}},
                   {"effective_from", from}})
                 .status == 200;
    })) << doctor(d);
  }

  // Both writers take bookings; every slot is raced by clients of both.
  Acknowledged acked;
  book_all({a->port(), b->port()}, 6, 0, 4, acked);
  EXPECT_EQ(acked.bookings.size(), static_cast<std::size_t>(4 * kDoctors));

  // A keyed booking through B, retried through A after B is gone.
  const httplib::Headers keyed{{"Idempotency-Key", "booking-before-the-crash"}};
  const std::string keyed_patient = token("keyed-patient", api::Role::patient);
  const auto first =
      call(b->port(), "POST", "/v1/appointments", keyed_patient, booking(0, 500), keyed);
  ASSERT_EQ(first.status, 201) << first.raw;
  acked.add(first);

  b->kill_hard();
  const auto killed_at = Clock::now();
  // A takes over B's partitions once B's group membership has expired: a fresh slot of every doctor
  // can be booked through A alone.
  for (int d = 0; d < kDoctors; ++d) {
    ASSERT_TRUE(eventually(std::chrono::seconds(45), [&] {
      const auto r = call(a->port(), "POST", "/v1/appointments", admin,
                          {{"doctor_id", doctor(d)},
                           {"start", slot(600)},
                           {"consultation_type", "in_person"},
                           {"patient_id", "takeover-probe"}});
      if (r.status == 201) acked.add(r);
      return r.status == 201 || r.code() == "slot_taken";
    })) << doctor(d);
  }
  const auto takeover =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - killed_at);
  std::cout << "[ takeover ] every doctor bookable through the survivor " << takeover.count()
            << " ms after SIGKILL\n";

  const auto retry =
      call(a->port(), "POST", "/v1/appointments", keyed_patient, booking(0, 500), keyed);
  EXPECT_TRUE((retry.status == 201 && retry.raw == first.raw) ||
              (retry.status == 200 && retry.body.is_object() && retry.body.value("applied", false)))
      << retry.status << " " << retry.raw;

  book_all({a->port()}, 4, 4, 2, acked);

  // B comes back on its data directory and takes its share again.
  b = writer(log, b_dir.path());
  for (int d = 0; d < kDoctors; ++d) {
    ASSERT_TRUE(eventually(std::chrono::seconds(45), [&] {
      const auto r = call(b->port(), "POST", "/v1/appointments", admin,
                          {{"doctor_id", doctor(d)},
                           {"start", slot(700)},
                           {"consultation_type", "in_person"},
                           {"patient_id", "rejoin-probe"}});
      if (r.status == 201) acked.add(r);
      return r.status == 201 || r.code() == "slot_taken";
    })) << doctor(d);
  }
  book_all({a->port(), b->port()}, 6, 6, 2, acked);

  EXPECT_EQ(a->terminate(std::chrono::seconds(30)), 0);
  EXPECT_EQ(b->terminate(std::chrono::seconds(30)), 0);

  // The topic is the judge.
  const auto states = states_from_topic(kafka.bootstraps());
  ASSERT_EQ(states.size(), static_cast<std::size_t>(kDoctors));
  std::map<std::pair<int, std::string>, int> live_per_slot;
  int keyed_bookings = 0;
  for (const auto& [d, state] : states) {
    for (const auto& [id, appointment] : state.appointments()) {
      if (appointment.status == domain::AppointmentStatus::cancelled) continue;
      ++live_per_slot[{d, domain::format_rfc3339(appointment.start)}];
      if (appointment.patient_id == "keyed-patient") ++keyed_bookings;
    }
  }
  for (const auto& [key, n] : live_per_slot)
    EXPECT_EQ(n, 1) << doctor(key.first) << " " << key.second;
  for (const auto& [id, where] : acked.bookings) {
    const auto& appointments = states.at(where.first).appointments();
    EXPECT_TRUE(appointments.contains(id)) << "acknowledged booking lost: " << id;
  }
  EXPECT_EQ(keyed_bookings, 1);
  EXPECT_GE(acked.bookings.size(), static_cast<std::size_t>(8 * kDoctors));

  // Read models: the projector that followed everything and one built from the topic afresh
  // agree with each other and with the topic (bounded wait for both to catch up).
  eventstore::testing::TempDir fresh_dir;
  auto rebuilt = projector(log, fresh_dir.path());
  for (const auto& [d, state] : states) {
    std::map<std::string, int> expected{{"answered", 1}};
    for (const auto& [id, appointment] : state.appointments()) {
      if (appointment.status != domain::AppointmentStatus::cancelled) {
        ++expected[domain::format_rfc3339(appointment.start)];
      }
    }
    std::map<std::string, int> followed;
    std::map<std::string, int> fresh;
    EXPECT_TRUE(eventually(std::chrono::seconds(60),
                           [&] {
                             followed = booked_slots(follower->port(), d);
                             fresh = booked_slots(rebuilt->port(), d);
                             return followed == expected && fresh == expected;
                           }))
        << doctor(d) << ": followed " << followed.size() << ", rebuilt " << fresh.size()
        << ", topic " << expected.size();
  }
  EXPECT_EQ(follower->terminate(std::chrono::seconds(30)), 0);
  EXPECT_EQ(rebuilt->terminate(std::chrono::seconds(30)), 0);

  // Notifications: one `appointment.booked` message per booking in the topic (so none for a void
  // commit), every acknowledged booking among them.
  std::set<std::string> in_topic;
  for (const auto& [d, state] : states) {
    for (const auto& [id, appointment] : state.appointments())
      in_topic.insert(id);
  }
  std::set<std::string> told;
  EXPECT_TRUE(eventually(std::chrono::seconds(60),
                         [&] {
                           told = hooks.booked();
                           return told == in_topic;
                         }))
      << "told of " << told.size() << " bookings, the topic has " << in_topic.size();
  for (const auto& [id, where] : acked.bookings)
    EXPECT_TRUE(told.contains(id)) << "no notification of acknowledged booking " << id;
  EXPECT_EQ(hooks.booked_messages(), in_topic.size());
  EXPECT_EQ(notifications->terminate(std::chrono::seconds(30)), 0);
}

}  // namespace
}  // namespace docket::distributed_test
