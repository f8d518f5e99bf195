#pragma once
// A catch-up-then-live subscription to the Kafka log: one consumer assigned to every partition at
// the subscription's position (assign(), never a consumer-group join), classifying each commit
// with the shared ledgers so that it skips exactly the void commits every other reader skips.

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <memory>
#include <mutex>

#include "eventstore/event_log.hpp"
#include "eventstore/kafka_client.hpp"
#include "eventstore/kafka_partitions.hpp"

namespace docket::eventstore {

// Lets the log close a subscription from any thread and wake its blocked next(). Thread-safe.
class SubscriptionControl {
 public:
  void close();
  bool closed() const { return closed_.load(); }
  // The queue to wake; nullptr detaches it (before its consumer is destroyed).
  void attach(rd_kafka_queue_t* queue);

 private:
  std::mutex mu_;
  std::atomic<bool> closed_{false};
  rd_kafka_queue_t* queue_ = nullptr;
};

class KafkaSubscription final : public Subscription {
 public:
  // A subscription that starts after `from`. invalid_argument when `from` names more partitions
  // than the log has; unavailable when the consumer cannot be made.
  static Result<std::unique_ptr<KafkaSubscription>> open(std::shared_ptr<KafkaPartitions> parts,
                                                         const Position& from);
  ~KafkaSubscription() override;
  KafkaSubscription(const KafkaSubscription&) = delete;
  KafkaSubscription& operator=(const KafkaSubscription&) = delete;

  Result<std::vector<Commit>> next(std::chrono::milliseconds max_wait,
                                   std::size_t max_commits) override;
  Position position() const override { return position_; }
  void close() override { control_->close(); }

  std::shared_ptr<SubscriptionControl> control() const { return control_; }

 private:
  KafkaSubscription(std::shared_ptr<KafkaPartitions> parts, KafkaHandle consumer, Position from);

  std::shared_ptr<KafkaPartitions> parts_;
  KafkaHandle consumer_;
  rd_kafka_queue_t* queue_ = nullptr;  // the consumer's queue, owned here
  Position position_;
  std::shared_ptr<SubscriptionControl> control_;
  std::optional<Error> failed_;  // a corrupt record stops the subscription for good
};

}  // namespace docket::eventstore
