#pragma once
// The `--log` option every subcommand shares: which event log backend to open, and how.
//
//   embedded                                   the RocksDB log in <data>/log (the default)
//   kafka://host:port[,host:port...][?topic=NAME&partitions=N&replication=N]
//
// Parsing is pure; open_event_log() connects or opens.

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "eventstore/event_log.hpp"
#include "eventstore/kafka_config.hpp"

namespace docket::app {

struct LogSpec {
  bool kafka = false;
  eventstore::KafkaConfig kafka_config;  // meaningful when `kafka`
};

// Parses a `--log` value. nullopt-like failure: `error` names what is wrong (empty on success).
struct LogSpecResult {
  LogSpec spec;
  std::string error;
};
LogSpecResult parse_log_spec(std::string_view text);

// Opens the log `spec` names: the embedded log in `data_dir / "log"` (created when missing), or a
// connection to the Kafka cluster. Errors as open_embedded_log / open_kafka_log.
eventstore::Result<std::unique_ptr<eventstore::EventLog>> open_event_log(
    const LogSpec& spec, const std::filesystem::path& data_dir);

}  // namespace docket::app
