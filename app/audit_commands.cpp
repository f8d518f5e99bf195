#include "app/audit_commands.hpp"

#include <system_error>

#include "consumers/audit_replay.hpp"
#include "consumers/audit_timeline.hpp"
#include "eventstore/embedded_log.hpp"

namespace docket::app {
namespace {

int report(const consumers::AuditError& e, std::ostream& err) {
  err << "docket: " << e.message << "\n";
  return e.code == consumers::audit_errc::invalid_range ? 2 : 1;
}

}  // namespace

std::unique_ptr<eventstore::EventLog> open_log_for_audit(const std::filesystem::path& log_dir,
                                                         std::ostream& err) {
  std::error_code ec;
  if (!std::filesystem::is_directory(log_dir, ec)) {
    err << "docket: no event log in " << log_dir.string() << "\n";
    return nullptr;
  }
  auto log = eventstore::open_embedded_log({.directory = log_dir});
  if (!log) {
    err << "docket: cannot open the event log in " << log_dir.string() << " ("
        << log.error().message << "); is a server still running on it?\n";
    return nullptr;
  }
  return std::move(log).value();
}

int run_audit_appointment(eventstore::EventLog& log, std::string_view appointment_id, bool json,
                          std::ostream& out, std::ostream& err) {
  auto timeline = consumers::appointment_timeline(log, appointment_id);
  if (!timeline) return report(timeline.error(), err);
  if (json) {
    out << consumers::timeline_json(*timeline).dump(2) << "\n";
  } else {
    consumers::write_timeline(*timeline, out);
  }
  return 0;
}

int run_replay_doctor(eventstore::EventLog& log, std::string_view doctor_id, std::string_view as_of,
                      std::ostream& out, std::ostream& err) {
  const auto instant = domain::parse_rfc3339(as_of);
  if (!instant) {
    err << "docket: --as-of is not an RFC 3339 instant\n";
    return 2;
  }
  auto replayed = consumers::replay_doctor(log, doctor_id, *instant);
  if (!replayed) return report(replayed.error(), err);
  consumers::write_replay(*replayed, out);
  return 0;
}

int run_verify(eventstore::EventLog& log, std::ostream& out, std::ostream& err) {
  auto verified = consumers::verify_chain(log);
  if (!verified) return report(verified.error(), err);
  consumers::write_verify_report(*verified, verified->ok() ? out : err);
  return verified->ok() ? 0 : 1;
}

int run_events_dump(eventstore::EventLog& log, const consumers::DumpRequest& request,
                    std::ostream& out, std::ostream& err) {
  auto range = consumers::parse_dump_request(request);
  if (!range) return report(range.error(), err);
  auto written = consumers::dump_events(log, *range, out);
  if (!written) return report(written.error(), err);
  return 0;
}

}  // namespace docket::app
