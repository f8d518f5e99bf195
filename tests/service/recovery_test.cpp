#include <gtest/gtest.h>

#include "api/entity_id.hpp"
#include "service_fixture.hpp"
#include "state_compare.hpp"

namespace docket::api::testing {
namespace {

// Books `n` slots from `first` on, one patient each; fails the test on any error.
void book_slots(CommandService& service, int first, int n) {
  for (int i = first; i < first + n; ++i) {
    const CommandResult r = service.execute(
        "dr-ada", book(new_entity_id("dr-ada"), slot(i), "pat-" + std::to_string(i)));
    ASSERT_TRUE(r.ok()) << i << ": " << describe(r);
  }
}

TEST(Recovery, RestartRehydratesFromTheWholeStream) {
  TempDir dir;
  CommandServiceOptions options;
  options.snapshot_every = 0;
  WriteSide ws(dir.path(), options);
  ws.add_doctor("dr-ada");
  book_slots(ws.service(), 0, 30);
  auto before = ws.service().state_of("dr-ada");
  ASSERT_TRUE(before.ok());

  ws.reopen();
  auto after = ws.service().state_of("dr-ada");
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(*before == *after);
  EXPECT_EQ(after->version(), 32u);
  EXPECT_EQ(ws.service().metrics().snapshot_loads.load(), 0u);
  EXPECT_EQ(ws.service().metrics().rehydrated_events.load(), 32u);
  // The reloaded writer goes on where the old one stopped.
  const CommandResult taken = ws.service().execute("dr-ada", book("dr-ada.x", slot(3), "other"));
  ASSERT_FALSE(taken.ok());
  EXPECT_EQ(taken.error().domain.code, domain::errc::slot_taken);
  book_slots(ws.service(), 30, 1);
}

TEST(Recovery, RestartStartsFromTheSnapshotAndItsTail) {
  TempDir dir;
  CommandServiceOptions options;
  options.snapshot_every = 10;
  WriteSide ws(dir.path(), options);
  ws.add_doctor("dr-ada");
  // Version 37. Snapshots at 10 (8 appointments) and 20 (18); the next would be at 38.
  book_slots(ws.service(), 0, 35);
  ws.service().flush_snapshots();
  EXPECT_EQ(ws.service().metrics().snapshots_written.load(), 2u);
  EXPECT_EQ(ws.service().metrics().snapshots_refused.load(), 0u);
  auto before = ws.service().state_of("dr-ada");
  ASSERT_TRUE(before.ok());

  ws.reopen();
  auto after = ws.service().state_of("dr-ada");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(ws.service().metrics().snapshot_loads.load(), 1u);
  EXPECT_EQ(ws.service().metrics().rehydrated_events.load(), 37u - 20u);
  expect_same_state(*before, *after);
  expect_same_state(full_replay(ws.log(), "dr-ada"), *after);

  // And the tail keeps growing on top of the snapshot.
  book_slots(ws.service(), 35, 12);
  ws.reopen();
  auto again = ws.service().state_of("dr-ada");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->version(), 49u);
  expect_same_state(full_replay(ws.log(), "dr-ada"), *again);
}

TEST(Recovery, IgnoresASnapshotTheLogDoesNotMatch) {
  TempDir dir;
  CommandServiceOptions options;
  options.snapshot_every = 5;
  {
    WriteSide ws(dir.path(), options);
    ws.add_doctor("dr-ada");
    book_slots(ws.service(), 0, 8);
  }
  // A different log under the same side store: the snapshot's chain hash no longer matches.
  std::filesystem::remove_all(dir.path() / "log");
  WriteSide ws(dir.path(), options);
  ws.add_doctor("dr-ada");
  book_slots(ws.service(), 20, 6);
  ws.reopen();
  auto state = ws.service().state_of("dr-ada");
  ASSERT_TRUE(state.ok());
  expect_same_state(full_replay(ws.log(), "dr-ada"), *state);
  EXPECT_EQ(state->appointments().size(), 6u);
}

}  // namespace
}  // namespace docket::api::testing
