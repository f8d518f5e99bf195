#pragma once
// Settings of the Kafka event log. Every value has a default fit for a local broker. A plain value
// type: copy it freely.

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace docket::eventstore {

struct KafkaConfig {
  std::string bootstrap_servers = "localhost:9092";
  std::string topic = "docket.events";
  // Partitions of the topic. Every Docket process must use the same count (it decides where a
  // stream lives); an existing topic with another count is refused.
  std::int32_t partitions = 12;
  std::int16_t replication_factor = 1;
  // Create the topic (explicitly, with `partitions`) when it does not exist. Broker-side
  // auto-creation would pick its own partition count.
  bool create_topic = true;

  // How long the producer keeps trying to deliver a commit (librdkafka `message.timeout.ms`).
  // Past it, the append fails with errc::unavailable.
  std::chrono::milliseconds append_timeout{10'000};
  // The longest a read of the log (catch-up, read-back, watermark query) may take before the
  // operation fails with errc::unavailable.
  std::chrono::milliseconds read_timeout{10'000};
  // How long the producer waits to batch commits into one produce request (`linger.ms`): the
  // group-commit window.
  std::chrono::milliseconds linger{5};
  // The longest a broker holds a fetch when there is nothing new (`fetch.wait.max.ms`); bounds
  // how late a live subscription sees a commit on brokers that answer empty fetches only then.
  std::chrono::milliseconds fetch_wait{100};
  // Prefix of the client ids this process shows to the brokers.
  std::string client_id = "docket";
  // Further librdkafka settings (name, value) for every client the log makes, applied last, e.g.
  // security.protocol or reconnect.backoff.max.ms.
  std::vector<std::pair<std::string, std::string>> librdkafka_settings;
};

}  // namespace docket::eventstore
