#include "consumers/consumer_runner.hpp"

#include <unordered_set>

namespace docket::consumers {

ConsumerRunner::ConsumerRunner(eventstore::EventLog& log, ConsumerStore& store,
                               EventHandler& handler, std::size_t max_commits_per_batch)
    : log_(log), store_(store), handler_(handler), max_commits_(max_commits_per_batch) {
  // Lag is meaningful before start(): it counts from the stored checkpoint.
  if (auto checkpoint = store_.checkpoint()) position_ = *checkpoint;
}

ConsumerRunner::~ConsumerRunner() {
  stop();
}

StoreResult<Unit> ConsumerRunner::start() {
  if (thread_.joinable()) return unit;
  auto checkpoint = store_.checkpoint();
  if (!checkpoint) return fail(checkpoint.error());
  auto subscription = log_.subscribe(*checkpoint);
  if (!subscription) return fail(StoreError{"subscribe failed: " + subscription.error().message});
  {
    std::lock_guard lock(mutex_);
    position_ = *checkpoint;
    failure_.reset();
  }
  subscription_ = std::move(subscription).value();
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
  return unit;
}

void ConsumerRunner::stop() {
  stopping_ = true;
  if (subscription_) subscription_->close();
  if (thread_.joinable()) thread_.join();
  subscription_.reset();
  advanced_.notify_all();
}

void ConsumerRunner::run() {
  while (!stopping_) {
    // The wait only bounds how long next() blocks; it returns as soon as a commit arrives or the
    // subscription is closed.
    auto commits = subscription_->next(std::chrono::seconds(1), max_commits_);
    if (!commits) {
      if (commits.error().code != eventstore::errc::closed) {
        std::lock_guard lock(mutex_);
        failure_ = "subscription failed: " + commits.error().message;
      }
      break;
    }
    if (commits->empty()) continue;
    if (!process(*commits)) break;
  }
  advanced_.notify_all();
}

bool ConsumerRunner::process(const std::vector<eventstore::Commit>& commits) {
  auto lock = store_.lock();
  Effects effects(store_);
  std::vector<std::string> ids;
  std::unordered_set<std::string> seen;
  eventstore::Position next = position();
  for (const auto& commit : commits) {
    for (const auto& event : commit.events) {
      if (seen.contains(event.id)) continue;
      auto done = store_.processed(event.id);
      if (!done) {
        std::lock_guard guard(mutex_);
        failure_ = done.error().message;
        return false;
      }
      if (*done) continue;
      auto handled = handler_.handle(event, effects);
      if (!handled) {
        std::lock_guard guard(mutex_);
        failure_ = "handler failed at " + event.stream + " version " +
                   std::to_string(event.version) + ": " + handled.error().message;
        return false;
      }
      seen.insert(event.id);
      ids.push_back(event.id);
    }
    next.merge(commit.position);
  }
  auto written = store_.write(effects, next, ids);
  lock.unlock();
  {
    std::lock_guard guard(mutex_);
    if (!written) {
      failure_ = written.error().message;
      return false;
    }
    position_ = next;
  }
  advanced_.notify_all();
  handler_.committed();
  return true;
}

eventstore::Position ConsumerRunner::position() const {
  std::lock_guard lock(mutex_);
  return position_;
}

std::optional<std::uint64_t> ConsumerRunner::lag() const {
  auto head = log_.head();
  if (!head) return std::nullopt;
  const auto at = position();
  std::uint64_t behind = 0;
  for (std::size_t p = 0; p < head->offsets().size(); ++p) {
    if (head->at(p) > at.at(p)) behind += head->at(p) - at.at(p);
  }
  return behind;
}

bool ConsumerRunner::wait_for(const eventstore::Position& target,
                              std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return advanced_.wait_for(lock, timeout, [&] {
    return position_.covers(target) || failure_.has_value();
  }) && position_.covers(target);
}

std::optional<std::string> ConsumerRunner::failure() const {
  std::lock_guard lock(mutex_);
  return failure_;
}

}  // namespace docket::consumers
