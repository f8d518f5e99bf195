#pragma once
// librdkafka's in-process mock cluster (the real Kafka protocol over loopback) for the Kafka log
// tests, and a LogFactory that opens Kafka logs on it.

#include <librdkafka/rdkafka.h>
// rdkafka_mock.h needs rdkafka.h first.
#include <gtest/gtest.h>
#include <librdkafka/rdkafka_mock.h>

#include <array>
#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>

#include "eventstore/kafka_config.hpp"
#include "eventstore/kafka_log.hpp"
#include "tests/eventstore/log_factory.hpp"

namespace docket::eventstore::testing {

// A mock cluster of `brokers` brokers that lives as long as this object. Not copyable.
class KafkaMockCluster {
 public:
  explicit KafkaMockCluster(int brokers = 1) {
    std::array<char, 256> reason{};
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    // The cluster hangs off a client handle that is otherwise unused.
    rd_kafka_conf_set(conf, "log_level", "3", reason.data(), reason.size());
    owner_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, reason.data(), reason.size());
    if (owner_ == nullptr) throw std::runtime_error(reason.data());
    cluster_ = rd_kafka_mock_cluster_new(owner_, brokers);
    if (cluster_ == nullptr) throw std::runtime_error("rd_kafka_mock_cluster_new failed");
    bootstraps_ = rd_kafka_mock_cluster_bootstraps(cluster_);
  }
  ~KafkaMockCluster() {
    rd_kafka_mock_cluster_destroy(cluster_);
    rd_kafka_destroy(owner_);
  }
  KafkaMockCluster(const KafkaMockCluster&) = delete;
  KafkaMockCluster& operator=(const KafkaMockCluster&) = delete;

  const std::string& bootstraps() const { return bootstraps_; }
  rd_kafka_mock_cluster_t* get() const { return cluster_; }

  // Creates `topic` with `partitions` partitions unless it exists (the mock cluster does not
  // implement the CreateTopics request the log would send) and returns settings() for it.
  KafkaConfig config(const std::string& topic, std::int32_t partitions = 4) const {
    // An existing topic keeps its partition count; open_kafka_log then checks it.
    const auto created = rd_kafka_mock_topic_create(cluster_, topic.c_str(), partitions, 1);
    if (created != RD_KAFKA_RESP_ERR_NO_ERROR &&
        created != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
      ADD_FAILURE() << "rd_kafka_mock_topic_create: " << rd_kafka_err2str(created);
    }
    return settings(topic, partitions);
  }

  // A log configuration for `topic` on this cluster with timeouts fit for tests; the topic is left
  // as it is (possibly missing).
  KafkaConfig settings(const std::string& topic, std::int32_t partitions) const {
    KafkaConfig c;
    c.bootstrap_servers = bootstraps_;
    c.topic = topic;
    c.partitions = partitions;
    c.replication_factor = 1;
    c.append_timeout = std::chrono::milliseconds(3000);
    c.read_timeout = std::chrono::milliseconds(5000);
    c.linger = std::chrono::milliseconds(1);
    c.fetch_wait = std::chrono::milliseconds(10);
    c.client_id = "docket-test";
    // Reconnect quickly once a broker that was down comes back.
    c.librdkafka_settings = {
        {"reconnect.backoff.ms", "10"}, {"reconnect.backoff.max.ms", "100"}, {"log_level", "3"}};
    return c;
  }

 private:
  rd_kafka_t* owner_ = nullptr;
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
  std::string bootstraps_;
};

// One mock cluster for every test of the process that leaves its brokers alone, each on topics of
// its own: tearing a mock cluster down takes librdkafka about a second.
inline KafkaMockCluster& shared_mock_cluster() {
  static KafkaMockCluster cluster;
  return cluster;
}

// A topic name no other test of this process uses.
inline std::string unique_topic(const std::string& prefix) {
  static std::atomic<int> id{0};
  return prefix + "-" + std::to_string(++id);
}

// Every open() of one factory opens the same topic, of `partitions` partitions, on the shared mock
// cluster.
class KafkaLogFactory : public LogFactory {
 public:
  explicit KafkaLogFactory(std::int32_t partitions)
      : config_(shared_mock_cluster().config(unique_topic("docket-contract"), partitions)) {}

  std::unique_ptr<EventLog> open() override {
    auto log = open_kafka_log(config_);
    if (!log.ok()) {
      ADD_FAILURE() << "open_kafka_log: " << to_string(log.error().code) << " "
                    << log.error().message;
      return nullptr;
    }
    return std::move(log).value();
  }

 private:
  KafkaConfig config_;
};

}  // namespace docket::eventstore::testing
