#pragma once
// One command writer among several on the Kafka log (`docket serve --role command`).
//
// The writers divide the log's partitions by consumer-group assignment
// (eventstore/kafka_ownership.hpp). This object ties that assignment to the write side:
//   - a partition becomes *ready* only after the Kafka log's writer has read it to its end, the
//     deadline index has every doctor of the partition marked for a re-check (the previous
//     owner's holds and offers expire here now), and the idempotency store has adopted the keys
//     of the partition's commits it did not know (a retry after a takeover is told "applied",
//     never run twice);
//   - on revocation the partition stops being ready first (new commands are forwarded), then it
//     waits, bounded, until no command decided for the partition is in flight and drops the
//     cached state of its doctors, and only then lets the group reassign it.
// The command service accepts, and the scheduler fires, only for ready partitions; HTTP commands
// for other doctors are forwarded to their owner (api/forwarding.hpp) through this directory.

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "api/command_service.hpp"
#include "api/forwarding.hpp"
#include "api/idempotency_store.hpp"
#include "api/scheduler.hpp"
#include "eventstore/event_log.hpp"
#include "eventstore/kafka_config.hpp"
#include "eventstore/kafka_ownership.hpp"

namespace docket::app {

struct WriterGroupOptions {
  eventstore::KafkaConfig log;
  std::string group = "docket.writers";
  std::chrono::milliseconds session_timeout{10'000};
};

class WriterGroup final : public api::OwnerDirectory {
 public:
  explicit WriterGroup(WriterGroupOptions options);
  ~WriterGroup() override;  // stop()s
  WriterGroup(const WriterGroup&) = delete;
  WriterGroup& operator=(const WriterGroup&) = delete;

  // Joins the group, advertising `address` ("http://host:port" of this writer's HTTP API) to the
  // other writers. Everything passed must outlive stop(). The first partitions arrive seconds
  // later. An error text (empty on success) when the group cannot be joined.
  std::string start(eventstore::EventLog& log, api::CommandService& service,
                    api::IdempotencyStore& idempotency, api::Scheduler* scheduler,
                    const std::string& address);
  // Gives every partition up (as on revocation) and leaves the group. Idempotent.
  void stop();

  bool owns(const std::string& doctor_id) const override;
  std::string owner_address(const std::string& doctor_id, bool refresh) override;
  // The partitions ready here, ascending.
  std::vector<std::int32_t> ready_partitions() const;

 private:
  std::int32_t partition_of(const std::string& doctor_id) const;
  void on_assigned(const std::vector<std::int32_t>& partitions);
  void on_revoked(const std::vector<std::int32_t>& partitions);
  // Marks the partition's doctors for a deadline re-check and adopts its idempotency keys.
  std::string adopt(std::int32_t partition);
  void drain(const std::vector<std::int32_t>& partitions);

  WriterGroupOptions options_;
  eventstore::EventLog* log_ = nullptr;
  api::CommandService* service_ = nullptr;
  api::IdempotencyStore* idempotency_ = nullptr;
  api::Scheduler* scheduler_ = nullptr;
  std::unique_ptr<eventstore::KafkaOwnership> ownership_;
  mutable std::mutex mu_;
  std::vector<bool> ready_;  // guarded by mu_
};

}  // namespace docket::app
