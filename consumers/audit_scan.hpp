#pragma once
// Reading the whole log for audits: a paged walk over `read_all` and the audit's error type.
//
// Audits only read the log. They never touch a consumer's store, so replaying history for an
// audit can never send a notification or count a fact twice.

#include <functional>
#include <optional>
#include <string>

#include "eventstore/event_log.hpp"

namespace docket::consumers {

enum class audit_errc {
  not_found,      // the appointment or doctor never appears in the log
  unreadable,     // the log could not be read (io_error, closed, unavailable, corrupt bytes)
  undecodable,    // a stored event's data does not decode with the current catalog
  invalid_range,  // a malformed position token or instant
};

struct AuditError {
  audit_errc code;
  std::string message;  // for operators; never contains event data or patients' free text
};

template <class T>
using AuditResult = docket::Result<T, AuditError>;

// Which commits a walk visits: those after `after` whose position is covered by `until` (all of
// them when `until` is nullopt), optionally only those of one stream.
struct ScanRange {
  eventstore::Position after;
  std::optional<eventstore::Position> until;
  std::string stream;  // empty: every stream
};

// Calls `visit` for every event of every selected commit, in log order, reading pages of
// `page_commits`. Stops early (successfully) when `visit` returns false. Errors: unreadable when
// the log fails. Reads concurrently with appends are safe; commits appended after the walk
// reached the head are not visited.
AuditResult<Unit> for_each_event(eventstore::EventLog& log, const ScanRange& range,
                                 const std::function<bool(const eventstore::RecordedEvent&)>& visit,
                                 std::size_t page_commits = 512);

}  // namespace docket::consumers
