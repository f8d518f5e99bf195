// GET /v1/doctors/{id}/availability/stream over real HTTP: the opening snapshot, a booking's
// slot change pushed to a connected client, resuming with Last-Event-ID, the bound on open
// streams, and a server stop that ends streams at once.

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "tests/http/query_fixture.hpp"

namespace docket::http_test {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

const std::string kPath = "/v1/doctors/dr-a/availability/stream?from=2027-03-01&to=2027-03-01";

struct SseEvent {
  std::string id;
  std::string type;
  json data;
};

// A client reading one stream on a thread of its own, collecting its events.
class StreamClient {
 public:
  StreamClient(int port, const std::string& path, httplib::Headers headers = {})
      : client_("127.0.0.1", port) {
    client_.set_read_timeout(30, 0);
    headers.emplace("Authorization", "Bearer " + token("p-9", api::Role::patient));
    thread_ = std::thread([this, path, headers] {
      auto r = client_.Get(
          path, headers,
          [this](const httplib::Response& res) {
            const std::lock_guard lock(mu_);
            status_ = res.status;
            content_type_ = res.get_header_value("Content-Type");
            cv_.notify_all();
            return true;
          },
          [this](const char* data, std::size_t n) {
            const std::lock_guard lock(mu_);
            buffer_.append(data, n);
            received_ += n;
            parse();
            cv_.notify_all();
            return !quit_;
          });
      const std::lock_guard lock(mu_);
      ended_ = true;
      if (r && status_ == 0) status_ = r->status;
      cv_.notify_all();
    });
  }
  ~StreamClient() {
    {
      const std::lock_guard lock(mu_);
      quit_ = true;
    }
    client_.stop();
    thread_.join();
  }

  // Waits (at most `bound`) until `pred(events)` holds; returns whether it did.
  template <class Pred>
  bool wait(Pred pred, std::chrono::milliseconds bound = std::chrono::seconds(5)) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, bound, [&] { return pred(events_); });
  }
  bool wait_ended(std::chrono::milliseconds bound) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, bound, [&] { return ended_; });
  }
  // Waits until the stream's first bytes arrive: the server has read the window by then.
  bool wait_open() {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(5), [&] { return received_ > 0; });
  }
  int status() {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(5), [&] { return status_ != 0 || ended_; });
    return status_;
  }
  std::string content_type() {
    const std::lock_guard lock(mu_);
    return content_type_;
  }
  std::vector<SseEvent> events() {
    const std::lock_guard lock(mu_);
    return events_;
  }

 private:
  // Splits complete events ("...\n\n") off the buffer.
  void parse() {
    for (auto end = buffer_.find("\n\n"); end != std::string::npos; end = buffer_.find("\n\n")) {
      const std::string block = buffer_.substr(0, end);
      buffer_.erase(0, end + 2);
      SseEvent e;
      std::size_t start = 0;
      while (start <= block.size()) {
        auto nl = block.find('\n', start);
        if (nl == std::string::npos) nl = block.size();
        const std::string line = block.substr(start, nl - start);
        if (line.starts_with("id: ")) e.id = line.substr(4);
        if (line.starts_with("event: ")) e.type = line.substr(7);
        if (line.starts_with("data: ")) e.data = json::parse(line.substr(6), nullptr, false);
        start = nl + 1;
      }
      if (!e.type.empty()) events_.push_back(std::move(e));
    }
  }

  httplib::Client client_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::string buffer_;
  std::vector<SseEvent> events_;
  int status_ = 0;
  std::size_t received_ = 0;
  std::string content_type_;
  bool ended_ = false;
  bool quit_ = false;
  std::thread thread_;
};

bool has_slot(const std::vector<SseEvent>& events, const std::string& start, int booked) {
  for (const auto& e : events) {
    for (const auto& slot : e.data["slots"]) {
      if (slot["start"] == start && slot["booked"] == booked) return true;
    }
  }
  return false;
}

