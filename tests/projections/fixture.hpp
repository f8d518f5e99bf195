#pragma once
// The shared run of the read-side tests: a real embedded log in a temp dir filled by a randomized
// workload (fixed seed) of 40,000 decided commands, of which more than 10,000 are accepted,
// appended in several batches while a projector runs concurrently into a real RocksDB store. Built
// once per test process.

#include <memory>

#include "eventstore/embedded_log.hpp"
#include "projections/model_store.hpp"
#include "projections/projection_store.hpp"
#include "projections/projector.hpp"
#include "tests/projections/temp_dir.hpp"
#include "tests/projections/workload.hpp"

namespace docket::projections::testing {

inline constexpr std::uint64_t kSeed = 20270301;
inline constexpr int kCommands = 40'000;
inline constexpr int kBatches = 4;

struct SharedRun {
  TempDir dir;
  std::unique_ptr<eventstore::EventLog> log;
  std::unique_ptr<Workload> workload;
  std::unique_ptr<ProjectionStore> store;  // built incrementally
  std::unique_ptr<Projector> projector;
  eventstore::Position head;
};

// The run, built on first use; aborts the process when the fixture cannot be built.
SharedRun& shared_run();

// Opens an embedded log in `dir`, aborting on failure.
std::unique_ptr<eventstore::EventLog> open_log(const std::filesystem::path& dir);
std::unique_ptr<ProjectionStore> open_store(const std::filesystem::path& dir);

// Where two dumps first differ, for failure messages (offsets and lengths only: no data).
std::string first_difference(const std::string& a, const std::string& b);

}  // namespace docket::projections::testing
