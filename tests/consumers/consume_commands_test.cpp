// The offline tools as functions on real data directories: `docket consume --once` for both
// consumers (webhooks to a real receiver, no duplicate across runs), `docket analytics export`
// against counts recomputed from the log, the log opening every tool shares, and `docket verify`
// after one stored byte changed — as a function and once through the real executable.

#include "app/consume_commands.hpp"

#include <gtest/gtest.h>
#include <httplib.h>
#include <rocksdb/db.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <map>
#include <mutex>
#include <sstream>

#include "app/audit_commands.hpp"
#include "eventstore/embedded_keys.hpp"
#include "tests/consumers/log_fixture.hpp"

namespace docket::app {
namespace {

using namespace docket::consumers::testing;
using nlohmann::json;

// Accepts every webhook and counts each message id.
class CountingReceiver {
 public:
  CountingReceiver() {
    server_.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mutex_);
      ++ids_[json::parse(req.body)["id"].get<std::string>()];
      res.status = 200;
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~CountingReceiver() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  std::map<std::string, int> ids() {
    std::lock_guard lock(mutex_);
    return ids_;
  }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mutex_;
  std::map<std::string, int> ids_;
};

// The log of a small clinic in <dir>/log: two doctors, bookings, one cancellation.
void fill(const std::filesystem::path& data) {
  auto log = open_log(data / "log");
  append(*log, "a", {registered("a", "cardiology")}, at("2027-01-01T08:00:00Z"));
  append(*log, "b", {registered("b", "dermatology")}, at("2027-01-01T08:01:00Z"));
  append(*log, "a", {booked("appt-1", "p-1", at("2027-03-01T09:00:00Z"))},
         at("2027-01-02T08:00:00Z"));
  append(*log, "a", {booked("appt-2", "p-2", at("2027-03-01T09:30:00Z"))},
         at("2027-01-02T08:05:00Z"));
  append(*log, "b", {booked("appt-9", "p-9", at("2027-03-02T09:00:00Z"))},
         at("2027-01-03T08:06:00Z"));
}

// Runs `command` through the shell; its exit status and what it printed (stdout and stderr).
std::pair<int, std::string> run_child(const std::string& command) {
  FILE* child = ::popen((command + " 2>&1").c_str(), "r");
  if (child == nullptr) return {-1, "popen failed"};
  std::string printed;
  char buffer[512];
  while (std::fgets(buffer, sizeof buffer, child) != nullptr)
    printed += buffer;
  const int status = ::pclose(child);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, printed};
}

// Booked events per doctor, counted straight from the log.
std::map<std::string, std::int64_t> booked_in_log(const std::filesystem::path& data) {
  auto log = open_log(data / "log");
  std::map<std::string, std::int64_t> out;
  for (const std::string doctor : {"a", "b"}) {
    auto events = log->read_stream("doctor-" + doctor);
    if (!events) throw std::runtime_error("read_stream");
    for (const auto& e : *events) {
      if (e.type == domain::AppointmentBooked::type) ++out[doctor];
    }
  }
  return out;
}

TEST(ToolLog, RefusesAMissingLogAndSaysTheEmbeddedLogIsHeldByAnotherProcess) {
  TempDir dir;
  std::ostringstream err;
  EXPECT_EQ(open_tool_log("embedded", dir.path(), err), nullptr);
  EXPECT_NE(err.str().find("no event log"), std::string::npos) << err.str();
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "log"));
  EXPECT_EQ(open_tool_log("kafka://", dir.path(), err), nullptr);

  fill(dir.path());
  auto held = open_log(dir.path() / "log");  // as a running server would
  err.str("");
  EXPECT_EQ(open_tool_log("embedded", dir.path(), err), nullptr);
  EXPECT_NE(err.str().find("one process at a time"), std::string::npos) << err.str();
  held.reset();
  EXPECT_NE(open_tool_log("embedded", dir.path(), err), nullptr);
}

TEST(ConsumeOnce, AnalyticsExportEqualsTheCountsRecomputedFromTheLog) {
  TempDir dir;
  fill(dir.path());
  std::ostringstream out, err;
  ConsumeOptions consume{"analytics", dir.path(), "embedded", {}, true};
  ASSERT_EQ(run_consume(consume, out, err), 0) << err.str();
  EXPECT_EQ(out.str(), "analytics caught up\n");

  AnalyticsExportOptions options;
  options.data = dir.path();
  options.format = "jsonl";
  out.str("");
  ASSERT_EQ(run_analytics_export(options, out, err), 0) << err.str();
  std::map<std::string, std::int64_t> exported;
  std::istringstream lines(out.str());
  for (std::string line; std::getline(lines, line);) {
    const auto row = json::parse(line);
    exported[row["group"].get<std::string>()] = row["booked"].get<std::int64_t>();
  }
  EXPECT_EQ(exported, booked_in_log(dir.path()));

  // A range holding only doctor b's booking day, grouped by specialty, as CSV.
  options.format = "csv";
  options.group_by = "specialty";
  options.from = "2027-01-03";
  options.to = "2027-01-03";
  out.str("");
  ASSERT_EQ(run_analytics_export(options, out, err), 0) << err.str();
  EXPECT_TRUE(out.str().starts_with("group,")) << out.str();
  EXPECT_NE(out.str().find("\ndermatology,"), std::string::npos) << out.str();
  EXPECT_EQ(out.str().find("cardiology"), std::string::npos) << out.str();

  options.format = "xml";
  EXPECT_EQ(run_analytics_export(options, out, err), 2);
  options.format = "csv";
  options.from = "2027-02-30";
  EXPECT_EQ(run_analytics_export(options, out, err), 2);
}

