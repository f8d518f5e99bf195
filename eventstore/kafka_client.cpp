#include "eventstore/kafka_client.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <thread>

#include "eventstore/kafka_commit_codec.hpp"

namespace docket::eventstore {
namespace {

using Clock = std::chrono::steady_clock;

int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

int to_ms(std::chrono::milliseconds d) {
  return static_cast<int>(d.count());
}

struct TopicPartitionListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* l) const noexcept {
    rd_kafka_topic_partition_list_destroy(l);
  }
};
using TopicPartitionList =
    std::unique_ptr<rd_kafka_topic_partition_list_t, TopicPartitionListDeleter>;

struct MessageDeleter {
  void operator()(rd_kafka_message_t* m) const noexcept { rd_kafka_message_destroy(m); }
};
using Message = std::unique_ptr<rd_kafka_message_t, MessageDeleter>;

}  // namespace

void KafkaHandleDeleter::operator()(rd_kafka_t* rk) const noexcept {
  rd_kafka_destroy(rk);
}

Error kafka_error(errc code, std::string_view what, rd_kafka_resp_err_t err) {
  std::string message(what);
  message += ": ";
  message += rd_kafka_err2str(err);
  return Error{code, std::move(message), 0};
}

Result<KafkaHandle> make_kafka_handle(
    rd_kafka_type_t type, const KafkaConfig& config,
    const std::vector<std::pair<std::string, std::string>>& settings,
    const std::function<void(rd_kafka_conf_t*)>& conf_hook) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  std::array<char, 512> reason{};
  auto set = [&](const std::string& name, const std::string& value) {
    return rd_kafka_conf_set(conf, name.c_str(), value.c_str(), reason.data(), reason.size()) ==
           RD_KAFKA_CONF_OK;
  };
  bool ok = set("bootstrap.servers", config.bootstrap_servers) &&
            set("client.id", config.client_id) && set("log.connection.close", "false") &&
            // Broker-side auto-creation would give the topic the broker's partition count.
            set("allow.auto.create.topics", "false");
  for (const auto& [name, value] : settings)
    ok = ok && set(name, value);
  for (const auto& [name, value] : config.librdkafka_settings)
    ok = ok && set(name, value);
  if (!ok) {
    rd_kafka_conf_destroy(conf);
    return fail(Error{errc::invalid_argument, std::string("kafka setting: ") + reason.data(), 0});
  }
  if (conf_hook) conf_hook(conf);
  rd_kafka_t* rk = rd_kafka_new(type, conf, reason.data(), reason.size());
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);  // still ours when rd_kafka_new fails
    return fail(Error{errc::invalid_argument, std::string("kafka client: ") + reason.data(), 0});
  }
  return KafkaHandle(rk);
}

namespace {

// The topic's partition count; 0 when it does not exist.
Result<int> partition_count(rd_kafka_t* rk, const KafkaConfig& config) {
  // Metadata of every topic, without a topic handle: on a producer, rd_kafka_topic_new alone makes
  // librdkafka 2.0.2 look the topic up with auto-creation allowed, allow.auto.create.topics=false
  // notwithstanding (kafka_topic_test.cpp shows it on the mock cluster), so a broker with
  // auto.create.topics.enable (Kafka's default) would create it with its own partition count
  // before Docket could create it with the configured one.
  const rd_kafka_metadata_t* metadata = nullptr;
  const auto err = rd_kafka_metadata(rk, 1, nullptr, &metadata, to_ms(config.read_timeout));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return fail(kafka_error(errc::unavailable, "reading topic metadata", err));
  }
  Result<int> count = 0;
  for (int i = 0; i < metadata->topic_cnt; ++i) {
    const auto& topic = metadata->topics[i];
    if (topic.topic == nullptr || config.topic != topic.topic) continue;
    if (topic.err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      count = topic.partition_cnt;
    } else if (topic.err != RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) {
      count = fail(kafka_error(errc::unavailable, "reading topic metadata", topic.err));
    }
  }
  rd_kafka_metadata_destroy(metadata);
  return count;
}

