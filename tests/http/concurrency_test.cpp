// Many clients at once on one slot: the aggregate decides, HTTP only carries the answers.

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "tests/http/http_fixture.hpp"

namespace docket::http_test {
namespace {

TEST(ConcurrentBooking, HundredClientsOneSlotExactlyOneWins) {
  TempDir dir;
  Service s(dir.path());
  standard_doctor(s, "dr-busy");
  constexpr int clients = 100;
  std::vector<std::string> tokens;
  for (int i = 0; i < clients; ++i) {
    tokens.push_back(token("patient-" + std::to_string(i), api::Role::patient));
  }
  std::atomic<int> created{0}, taken{0}, other{0}, ready{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  const std::string body = nlohmann::json{
      {"doctor_id", "dr-busy"},
      {"start", "2027-03-01T09:00:00Z"},
      {"consultation_type",
       "in_person"}}.dump();
  for (int i = 0; i < clients; ++i) {
    threads.emplace_back([&, i] {
      httplib::Client client("127.0.0.1", s.port());
      client.set_read_timeout(20, 0);
      client.set_connection_timeout(20, 0);
      ready.fetch_add(1);
      while (!go.load())
        std::this_thread::yield();
      auto r = client.Post("/v1/appointments", {{"Authorization", "Bearer " + tokens[i]}}, body,
                           "application/json");
      if (r && r->status == 201) {
        created.fetch_add(1);
      } else if (r && r->status == 409 &&
                 nlohmann::json::parse(r->body, nullptr, false).value("code", "") == "slot_taken") {
        taken.fetch_add(1);
      } else {
        other.fetch_add(1);
      }
    });
  }
  while (ready.load() < clients)
    std::this_thread::yield();
  go.store(true);
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(taken.load(), clients - 1);
  EXPECT_EQ(other.load(), 0);
  const auto state = s.send("GET", "/v1/doctors/dr-busy/state", token("root", api::Role::admin));
  EXPECT_EQ(state.body["state"]["appointments"].size(), 1u);
}

TEST(ConcurrentBooking, DuplicateKeyedRequestsInFlightRunOnce) {
  TempDir dir;
  Service s(dir.path());
  standard_doctor(s, "dr-a");
  const std::string alice = token("alice", api::Role::patient);
  const std::string body = nlohmann::json{
      {"doctor_id", "dr-a"},
      {"start", "2027-03-01T09:00:00Z"},
      {"consultation_type",
       "in_person"}}.dump();
  constexpr int clients = 16;
  std::vector<std::string> replies(clients);
  std::vector<int> statuses(clients, 0);
  std::vector<std::thread> threads;
  for (int i = 0; i < clients; ++i) {
    threads.emplace_back([&, i] {
      httplib::Client client("127.0.0.1", s.port());
      client.set_read_timeout(20, 0);
      auto r = client.Post("/v1/appointments",
                           {{"Authorization", "Bearer " + alice}, {"Idempotency-Key", "same"}},
                           body, "application/json");
      if (r) {
        statuses[i] = r->status;
        replies[i] = r->body;
      }
    });
  }
  for (auto& t : threads)
    t.join();
  for (int i = 0; i < clients; ++i) {
    EXPECT_EQ(statuses[i], 201) << replies[i];
    EXPECT_EQ(replies[i], replies[0]);
  }
  const auto state = s.send("GET", "/v1/doctors/dr-a/state", token("root", api::Role::admin));
  EXPECT_EQ(state.body["state"]["appointments"].size(), 1u);
}

}  // namespace
}  // namespace docket::http_test
