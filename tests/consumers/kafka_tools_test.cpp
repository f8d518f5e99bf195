// The offline tools on the Kafka backend (librdkafka's mock cluster, the real protocol over
// loopback), opened the way the command line does, through a kafka:// --log value: consume,
// analytics export, verify and audit work there as they do on a data directory.

#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "app/audit_commands.hpp"
#include "app/consume_commands.hpp"
#include "tests/consumers/log_fixture.hpp"
#include "tests/eventstore/kafka_mock_cluster.hpp"

namespace docket::app {
namespace {

using namespace docket::consumers::testing;
using nlohmann::json;

TEST(KafkaTools, ConsumeExportVerifyAndAuditRunOnAKafkaLog) {
  eventstore::testing::KafkaMockCluster cluster;
  const auto config = cluster.config("docket-tools", 2);
  const std::string spec =
      "kafka://" + cluster.bootstraps() + "?topic=docket-tools&partitions=2&replication=1";
  std::map<std::string, std::int64_t> booked_per_doctor;
  {
    auto log = eventstore::open_kafka_log(config);
    ASSERT_TRUE(log) << log.error().message;
    append(**log, "a", {registered("a", "cardiology")}, at("2027-01-01T08:00:00Z"));
    append(**log, "b", {registered("b", "dermatology")}, at("2027-01-01T08:01:00Z"));
    append(**log, "a", {booked("appt-1", "p-1", at("2027-03-01T09:00:00Z"))},
           at("2027-01-02T08:00:00Z"));
    append(**log, "b", {booked("appt-9", "p-9", at("2027-03-02T09:00:00Z"))},
           at("2027-01-02T08:06:00Z"));
    append(**log, "b", {booked("appt-8", "p-8", at("2027-03-02T10:00:00Z"))},
           at("2027-01-02T08:07:00Z"));
    for (const std::string doctor : {"a", "b"}) {
      auto events = (*log)->read_stream("doctor-" + doctor);
      ASSERT_TRUE(events);
      for (const auto& e : *events) {
        if (e.type == domain::AppointmentBooked::type) ++booked_per_doctor[doctor];
      }
    }
    (*log)->close();
  }
  TempDir dir;  // the consumers' stores stay local to the tool's data directory
  std::ostringstream out, err;
  ConsumeOptions consume{"analytics", dir.path(), spec, {}, true};
  ASSERT_EQ(run_consume(consume, out, err), 0) << err.str();

  AnalyticsExportOptions options;
  options.data = dir.path();
  options.log = spec;
  options.format = "jsonl";
  out.str("");
  ASSERT_EQ(run_analytics_export(options, out, err), 0) << err.str();
  std::map<std::string, std::int64_t> exported;
  std::istringstream lines(out.str());
  for (std::string line; std::getline(lines, line);) {
    const auto row = json::parse(line);
    exported[row["group"].get<std::string>()] = row["booked"].get<std::int64_t>();
  }
  EXPECT_EQ(exported, booked_per_doctor);

  auto log = open_tool_log(spec, dir.path(), err);
  ASSERT_NE(log, nullptr) << err.str();
  out.str("");
  EXPECT_EQ(run_verify(*log, out, err), 0) << err.str();
  EXPECT_NE(out.str().find("5 events"), std::string::npos) << out.str();
  EXPECT_EQ(run_audit_appointment(*log, "appt-9", false, out, err), 0) << err.str();
  EXPECT_EQ(run_audit_appointment(*log, "appt-2", false, out, err), 1);
  log->close();
}

}  // namespace
}  // namespace docket::app
