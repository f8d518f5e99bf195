// Stored bytes the appliers write by hand instead of through a JSON document, and the bulk load
// of a rebuilt generation, on the shared randomized run (fixture.hpp).

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "projections/memory_build.hpp"
#include "projections/records.hpp"
#include "tests/projections/fixture.hpp"

namespace docket::projections::testing {
namespace {

// Every appointment's history is the JSON array of the compact dumps of {"type", "time", "actor":
// {"sub", "role"}, "data"} of its events in log order, byte for byte.
TEST(Layout, HistoryEntriesAreTheDumpOfTheEventDocument) {
  SharedRun& run = shared_run();
  const auto gen = run.store->current();
  std::map<std::string, std::string> expected;  // appointment id -> history
  eventstore::Position at;
  for (;;) {
    auto batch = run.log->read_all(at, 1000);
    ASSERT_TRUE(batch.ok());
    if (batch->commits.empty()) break;
    at = batch->next;
    for (const eventstore::Commit& commit : batch->commits) {
      for (const eventstore::RecordedEvent& e : commit.events) {
        if (!e.data.contains("appointment_id") || !e.data["appointment_id"].is_string()) continue;
        const std::string id = e.data["appointment_id"].get<std::string>();
        if (id.empty()) continue;
        const nlohmann::json entry = {{"type", e.type},
                                      {"time", e.time},
                                      {"actor", {{"sub", e.actor.sub}, {"role", e.actor.role}}},
                                      {"data", e.data}};
        std::string& h = expected[id];
        h += h.empty() ? '[' : ',';
        h += entry.dump();
      }
    }
  }
  std::size_t entries = 0;
  for (auto& [id, h] : expected) {
    h += ']';
    const auto bytes = gen->get(key::history(id));
    ASSERT_TRUE(bytes.has_value()) << id;
    ASSERT_EQ(*bytes, h) << id;
    entries += nlohmann::json::parse(h).size();
  }
  EXPECT_GT(entries, 1000u);
  std::size_t stored = 0;
  gen->scan("E", {}, [&](std::string_view, std::string_view) {
    ++stored;
    return true;
  });
  EXPECT_EQ(stored, expected.size()) << "every stored history was checked";
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
    // The table files were moved into the database, not left beside it.
    for (const auto& e : std::filesystem::directory_iterator(dir.path()))
      EXPECT_NE(e.path().filename().string().rfind("bulk-", 0), 0u) << e.path();
  }
  // Reopened: the checkpoint was stored with the tables.
  auto reopened = ModelStore::open(dir.path());
  ASSERT_TRUE(reopened.ok());
  EXPECT_TRUE((*reopened)->checkpoint() == run.head);
  EXPECT_TRUE((*reopened)->dump(ModelSet::all()) == run.store->current()->dump(ModelSet::all()));
}

}  // namespace
}  // namespace docket::projections::testing
