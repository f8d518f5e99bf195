// The projector runtime on its own logs: read-your-writes waits, stop, and an online blue/green
// rebuild while commands keep arriving and readers keep reading.

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

#include "projections/queries.hpp"
#include "projections/rebuild.hpp"
#include "tests/projections/fixture.hpp"

namespace docket::projections::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

eventstore::Position head_of(eventstore::EventLog& log) {
  auto head = log.head();
  EXPECT_TRUE(head.ok());
  return head.ok() ? *head : eventstore::Position{};
}

TEST(Projector, WaitForReturnsOnceCoveredAndTimesOutOtherwise) {
  TempDir dir;
  auto log = open_log(dir.path() / "log");
  auto store = open_store(dir.path() / "models");
  Projector projector(*log, *store);
  ASSERT_TRUE(projector.start().ok());
  Workload workload(7);
  workload.run(*log, 300);
  const eventstore::Position head = head_of(*log);
  ASSERT_GT(head.at(0), 0u);
  EXPECT_TRUE(projector.wait_for(head, seconds(10)));
  EXPECT_TRUE(projector.position().covers(head));

  // A position no commit has reached yet.
  const eventstore::Position beyond({head.at(0) + 1});
  EXPECT_FALSE(projector.wait_for(beyond, milliseconds(100)));

  // A waiter blocked before the append is woken by the batch that covers it.
  auto waiter =
      std::async(std::launch::async, [&] { return projector.wait_for(beyond, seconds(10)); });
  while (workload.accepted() == 0 || head_of(*log) == head)
    workload.run(*log, 10);
  EXPECT_TRUE(waiter.get());

  // stop() wakes waiters at once with false.
  const eventstore::Position far({head.at(0) + 1'000'000});
  auto stopped =
      std::async(std::launch::async, [&] { return projector.wait_for(far, seconds(60)); });
  projector.stop();
  EXPECT_FALSE(stopped.get());
  auto lag = projector.lag();
  ASSERT_TRUE(lag.ok());
  EXPECT_FALSE(lag->running);
}

TEST(Projector, RestartContinuesFromTheCheckpoint) {
  TempDir dir;
  auto log = open_log(dir.path() / "log");
  Workload workload(11);
  {
    auto store = open_store(dir.path() / "models");
    Projector projector(*log, *store);
    ASSERT_TRUE(projector.start().ok());
    workload.run(*log, 500);
    ASSERT_TRUE(projector.wait_for(head_of(*log), seconds(10)));
  }
  workload.run(*log, 500);
  auto store = open_store(dir.path() / "models");
  Projector projector(*log, *store);
  ASSERT_TRUE(projector.start().ok());
  const eventstore::Position head = head_of(*log);
  ASSERT_TRUE(projector.wait_for(head, seconds(10)));
  auto lag = projector.lag();
  ASSERT_TRUE(lag.ok());
  EXPECT_LT(lag->events_applied, head.at(0)) << "only what came after the checkpoint";

  TempDir fresh_dir;
  auto fresh = open_store(fresh_dir.path());
  ASSERT_TRUE(rebuild(*log, *fresh, {}).ok());
  EXPECT_TRUE(fresh->current()->dump(ModelSet::all()) == store->current()->dump(ModelSet::all()));
}

TEST(Projector, OnlineRebuildSwitchesAtomicallyWhileServing) {
  TempDir dir;
  auto log = open_log(dir.path() / "log");
  auto store = open_store(dir.path() / "models");
  ProjectorOptions options;
  options.max_batch_commits = 64;
  Projector projector(*log, *store, options);
  ASSERT_TRUE(projector.start().ok());
  Workload workload(23);
  workload.run(*log, 2000);

  std::atomic<bool> done = false;
  std::atomic<int> regressions = 0;
  std::atomic<int> reads = 0;
  std::thread reader([&] {
    std::uint64_t last_position = 0;
    std::int64_t last_total = 0;
    while (!done) {
      const auto gen = store->current();
      const std::uint64_t position = gen->checkpoint().at(0);
      const std::int64_t total = appointments(*gen, {}, {1, 1}).total;
      // A generation that serves is complete: totals and positions never step back.
      if (position < last_position || total < last_total) ++regressions;
      last_position = std::max(last_position, position);
      last_total = std::max(last_total, total);
      ++reads;
    }
  });
  std::thread writer([&] { workload.run(*log, 3000); });
  int progress_calls = 0;
  RebuildOptions rebuild_options;
  rebuild_options.progress = [&](const RebuildProgress&) { ++progress_calls; };
  const auto before = store->current()->directory();
  ASSERT_TRUE(rebuild_online(*log, *store, projector, rebuild_options).ok());
  EXPECT_NE(store->current()->directory(), before);
  writer.join();
  const eventstore::Position head = head_of(*log);
  ASSERT_TRUE(projector.wait_for(head, seconds(20)));
  done = true;
  reader.join();
  EXPECT_EQ(regressions, 0);
  EXPECT_GT(reads, 0);
  EXPECT_GT(progress_calls, 0);
  EXPECT_FALSE(std::filesystem::exists(before)) << "the old generation is dropped";

  TempDir fresh_dir;
  auto fresh = open_store(fresh_dir.path());
  ASSERT_TRUE(rebuild(*log, *fresh, {}).ok());
  EXPECT_TRUE(fresh->current()->dump(ModelSet::all()) == store->current()->dump(ModelSet::all()));

  // The switch is durable: reopening serves the new generation.
  projector.stop();
  const auto serving = store->current()->directory();
  store.reset();
  auto reopened = open_store(dir.path() / "models");
  EXPECT_EQ(reopened->current()->directory(), serving);
}

TEST(Projector, StoreDirectoryIsOpenedByOneOwnerAtATime) {
  TempDir dir;
  auto first = ProjectionStore::open(dir.path());
  ASSERT_TRUE(first.ok());
  auto second = ProjectionStore::open(dir.path());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, errc::io_error);
  first = error(errc::closed, "released");
  EXPECT_TRUE(ProjectionStore::open(dir.path()).ok());
}

}  // namespace
}  // namespace docket::projections::testing
