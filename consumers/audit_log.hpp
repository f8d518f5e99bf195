#pragma once
// `docket verify` and `docket events dump`: the log itself, checked or printed.

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

#include "consumers/audit_scan.hpp"
#include "eventstore/verify.hpp"

namespace docket::consumers {

// Checks every stream's hash chain from the start of the log (eventstore::verify_log). The
// report names the first broken link (stream, version, position, reason). Errors: unreadable
// when the log cannot be read for another reason than bad stored bytes.
AuditResult<eventstore::VerifyReport> verify_chain(eventstore::EventLog& log);

// "ok: N commits, M events, K streams" or "broken: <stream> version <v> at <position>: <reason>
// (after N commits)". Never prints event data.
void write_verify_report(const eventstore::VerifyReport& report, std::ostream& out);

// Text options of `events dump`, as the command line gives them.
struct DumpRequest {
  std::optional<std::string> from;  // position token: dump commits after it
  std::optional<std::string> to;    // position token: dump commits up to it (included)
  std::string stream;               // empty: every stream
};

// The scan range a request stands for. Errors: invalid_range for a malformed token.
AuditResult<ScanRange> parse_dump_request(const DumpRequest& request);

// Writes the selected events as CloudEvents JSON, one compact object per line, in log order, and
// returns how many it wrote. The output is the stored envelope, `data` included: it is meant for
// admins exporting the log and carries whatever the events carry. Errors: unreadable.
AuditResult<std::uint64_t> dump_events(eventstore::EventLog& log, const ScanRange& range,
                                       std::ostream& out);

}  // namespace docket::consumers
