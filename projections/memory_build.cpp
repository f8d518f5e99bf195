#include "projections/memory_build.hpp"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "projections/apply.hpp"

namespace docket::projections {

namespace {

// Enough key ranges that the first is sorted quickly and the two threads stay busy to the end.
constexpr std::size_t kRuns = 16;

}  // namespace

Result<ApplyCounts> MemoryBuild::apply(const std::vector<eventstore::Commit>& commits,
                                       const eventstore::Position* until) {
  Txn txn(state_);
  ApplyCounts counts;
  for (const eventstore::Commit& commit : commits) {
    if (until != nullptr && !until->covers(commit.position)) break;
    if (checkpoint_.covers(commit.position)) {
      counts.skipped += commit.events.size();
      continue;
    }
    Status applied = apply_commit(txn, commit, models_, counts);
    if (!applied.ok()) return fail(applied.error());
    checkpoint_.merge(commit.position);
  }
  return counts;
}

Result<ApplyCounts> MemoryBuild::apply(DecodedBatch& batch, const eventstore::Position* until) {
  Txn txn(state_);
  ApplyCounts counts;
  const std::vector<eventstore::Commit>& commits = batch.commits();
  for (std::size_t c = 0; c < commits.size(); ++c) {
    const eventstore::Commit& commit = commits[c];
    if (until != nullptr && !until->covers(commit.position)) break;
    if (checkpoint_.covers(commit.position)) {
      counts.skipped += commit.events.size();
      continue;
    }
    Status applied = apply_commit(txn, commit, batch.events_of(c), models_, counts);
    if (!applied.ok()) return fail(applied.error());
    checkpoint_.merge(commit.position);
  }
  return counts;
}

Status MemoryBuild::write_to(ModelStore& fresh) {
  // The state split into key ranges: a second thread sorts them in order while this one writes
  // each as soon as it is sorted (or sorts it itself when the other has not claimed it yet), so
  // sorting and writing the table files overlap.
  std::vector<MemoryState::Run> runs = state_.runs(kRuns);
  enum : int { unsorted, sorting, sorted };
  std::vector<std::atomic<int>> stage(runs.size());
  std::mutex mu;
  std::condition_variable cv;
  auto claim_and_sort = [&](std::size_t r) {
    int expected = unsorted;
    if (!stage[r].compare_exchange_strong(expected, sorting)) return;
    runs[r].sort();
    {
      std::lock_guard lock(mu);
      stage[r] = sorted;
    }
    cv.notify_all();
  };
  std::thread sorter([&] {
    for (std::size_t r = 0; r < runs.size(); ++r)
      claim_and_sort(r);
  });
  std::size_t r = 0;
  std::size_t i = 0;
  bool ready = false;  // runs[r] is sorted
  Status loaded = fresh.ingest_sorted(
      [&](std::string_view& k, std::string_view& v) {
        for (;;) {
          if (r == runs.size()) return false;
          if (!ready) {
            claim_and_sort(r);
            std::unique_lock lock(mu);
            cv.wait(lock, [&] { return stage[r] == sorted; });
            ready = true;
          }
          if (i < runs[r].size()) break;
          ++r;
          i = 0;
          ready = false;
        }
        const MemoryState::Item item = runs[r][i++];
        k = item.key;
        v = item.value;
        return true;
      },
      checkpoint_);
  sorter.join();
  runs = {};
  state_ = {};
  return loaded;
}

}  // namespace docket::projections
