#include "projections/rebuild.hpp"

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

// Brings the new generation to exactly `target` and, for a partial rebuild, the serving one too,
// then copies the models that were not rebuilt and makes the new one durable.
Status finish(eventstore::EventLog& log, ModelStore& serving, ModelStore& next,
              const RebuildOptions& options, RebuildProgress& progress) {
  eventstore::Position target = serving.checkpoint();
  target.merge(next.checkpoint());
  Status caught =
      catch_up(log, next, options.models, WriteMode::bulk, target, &progress, options.progress);
  if (!caught.ok()) return caught;
  if (options.models != ModelSet::all()) {
    Status serving_caught = catch_up(log, serving, ModelSet::all(), WriteMode::logged, target);
    if (!serving_caught.ok()) return serving_caught;
    Status copied = next.copy_tables_from(serving, options.models.complement());
    if (!copied.ok()) return copied;
  }
  return next.flush();
}

}  // namespace

Status catch_up(eventstore::EventLog& log, ModelStore& store, ModelSet models, WriteMode mode,
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
  ProgressClock clock;
  const std::uint64_t base = progress ? progress->events_applied : 0;
  while (!store.checkpoint().covers(target)) {
    auto batch = log.read_all(store.checkpoint(), 2000);
    if (!batch.ok()) return error(errc::log_error, "read_all: " + batch.error().message);
    if (batch->commits.empty()) break;  // the log ends before `target`
    auto applied = store.apply(batch->commits, models, mode, &target);
    if (!applied.ok()) return fail(applied.error());
    if (progress != nullptr) {
      progress->events_applied += applied->applied;
      progress->commits += batch->commits.size();
      progress->position = store.checkpoint().to_token();
      progress->events_per_second = clock.rate(progress->events_applied - base);
      if (on_progress) on_progress(*progress);
    }
    if (!target.covers(batch->commits.back().position)) break;  // reached the bound mid-batch
  }
  return unit;
}

Status rebuild(eventstore::EventLog& log, ProjectionStore& store, const RebuildOptions& options) {
  auto created = store.create_generation();
  if (!created.ok()) return fail(created.error());
  std::shared_ptr<ModelStore> next = std::move(created).value();
  next->drop_on_close();  // until it is switched in
  RebuildProgress progress;
  Status built = catch_up(log, *next, options.models, WriteMode::bulk, std::nullopt, &progress,
                          options.progress);
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
  Status built = catch_up(log, *next, options.models, WriteMode::bulk, std::nullopt, &progress,
                          options.progress);
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