TEST(ConsumeOnce, NotificationsAreSentOnceAcrossRuns) {
  TempDir dir;
  CountingReceiver receiver;
  fill(dir.path());
  ASSERT_EQ(::setenv("DOCKET_WEBHOOK_SECRET", "consume-test-secret", 1), 0);
  ConsumeOptions consume{"notifications", dir.path(), "embedded", {}, true};
  consume.settings.webhook_urls = receiver.url();
  std::ostringstream out, err;
  ASSERT_EQ(run_consume(consume, out, err), 0) << err.str();
  EXPECT_EQ(out.str(), "notifications caught up; 3 delivered\n");
  {
    auto log = open_log(dir.path() / "log");
    domain::AppointmentCancelled c;
    c.actor = actor("p-1", domain::Role::patient);
    c.appointment_id = "appt-1";
    c.patient_id = "p-1";
    c.start = at("2027-03-01T09:00:00Z");
    append(*log, "a", {c}, at("2027-01-04T08:00:00Z"));
  }
  out.str("");
  ASSERT_EQ(run_consume(consume, out, err), 0) << err.str();
  EXPECT_EQ(out.str(), "notifications caught up; 1 delivered\n");
  const auto ids = receiver.ids();
  EXPECT_EQ(ids.size(), 4u);
  for (const auto& [id, times] : ids)
    EXPECT_EQ(times, 1) << id;

  consume.settings.webhook_urls = "ftp://nowhere";
  EXPECT_EQ(run_consume(consume, out, err), 2);
  consume.consumer = "billing";
  EXPECT_EQ(run_consume(consume, out, err), 2);
  ASSERT_EQ(::unsetenv("DOCKET_WEBHOOK_SECRET"), 0);
}

// Changes one byte of the stored envelope of `appointment_id`'s booking (the log closed).
void flip_one_byte(const std::filesystem::path& log_dir, const std::string& appointment_id) {
  rocksdb::DB* raw = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(rocksdb::Options(), log_dir.string(), &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(std::string(1, eventstore::embedded::kEventPrefix));
       it->Valid() && it->key()[0] == eventstore::embedded::kEventPrefix; it->Next()) {
    std::string value = it->value().ToString();
    auto decoded = eventstore::embedded::decode_event_value(value);
    ASSERT_TRUE(decoded);
    if (json::parse(decoded->envelope)["data"].value("appointment_id", "") != appointment_id) {
      continue;
    }
    const auto at_byte = value.find("\"p-", eventstore::embedded::kValueHeaderSize);
    ASSERT_NE(at_byte, std::string::npos);
    value[at_byte + 3] = value[at_byte + 3] == '7' ? '8' : '7';  // another patient: valid JSON
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), it->key(), value).ok());
    return;
  }
  FAIL() << "no stored booking of " << appointment_id;
}

TEST(VerifyCommand, FailsNamingExactlyTheEventWhoseByteChangedAlsoAsAProcess) {
  TempDir dir;
  fill(dir.path());
  std::ostringstream out, err;
  {
    auto log = open_tool_log("embedded", dir.path(), err);
    ASSERT_NE(log, nullptr) << err.str();
    EXPECT_EQ(run_verify(*log, out, err), 0) << err.str();
  }
  flip_one_byte(dir.path() / "log", "appt-2");  // doctor-a's third event
  {
    auto log = open_tool_log("embedded", dir.path(), err);
    ASSERT_NE(log, nullptr) << err.str();
    err.str("");
    EXPECT_EQ(run_verify(*log, out, err), 1);
    EXPECT_NE(err.str().find("broken: doctor-a version 3 "), std::string::npos) << err.str();
  }
  const auto [status, printed] =
      run_child(std::string(DOCKET_BINARY) + " verify --data '" + dir.path().string() + "'");
  EXPECT_EQ(status, 1) << printed;
  EXPECT_NE(printed.find("broken: doctor-a version 3 "), std::string::npos) << printed;
  // Auditing touched no consumer's store: nothing could have been sent.
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "consumers"));
}

TEST(ConsumeCommand, AFollowingConsumerThatAnErrorStopsExitsWithStatusOne) {
  TempDir dir;
  fill(dir.path());
  {
    // A booking whose data lacks every field: the notifications handler cannot decode it.
    auto log = open_log(dir.path() / "log");
    eventstore::AppendRequest request;
    request.stream = "doctor-a";
    request.expected_version = 3;
    request.events.push_back({std::string(domain::AppointmentBooked::type), "", json::object()});
    request.metadata.time = at("2027-01-04T08:00:00Z");
    request.metadata.actor = {"system", "system"};
    ASSERT_TRUE(log->append(std::move(request)).ok());
  }
  // Without --once the process follows the log until a signal; `timeout` (exit 124) bounds a
  // process that would go on consuming nothing.
  const auto [status, printed] =
      run_child("timeout 60 " + std::string(DOCKET_BINARY) + " consume notifications --data '" +
                dir.path().string() + "'");
  EXPECT_EQ(status, 1) << printed;
  EXPECT_NE(printed.find("does not decode"), std::string::npos) << printed;
}

}  // namespace
}  // namespace docket::app
