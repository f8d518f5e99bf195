// How the Kafka log sets up its topic (kafka_client.hpp: ensure_topic), on librdkafka's mock
// cluster.
//
// Creating the topic itself cannot be exercised here: librdkafka 2.0.2's mock broker does not
// implement the CreateTopics request. rdkafka_mock.h says so ("The Topic Admin API (CreateTopics)
// is not supported by the mock broker"), its request handler table has no CreateTopics entry, and
// its ApiVersions answer only lists the requests that have one, so the Admin client fails the
// request locally as unsupported by the broker. That path is therefore checked against a real
// broker only (compose/). What the mock does show: a missing topic is never auto-created with the
// broker's partition count, a failed creation is reported, and a topic whose partition count is
// not the configured one is refused, however it came to exist.

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <memory>
#include <string>

#include "tests/eventstore/kafka_mock_cluster.hpp"

namespace docket::eventstore::testing {
namespace {

using namespace std::chrono_literals;

// The partition count of `topic` as the cluster lists it (0 when it does not exist), read through
// a metadata request for all topics, which never auto-creates anything.
int listed_partitions(const KafkaMockCluster& cluster, const std::string& topic) {
  std::array<char, 256> reason{};
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", cluster.bootstraps().c_str(), reason.data(),
                    reason.size());
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, reason.data(), reason.size());
  if (rk == nullptr) {
    ADD_FAILURE() << reason.data();
    return -1;
  }
  const rd_kafka_metadata_t* metadata = nullptr;
  int count = -1;
  if (rd_kafka_metadata(rk, 1, nullptr, &metadata, 5000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    count = 0;
    for (int i = 0; i < metadata->topic_cnt; ++i) {
      if (topic == metadata->topics[i].topic) count = metadata->topics[i].partition_cnt;
    }
    rd_kafka_metadata_destroy(metadata);
  } else {
    ADD_FAILURE() << "metadata request failed";
  }
  rd_kafka_destroy(rk);
  return count;
}

TEST(KafkaTopic, MissingTopicWithoutCreationIsRefusedAndNotAutoCreated) {
  KafkaMockCluster& cluster = shared_mock_cluster();
  const std::string topic = unique_topic("absent");
  auto config = cluster.settings(topic, 3);
  config.create_topic = false;
  auto log = open_kafka_log(config);
  ASSERT_FALSE(log.ok());
  EXPECT_EQ(log.error().code, errc::invalid_argument) << log.error().message;
  EXPECT_NE(log.error().message.find("does not exist"), std::string::npos) << log.error().message;
  // Looking the topic up created nothing. The mock, like a broker with auto.create.topics.enable,
  // creates a topic of its default size (4 partitions) for any lookup that allows it.
  EXPECT_EQ(listed_partitions(cluster, topic), 0);
}

TEST(KafkaTopic, FailedCreationIsReportedWithinTheReadTimeoutAndLeavesNoTopic) {
  KafkaMockCluster& cluster = shared_mock_cluster();
  const std::string topic = unique_topic("uncreatable");
  auto config = cluster.settings(topic, 3);
  config.create_topic = true;
  config.read_timeout = 2000ms;
  const auto started = std::chrono::steady_clock::now();
  auto log = open_kafka_log(config);
  const auto took = std::chrono::steady_clock::now() - started;
  // This mock cannot create topics (see the top of this file); a real broker would have created it
  // with 3 partitions. Either way no topic of another size may appear, and the failure is bounded.
  ASSERT_FALSE(log.ok()) << "the mock cluster learned CreateTopics: test the created topic here";
  EXPECT_EQ(log.error().code, errc::unavailable) << log.error().message;
  EXPECT_NE(log.error().message.find("creating the topic"), std::string::npos)
      << log.error().message;
  EXPECT_LT(took, config.read_timeout + 1500ms);
  EXPECT_EQ(listed_partitions(cluster, topic), 0);
}

TEST(KafkaTopic, ExistingTopicWithAnotherPartitionCountIsRefused) {
  KafkaMockCluster& cluster = shared_mock_cluster();
  for (const int existing : {3, 5}) {
    const std::string topic = unique_topic("sized");
    ASSERT_EQ(rd_kafka_mock_topic_create(cluster.get(), topic.c_str(), existing, 1),
              RD_KAFKA_RESP_ERR_NO_ERROR);
    for (const bool create : {true, false}) {
      auto config = cluster.settings(topic, 4);
      config.create_topic = create;
      auto log = open_kafka_log(config);
      ASSERT_FALSE(log.ok()) << existing << " partitions";
      EXPECT_EQ(log.error().code, errc::invalid_argument) << log.error().message;
      const std::string counts = "has " + std::to_string(existing) + " partitions, configured 4";
      EXPECT_NE(log.error().message.find(counts), std::string::npos) << log.error().message;
    }
    EXPECT_EQ(listed_partitions(cluster, topic), existing) << "the topic is left as it was";
    // The configured count that matches opens it.
    auto matching = cluster.settings(topic, existing);
    auto log = open_kafka_log(matching);
    ASSERT_TRUE(log.ok()) << log.error().message;
    (*log)->close();
  }
}

}  // namespace
}  // namespace docket::eventstore::testing
