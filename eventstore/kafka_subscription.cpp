#include "eventstore/kafka_subscription.hpp"

namespace docket::eventstore {
namespace {

using Clock = std::chrono::steady_clock;

struct MessageDeleter {
  void operator()(rd_kafka_message_t* m) const noexcept { rd_kafka_message_destroy(m); }
};
using Message = std::unique_ptr<rd_kafka_message_t, MessageDeleter>;

}  // namespace

void SubscriptionControl::close() {
  const std::lock_guard lock(mu_);
  closed_ = true;
  if (queue_ != nullptr) rd_kafka_queue_yield(queue_);
}

void SubscriptionControl::attach(rd_kafka_queue_t* queue) {
  const std::lock_guard lock(mu_);
  queue_ = queue;
}

KafkaSubscription::KafkaSubscription(std::shared_ptr<KafkaPartitions> parts, KafkaHandle consumer,
                                     Position from)
    : parts_(std::move(parts)),
      consumer_(std::move(consumer)),
      queue_(rd_kafka_queue_get_consumer(consumer_.get())),
      position_(std::move(from)),
      control_(std::make_shared<SubscriptionControl>()) {
  control_->attach(queue_);
}

KafkaSubscription::~KafkaSubscription() {
  control_->attach(nullptr);
  control_->close();
  if (queue_ != nullptr) rd_kafka_queue_destroy(queue_);
}

Result<std::unique_ptr<KafkaSubscription>> KafkaSubscription::open(
    std::shared_ptr<KafkaPartitions> parts, const Position& from) {
  const auto& config = parts->config();
  auto consumer =
      make_kafka_handle(RD_KAFKA_CONSUMER, config, consumer_settings(config, "subscription"));
  if (!consumer.ok()) return fail(std::move(consumer).error());
  std::vector<std::uint64_t> offsets(static_cast<std::size_t>(config.partitions), 0);
  auto* list = rd_kafka_topic_partition_list_new(config.partitions);
  for (std::int32_t p = 0; p < config.partitions; ++p) {
    offsets[static_cast<std::size_t>(p)] = from.at(static_cast<std::size_t>(p));
    rd_kafka_topic_partition_list_add(list, config.topic.c_str(), p)->offset =
        static_cast<std::int64_t>(offsets[static_cast<std::size_t>(p)]);
  }
  const auto err = rd_kafka_assign(consumer->get(), list);
  rd_kafka_topic_partition_list_destroy(list);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return fail(kafka_error(errc::unavailable, "assigning the subscription", err));
  }
  return std::unique_ptr<KafkaSubscription>(new KafkaSubscription(
      std::move(parts), std::move(consumer).value(), Position(std::move(offsets))));
}

Result<std::vector<Commit>> KafkaSubscription::next(std::chrono::milliseconds max_wait,
                                                    std::size_t max_commits) {
  if (failed_) return fail(*failed_);
  const auto deadline = Clock::now() + max_wait;
  std::vector<Commit> commits;
  while (commits.size() < max_commits) {
    if (control_->closed()) {
      if (commits.empty()) return fail(Error{errc::closed, "the subscription is closed", 0});
      break;
    }
    // Block only until the first commit; after that take what is already there.
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    const int wait = commits.empty() && left.count() > 0 ? static_cast<int>(left.count()) : 0;
    Message message(rd_kafka_consumer_poll(consumer_.get(), wait));
    if (!message) {
      if (wait > 0 && !control_->closed()) continue;  // woken early, by nothing of ours
      break;
    }
    if (message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) continue;
    if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (!commits.empty()) break;  // hand over what we have; the error comes again if it lasts
      return fail(kafka_error(errc::unavailable, "following the log", message->err));
    }
    const std::int32_t p = message->partition;
    if (p < 0 || p >= parts_->count() ||
        static_cast<std::uint64_t>(message->offset) != position_.at(static_cast<std::size_t>(p))) {
      continue;
    }
    RawRecord record;
    record.partition = p;
    record.offset = message->offset;
    record.key = {static_cast<const char*>(message->key), message->key_len};
    record.value = {static_cast<const char*>(message->payload), message->len};
    record.content_type = content_type_of(message.get());
    auto commit = decode_record(record);
    if (!commit.ok()) {
      failed_ = std::move(commit).error();
      break;
    }
    auto verdict = parts_->classify(p, record.offset, *commit);
    if (!verdict.ok()) {
      failed_ = std::move(verdict).error();
      break;
    }
    position_.set(static_cast<std::size_t>(p), static_cast<std::uint64_t>(record.offset + 1));
    if (*verdict == KafkaLedger::Verdict::valid) {
      Commit c{commit->stream, std::move(commit->events), position_};
      for (auto& e : c.events)
        e.position = position_;
      commits.push_back(std::move(c));
    }
  }
  if (commits.empty() && failed_) return fail(*failed_);
  if (commits.empty() && control_->closed()) {
    return fail(Error{errc::closed, "the subscription is closed", 0});
  }
  return commits;
}

}  // namespace docket::eventstore
