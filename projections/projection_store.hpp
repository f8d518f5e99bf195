#pragma once
// The generations of the read models in one directory, and which one serves.
//
// Layout: `<dir>/gen-NNNNNN/` (one RocksDB database each) and `<dir>/CURRENT` naming the serving
// one. A rebuild builds a new generation beside the serving one and switch_to() makes it serve:
// CURRENT is replaced atomically (write, fsync, rename, fsync the directory), and readers that
// took the old generation keep it until they release it; then its directory is removed. So a
// reader never sees a half-built model, and a crash leaves either the old or the new generation
// serving, never a mix. Generations CURRENT does not name are leftovers and are removed on open.
// One process at a time: `<dir>/LOCK` is held (flock) while the store is open.

#include <filesystem>
#include <memory>
#include <mutex>

#include "projections/errors.hpp"
#include "projections/model_store.hpp"

namespace docket::projections {

class ProjectionStore {
 public:
  // Opens the serving generation in `directory`, creating the directory and a first, empty
  // generation when missing. Errors: io_error (also when another process has it open), corrupt
  // (CURRENT unreadable), those of ModelStore::open.
  static Result<std::unique_ptr<ProjectionStore>> open(const std::filesystem::path& directory);

  // The serving generation; hold it for the duration of one query. Thread-safe.
  std::shared_ptr<ModelStore> current() const;
  // A new, empty generation beside the serving one (not serving yet). Errors: as open.
  // Thread-safe.
  Result<std::shared_ptr<ModelStore>> create_generation();
  // Makes `next` serve (durably, atomically), and drops the previous generation once its last
  // reader releases it. Errors: io_error when CURRENT cannot be replaced (nothing changes then).
  // Thread-safe.
  Status switch_to(std::shared_ptr<ModelStore> next);

  const std::filesystem::path& directory() const { return directory_; }

 private:
  static Result<std::unique_ptr<ProjectionStore>> open_locked(
      const std::filesystem::path& directory, int lock_fd);
  ProjectionStore(std::filesystem::path directory, std::shared_ptr<ModelStore> current,
                  unsigned next_generation, int lock_fd);

 public:
  ~ProjectionStore();
  ProjectionStore(const ProjectionStore&) = delete;
  ProjectionStore& operator=(const ProjectionStore&) = delete;

 private:
  std::filesystem::path directory_;
  mutable std::mutex mu_;
  std::shared_ptr<ModelStore> current_;
  unsigned next_generation_;
  int lock_fd_;
};

}  // namespace docket::projections
