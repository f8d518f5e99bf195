#include "consumers/audit_scan.hpp"

namespace docket::consumers {

AuditResult<Unit> for_each_event(eventstore::EventLog& log, const ScanRange& range,
                                 const std::function<bool(const eventstore::RecordedEvent&)>& visit,
                                 std::size_t page_commits) {
  eventstore::Position at = range.after;
  for (;;) {
    auto batch = log.read_all(at, page_commits);
    if (!batch) {
      return fail(
          AuditError{audit_errc::unreadable, "reading the log failed: " + batch.error().message});
    }
    if (batch->commits.empty()) return unit;
    for (const auto& commit : batch->commits) {
      // Kafka positions are per partition, so a commit past `until` in one partition does not
      // end the walk: later commits of other partitions may still be inside the range.
      if (range.until && !range.until->covers(commit.position)) continue;
      if (!range.stream.empty() && commit.stream != range.stream) continue;
      for (const auto& event : commit.events) {
        if (!visit(event)) return unit;
      }
    }
    if (batch->next == at) return unit;
    at = batch->next;
  }
}

}  // namespace docket::consumers
