#include "api/scheduler.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace docket::api {

Scheduler::Scheduler(CommandService& service, SchedulerOptions options)
    : service_(service), options_(options) {
  wake_target_->scheduler = this;
  service_.deadlines().set_listener([target = wake_target_] {
    std::lock_guard lock(target->mutex);
    if (target->scheduler != nullptr) target->scheduler->wake();
  });
}

Scheduler::~Scheduler() {
  stop();
  service_.deadlines().set_listener(nullptr);
  std::lock_guard lock(wake_target_->mutex);
  wake_target_->scheduler = nullptr;
}

void Scheduler::start() {
  std::lock_guard start_lock(start_mutex_);
  if (thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stopping_ = false;
  }
  thread_ = std::thread([this] { loop(); });
}

void Scheduler::stop() {
  std::lock_guard start_lock(start_mutex_);
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::unique_lock lock(mutex_);
  cv_.wait(lock, [&] { return in_flight_.empty(); });
}

void Scheduler::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  cv_.notify_all();
}

std::size_t Scheduler::run_due() {
  const domain::Instant now = service_.now();
  const auto real_now = std::chrono::steady_clock::now();
  std::vector<std::string> fire;
  {
    std::lock_guard lock(mutex_);
    const std::size_t window = options_.max_batch + in_flight_.size() + retry_at_.size();
    for (std::string& doctor : service_.deadlines().due(now, window)) {
      if (fire.size() >= options_.max_batch) break;
      if (in_flight_.contains(doctor)) continue;
      if (const auto r = retry_at_.find(doctor); r != retry_at_.end()) {
        if (r->second > real_now) continue;
        retry_at_.erase(r);
      }
      if (options_.owns && !options_.owns(doctor)) {
        retry_at_[doctor] = real_now + options_.retry_after;
        continue;
      }
      in_flight_.insert(doctor);
      fire.push_back(std::move(doctor));
    }
  }
  for (const std::string& doctor : fire) {
    domain::ExpireDue command;
    command.actor = domain::Actor{"system", domain::Role::system};
    service_.submit(doctor, command, {}, [this, doctor](CommandResult r) {
      if (!r.ok() && r.error().code != command_errc::rejected) {
        spdlog::warn("ExpireDue for doctor {} failed: {}", doctor, r.error().detail);
      }
      on_done(doctor, r.ok() || r.error().code == command_errc::rejected);
    });
  }
  return fire.size();
}

void Scheduler::on_done(const std::string& doctor_id, bool ok) {
  {
    std::lock_guard lock(mutex_);
    in_flight_.erase(doctor_id);
    ++completed_;
    if (!ok) {
      retry_at_[doctor_id] = std::chrono::steady_clock::now() + options_.retry_after;
    } else if (service_.deadlines().deadline_of(doctor_id) <= std::optional(service_.now())) {
      // Still due after a decision (a doctor that cannot be loaded keeps its entry): do not
      // spin on it.
      retry_at_[doctor_id] = std::chrono::steady_clock::now() + options_.retry_after;
    }
    woken_ = true;
  }
  cv_.notify_all();
}

std::uint64_t Scheduler::completed() const {
  std::lock_guard lock(mutex_);
  return completed_;
}

bool Scheduler::wait_completed(std::uint64_t n, std::chrono::milliseconds limit) const {
  std::unique_lock lock(mutex_);
  return cv_.wait_for(lock, limit, [&] { return completed_ >= n; });
}

void Scheduler::loop() {
  auto next_checkpoint = std::chrono::steady_clock::now() + options_.checkpoint_every;
  auto next_purge = std::chrono::steady_clock::now();
  while (true) {
    const std::size_t fired = run_due();
    const auto real_now = std::chrono::steady_clock::now();
    if (real_now >= next_checkpoint) {
      if (auto c = service_.checkpoint(); !c) {
        spdlog::warn("write side checkpoint failed: {}", c.error().detail);
      }
      if (options_.idempotency != nullptr) {
        if (auto c = options_.idempotency->checkpoint(); !c) {
          spdlog::warn("idempotency checkpoint failed: {}", c.error().message);
        }
      }
      next_checkpoint = real_now + options_.checkpoint_every;
    }
    if (options_.idempotency != nullptr && real_now >= next_purge) {
      if (auto p = options_.idempotency->purge(service_.now()); !p) {
        spdlog::warn("idempotency purge failed: {}", p.error().message);
      }
      next_purge = real_now + options_.purge_every;
    }
    std::chrono::milliseconds sleep = options_.max_sleep;
    if (const auto earliest = service_.deadlines().earliest()) {
      const auto until = *earliest - service_.now();
      // Due but nothing fired: those doctors are in flight or backing off, and their answers
      // wake the thread.
      if (until.count() > 0 || fired > 0) {
        sleep = std::min(sleep, std::chrono::duration_cast<std::chrono::milliseconds>(until));
      }
    }
    sleep = std::clamp(sleep, std::chrono::milliseconds(1),
                       std::min(options_.max_sleep, options_.checkpoint_every));
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, sleep, [&] { return stopping_ || woken_; });
    if (stopping_) return;
    woken_ = false;
  }
}

}  // namespace docket::api
