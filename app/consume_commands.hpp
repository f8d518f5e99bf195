#pragma once
// `docket consume notifications|analytics` and `docket analytics export` as plain functions, so
// that tests run them without a process, and the one way every offline tool (these and the audit
// commands) opens the log named by --data and --log.
//
// Exit codes: 0 success; 1 the log or a store failed; 2 a malformed argument.

#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "app/consumers_options.hpp"
#include "eventstore/event_log.hpp"

namespace docket::app {

// Opens the log `log_spec` names (app/log_spec.hpp) for a tool: the embedded log in
// `data_dir`/log, which must exist (a tool never creates an empty log) and which only one
// process may hold at a time (the error says to stop the server first), or the Kafka cluster.
// nullptr after a line on `err`.
std::unique_ptr<eventstore::EventLog> open_tool_log(const std::string& log_spec,
                                                    const std::filesystem::path& data_dir,
                                                    std::ostream& err);

struct ConsumeOptions {
  std::string consumer;  // "notifications" or "analytics"
  std::filesystem::path data = "./docket-data";
  std::string log = "embedded";
  ConsumersOptions settings;  // its `consumers` field is ignored: `consumer` names the one to run
  // Process the log up to its current head (and attempt due deliveries once), then exit,
  // instead of following it until SIGTERM/SIGINT.
  bool once = false;
};

// Runs one consumer over the log with its store in <data>/consumers/<name>. Without `once`,
// blocks SIGTERM and SIGINT in the calling thread (call it before starting other threads) and
// returns 0 after one arrives and everything stopped.
int run_consume(const ConsumeOptions& options, std::ostream& out, std::ostream& err);

struct AnalyticsExportOptions {
  std::filesystem::path data = "./docket-data";
  std::string log = "embedded";
  std::string format = "csv";       // csv or jsonl
  std::optional<std::string> from;  // local dates, both included; default: all
  std::optional<std::string> to;
  std::string group_by = "doctor";  // doctor or specialty
};

// Brings the analytics consumer's store up to the log's head, then writes the facts of the range
// per group on `out` (consumers/analytics.hpp: write_facts_csv / write_facts_jsonl).
int run_analytics_export(const AnalyticsExportOptions& options, std::ostream& out,
                         std::ostream& err);

}  // namespace docket::app
