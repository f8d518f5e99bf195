#pragma once
// End-to-end check of the log's hash chains (`docket verify`, audits, tests).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "eventstore/event_log.hpp"

namespace docket::eventstore {

// The first place where a stream's chain does not hold.
struct BrokenLink {
  std::string stream;         // empty when the stored bytes could not even be decoded
  std::uint64_t version = 0;  // the event's version (0 when unknown)
  Position position;          // the position of the event's commit (for unreadable bytes: where
                              // reading stopped)
  std::string reason;         // "version gap", "prevhash mismatch", "hash mismatch", ...
};

struct VerifyReport {
  std::uint64_t commits = 0;  // commits checked before stopping
  std::uint64_t events = 0;
  std::uint64_t streams = 0;
  std::optional<BrokenLink> broken;  // nullopt when every chain holds
  bool ok() const { return !broken.has_value(); }
};

// Reads the whole log from the start in pages of `page_commits` and checks, for every event in
// log order, that its stream's versions are contiguous from 1, that `prevhash` is the previous
// event's `hash` (the genesis hash for version 1), that `hash` is the recomputed hash and that a
// commit holds one stream's consecutive events. Stops at the first broken link.
// Returns the report; an error only when the log cannot be read for another reason than corrupt
// bytes (io_error, closed, unavailable). Reads concurrently with appends are safe; what was
// appended after the walk passed is not checked.
Result<VerifyReport> verify_log(EventLog& log, std::size_t page_commits = 512);

}  // namespace docket::eventstore
