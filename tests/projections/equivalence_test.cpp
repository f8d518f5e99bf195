// Incremental build versus rebuild from zero, redelivery and single-model rebuilds, on the shared
// randomized run (fixture.hpp).

#include <gtest/gtest.h>

#include "projections/rebuild.hpp"
#include "tests/projections/fixture.hpp"

namespace docket::projections::testing {
namespace {

void expect_same_models(const ModelStore& a, const ModelStore& b) {
  for (const Model m : ModelSet::all().list()) {
    const std::string da = a.dump(ModelSet::of(m));
    const std::string db = b.dump(ModelSet::of(m));
    EXPECT_TRUE(da == db) << to_string(m) << ": " << first_difference(da, db);
  }
}

TEST(Equivalence, WorkloadIsLargeAndVaried) {
  SharedRun& run = shared_run();
  EXPECT_GE(run.workload->decided(), kCommands);
  EXPECT_GE(run.workload->accepted(), 10'000) << "commands appended to the log";
  const auto all = run.store->current()->dump(ModelSet::all());
  EXPECT_GT(all.size(), 100'000u);
}

TEST(Equivalence, IncrementalBuildEqualsRebuildFromZero) {
  SharedRun& run = shared_run();
  TempDir dir;
  auto fresh = open_store(dir.path());
  std::uint64_t reported = 0;
  RebuildOptions options;
  options.progress = [&](const RebuildProgress& p) { reported = p.events_applied; };
  ASSERT_TRUE(rebuild(*run.log, *fresh, options).ok());
  EXPECT_EQ(reported, run.head.at(0)) << "every event applied once";
  EXPECT_TRUE(fresh->current()->checkpoint() == run.head);
  expect_same_models(*run.store->current(), *fresh->current());
}

TEST(Equivalence, RedeliveredBatchChangesNothing) {
  SharedRun& run = shared_run();
  TempDir dir;
  auto store = ModelStore::open(dir.path());
  ASSERT_TRUE(store.ok());
  auto first = run.log->read_all({}, 3000);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE((*store)->apply(first->commits, ModelSet::all()).ok());
  const std::string before = (*store)->dump(ModelSet::all());
  const eventstore::Position checkpoint = (*store)->checkpoint();

  // The same batch again: covered by the checkpoint.
  auto again = (*store)->apply(first->commits, ModelSet::all());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->applied, 0u);
  EXPECT_TRUE((*store)->dump(ModelSet::all()) == before);

  // The same events under positions the checkpoint does not cover (a re-read after a restore or a
  // partition move): the per-stream versions still recognize every one of them.
  std::vector<eventstore::Commit> moved = first->commits;
  for (eventstore::Commit& c : moved)
    c.position = eventstore::Position({c.position.at(0) + checkpoint.at(0)});
  auto redelivered = (*store)->apply(moved, ModelSet::all());
  ASSERT_TRUE(redelivered.ok());
  EXPECT_EQ(redelivered->applied, 0u);
  EXPECT_GT(redelivered->skipped, 0u);
  EXPECT_TRUE((*store)->dump(ModelSet::all()) == before);
}

// apply() writes without RocksDB's WAL (model_store.hpp): closing must flush, so that a clean
// restart finds every applied batch and its checkpoint, with nothing to re-apply.
TEST(Equivalence, ReopenedStoreKeepsEveryAppliedBatch) {
  SharedRun& run = shared_run();
  TempDir dir;
  auto first = run.log->read_all({}, 3000);
  ASSERT_TRUE(first.ok());
  std::string before;
  eventstore::Position checkpoint;
  {
    auto store = ModelStore::open(dir.path());
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->apply(first->commits, ModelSet::all()).ok());
    before = (*store)->dump(ModelSet::all());
    checkpoint = (*store)->checkpoint();
  }
  ASSERT_FALSE(before.empty());
  auto reopened = ModelStore::open(dir.path());
  ASSERT_TRUE(reopened.ok());
  EXPECT_TRUE((*reopened)->checkpoint() == checkpoint);
  EXPECT_TRUE((*reopened)->dump(ModelSet::all()) == before);
}

TEST(Equivalence, RebuildingOneModelKeepsTheOthers) {
  SharedRun& run = shared_run();
  TempDir dir;
  auto copy = open_store(dir.path());
  ASSERT_TRUE(rebuild(*run.log, *copy, {}).ok());
  const std::string before = copy->current()->dump(ModelSet::all());
  RebuildOptions one;
  one.models = ModelSet::of(Model::availability);
  ASSERT_TRUE(rebuild(*run.log, *copy, one).ok());
  EXPECT_TRUE(copy->current()->dump(ModelSet::all()) == before);
  expect_same_models(*run.store->current(), *copy->current());
}

TEST(Equivalence, LagIsZeroOnceCaughtUp) {
  SharedRun& run = shared_run();
  auto lag = run.projector->lag();
  ASSERT_TRUE(lag.ok());
  EXPECT_EQ(lag->behind, 0u);
  EXPECT_EQ(lag->head, run.head.to_token());
  EXPECT_EQ(lag->position, run.head.to_token());
  EXPECT_TRUE(lag->running);
  EXPECT_FALSE(lag->last_error.has_value());
  EXPECT_EQ(lag->events_applied, run.head.at(0));
}

}  // namespace
}  // namespace docket::projections::testing
