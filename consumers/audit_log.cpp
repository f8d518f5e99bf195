#include "consumers/audit_log.hpp"

namespace docket::consumers {

AuditResult<eventstore::VerifyReport> verify_chain(eventstore::EventLog& log) {
  auto report = eventstore::verify_log(log);
  if (!report) {
    return fail(
        AuditError{audit_errc::unreadable, "reading the log failed: " + report.error().message});
  }
  return std::move(report).value();
}

void write_verify_report(const eventstore::VerifyReport& report, std::ostream& out) {
  if (report.ok()) {
    out << "ok: " << report.commits << " commits, " << report.events << " events, "
        << report.streams << " streams\n";
    return;
  }
  const auto& b = *report.broken;
  out << "broken: " << (b.stream.empty() ? "<undecodable>" : b.stream) << " version " << b.version
      << " at position " << b.position.to_token() << ": " << b.reason << " (after "
      << report.commits << " good commits)\n";
}

AuditResult<ScanRange> parse_dump_request(const DumpRequest& request) {
  ScanRange range;
  range.stream = request.stream;
  if (request.from) {
    auto p = eventstore::Position::from_token(*request.from);
    if (!p) return fail(AuditError{audit_errc::invalid_range, "--from is not a position token"});
    range.after = *p;
  }
  if (request.to) {
    auto p = eventstore::Position::from_token(*request.to);
    if (!p) return fail(AuditError{audit_errc::invalid_range, "--to is not a position token"});
    range.until = *p;
  }
  return range;
}

AuditResult<std::uint64_t> dump_events(eventstore::EventLog& log, const ScanRange& range,
                                       std::ostream& out) {
  std::uint64_t written = 0;
  auto walked = for_each_event(log, range, [&](const eventstore::RecordedEvent& e) {
    out << eventstore::to_cloudevent(e).dump() << "\n";
    ++written;
    return true;
  });
  if (!walked) return fail(walked.error());
  return written;
}

}  // namespace docket::consumers
