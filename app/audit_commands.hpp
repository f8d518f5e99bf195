#pragma once
// The audit subcommands of `docket` (`audit appointment`, `replay doctor`, `verify`,
// `events dump`) as plain functions, so that tests run them without a process.
//
// They only read the log: run them on a data directory whose server is stopped (the embedded log
// admits one process at a time) or on any open EventLog. None touches a consumer's store, so an
// audit never sends a notification.
//
// Exit codes: 0 success; 1 the answer is negative or the log failed (a broken chain, an unknown
// appointment or doctor, an unreadable log); 2 a malformed argument (instant, position token).
// Results go to `out`, diagnostics to `err`; neither ever carries a patient's free text except
// `events dump`, which prints the stored envelopes as they are.

#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "consumers/audit_log.hpp"
#include "eventstore/event_log.hpp"

namespace docket::app {

// Opens the embedded log in `log_dir` for an audit. Refuses (nullptr, a line on `err`) a
// directory that does not exist rather than creating an empty log, and reports when another
// process (a running server) holds it.
std::unique_ptr<eventstore::EventLog> open_log_for_audit(const std::filesystem::path& log_dir,
                                                         std::ostream& err);

// `docket audit appointment ID [--json]`: the appointment's timeline.
int run_audit_appointment(eventstore::EventLog& log, std::string_view appointment_id, bool json,
                          std::ostream& out, std::ostream& err);

// `docket replay doctor ID --as-of INSTANT` (RFC 3339): the state as JSON; events recorded at
// exactly `as_of` are included.
int run_replay_doctor(eventstore::EventLog& log, std::string_view doctor_id, std::string_view as_of,
                      std::ostream& out, std::ostream& err);

// `docket verify`: exit 1 naming the first broken link.
int run_verify(eventstore::EventLog& log, std::ostream& out, std::ostream& err);

// `docket events dump [--from TOKEN] [--to TOKEN] [--stream S]`: CloudEvents JSON lines.
int run_events_dump(eventstore::EventLog& log, const consumers::DumpRequest& request,
                    std::ostream& out, std::ostream& err);

}  // namespace docket::app
