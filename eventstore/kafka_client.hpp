#pragma once
// librdkafka plumbing shared by the Kafka log: handles, configuration, topic setup, watermark
// queries and ordered range reads. librdkafka error codes become eventstore::Error here and go no
// further.

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "eventstore/event_log.hpp"
#include "eventstore/kafka_config.hpp"

namespace docket::eventstore {

struct KafkaHandleDeleter {
  void operator()(rd_kafka_t* rk) const noexcept;
};
using KafkaHandle = std::unique_ptr<rd_kafka_t, KafkaHandleDeleter>;

// An error with `code` whose message names the operation and librdkafka's reason.
Error kafka_error(errc code, std::string_view what, rd_kafka_resp_err_t err);

// A new client of `type` with the common settings of `config` plus `settings` (name, value pairs).
// `conf_hook` may register callbacks on the configuration before the handle is made.
// invalid_argument when librdkafka refuses a setting.
Result<KafkaHandle> make_kafka_handle(
    rd_kafka_type_t type, const KafkaConfig& config,
    const std::vector<std::pair<std::string, std::string>>& settings,
    const std::function<void(rd_kafka_conf_t*)>& conf_hook = {});

// Creates the topic with the configured partition count when `config.create_topic` is set and it
// does not exist, then checks that it has exactly `config.partitions` partitions (invalid_argument
// otherwise). unavailable when the cluster does not answer within config.read_timeout.
Status<Error> ensure_topic(rd_kafka_t* rk, const KafkaConfig& config);

// The high watermark (the offset after the last committed record) of every partition, queried in
// one request. unavailable when the cluster does not answer in time.
Result<std::vector<std::int64_t>> high_watermarks(rd_kafka_t* rk, const KafkaConfig& config);
// The high watermark of one partition.
Result<std::int64_t> high_watermark(rd_kafka_t* rk, const KafkaConfig& config,
                                    std::int32_t partition);

// One stored record as a reader sees it; the views live as long as the visitor call.
struct RawRecord {
  std::int32_t partition = 0;
  std::int64_t offset = 0;
  std::string_view key;
  std::string_view value;
  std::string_view content_type;  // empty when the header is missing
};

// Called for each record of a range read: true to go on, false to stop there, or an error that
// ends the read and is returned from it.
using RecordVisitor = std::function<Result<bool>(const RawRecord&)>;

// The `content-type` header of a message (empty when missing).
std::string_view content_type_of(const rd_kafka_message_t* message);

// A consumer that reads exact offset ranges of one partition at a time, using assign() (no
// consumer-group join). Not thread-safe: the pool hands each one to a single reader at a time.
// Offsets [from, to) of one partition.
struct OffsetRange {
  std::int32_t partition = 0;
  std::int64_t from = 0;
  std::int64_t to = 0;
};

class KafkaRangeReader {
 public:
  explicit KafkaRangeReader(KafkaHandle consumer) : consumer_(std::move(consumer)) {}

  // Calls `visit` for every record in `ranges` (distinct partitions, read through one assignment),
  // in offset order within each partition and interleaved across them, until it asks to stop.
  // unavailable when the records do not all arrive before `deadline`.
  Status<Error> read(const std::string& topic, const std::vector<OffsetRange>& ranges,
                     std::chrono::steady_clock::time_point deadline, const RecordVisitor& visit);

 private:
  KafkaHandle consumer_;
};

// Range readers for any number of threads; creates one when none is free. Thread-safe.
class KafkaReaderPool {
 public:
  explicit KafkaReaderPool(KafkaConfig config) : config_(std::move(config)) {}

  // KafkaRangeReader::read on a free reader, within config.read_timeout.
  Status<Error> read(const std::vector<OffsetRange>& ranges, const RecordVisitor& visit);
  // The same for one range.
  Status<Error> read(std::int32_t partition, std::int64_t from, std::int64_t to,
                     const RecordVisitor& visit) {
    return read(std::vector<OffsetRange>{{partition, from, to}}, visit);
  }

  // Destroys the idle readers; reads still running keep theirs until they finish.
  void clear();

 private:
  KafkaConfig config_;
  std::mutex mu_;
  std::vector<std::unique_ptr<KafkaRangeReader>> idle_;
};

// Settings of every consumer the log makes (readers and subscriptions).
std::vector<std::pair<std::string, std::string>> consumer_settings(const KafkaConfig& config,
                                                                   std::string_view role);

}  // namespace docket::eventstore
