#include "projections/projector.hpp"

namespace docket::projections {

Projector::Projector(eventstore::EventLog& log, ProjectionStore& store, ProjectorOptions options)
    : log_(log), store_(store), options_(options) {}

Projector::~Projector() {
  stop();
}

Status Projector::start() {
  {
    std::lock_guard lock(mu_);
    if (running_) return unit;
  }
  const eventstore::Position from = store_.current()->checkpoint();
  auto sub = log_.subscribe(from);
  if (!sub.ok()) return error(errc::log_error, "subscribe: " + sub.error().message);
  {
    std::lock_guard lock(sub_mu_);
    sub_ = std::move(sub).value();
  }
  {
    std::lock_guard lock(mu_);
    applied_ = from;
    running_ = true;
    stopping_ = false;
  }
  thread_ = std::thread([this] { run(); });
  return unit;
}

void Projector::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  {
    std::lock_guard lock(sub_mu_);
    if (sub_) sub_->close();
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mu_);
  running_ = false;
  cv_.notify_all();
}

void Projector::set_error(Error e) {
  std::lock_guard lock(mu_);
  last_error_ = std::move(e);
}

bool Projector::resubscribe() {
  // Back off without polling: stop() wakes this wait at once.
  {
    std::unique_lock lock(mu_);
    if (cv_.wait_for(lock, options_.retry_backoff, [this] { return stopping_; })) return false;
  }
  auto sub = log_.subscribe(store_.current()->checkpoint());
  if (!sub.ok()) {
    set_error(Error{errc::log_error, "subscribe: " + sub.error().message});
    return true;
  }
  std::lock_guard lock(sub_mu_);
  {
    std::lock_guard state(mu_);
    if (stopping_) return false;
  }
  sub_ = std::move(sub).value();
  return true;
}

void Projector::run() {
  for (;;) {
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
    }
    eventstore::Subscription* sub = nullptr;
    {
      std::lock_guard lock(sub_mu_);
      sub = sub_.get();
    }
    auto batch = sub == nullptr ? eventstore::Result<std::vector<eventstore::Commit>>(
                                      fail(eventstore::Error{eventstore::errc::closed, "none", 0}))
                                : sub->next(options_.idle_wait, options_.max_batch_commits);
    if (!batch.ok()) {
      {
        std::lock_guard lock(mu_);
        if (stopping_) return;
      }
      set_error(Error{errc::log_error, "read: " + batch.error().message});
      if (!resubscribe()) return;
      continue;
    }
    if (batch->empty()) continue;
    std::lock_guard pause(apply_mu_);
    const std::shared_ptr<ModelStore> gen = store_.current();
    auto applied = gen->apply(*batch, ModelSet::all());
    if (!applied.ok()) {
      // Nothing of the batch was written: re-read it from the checkpoint after a pause.
      set_error(applied.error());
      if (!resubscribe()) return;
      continue;
    }
    const eventstore::Position covered = gen->checkpoint();
    // Before wait_for() can see the batch: whatever the hook invalidates is invalid by the time
    // a read-your-writes query for this batch runs.
    if (options_.on_applied) options_.on_applied(*batch, covered);
    {
      std::lock_guard lock(mu_);
      applied_ = covered;
      events_applied_ += applied->applied;
      last_error_.reset();
    }
    cv_.notify_all();
  }
}

bool Projector::wait_for(const eventstore::Position& position, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, timeout, [&] { return applied_.covers(position) || !running_ || stopping_; });
  return applied_.covers(position);
}

eventstore::Position Projector::position() const {
  std::lock_guard lock(mu_);
  return applied_;
}

Result<Lag> Projector::lag() const {
  auto head = log_.head();
  if (!head.ok()) return error(errc::log_error, "head: " + head.error().message);
  Lag out;
  std::lock_guard lock(mu_);
  out.position = applied_.to_token();
  out.head = head->to_token();
  const std::size_t n = std::max(head->offsets().size(), applied_.offsets().size());
  for (std::size_t i = 0; i < n; ++i) {
    if (head->at(i) > applied_.at(i)) out.behind += head->at(i) - applied_.at(i);
  }
  out.events_applied = events_applied_;
  out.running = running_ && !stopping_;
  out.last_error = last_error_;
  return out;
}

std::unique_lock<std::mutex> Projector::pause() {
  return std::unique_lock<std::mutex>(apply_mu_);
}

void Projector::note_switched() {
  {
    std::lock_guard lock(mu_);
    applied_ = store_.current()->checkpoint();
  }
  cv_.notify_all();
}

}  // namespace docket::projections
