#pragma once
// The runtime every downstream consumer shares: it follows an EventLog subscription from the
// consumer's own checkpoint and hands each event to the consumer's handler, writing the handler's
// effects, the ids of the processed events and the new checkpoint in ONE synced batch of the
// consumer's store. An event whose id is already recorded is skipped, so a redelivered event is
// never sent or counted twice.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "consumers/consumer_store.hpp"
#include "eventstore/event_log.hpp"

namespace docket::consumers {

// What a consumer does with one event. Called on the runner's thread only, with the store locked.
class EventHandler {
 public:
  virtual ~EventHandler() = default;
  // Buffers the event's effects in `effects` (they are written with the checkpoint). An error
  // stops the runner before anything of the current batch is written; the batch is retried
  // from the checkpoint on the next start.
  virtual StoreResult<Unit> handle(const eventstore::RecordedEvent& event, Effects& effects) = 0;
  // Called after a batch is durably written (e.g. to wake a delivery worker). Must not block.
  virtual void committed() {}
};

// Thread-safe: start/stop/lag/wait_for from any thread.
class ConsumerRunner {
 public:
  // `log`, `store` and `handler` must outlive the runner. position() starts at the stored
  // checkpoint (the start of the log when it cannot be read).
  ConsumerRunner(eventstore::EventLog& log, ConsumerStore& store, EventHandler& handler,
                 std::size_t max_commits_per_batch = 256);
  ~ConsumerRunner();  // stop()
  ConsumerRunner(const ConsumerRunner&) = delete;
  ConsumerRunner& operator=(const ConsumerRunner&) = delete;

  // Subscribes from the stored checkpoint and starts the runner's thread. Errors when the
  // checkpoint cannot be read or the log refuses the subscription; calling it while running is
  // a no-op.
  StoreResult<Unit> start();
  // Closes the subscription (waking the thread at once) and joins the thread. Idempotent.
  void stop();

  // The position up to which effects are durable.
  eventstore::Position position() const;
  // Events in the log not yet processed (sum over partitions of head - position); nullopt when
  // the log's head cannot be read.
  std::optional<std::uint64_t> lag() const;
  // Blocks until the runner's position covers `target`, the runner failed, or `timeout` passed;
  // true in the first case.
  bool wait_for(const eventstore::Position& target, std::chrono::milliseconds timeout) const;
  // The error that stopped the runner, if one did.
  std::optional<std::string> failure() const;

 private:
  void run();
  bool process(const std::vector<eventstore::Commit>& commits);

  eventstore::EventLog& log_;
  ConsumerStore& store_;
  EventHandler& handler_;
  const std::size_t max_commits_;

  std::unique_ptr<eventstore::Subscription> subscription_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};

  mutable std::mutex mutex_;
  mutable std::condition_variable advanced_;
  eventstore::Position position_;
  std::optional<std::string> failure_;
};

}  // namespace docket::consumers
