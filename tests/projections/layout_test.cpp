// Stored bytes the appliers write by hand instead of through a JSON document, and the bulk load
// of a rebuilt generation, on the shared randomized run (fixture.hpp).

#include <gtest/gtest.h>

#include "projections/memory_build.hpp"
#include "projections/records.hpp"
#include "tests/projections/fixture.hpp"

namespace docket::projections::testing {
namespace {

// Every history entry is the compact dump of {"type", "time", "actor": {"sub", "role"}, "data"},
// byte for byte, for the event of its key.
TEST(Layout, HistoryEntriesAreTheDumpOfTheEventDocument) {
  SharedRun& run = shared_run();
  const auto gen = run.store->current();
  std::size_t stored = 0;
  gen->scan("E", {}, [&](std::string_view, std::string_view) {
    ++stored;
    return true;
  });
  std::size_t compared = 0;
  eventstore::Position at;
  for (;;) {
    auto batch = run.log->read_all(at, 1000);
    ASSERT_TRUE(batch.ok());
    if (batch->commits.empty()) break;
    at = batch->next;
    for (const eventstore::Commit& commit : batch->commits) {
      for (const eventstore::RecordedEvent& e : commit.events) {
        if (!e.data.contains("appointment_id") || !e.data["appointment_id"].is_string()) continue;
        const auto bytes =
            gen->get(key::history(e.data["appointment_id"].get<std::string>(), e.version));
        if (!bytes) continue;
        const nlohmann::json expected = {{"type", e.type},
                                         {"time", e.time},
                                         {"actor", {{"sub", e.actor.sub}, {"role", e.actor.role}}},
                                         {"data", e.data}};
        ASSERT_EQ(*bytes, expected.dump()) << e.type << " v" << e.version;
        ++compared;
      }
    }
  }
  EXPECT_GT(compared, 1000u);
  EXPECT_EQ(compared, stored) << "every stored entry was checked";
}

// A generation loaded from memory holds exactly the keys of one applied through RocksDB, the
// checkpoint included, and serves at that checkpoint.
TEST(Layout, MemoryBuildLoadsTheSameModelsAsApply) {
  SharedRun& run = shared_run();
  TempDir dir;
  MemoryBuild build(ModelSet::all());
  eventstore::Position at;
  for (;;) {
    auto batch = run.log->read_all(at, 700);
    ASSERT_TRUE(batch.ok());
    if (batch->commits.empty()) break;
    at = batch->next;
    ASSERT_TRUE(build.apply(batch->commits).ok());
  }
  EXPECT_TRUE(build.checkpoint() == run.head);
  EXPECT_GT(build.keys(), 10'000u);
  {
    auto fresh = ModelStore::open(dir.path());
    ASSERT_TRUE(fresh.ok());
    ASSERT_TRUE(build.write_to(**fresh).ok());
    EXPECT_TRUE((*fresh)->checkpoint() == run.head);
    EXPECT_TRUE((*fresh)->dump(ModelSet::all()) == run.store->current()->dump(ModelSet::all()));
  }
  // Reopened: the checkpoint was stored with the tables.
  auto reopened = ModelStore::open(dir.path());
  ASSERT_TRUE(reopened.ok());
  EXPECT_TRUE((*reopened)->checkpoint() == run.head);
  EXPECT_TRUE((*reopened)->dump(ModelSet::all()) == run.store->current()->dump(ModelSet::all()));
}

}  // namespace
}  // namespace docket::projections::testing
