// `docket demo` checked for substance: the scripted day happens in order, its failures show their
// codes, walk-ins are served by urgency, streams are versioned one by one, and no patient's free
// text is printed. Not a copy of the output: the checks read it line by line.

#include "app/demo.hpp"

#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace docket::app {
namespace {

struct Demo {
  int status = -1;
  std::string text;
  std::vector<std::string> lines;
};

Demo run() {
  std::ostringstream out;
  Demo d;
  d.status = run_demo(out);
  d.text = out.str();
  std::istringstream in(d.text);
  for (std::string line; std::getline(in, line);)
    d.lines.push_back(line);
  return d;
}

bool has(const std::string& line, const std::string& part) {
  return line.find(part) != std::string::npos;
}

// The value of `key=` on a line (up to the next space), empty when absent.
std::string field(const std::string& line, const std::string& key) {
  const auto at = line.find(" " + key + "=");
  if (at == std::string::npos) return {};
  const auto from = at + key.size() + 2;
  return line.substr(from, line.find(' ', from) - from);
}

TEST(Demo, EndsAsScripted) {
  const Demo d = run();
  EXPECT_EQ(d.status, 0) << d.text;
  EXPECT_FALSE(has(d.text, "!!")) << d.text;
}

TEST(Demo, TellsTheDayInOrder) {
  const Demo d = run();
  const std::vector<std::string> story = {"docket.doctor.registered.v1",
                                          "docket.doctor.schedule_set.v1",
                                          "docket.doctor.settings_changed.v1",
                                          "docket.hold.placed.v1",
                                          "docket.appointment.booked.v1",
                                          "REJECTED book appointment",
                                          "docket.waitlist.joined.v1",
                                          "docket.appointment.cancelled.v1",
                                          "docket.waitlist.offered.v1",
                                          "docket.waitlist.accepted.v1",
                                          "docket.appointment.rescheduled.v1",
                                          "docket.hold.expired.v1",
                                          "docket.appointment.confirmed.v1",
                                          "docket.walkin.registered.v1",
                                          "docket.walkin.called.v1",
                                          "docket.appointment.checked_in.v1",
                                          "docket.appointment.completed.v1",
                                          "docket.appointment.no_show.v1",
                                          "REJECTED add block",
                                          "docket.doctor.block_added.v1"};
  std::size_t at = 0;
  for (const std::string& step : story) {
    const auto found = d.text.find(step, at);
    ASSERT_NE(found, std::string::npos) << "missing, or out of order: " << step << "\n" << d.text;
    at = found;
  }
}

TEST(Demo, RejectionsShowTheirCodes) {
  const Demo d = run();
  int slot_taken = 0;
  for (const std::string& line : d.lines) {
    if (has(line, "REJECTED book appointment")) {
      EXPECT_TRUE(has(line, "-> slot_taken")) << line;
      ++slot_taken;
    }
    if (has(line, "REJECTED add block")) {
      EXPECT_TRUE(has(line, "-> conflicting_appointments")) << line;
    }
  }
  EXPECT_EQ(slot_taken, 2) << d.text;  // the taken slot, then the slot filled by a hold
}

TEST(Demo, BookingConsumesTheHold) {
  const Demo d = run();
  std::string held;
  for (const std::string& line : d.lines) {
    if (has(line, "docket.hold.placed.v1")) {
      held = field(line, "hold_id");
      break;
    }
  }
  ASSERT_FALSE(held.empty()) << d.text;
  bool consumed = false;
  for (const std::string& line : d.lines) {
    consumed =
        consumed || (has(line, "docket.appointment.booked.v1") && field(line, "hold_id") == held);
  }
  EXPECT_TRUE(consumed) << d.text;
}

TEST(Demo, CallsTheEmergencyWalkinFirst) {
  const Demo d = run();
  std::string emergency;
  std::string first_called;
  for (const std::string& line : d.lines) {
    if (has(line, "docket.walkin.registered.v1") && field(line, "urgency") == "emergency") {
      emergency = field(line, "walkin_id");
    }
    if (first_called.empty() && has(line, "docket.walkin.called.v1")) {
      first_called = field(line, "walkin_id");
    }
  }
  ASSERT_FALSE(emergency.empty()) << d.text;
  EXPECT_EQ(first_called, emergency) << d.text;
}

TEST(Demo, NumbersStreamVersionsOneByOneInTimeOrder) {
  const Demo d = run();
  std::map<std::string, int> versions;
  std::string last_time;
  int events = 0;
  for (const std::string& line : d.lines) {
    if (line.size() < 22 || line.compare(0, 3, "202") != 0) continue;
    const std::string time = line.substr(0, 20);
    EXPECT_LE(last_time, time) << line;
    last_time = time;
    const auto stream_at = line.find("  doctor-");
    ASSERT_NE(stream_at, std::string::npos) << line;
    const std::string stream =
        line.substr(stream_at + 2, line.find("  ", stream_at + 2) - stream_at - 2);
    const auto at = stream.find('@');
    if (at == std::string::npos) continue;  // a rejected command has no version
    const int version = std::stoi(stream.substr(at + 1));
    EXPECT_EQ(version, ++versions[stream.substr(0, at)]) << line;
    ++events;
  }
  EXPECT_EQ(versions.size(), 3u) << d.text;
  EXPECT_GT(events, 30) << d.text;
}

TEST(Demo, NeverPrintsPatientsFreeText) {
  const Demo d = run();
  // The free text the script gives in its commands, and the fields that would carry it.
  for (const char* secret :
       {"persistent cough", "dizzy spells", "feeling better", "train is", "sore throat",
        "twisted ankle", "reason_for_visit", "symptoms", "notes=", "personal"}) {
    EXPECT_FALSE(has(d.text, secret)) << secret;
  }
}

TEST(Demo, IsDeterministic) {
  EXPECT_EQ(run().text, run().text);
}

}  // namespace
}  // namespace docket::app
