// Rebuild from zero over a log holding an event that does not decode, and the batches whose
// events two threads decode together.

#include "projections/rebuild.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "domain/event_json.hpp"
#include "projections/decoded_batch.hpp"
#include "tests/projections/fixture.hpp"

namespace docket::projections::testing {
namespace {

namespace dm = docket::domain;

// Single-event commits on one doctor's stream, the `bad`-th (1-based) of an unknown type. Enough
// commits for several read batches, so that the events around the bad one may be decoded on
// either thread of the rebuild.
void append_log(eventstore::EventLog& log, std::uint64_t total, std::uint64_t bad) {
  std::mutex mu;
  std::condition_variable cv;
  std::uint64_t done = 0;
  bool failed = false;
  // Asynchronous appends share their durable writes; versions are checked in submission order.
  for (std::uint64_t v = 1; v <= total; ++v) {
    eventstore::AppendRequest r;
    r.stream = "doctor-dr-1";
    r.expected_version = v - 1;
    if (v == bad) {
      r.events.push_back({"docket.bogus.v1", {}, nlohmann::json::object()});
    } else {
      dm::EncodedEvent enc = dm::encode(
          dm::AppointmentConfirmed{{"pat-1", dm::Role::patient}, "apt-" + std::to_string(v)});
      r.events.push_back({std::move(enc.type), {}, std::move(enc.data)});
    }
    r.metadata.time = *dm::parse_rfc3339("2027-03-01T09:00:00Z");
    r.metadata.actor = {"pat-1", "patient"};
    log.append_async(std::move(r), [&](eventstore::Result<eventstore::AppendResult> res) {
      std::lock_guard lock(mu);
      failed = failed || !res.ok();
      ++done;
      cv.notify_all();
    });
  }
  std::unique_lock lock(mu);
  cv.wait(lock, [&] { return done == total; });
  ASSERT_FALSE(failed);
}

TEST(Rebuild, UndecodableEventFailsTheRebuildAndKeepsTheServingGeneration) {
  for (const std::uint64_t bad : {std::uint64_t{1}, std::uint64_t{2'500}, std::uint64_t{6'000}}) {
    TempDir dir;
    auto log = open_log(dir.path() / "log");
    append_log(*log, 6'000, bad);
    auto store = open_store(dir.path() / "models");
    const auto serving = store->current()->directory();
    const Status rebuilt = rebuild(*log, *store, {});
    ASSERT_FALSE(rebuilt.ok()) << "bad event at v" << bad;
    EXPECT_EQ(rebuilt.error().code, errc::corrupt);
    EXPECT_EQ(rebuilt.error().message,
              "cannot decode docket.bogus.v1 at doctor-dr-1 v" + std::to_string(bad));
    EXPECT_EQ(store->current()->directory(), serving);
    EXPECT_TRUE(store->current()->checkpoint() == eventstore::Position{});
  }
}

// Whichever thread decodes an event, the applying side sees each one decoded exactly as
// domain::decode does, in order; events of other streams are never decoded.
TEST(DecodedBatch, BothThreadsTogetherDecodeEveryEventOnce) {
  for (int round = 0; round < 20; ++round) {
    std::vector<eventstore::Commit> commits;
    for (int i = 0; i < 3'000; ++i) {
      eventstore::Commit c;
      c.stream = i % 10 == 9 ? "clinic-1" : "doctor-dr-1";
      for (int k = 0; k < 1 + i % 3; ++k) {
        dm::EncodedEvent enc = dm::encode(dm::AppointmentConfirmed{
            {"pat-1", dm::Role::patient}, "apt-" + std::to_string(i) + "-" + std::to_string(k)});
        eventstore::RecordedEvent e;
        e.type = i == 1'234 && k == 0 ? "docket.bogus.v1" : std::move(enc.type);
        e.data = std::move(enc.data);
        e.stream = c.stream;
        c.events.push_back(std::move(e));
      }
      commits.push_back(std::move(c));
    }
    DecodedBatch batch(commits);
    std::thread ahead([&] {
      while (batch.decode_from_back(1 + static_cast<std::size_t>(round))) {
      }
    });
    for (std::size_t i = 0; i < commits.size(); ++i) {
      const auto events = batch.events_of(i);
      ASSERT_EQ(events.size(), commits[i].events.size());
      for (std::size_t k = 0; k < events.size(); ++k) {
        if (commits[i].stream != "doctor-dr-1" || (i == 1'234 && k == 0)) {
          EXPECT_EQ(events[k], nullptr) << i;
          continue;
        }
        ASSERT_NE(events[k], nullptr) << i;
        const auto* confirmed = std::get_if<dm::AppointmentConfirmed>(events[k]);
        ASSERT_NE(confirmed, nullptr);
        EXPECT_EQ(confirmed->appointment_id, "apt-" + std::to_string(i) + "-" + std::to_string(k));
      }
    }
    ahead.join();
  }
}

}  // namespace
}  // namespace docket::projections::testing
