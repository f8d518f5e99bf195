#include "projections/memory_build.hpp"

#include "projections/apply.hpp"

namespace docket::projections {

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

Status MemoryBuild::write_to(ModelStore& fresh) {
  std::vector<MemoryState::Item> sorted = state_.sorted();
  std::size_t i = 0;
  Status loaded = fresh.ingest_sorted(
      [&](std::string_view& k, std::string_view& v) {
        if (i == sorted.size()) return false;
        k = sorted[i].key;
        v = sorted[i].value;
        ++i;
        return true;
      },
      checkpoint_);
  sorted = {};
  state_ = {};
  return loaded;
}

}  // namespace docket::projections
