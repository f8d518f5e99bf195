// The `--log` option: what each spelling selects, and every malformed one refused with a reason.

#include "app/log_spec.hpp"

#include <gtest/gtest.h>

namespace docket::app {
namespace {

TEST(LogSpec, EmbeddedIsTheDefaultBackend) {
  const auto r = parse_log_spec("embedded");
  EXPECT_TRUE(r.error.empty()) << r.error;
  EXPECT_FALSE(r.spec.kafka);
}

TEST(LogSpec, KafkaNamesItsBrokersAndKeepsTheDefaults) {
  const auto r = parse_log_spec("kafka://a:9092,b:9093");
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_TRUE(r.spec.kafka);
  EXPECT_EQ(r.spec.kafka_config.bootstrap_servers, "a:9092,b:9093");
  EXPECT_EQ(r.spec.kafka_config.topic, eventstore::KafkaConfig{}.topic);
  EXPECT_EQ(r.spec.kafka_config.partitions, eventstore::KafkaConfig{}.partitions);
}

TEST(LogSpec, KafkaQuerySetsTopicPartitionsAndReplication) {
  const auto r = parse_log_spec("kafka://a:9092?topic=clinic.events&partitions=24&replication=3");
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.spec.kafka_config.bootstrap_servers, "a:9092");
  EXPECT_EQ(r.spec.kafka_config.topic, "clinic.events");
  EXPECT_EQ(r.spec.kafka_config.partitions, 24);
  EXPECT_EQ(r.spec.kafka_config.replication_factor, 3);
}

TEST(LogSpec, RefusesWhatItCannotRead) {
  for (const char* bad :
       {"", "rocksdb", "kafka://", "kafka://host", "kafka://a:1,,b:2", "kafka://a:1?partitions=0",
        "kafka://a:1?partitions=x", "kafka://a:1?replication=33",
        "kafka://a:1?topic=", "kafka://a:1?colour=blue", "kafka://a:1?topic"}) {
    EXPECT_FALSE(parse_log_spec(bad).error.empty()) << bad;
  }
}

}  // namespace
}  // namespace docket::app
