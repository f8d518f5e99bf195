// `docket serve --log kafka://...` as a real process against librdkafka's mock cluster (running in
// this test process, reached over loopback): bookings over HTTP, a restart on the same data
// directory and on an empty one (the topic is the only source of truth), idempotent retries across
// the restart, and 100 concurrent clients on one slot.

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "domain/time.hpp"
#include "eventstore/position.hpp"
#include "tests/distributed/docket_process.hpp"
#include "tests/distributed/http_client.hpp"
#include "tests/eventstore/kafka_mock_cluster.hpp"
#include "tests/eventstore/temp_dir.hpp"

namespace docket::distributed_test {
namespace {

using eventstore::testing::KafkaMockCluster;
using nlohmann::json;

std::vector<std::string> serve_args(const std::string& log, const std::filesystem::path& data) {
  return {"serve", "--log", log, "--data", data.string(), "--host", "127.0.0.1", "--port", "0"};
}

std::vector<std::string> serve_env() {
  return {std::string("DOCKET_JWT_SECRET=") + kSecret};
}

// Midnight UTC of the day after tomorrow: every slot the test books is in the future.
domain::Instant first_day() {
  const auto today = date::floor<date::days>(std::chrono::system_clock::now());
  return domain::Instant((today + date::days(2)).time_since_epoch());
}

std::string slot(int n) {
  return domain::format_rfc3339(first_day() + std::chrono::minutes(10 * n));
}

void register_doctor(int port, const std::string& id) {
  const std::string admin = token("root", api::Role::admin);
  auto r = call(port, "POST", "/v1/doctors", admin,
                {{"id", id},
                 {"name", "Dr " + id},
                 {"specialty", "gp"},
                 {"timezone", "UTC"},
                 {"consultation_fee", 10}});
  ASSERT_EQ(r.status, 201) << r.raw;
  const auto from = domain::format_local_date(
      domain::LocalDate(date::floor<date::days>(first_day()).time_since_epoch()));
  r = call(port, "PUT", "/v1/doctors/" + id + "/schedule", admin,
           {{"rules",
             {{{"weekdays", {1, 2, 3, 4, 5, 6, 7}},
               {"start", "00:00"},
               {"end", "24:00"},
               {"slot_minutes", 10},
               {"capacity", 1}}}},
            {"effective_from", from}});
  ASSERT_EQ(r.status, 200) << r.raw;
}

json booking(const std::string& doctor, int n) {
  return {{"doctor_id", doctor}, {"start", slot(n)}, {"consultation_type", "in_person"}};
}

std::set<std::string> live_appointments(int port, const std::string& doctor) {
  auto r = call(port, "GET", "/v1/doctors/" + doctor + "/state", token("root", api::Role::admin));
  EXPECT_EQ(r.status, 200) << r.raw;
  std::set<std::string> ids;
  if (r.status != 200) return ids;
  for (const auto& a : r.body["state"]["appointments"]) {
    if (a["status"] != "cancelled") ids.insert(a["id"].get<std::string>());
  }
  return ids;
}

TEST(KafkaServe, BooksRestartsRetriesAndRefusesDoubleBooking) {
  KafkaMockCluster cluster;
  // The mock cluster does not implement CreateTopics: the topic is made here.
  cluster.config("docket.events", 4);
  const std::string log = "kafka://" + cluster.bootstraps() + "?topic=docket.events&partitions=4";
  eventstore::testing::TempDir data;
  const std::string patient = token("patient-1", api::Role::patient);
  const httplib::Headers keyed{{"Idempotency-Key", "first-booking"}};

  Response first_reply;
  std::string booked;
  std::string contended_winner;
  {
    DocketProcess serve(serve_args(log, data.path()), serve_env());
    ASSERT_NO_FATAL_FAILURE(register_doctor(serve.port(), "dr-kafka"));
    first_reply =
        call(serve.port(), "POST", "/v1/appointments", patient, booking("dr-kafka", 60), keyed);
    ASSERT_EQ(first_reply.status, 201) << first_reply.raw;
    ASSERT_FALSE(first_reply.header("Docket-Position").empty());
    booked = first_reply.body["id"].get<std::string>();

    // A retry while the process runs: the first reply, nothing appended.
    const auto retry =
        call(serve.port(), "POST", "/v1/appointments", patient, booking("dr-kafka", 60), keyed);
    EXPECT_EQ(retry.status, 201);
    EXPECT_EQ(retry.raw, first_reply.raw);
    EXPECT_EQ(retry.header("Docket-Position"), first_reply.header("Docket-Position"));

    // 100 clients, each on its own connection, race for one slot: exactly one wins.
    std::atomic<int> created{0};
    std::atomic<int> taken{0};
    std::atomic<int> other{0};
    std::mutex winner_mutex;
    std::vector<std::thread> clients;
    for (int c = 0; c < 100; ++c) {
      clients.emplace_back([&, c] {
        const auto r =
            call(serve.port(), "POST", "/v1/appointments",
                 token("racer-" + std::to_string(c), api::Role::patient), booking("dr-kafka", 61));
        if (r.status == 201) {
          created.fetch_add(1);
          const std::lock_guard lock(winner_mutex);
          contended_winner = r.body["id"].get<std::string>();
        } else if (r.status == 409 && r.code() == "slot_taken") {
          taken.fetch_add(1);
        } else {
          other.fetch_add(1);
        }
      });
    }
    for (auto& t : clients)
      t.join();
    EXPECT_EQ(created.load(), 1);
    EXPECT_EQ(taken.load(), 99);
    EXPECT_EQ(other.load(), 0);
    EXPECT_EQ(serve.terminate(std::chrono::seconds(30)), 0);
  }

  // The same data directory: the bookings are there, the keyed retry gets the first reply.
  {
    DocketProcess serve(serve_args(log, data.path()), serve_env());
    const auto live = live_appointments(serve.port(), "dr-kafka");
    EXPECT_EQ(live, (std::set<std::string>{booked, contended_winner}));
    const auto retry =
        call(serve.port(), "POST", "/v1/appointments", patient, booking("dr-kafka", 60), keyed);
    EXPECT_EQ(retry.status, 201);
    EXPECT_EQ(retry.raw, first_reply.raw);
    EXPECT_EQ(retry.header("Docket-Position"), first_reply.header("Docket-Position"));
    const auto again = call(serve.port(), "POST", "/v1/appointments",
                            token("patient-2", api::Role::patient), booking("dr-kafka", 61));
    EXPECT_EQ(again.status, 409);
    EXPECT_EQ(again.code(), "slot_taken");
    EXPECT_EQ(serve.terminate(std::chrono::seconds(30)), 0);
  }

  // An empty data directory: the topic alone still knows every booking, and the keyed retry is
  // recognised as applied (its reply lived in the other directory), not booked again.
  {
    eventstore::testing::TempDir fresh;
    DocketProcess serve(serve_args(log, fresh.path()), serve_env());
    EXPECT_EQ(live_appointments(serve.port(), "dr-kafka"),
              (std::set<std::string>{booked, contended_winner}));
    const auto retry =
        call(serve.port(), "POST", "/v1/appointments", patient, booking("dr-kafka", 60), keyed);
    EXPECT_EQ(retry.status, 200) << retry.raw;
    EXPECT_TRUE(retry.body.is_object() && retry.body.value("applied", false)) << retry.raw;
    // The reader's position just after the commit: it covers the one the first reply gave.
    const auto seen = eventstore::Position::from_token(retry.header("Docket-Position"));
    const auto first = eventstore::Position::from_token(first_reply.header("Docket-Position"));
    ASSERT_TRUE(seen && first) << retry.header("Docket-Position");
    EXPECT_TRUE(seen->covers(*first));
    EXPECT_EQ(live_appointments(serve.port(), "dr-kafka"),
              (std::set<std::string>{booked, contended_winner}));
    EXPECT_EQ(serve.terminate(std::chrono::seconds(30)), 0);
  }
}

}  // namespace
}  // namespace docket::distributed_test