TEST(AvailabilityStream, PushesABookingsSlotChangeToAConnectedClient) {
  TempDir dir;
  QueryService s(dir.path());
  add_doctor(s, "dr-a");
  StreamClient client(s.port(), kPath);
  ASSERT_EQ(client.status(), 200);
  EXPECT_EQ(client.content_type(), "text/event-stream");
  ASSERT_TRUE(client.wait([](const auto& ev) { return !ev.empty(); }));
  const SseEvent opening = client.events().front();
  EXPECT_EQ(opening.type, "slots");
  EXPECT_EQ(opening.data["doctor_id"], "dr-a");
  EXPECT_EQ(opening.data["slots"].size(), 48u) << "the whole window first";

  const auto booked_at = Clock::now();
  auto booked = book(s, "dr-a", "p-1", "2027-03-01T09:30:00Z");
  ASSERT_EQ(booked.status, 201) << booked.raw;
  ASSERT_TRUE(client.wait([](const auto& ev) { return has_slot(ev, "2027-03-01T09:30:00Z", 1); }))
      << "no slot change within 5 s";
  const auto delivered = Clock::now() - booked_at;
  const SseEvent change = client.events().back();
  EXPECT_EQ(change.data["slots"].size(), 1u) << "only the slot that changed";
  EXPECT_EQ(change.data["slots"][0]["status"], "full");
  const auto id = eventstore::Position::from_token(change.id);
  const auto position = eventstore::Position::from_token(booked.header("Docket-Position"));
  ASSERT_TRUE(id && position);
  EXPECT_TRUE(id->covers(*position)) << "the event id is a position covering the booking";
  // Generous against sanitizer builds and a loaded machine; the design target is 100 ms.
  EXPECT_LT(delivered, std::chrono::seconds(2));
}

TEST(AvailabilityStream, ResumesFromLastEventId) {
  TempDir dir;
  QueryService s(dir.path());
  const std::string before = add_doctor(s, "dr-a");
  auto booked = book(s, "dr-a", "p-1", "2027-03-01T10:00:00Z");
  ASSERT_EQ(booked.status, 201);
  const std::string after = booked.header("Docket-Position");
  ASSERT_EQ(s.get_after("/v1/doctors", token("p", api::Role::patient), after).status, 200);

  // Current as of the booking: nothing to resend; the next change still arrives.
  StreamClient current(s.port(), kPath, {{"Last-Event-ID", after}});
  ASSERT_EQ(current.status(), 200);
  ASSERT_TRUE(current.wait_open());
  // Behind the booking: the window again, with the booking in it.
  StreamClient behind(s.port(), kPath, {{"Last-Event-ID", before}});
  ASSERT_TRUE(behind.wait([](const auto& ev) { return has_slot(ev, "2027-03-01T10:00:00Z", 1); }));
  EXPECT_EQ(behind.events().front().data["slots"].size(), 48u);

  ASSERT_EQ(book(s, "dr-a", "p-2", "2027-03-01T11:00:00Z").status, 201);
  ASSERT_TRUE(current.wait([](const auto& ev) { return has_slot(ev, "2027-03-01T11:00:00Z", 1); }));
  const auto events = current.events();
  ASSERT_EQ(events.size(), 1u) << "no opening snapshot for a client that is current";
  EXPECT_EQ(events[0].data["slots"].size(), 1u);

  StreamClient bad(s.port(), kPath, {{"Last-Event-ID", "garbage"}});
  EXPECT_EQ(bad.status(), 422);
}

TEST(AvailabilityStream, BoundsOpenStreamsAndEndsThemOnStop) {
  TempDir dir;
  QueryService s(dir.path(), {.max_streams = 2});
  add_doctor(s, "dr-a");
  auto one = std::make_unique<StreamClient>(s.port(), kPath);
  auto two = std::make_unique<StreamClient>(s.port(), kPath);
  ASSERT_TRUE(one->wait([](const auto& ev) { return !ev.empty(); }));
  ASSERT_TRUE(two->wait([](const auto& ev) { return !ev.empty(); }));
  auto third = s.get(kPath, token("p", api::Role::patient));
  EXPECT_EQ(third.status, 503);
  EXPECT_EQ(third.code(), "unavailable");
  auto range = s.get("/v1/doctors/dr-a/availability/stream?from=2027-03-01&to=2027-05-01",
                     token("p", api::Role::patient));
  EXPECT_EQ(range.code(), "range_too_large");

  const auto stopping = Clock::now();
  EXPECT_TRUE(s.server().stop(std::chrono::seconds(5)));
  EXPECT_LT(Clock::now() - stopping, std::chrono::seconds(3)) << "streams do not hold up a stop";
  EXPECT_TRUE(one->wait_ended(std::chrono::seconds(5)));
  EXPECT_TRUE(two->wait_ended(std::chrono::seconds(5)));
  EXPECT_EQ(s.streams().active(), 0u);
}

}  // namespace
}  // namespace docket::http_test
