#include "consumers/reminder_worker.hpp"

namespace docket::consumers {

ReminderWorker::ReminderWorker(ConsumerStore& store, NotificationConfig config,
                               std::function<domain::Instant()> now,
                               std::function<void()> on_queued)
    : store_(store),
      config_(std::move(config)),
      now_(std::move(now)),
      on_queued_(std::move(on_queued)) {}

ReminderWorker::~ReminderWorker() {
  stop();
}

void ReminderWorker::start() {
  if (thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stopping_ = false;
  }
  thread_ = std::thread([this] { run(); });
}

void ReminderWorker::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  cv_.notify_all();
}

void ReminderWorker::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::size_t ReminderWorker::queued() const {
  std::lock_guard lock(mutex_);
  return queued_;
}

void ReminderWorker::run() {
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      woken_ = false;
    }
    auto fired = fire_due_reminders(store_, config_, now_());
    if (fired && *fired > 0) {
      {
        std::lock_guard lock(mutex_);
        queued_ += *fired;
      }
      if (on_queued_) on_queued_();
    }
    auto next = next_reminder_due(store_);
    std::unique_lock lock(mutex_);
    const auto ready = [this] { return stopping_ || woken_; };
    if (next && next->has_value()) {
      // The clock may be injected, so the wait is computed from it, not from a system deadline.
      const auto wait = std::max(std::chrono::seconds(0), **next - now_());
      cv_.wait_for(lock, wait, ready);
    } else {
      // No reminder scheduled (or the store failed): sleep until new ones are scheduled.
      cv_.wait(lock, ready);
    }
  }
}

}  // namespace docket::consumers
