// `docket rebuild` as a function: the demo clinic's log rebuilt into fresh read models that
// answer queries, a subset rebuild, progress on stderr, and refusals with their exit codes.

#include "app/rebuild.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "api/command_service.hpp"
#include "app/seed.hpp"
#include "eventstore/embedded_log.hpp"
#include "projections/projection_store.hpp"
#include "projections/queries.hpp"
#include "tests/support/temp_dir.hpp"

namespace docket::app {
namespace {

using TempDir = docket::testing::TempDir;

// The demo clinic's events in an embedded log under `data`/log.
SeedReport seed(const std::filesystem::path& data) {
  auto log = eventstore::open_embedded_log({.directory = data / "log"});
  if (!log) throw std::runtime_error("log: " + log.error().message);
  api::CommandServiceOptions options;
  options.clock = [] { return *domain::parse_rfc3339("2027-02-22T08:00:00Z"); };
  SeedReport report;
  {
    api::CommandService service(*log.value(), nullptr, options);
    report = seed_demo_clinic(service);
    service.close();
  }
  log.value()->close();
  return report;
}

TEST(RebuildCommand, BuildsReadModelsThatAnswerQueries) {
  TempDir dir;
  const SeedReport report = seed(dir.path());
  ASSERT_TRUE(report.error.empty()) << report.error;
  ASSERT_FALSE(report.appointment_ids.empty());
  std::ostringstream out, err;
  RebuildCommandOptions options;
  options.data = dir.path();
  ASSERT_EQ(run_rebuild(options, out, err), 0) << err.str();
  EXPECT_NE(out.str().find("rebuilt doctors availability appointments queues stats history"),
            std::string::npos)
      << out.str();
  EXPECT_NE(err.str().find("100.0%"), std::string::npos) << "progress ends at 100%: " << err.str();

  auto store = projections::ProjectionStore::open(dir.path() / "projections");
  ASSERT_TRUE(store.ok());
  const auto models = store.value()->current();
  const auto doctors = projections::doctors(*models, "", {1, 100});
  EXPECT_EQ(doctors.total, static_cast<std::int64_t>(report.doctor_ids.size()));
  for (const auto& id : report.appointment_ids) {
    EXPECT_TRUE(projections::appointment(*models, id).ok()) << id;
  }
}

TEST(RebuildCommand, RebuildsOneProjectionToTheSameBytes) {
  TempDir dir;
  ASSERT_TRUE(seed(dir.path()).error.empty());
  std::ostringstream out, err;
  auto log = eventstore::open_embedded_log({.directory = dir.path() / "log"});
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(run_rebuild(*log.value(), dir.path() / "projections", {}, out, err), 0) << err.str();
  std::string before;
  {
    auto store = projections::ProjectionStore::open(dir.path() / "projections");
    ASSERT_TRUE(store.ok());
    before = store.value()->current()->dump(projections::ModelSet::all());
  }
  ASSERT_EQ(run_rebuild(*log.value(), dir.path() / "projections", {"availability"}, out, err), 0)
      << err.str();
  auto store = projections::ProjectionStore::open(dir.path() / "projections");
  ASSERT_TRUE(store.ok());
  EXPECT_TRUE(store.value()->current()->dump(projections::ModelSet::all()) == before);
  store.value().reset();
  EXPECT_EQ(run_rebuild(*log.value(), dir.path() / "projections", {"nonsense"}, out, err), 2);
  EXPECT_NE(err.str().find("unknown projection 'nonsense'"), std::string::npos);
}

TEST(RebuildCommand, RefusesWhatItCannotOpen) {
  TempDir dir;
  std::ostringstream out, err;
  RebuildCommandOptions missing;
  missing.data = dir.path() / "nothing-here";
  EXPECT_EQ(run_rebuild(missing, out, err), 1);
  EXPECT_NE(err.str().find("no event log"), std::string::npos) << err.str();
  RebuildCommandOptions bad_log;
  bad_log.data = dir.path();
  bad_log.log = "carrier-pigeon://";
  EXPECT_EQ(run_rebuild(bad_log, out, err), 2);

  ASSERT_TRUE(seed(dir.path()).error.empty());
  auto held = projections::ProjectionStore::open(dir.path() / "projections");
  ASSERT_TRUE(held.ok());
  RebuildCommandOptions busy;
  busy.data = dir.path();
  EXPECT_EQ(run_rebuild(busy, out, err), 1) << "the read models are held by another owner";
}

}  // namespace
}  // namespace docket::app
