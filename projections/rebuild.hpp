#pragma once
// Rebuilding read models from position zero.
//
// rebuild() builds a fresh generation beside the serving one and switches to it once it has
// caught up (offline: nothing else may be applying to the store). rebuild_online() does the same
// while a Projector keeps the serving generation current: the new generation catches up without
// holding anything, then, with the projector paused for the last stretch only, is brought to
// exactly the serving position, switched in atomically, and the old generation is dropped when
// its last reader lets go. Readers never see a half-built model.
//
// Rebuilding a subset of models replays the log into the new generation for those models only
// and copies the other models' tables from the serving generation at the same position.
// A rebuild gives the same bytes as the incremental build (ModelStore::dump compares them).

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "eventstore/event_log.hpp"
#include "projections/errors.hpp"
#include "projections/model_store.hpp"
#include "projections/projection_store.hpp"
#include "projections/projector.hpp"

namespace docket::projections {

struct RebuildProgress {
  std::uint64_t events_applied = 0;
  std::uint64_t commits = 0;
  std::string position;            // token reached
  double events_per_second = 0.0;  // average since the rebuild started
  bool done = false;
};
// Called after every applied batch and once at the end (done true), on the rebuilding thread.
using ProgressFn = std::function<void(const RebuildProgress&)>;

struct RebuildOptions {
  ModelSet models = ModelSet::all();
  ProgressFn progress;  // may be empty
};

// Applies the log's commits after `store`'s checkpoint to `models` until the store
// covers `until`, never past it (or, without `until`, up to the log's head when called).
// Errors: log_error, and ModelStore::apply's. Not thread-safe against other appliers of `store`.
Status catch_up(eventstore::EventLog& log, ModelStore& store, ModelSet models,
                const std::optional<eventstore::Position>& until,
                RebuildProgress* progress = nullptr, const ProgressFn& on_progress = {});

// Offline rebuild into a new generation of `store`, then switch to it. Errors: as catch_up,
// io_error from the switch; on error the serving generation is untouched.
Status rebuild(eventstore::EventLog& log, ProjectionStore& store, const RebuildOptions& options);

// Online blue/green rebuild while `projector` serves `store`. Errors: as rebuild.
Status rebuild_online(eventstore::EventLog& log, ProjectionStore& store, Projector& projector,
                      const RebuildOptions& options);

}  // namespace docket::projections