Status<Error> create_topic(rd_kafka_t* rk, const KafkaConfig& config) {
  const int timeout = to_ms(config.read_timeout);
  std::array<char, 512> reason{};
  rd_kafka_NewTopic_t* topic =
      rd_kafka_NewTopic_new(config.topic.c_str(), config.partitions, config.replication_factor,
                            reason.data(), reason.size());
  if (topic == nullptr) {
    return fail(Error{errc::invalid_argument, std::string("topic: ") + reason.data(), 0});
  }
  // An event log is kept forever: no time or size retention, no compaction.
  rd_kafka_NewTopic_set_config(topic, "retention.ms", "-1");
  rd_kafka_NewTopic_set_config(topic, "retention.bytes", "-1");
  rd_kafka_NewTopic_set_config(topic, "cleanup.policy", "delete");
  rd_kafka_queue_t* queue = rd_kafka_queue_new(rk);
  rd_kafka_AdminOptions_t* options = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
  rd_kafka_AdminOptions_set_request_timeout(options, timeout, reason.data(), reason.size());
  rd_kafka_CreateTopics(rk, &topic, 1, options, queue);
  rd_kafka_event_t* event = rd_kafka_queue_poll(queue, timeout + 1000);
  Status<Error> outcome = unit;
  if (event == nullptr) {
    outcome = fail(Error{errc::unavailable, "creating the topic timed out", 0});
  } else if (rd_kafka_event_error(event) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    outcome =
        fail(kafka_error(errc::unavailable, "creating the topic", rd_kafka_event_error(event)));
  } else {
    std::size_t count = 0;
    const rd_kafka_topic_result_t** results =
        rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &count);
    for (std::size_t i = 0; i < count; ++i) {
      const auto err = rd_kafka_topic_result_error(results[i]);
      // Another process may have created it first; the partition count is checked after.
      if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
        outcome = fail(kafka_error(errc::unavailable, "creating the topic", err));
      }
    }
  }
  if (event != nullptr) rd_kafka_event_destroy(event);
  rd_kafka_AdminOptions_destroy(options);
  rd_kafka_queue_destroy(queue);
  rd_kafka_NewTopic_destroy(topic);
  return outcome;
}

}  // namespace

Status<Error> ensure_topic(rd_kafka_t* rk, const KafkaConfig& config) {
  auto count = partition_count(rk, config);
  if (!count.ok()) return fail(std::move(count).error());
  if (*count == 0) {
    if (!config.create_topic) {
      return fail(Error{errc::invalid_argument, "topic " + config.topic + " does not exist", 0});
    }
    if (auto created = create_topic(rk, config); !created.ok()) return created;
    // Brokers learn of a new topic from the controller a little after CreateTopics answers.
    const auto deadline = std::chrono::steady_clock::now() + config.read_timeout;
    while (true) {
      count = partition_count(rk, config);
      if (!count.ok()) return fail(std::move(count).error());
      if (*count != 0 || std::chrono::steady_clock::now() >= deadline) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (*count == 0) {
      return fail(Error{errc::unavailable, "created topic " + config.topic + " does not show", 0});
    }
  }
  if (*count != config.partitions) {
    return fail(Error{errc::invalid_argument,
                      "topic " + config.topic + " has " + std::to_string(*count) +
                          " partitions, configured " + std::to_string(config.partitions),
                      0});
  }
  return unit;
}

Result<std::vector<std::int64_t>> high_watermarks(rd_kafka_t* rk, const KafkaConfig& config) {
  TopicPartitionList list(rd_kafka_topic_partition_list_new(config.partitions));
  for (std::int32_t p = 0; p < config.partitions; ++p) {
    // A timestamp of OFFSET_END asks for the latest offset, the high watermark.
    rd_kafka_topic_partition_list_add(list.get(), config.topic.c_str(), p)->offset =
        RD_KAFKA_OFFSET_END;
  }
  const auto err = rd_kafka_offsets_for_times(rk, list.get(), to_ms(config.read_timeout));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return fail(kafka_error(errc::unavailable, "querying the end of the log", err));
  }
  std::vector<std::int64_t> ends(static_cast<std::size_t>(config.partitions), 0);
  for (int i = 0; i < list->cnt; ++i) {
    const auto& tp = list->elems[i];
    if (tp.err != RD_KAFKA_RESP_ERR_NO_ERROR || tp.offset < 0 || tp.partition < 0 ||
        tp.partition >= config.partitions) {
      return fail(kafka_error(errc::unavailable, "querying the end of the log", tp.err));
    }
    ends[static_cast<std::size_t>(tp.partition)] = tp.offset;
  }
  return ends;
}

Result<std::int64_t> high_watermark(rd_kafka_t* rk, const KafkaConfig& config,
                                    std::int32_t partition) {
  std::int64_t low = 0;
  std::int64_t high = 0;
  const auto err = rd_kafka_query_watermark_offsets(rk, config.topic.c_str(), partition, &low,
                                                    &high, to_ms(config.read_timeout));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return fail(kafka_error(errc::unavailable, "querying the end of a partition", err));
  }
  return high;
}

