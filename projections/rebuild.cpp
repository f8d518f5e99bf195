#include "projections/rebuild.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "projections/memory_build.hpp"

namespace docket::projections {

namespace {

using Clock = std::chrono::steady_clock;

struct ProgressClock {
  Clock::time_point started = Clock::now();
  double rate(std::uint64_t events) const {
    const double s = std::chrono::duration<double>(Clock::now() - started).count();
    return s > 0 ? static_cast<double>(events) / s : 0.0;
  }
};

// Reads the log's commits from `from` on a thread of its own, one batch ahead of the caller, and
// stops once a batch reaches `target` or the log's end. With `decode_ahead`, it decodes the
// newest batch's events from the back while it waits for the caller (decoded_batch.hpp).
class ReadAhead {
 public:
  using Batch = std::unique_ptr<DecodedBatch>;

  ReadAhead(eventstore::EventLog& log, eventstore::Position from, eventstore::Position target,
            bool decode_ahead)
      : log_(log), next_(std::move(from)), target_(std::move(target)), decode_(decode_ahead) {
    thread_ = std::thread([this] { run(); });
  }
  ~ReadAhead() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  // Hands a batch the caller is done with back to the reading thread, which frees it: freeing
  // thousands of parsed events costs the applying thread as much as applying a good part of them.
  void recycle(Batch batch) {
    std::lock_guard lock(mu_);
    spent_.push_back(std::move(batch));
  }
  // The next batch; nullptr at the end.
  Result<Batch> next() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !queue_.empty() || finished_; });
    if (!queue_.empty()) {
      auto batch = std::move(queue_.front());
      queue_.pop_front();
      cv_.notify_all();
      return batch;
    }
    if (failure_) return fail(*failure_);
    return Batch{};
  }

 private:
  static constexpr std::size_t kBatch = 2000;
  static constexpr std::size_t kDepth = 2;
  static constexpr std::size_t kDecodeStep = 16;  // events decoded between looks at the queue

  void run() {
    for (;;) {
      std::deque<Batch> spent;
      {
        std::lock_guard lock(mu_);
        spent.swap(spent_);
      }
      spent.clear();
      auto batch = log_.read_all(next_, kBatch);
      std::unique_lock lock(mu_);
      if (!batch.ok()) {
        failure_ = Error{errc::log_error, "read_all: " + batch.error().message};
        break;
      }
      if (batch->commits.empty()) break;
      next_ = batch->next;
      const bool last =
          !target_.covers(batch->commits.back().position) || batch->next.covers(target_);
      // Batches are only ever freed by this thread, so the newest one outlives the unlocked
      // decoding even when the caller takes and finishes it meanwhile.
      while (queue_.size() >= kDepth && !stop_) {
        DecodedBatch* newest = queue_.back().get();
        if (decode_ && newest != decoding_done_) {
          lock.unlock();
          const bool more = newest->decode_from_back(kDecodeStep);
          lock.lock();
          if (!more) decoding_done_ = newest;
          continue;
        }
        cv_.wait(lock);
      }
      if (stop_) break;
      queue_.push_back(std::make_unique<DecodedBatch>(std::move(batch->commits)));
      decoding_done_ = nullptr;
      cv_.notify_all();
      if (last) break;
    }
    std::lock_guard lock(mu_);
    finished_ = true;
    cv_.notify_all();
  }

  eventstore::EventLog& log_;
  eventstore::Position next_;
  const eventstore::Position target_;
  const bool decode_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Batch> queue_;
  std::deque<Batch> spent_;                      // applied, to be freed by run()
  const DecodedBatch* decoding_done_ = nullptr;  // nothing left to decode ahead in it
  std::optional<Error> failure_;
  bool finished_ = false;
  bool stop_ = false;
  std::thread thread_;
};

// Feeds the log's commits after `store`'s checkpoint, read ahead, to `apply` (a ModelStore's or a
// MemoryBuild's) until the store covers `target` or the log ends.
template <class Store, class ApplyFn>
Status apply_until(eventstore::EventLog& log, Store& store, const eventstore::Position& target,
                   bool decode_ahead, ApplyFn apply, RebuildProgress* progress,
                   const ProgressFn& on_progress) {
  if (store.checkpoint().covers(target)) return unit;
  // Reading (and parsing) the log and applying run on two threads: one batch read ahead.
  ReadAhead ahead(log, store.checkpoint(), target, decode_ahead);
  ProgressClock clock;
  const std::uint64_t base = progress ? progress->events_applied : 0;
  while (!store.checkpoint().covers(target)) {
    auto batch = ahead.next();
    if (!batch.ok()) return fail(batch.error());
    if (*batch == nullptr) break;  // the log ends before `target`
    auto applied = apply(**batch, &target);
    if (!applied.ok()) return fail(applied.error());
    const std::size_t commits = (*batch)->commits().size();
    ahead.recycle(std::move(batch).value());
    if (progress != nullptr) {
      progress->events_applied += applied->applied;
      progress->commits += commits;
      progress->position = store.checkpoint().to_token();
      progress->events_per_second = clock.rate(progress->events_applied - base);
      if (on_progress) on_progress(*progress);
    }
  }
  return unit;
}

