#pragma once
// The thread that fires reminders when they fall due (fire_due_reminders), sleeping until the
// earliest scheduled one or until woken (the notification consumer scheduled new ones).

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "consumers/notifications.hpp"

namespace docket::consumers {

// Thread-safe: wake/stop from any thread.
class ReminderWorker {
 public:
  // `store` must outlive the worker. `now` is the clock reminders are checked against;
  // `on_queued` runs after reminders were queued (wakes the delivery worker); may be empty.
  ReminderWorker(ConsumerStore& store, NotificationConfig config,
                 std::function<domain::Instant()> now, std::function<void()> on_queued = {});
  ~ReminderWorker();  // stop()
  ReminderWorker(const ReminderWorker&) = delete;
  ReminderWorker& operator=(const ReminderWorker&) = delete;

  void start();
  // Re-reads the next due reminder. Never blocks.
  void wake();
  // Idempotent.
  void stop();
  // Reminders queued since start (for metrics and tests).
  std::size_t queued() const;

 private:
  void run();

  ConsumerStore& store_;
  NotificationConfig config_;
  std::function<domain::Instant()> now_;
  std::function<void()> on_queued_;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  bool woken_ = false;
  bool stopping_ = false;
  std::size_t queued_ = 0;
};

}  // namespace docket::consumers
