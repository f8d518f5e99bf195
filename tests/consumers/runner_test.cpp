// The consumer runtime on a real embedded log and a real consumer store: checkpointed effects,
// restart from the checkpoint, no double processing on redelivery, lag.

#include <gtest/gtest.h>

#include "consumers/consumer_runner.hpp"
#include "tests/consumers/log_fixture.hpp"

namespace docket::consumers {
namespace {

using namespace docket::consumers::testing;

// Counts the events it sees in its own store.
class CountingHandler : public EventHandler {
 public:
  StoreResult<Unit> handle(const eventstore::RecordedEvent& event, Effects& effects) override {
    auto n = effects.get("count");
    if (!n) return fail(n.error());
    const std::uint64_t count = n->has_value() ? read_be64(**n) : 0;
    effects.put("count", be64(count + 1));
    effects.put("seen" + event.id, "");
    return unit;
  }
};

std::uint64_t count(const ConsumerStore& store) {
  auto n = store.get("count");
  return n && n->has_value() ? read_be64(**n) : 0;
}

eventstore::Position head(eventstore::EventLog& log) {
  auto h = log.head();
  if (!h) throw std::runtime_error("head");
  return *h;
}

TEST(ConsumerRunner, RestartsFromItsCheckpointAndNeverCountsARedeliveredEventTwice) {
  TempDir dir;
  auto log = open_log(dir.path() / "log");
  auto store = ConsumerStore::open(dir.path() / "consumer");
  ASSERT_TRUE(store) << store.error().message;
  CountingHandler handler;
  append(*log, "a", {registered("a", "cardiology")}, at("2027-01-01T08:00:00Z"));
  {
    ConsumerRunner runner(*log, **store, handler);
    ASSERT_TRUE(runner.start());
    append(*log, "a", {booked("appt-1", "p-1", at("2027-03-01T09:00:00Z"))},
           at("2027-01-02T08:00:00Z"));
    ASSERT_TRUE(runner.wait_for(head(*log), std::chrono::seconds(10)))
        << runner.failure().value_or("");
    EXPECT_EQ(runner.lag(), 0u);
    runner.stop();
  }
  EXPECT_EQ(count(**store), 2u);
  // Appended while the consumer is down: picked up after the restart, from the checkpoint.
  append(*log, "a", {booked("appt-2", "p-2", at("2027-03-01T09:30:00Z"))},
         at("2027-01-02T08:05:00Z"));
  append(*log, "a", {booked("appt-3", "p-3", at("2027-03-01T10:00:00Z"))},
         at("2027-01-02T08:06:00Z"));
  {
    ConsumerRunner runner(*log, **store, handler);
    EXPECT_EQ(runner.lag(), 2u);  // the two appended while it was down
    ASSERT_TRUE(runner.start());
    ASSERT_TRUE(runner.wait_for(head(*log), std::chrono::seconds(10)));
    EXPECT_EQ(runner.lag(), 0u);
  }
  EXPECT_EQ(count(**store), 4u);

  // Redelivery: the checkpoint is moved back to the start (as a Kafka rebalance or a restore
  // would), so every event arrives again; none is counted twice.
  {
    Effects none(**store);
    ASSERT_TRUE((*store)->write(none, eventstore::Position()));
    ConsumerRunner runner(*log, **store, handler);
    ASSERT_TRUE(runner.start());
    ASSERT_TRUE(runner.wait_for(head(*log), std::chrono::seconds(10)));
  }
  EXPECT_EQ(count(**store), 4u);
  auto checkpoint = (*store)->checkpoint();
  ASSERT_TRUE(checkpoint);
  EXPECT_EQ(*checkpoint, head(*log));
}

TEST(ConsumerRunner, StopReturnsPromptlyWhileWaitingForEvents) {
  TempDir dir;
  auto log = open_log(dir.path() / "log");
  auto store = ConsumerStore::open(dir.path() / "consumer");
  ASSERT_TRUE(store);
  CountingHandler handler;
  ConsumerRunner runner(*log, **store, handler);
  ASSERT_TRUE(runner.start());
  runner.stop();  // closes the subscription, which wakes the blocked next()
  runner.stop();  // idempotent
  EXPECT_FALSE(runner.failure().has_value());
}

}  // namespace
}  // namespace docket::consumers