// The bulk of a rebuild: everything up to the log's head as of now, built in memory and loaded
// into `next` (empty) as table files. What arrives meanwhile is applied by finish().
Status build_in_memory(eventstore::EventLog& log, ModelStore& next, ModelSet models,
                       RebuildProgress& progress, const ProgressFn& on_progress) {
  auto head = log.head();
  if (!head.ok()) return error(errc::log_error, "head: " + head.error().message);
  MemoryBuild build(models);
  Status built = apply_until(
      log, build, *head, true,
      [&](DecodedBatch& batch, const eventstore::Position* to) { return build.apply(batch, to); },
      &progress, on_progress);
  if (!built.ok()) return built;
  if (build.checkpoint() == eventstore::Position{}) return unit;  // an empty log
  return build.write_to(next);
}

// Brings the new generation to exactly `target` and, for a partial rebuild, the serving one too,
// then copies the models that were not rebuilt and makes the new one durable.
Status finish(eventstore::EventLog& log, ModelStore& serving, ModelStore& next,
              const RebuildOptions& options, RebuildProgress& progress) {
  eventstore::Position target = serving.checkpoint();
  target.merge(next.checkpoint());
  Status caught = catch_up(log, next, options.models, target, &progress, options.progress);
  if (!caught.ok()) return caught;
  if (options.models != ModelSet::all()) {
    Status serving_caught = catch_up(log, serving, ModelSet::all(), target);
    if (!serving_caught.ok()) return serving_caught;
    Status copied = next.copy_tables_from(serving, options.models.complement());
    if (!copied.ok()) return copied;
  }
  return next.flush();
}

}  // namespace

Status catch_up(eventstore::EventLog& log, ModelStore& store, ModelSet models,
                const std::optional<eventstore::Position>& until, RebuildProgress* progress,
                const ProgressFn& on_progress) {
  eventstore::Position target;
  if (until) {
    target = *until;
  } else {
    auto head = log.head();
    if (!head.ok()) return error(errc::log_error, "head: " + head.error().message);
    target = std::move(head).value();
  }
  return apply_until(
      log, store, target, false,
      [&](DecodedBatch& batch, const eventstore::Position* to) {
        return store.apply(batch.commits(), models, to);
      },
      progress, on_progress);
}

Status rebuild(eventstore::EventLog& log, ProjectionStore& store, const RebuildOptions& options) {
  auto created = store.create_generation();
  if (!created.ok()) return fail(created.error());
  std::shared_ptr<ModelStore> next = std::move(created).value();
  next->drop_on_close();  // until it is switched in
  RebuildProgress progress;
  Status built = build_in_memory(log, *next, options.models, progress, options.progress);
  if (!built.ok()) return built;
  const std::shared_ptr<ModelStore> serving = store.current();
  Status finished = finish(log, *serving, *next, options, progress);
  if (!finished.ok()) return finished;
  Status switched = store.switch_to(next);
  if (!switched.ok()) return switched;
  progress.done = true;
  if (options.progress) options.progress(progress);
  return unit;
}

Status rebuild_online(eventstore::EventLog& log, ProjectionStore& store, Projector& projector,
                      const RebuildOptions& options) {
  auto created = store.create_generation();
  if (!created.ok()) return fail(created.error());
  std::shared_ptr<ModelStore> next = std::move(created).value();
  next->drop_on_close();
  RebuildProgress progress;
  // The long part runs beside the serving projector.
  Status built = build_in_memory(log, *next, options.models, progress, options.progress);
  if (!built.ok()) return built;
  {
    auto paused = projector.pause();
    const std::shared_ptr<ModelStore> serving = store.current();
    Status finished = finish(log, *serving, *next, options, progress);
    if (!finished.ok()) return finished;
    Status switched = store.switch_to(next);
    if (!switched.ok()) return switched;
    projector.note_switched();
  }
  progress.done = true;
  if (options.progress) options.progress(progress);
  return unit;
}

}  // namespace docket::projections
