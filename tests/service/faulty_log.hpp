#pragma once
// An EventLog wrapper for tests: holds appends back until released (so that several decisions of
// one doctor are in flight at once) and fails chosen appends without passing them on.

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>

#include "eventstore/event_log.hpp"

namespace docket::api::testing {

class FaultyLog final : public eventstore::EventLog {
 public:
  explicit FaultyLog(eventstore::EventLog& inner) : inner_(inner) {}

  // While held, appends queue up here; release() passes them on in order.
  void hold() {
    std::lock_guard lock(mutex_);
    held_ = true;
  }
  void release() {
    std::deque<Held> queued;
    {
      std::lock_guard lock(mutex_);
      held_ = false;
      queued.swap(queue_);
    }
    for (Held& h : queued)
      pass(std::move(h.request), std::move(h.done));
  }
  // Waits (at most `limit`) until `n` appends are held; returns how many are.
  std::size_t wait_held(std::size_t n, std::chrono::milliseconds limit) {
    std::unique_lock lock(mutex_);
    held_cv_.wait_for(lock, limit, [&] { return queue_.size() >= n; });
    return queue_.size();
  }
  // The next `n` appends fail with `code` and never reach the inner log.
  void fail_next(eventstore::errc code, int n = 1) {
    std::lock_guard lock(mutex_);
    fail_code_ = code;
    fail_count_ = n;
  }
  int appends_seen() {
    std::lock_guard lock(mutex_);
    return seen_;
  }

  void append_async(eventstore::AppendRequest request, AppendCallback done) override {
    {
      std::lock_guard lock(mutex_);
      ++seen_;
      if (held_) {
        queue_.push_back(Held{std::move(request), std::move(done)});
        held_cv_.notify_all();
        return;
      }
    }
    pass(std::move(request), std::move(done));
  }
  eventstore::Result<std::vector<eventstore::RecordedEvent>> read_stream(
      std::string_view stream, std::uint64_t from_version) override {
    return inner_.read_stream(stream, from_version);
  }
  eventstore::Result<std::uint64_t> stream_version(std::string_view stream) override {
    return inner_.stream_version(stream);
  }
  eventstore::Result<eventstore::ReadBatch> read_all(const eventstore::Position& after,
                                                     std::size_t max_commits) override {
    return inner_.read_all(after, max_commits);
  }
  eventstore::Result<std::unique_ptr<eventstore::Subscription>> subscribe(
      const eventstore::Position& from) override {
    return inner_.subscribe(from);
  }
  eventstore::Result<eventstore::Position> head() override { return inner_.head(); }
  void close() override {}

 private:
  struct Held {
    eventstore::AppendRequest request;
    AppendCallback done;
  };

  void pass(eventstore::AppendRequest request, AppendCallback done) {
    std::optional<eventstore::errc> failure;
    {
      std::lock_guard lock(mutex_);
      if (fail_count_ > 0) {
        --fail_count_;
        failure = fail_code_;
      }
    }
    if (failure) {
      std::uint64_t actual = 0;
      if (auto v = inner_.stream_version(request.stream)) actual = *v;
      done(fail(eventstore::Error{*failure, "injected failure", actual}));
      return;
    }
    inner_.append_async(std::move(request), std::move(done));
  }

  eventstore::EventLog& inner_;
  std::mutex mutex_;
  bool held_ = false;
  std::deque<Held> queue_;
  std::condition_variable held_cv_;
  eventstore::errc fail_code_ = eventstore::errc::io_error;
  int fail_count_ = 0;
  int seen_ = 0;
};

}  // namespace docket::api::testing
