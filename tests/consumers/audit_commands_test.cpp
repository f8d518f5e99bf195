// The audit subcommands' exit codes and outputs, run as functions on a real embedded log.

#include "app/audit_commands.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "tests/consumers/log_fixture.hpp"

namespace docket::app {
namespace {

using namespace docket::consumers::testing;

TEST(AuditCommands, ExitCodesFollowTheAnswers) {
  TempDir dir;
  {
    auto log = open_log(dir.path() / "log");
    append(*log, "a", {registered("a", "cardiology")}, at("2027-01-01T08:00:00Z"));
    append(*log, "a", {booked("appt-1", "p-1", at("2027-03-01T09:00:00Z"))},
           at("2027-01-02T08:00:00Z"));
  }
  std::ostringstream err;
  EXPECT_EQ(open_log_for_audit(dir.path() / "missing", err), nullptr);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "missing"));
  auto log = open_log_for_audit(dir.path() / "log", err);
  ASSERT_NE(log, nullptr) << err.str();

  std::ostringstream out;
  EXPECT_EQ(run_verify(*log, out, err), 0);
  EXPECT_EQ(run_audit_appointment(*log, "appt-1", true, out, err), 0);
  EXPECT_EQ(run_audit_appointment(*log, "appt-2", false, out, err), 1);
  EXPECT_EQ(run_replay_doctor(*log, "a", "2027-01-01T09:00:00Z", out, err), 0);
  EXPECT_EQ(run_replay_doctor(*log, "a", "yesterday", out, err), 2);
  EXPECT_EQ(run_events_dump(*log, {std::nullopt, std::nullopt, ""}, out, err), 0);
  EXPECT_EQ(run_events_dump(*log, {std::string("x!"), std::nullopt, ""}, out, err), 2);
}

}  // namespace
}  // namespace docket::app