std::string_view content_type_of(const rd_kafka_message_t* message) {
  rd_kafka_headers_t* headers = nullptr;
  if (rd_kafka_message_headers(message, &headers) != RD_KAFKA_RESP_ERR_NO_ERROR) return {};
  const void* value = nullptr;
  std::size_t size = 0;
  const std::string name(kCommitContentTypeHeader);
  if (rd_kafka_header_get_last(headers, name.c_str(), &value, &size) !=
          RD_KAFKA_RESP_ERR_NO_ERROR ||
      value == nullptr) {
    return {};
  }
  return {static_cast<const char*>(value), size};
}

Status<Error> KafkaRangeReader::read(const std::string& topic,
                                     const std::vector<OffsetRange>& ranges,
                                     Clock::time_point deadline, const RecordVisitor& visit) {
  // Per partition: the next offset expected and the end of its range.
  std::map<std::int32_t, std::pair<std::int64_t, std::int64_t>> pending;
  TopicPartitionList list(rd_kafka_topic_partition_list_new(static_cast<int>(ranges.size())));
  for (const auto& r : ranges) {
    if (r.from >= r.to) continue;
    pending[r.partition] = {r.from, r.to};
    rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), r.partition)->offset = r.from;
  }
  if (pending.empty()) return unit;
  if (const auto err = rd_kafka_assign(consumer_.get(), list.get());
      err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return fail(kafka_error(errc::unavailable, "assigning partitions", err));
  }
  Status<Error> outcome = unit;
  while (!pending.empty()) {
    const int wait = remaining_ms(deadline);
    Message message(rd_kafka_consumer_poll(consumer_.get(), wait));
    if (!message) {
      if (wait == 0) {
        outcome = fail(Error{errc::unavailable, "reading the log timed out", 0});
        break;
      }
      continue;
    }
    if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) continue;
      outcome = fail(kafka_error(errc::unavailable, "reading the log", message->err));
      break;
    }
    // Messages of an earlier assignment of this consumer may still be queued: keep to the ranges.
    const auto it = pending.find(message->partition);
    if (it == pending.end() || message->offset != it->second.first) continue;
    RawRecord record;
    record.partition = message->partition;
    record.offset = message->offset;
    record.key = {static_cast<const char*>(message->key), message->key_len};
    record.value = {static_cast<const char*>(message->payload), message->len};
    record.content_type = content_type_of(message.get());
    auto go_on = visit(record);
    if (!go_on.ok()) {
      outcome = fail(std::move(go_on).error());
      break;
    }
    if (!go_on.value()) break;
    if (++it->second.first >= it->second.second) pending.erase(it);
  }
  // Unassigning stops the fetchers; a failure only leaves them fetching until the next assign.
  rd_kafka_assign(consumer_.get(), nullptr);
  return outcome;
}

Status<Error> KafkaReaderPool::read(const std::vector<OffsetRange>& ranges,
                                    const RecordVisitor& visit) {
  if (std::none_of(ranges.begin(), ranges.end(),
                   [](const OffsetRange& r) { return r.from < r.to; })) {
    return unit;
  }
  std::unique_ptr<KafkaRangeReader> reader;
  {
    const std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      reader = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  if (!reader) {
    auto consumer =
        make_kafka_handle(RD_KAFKA_CONSUMER, config_, consumer_settings(config_, "reader"));
    if (!consumer.ok()) return fail(std::move(consumer).error());
    reader = std::make_unique<KafkaRangeReader>(std::move(consumer).value());
  }
  auto outcome = reader->read(config_.topic, ranges, Clock::now() + config_.read_timeout, visit);
  const std::lock_guard lock(mu_);
  idle_.push_back(std::move(reader));
  return outcome;
}

void KafkaReaderPool::clear() {
  std::vector<std::unique_ptr<KafkaRangeReader>> idle;
  {
    const std::lock_guard lock(mu_);
    idle.swap(idle_);
  }
}

std::vector<std::pair<std::string, std::string>> consumer_settings(const KafkaConfig& config,
                                                                   std::string_view role) {
  return {
      // Required by librdkafka's assign()/consumer_poll(); these consumers never join the group
      // and never commit offsets: Docket keeps its own positions.
      {"group.id", config.client_id + "-" + std::string(role)},
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      // A position outside the log is an error, never a silent jump.
      {"auto.offset.reset", "error"},
      {"enable.partition.eof", "false"},
      {"fetch.wait.max.ms", std::to_string(config.fetch_wait.count())},
      {"socket.timeout.ms",
       std::to_string(std::max<std::int64_t>(config.read_timeout.count(), 10))},
  };
}

}  // namespace docket::eventstore
