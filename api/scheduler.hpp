#pragma once
// The write side's scheduler: issues ExpireDue to every doctor whose next deadline (a hold's or a
// waitlist offer's expiry, domain::next_deadline) is due by the service's clock, so that
// time-driven transitions are decided and logged like any other command.
//
// It reads the service's DeadlineIndex (deadline_index.hpp: rebuilt at startup from the side
// store plus a re-check of doctors written after the last checkpoint), so deadlines survive
// restarts without a scan of the log. One doctor has at most one ExpireDue in flight; a doctor
// whose ExpireDue failed (log unavailable) is retried after `retry_after`. The thread also takes
// the service's checkpoint every `checkpoint_every`.
//
// Time: "due" is judged by the service's (injectable) clock. The thread sleeps until the earliest
// deadline by that clock, at most `max_sleep` of real time, and wakes early when a new earlier
// deadline appears or wake() is called (tests with a manual clock call it after moving the clock).

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "api/command_service.hpp"
#include "api/idempotency_store.hpp"

namespace docket::api {

struct SchedulerOptions {
  std::chrono::milliseconds max_sleep{1000};
  std::chrono::milliseconds retry_after{1000};
  std::chrono::milliseconds checkpoint_every{1000};
  std::size_t max_batch = 1024;  // ExpireDue issued per round at most
  // When set, its checkpoint is taken with the service's and its expired keys are purged every
  // `purge_every`.
  IdempotencyStore* idempotency = nullptr;
  std::chrono::milliseconds purge_every{std::chrono::hours(1)};
  // When set, due doctors it refuses are skipped (and looked at again after `retry_after`): a
  // writer sharing a partitioned log fires deadlines only for the partitions it owns.
  std::function<bool(const std::string& doctor_id)> owns;
};

// Thread-safe. Must be stopped (or destroyed) before the service it drives.
class Scheduler {
 public:
  Scheduler(CommandService& service, SchedulerOptions options = {});
  ~Scheduler();  // stop()s
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Starts the thread. Idempotent.
  void start();
  // Stops the thread and waits for ExpireDue commands in flight. Idempotent.
  void stop();
  // Makes the thread look at the clock and the index again now.
  void wake();

  // Issues ExpireDue to every due doctor without one in flight; returns how many were issued.
  // The thread calls it; tests may call it directly instead of starting the thread.
  std::size_t run_due();

  // ExpireDue commands answered so far (any outcome).
  std::uint64_t completed() const;
  // Waits (at most `limit`) until completed() >= n; returns whether it got there.
  bool wait_completed(std::uint64_t n, std::chrono::milliseconds limit) const;

 private:
  void loop();
  void on_done(const std::string& doctor_id, bool ok);

  // What the deadline index's listener reaches: cleared (under its mutex) before this scheduler
  // goes away, so that a listener call racing with destruction finds nobody to wake.
  struct WakeTarget {
    std::mutex mutex;
    Scheduler* scheduler = nullptr;
  };

  CommandService& service_;
  SchedulerOptions options_;
  std::shared_ptr<WakeTarget> wake_target_ = std::make_shared<WakeTarget>();
  mutable std::mutex mutex_;
  mutable std::condition_variable cv_;  // wakes the thread and wait_completed()
  std::set<std::string> in_flight_;     // guarded by mutex_
  std::map<std::string, std::chrono::steady_clock::time_point> retry_at_;  // guarded by mutex_
  std::uint64_t completed_ = 0;                                            // guarded by mutex_
  bool woken_ = false;                                                     // guarded by mutex_
  bool stopping_ = false;                                                  // guarded by mutex_
  std::thread thread_;
  std::mutex start_mutex_;
};

}  // namespace docket::api
