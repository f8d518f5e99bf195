#pragma once
// The Kafka backend of EventLog (docs/kafka-records.md describes what it stores).
//
// One append is one Kafka record, a *commit*, keyed by its stream and sent to the stream's
// murmur2 partition by an idempotent producer with acks=all. Kafka has no conditional append, so
// every reader applies one deterministic rule: in partition order, a commit whose expected version
// is not its stream's current version is void and skipped (kafka_ledger.hpp). The writer
// acknowledges an append only once it knows its commit is not void: the delivery report's offset
// follows directly on records it already holds, or it has read the partition back up to that
// offset. A writer with stale state therefore gets version_conflict, never an acknowledged write
// that readers later skip.
//
// Bounds: an append fails with unavailable at most append_timeout + about 1 s (librdkafka checks
// message timeouts once a second) after it was produced, plus read_timeout when the writer must
// first read its partition (first use of a partition, a read-back, or after an uncertain outcome).
// When librdkafka reports the commit as possibly persisted (a request was in flight when the
// broker went away), the outcome is unknown: the error says so, the writer reads the partition
// again before its next append there, and the commit may appear in the log (whole, never in part).

#include <memory>

#include "eventstore/event_log.hpp"
#include "eventstore/kafka_config.hpp"

namespace docket::eventstore {

// Connects, creates or checks the topic (kafka_client.hpp: ensure_topic) and returns the log.
// Partitions are caught up lazily, on first use. invalid_argument for bad settings or a topic with
// another partition count; unavailable when the cluster does not answer within read_timeout.
Result<std::unique_ptr<EventLog>> open_kafka_log(const KafkaConfig& config);

// For a writer taking `partition` over from another process: reads the partition to its end now,
// so that the next append there is checked against every commit stored so far, the previous
// owner's included, before the writer starts deciding. invalid_argument when `log` was not opened
// by open_kafka_log or the partition does not exist; unavailable when it cannot be read within
// read_timeout. Thread-safe.
Status<Error> catch_up_writer(EventLog& log, std::int32_t partition);

}  // namespace docket::eventstore
