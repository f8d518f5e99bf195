#pragma once
// The projector runtime: follows the event log from the serving generation's checkpoint and
// applies what it reads in batches (ModelStore::apply: changes and checkpoint in one WriteBatch).
//
// Redelivery is harmless: commits the checkpoint covers are skipped, and every event at or below
// its stream's applied version is skipped (apply.hpp). wait_for() serves read-your-writes
// (Docket-Min-Position): it sleeps on a condition variable that every applied batch, a
// generation switch and stop() signal; nothing polls. stop() closes the subscription, which
// wakes its blocked read, and joins the thread.

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

#include "eventstore/event_log.hpp"
#include "projections/errors.hpp"
#include "projections/projection_store.hpp"

namespace docket::projections {

struct ProjectorOptions {
  std::size_t max_batch_commits = 1000;          // most commits one WriteBatch carries
  std::chrono::milliseconds idle_wait{500};      // longest blocked read before re-checking stop
  std::chrono::milliseconds retry_backoff{500};  // after a log or storage error
  // Called on the applying thread after every applied batch (once wait_for() sees it), with the
  // batch's commits and the position the read models now cover: how streams learn of changes
  // without polling. Must be quick and must not call back into the projector. May be empty.
  std::function<void(const std::vector<eventstore::Commit>&, const eventstore::Position&)>
      on_applied;
};

// How far the read models trail the log, for /metrics and /readyz.
struct Lag {
  std::string position;              // token the read models cover
  std::string head;                  // token of the log's head
  std::uint64_t behind = 0;          // head minus position, summed over components: events for the
                                     // embedded log, records (commits) per partition for Kafka
  std::uint64_t events_applied = 0;  // since start()
  bool running = false;
  std::optional<Error> last_error;  // the latest failure, cleared by the next applied batch
};

class Projector {
 public:
  Projector(eventstore::EventLog& log, ProjectionStore& store, ProjectorOptions options = {});
  ~Projector();  // stop()
  Projector(const Projector&) = delete;
  Projector& operator=(const Projector&) = delete;

  // Subscribes from the serving generation's checkpoint and starts the applying thread.
  // Errors: log_error when the subscription cannot be opened. Calling it while running is a no-op.
  Status start();
  // Stops the thread (closing the subscription wakes it) and wakes every wait_for. Idempotent.
  void stop();

  // True once the read models cover `position` (at once when they already do); false when
  // `timeout` passes first, or when the projector is not running or stops meanwhile.
  // Thread-safe; any number of waiters.
  bool wait_for(const eventstore::Position& position, std::chrono::milliseconds timeout);
  // The position the serving read models cover. Thread-safe.
  eventstore::Position position() const;
  // Lag against the log's head right now. Errors: log_error when the head cannot be read.
  // Thread-safe.
  Result<Lag> lag() const;

  // While the returned lock is held no batch is applied: a generation switch uses it to catch a
  // new generation up to exactly the serving one. Call note_switched() before releasing it when
  // the serving generation changed.
  std::unique_lock<std::mutex> pause();
  void note_switched();

 private:
  void run();
  bool resubscribe();
  void set_error(Error e);

  eventstore::EventLog& log_;
  ProjectionStore& store_;
  ProjectorOptions options_;

  std::mutex apply_mu_;  // held while a batch is applied (pause())
  mutable std::mutex mu_;
  std::condition_variable cv_;
  eventstore::Position applied_;
  std::optional<Error> last_error_;
  std::uint64_t events_applied_ = 0;
  bool running_ = false;
  bool stopping_ = false;

  std::mutex sub_mu_;  // guards sub_ against close() from stop() while run() replaces it
  std::unique_ptr<eventstore::Subscription> sub_;
  std::thread thread_;
};

}  // namespace docket::projections
