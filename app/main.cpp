// The `docket` executable: one binary with a subcommand per role (DESIGN.md, Interfaces).
// Exceptions stop here: anything thrown below is reported on stderr with exit status 1.

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdint>
#include <exception>
#include <iostream>
#include <string_view>
#include <vector>

#include "app/audit_commands.hpp"
#include "app/consume_commands.hpp"
#include "app/demo.hpp"
#include "app/rebuild.hpp"
#include "app/serve.hpp"
#include "app/token.hpp"

namespace {

// --data and --log, shared by every offline tool.
struct ToolFlags {
  std::string data = "./docket-data";
  std::string log = "embedded";
};

void add_tool_flags(CLI::App* command, ToolFlags& flags) {
  command->add_option("--data", flags.data, "Data directory")
      ->envname("DOCKET_DATA")
      ->capture_default_str();
  command
      ->add_option("--log", flags.log,
                   "embedded (one process at a time: stop the server first), or kafka://host:port")
      ->envname("DOCKET_LOG")
      ->capture_default_str();
}

// The notification consumer's settings, shared by `serve` and `consume`.
void add_consumer_flags(CLI::App* command, docket::app::ConsumersOptions& o) {
  command->add_option("--webhook-urls", o.webhook_urls, "Webhook URLs, comma-separated")
      ->envname("DOCKET_WEBHOOK_URLS");
  command
      ->add_option("--webhook-secret-file", o.webhook_secret_file,
                   "File holding the webhook signing secret (else DOCKET_WEBHOOK_SECRET)")
      ->envname("DOCKET_WEBHOOK_SECRET_FILE");
  command->add_option("--reminders", o.reminders, "Reminder offsets before the start (d, h, m)")
      ->envname("DOCKET_REMINDERS")
      ->capture_default_str();
  command->add_option("--smtp-url", o.smtp_url, "SMTP server for e-mail (off when empty)")
      ->envname("DOCKET_SMTP_URL");
  command->add_option("--mail-from", o.mail_from, "E-mail sender address")
      ->envname("DOCKET_MAIL_FROM");
  command->add_option("--notify-emails", o.notify_emails, "E-mail recipients, comma-separated")
      ->envname("DOCKET_NOTIFY_EMAILS");
  command->add_option("--max-attempts", o.max_attempts, "Delivery attempts before a dead letter")
      ->envname("DOCKET_MAX_ATTEMPTS")
      ->capture_default_str();
}

std::unique_ptr<docket::eventstore::EventLog> open_log(const ToolFlags& flags) {
  return docket::app::open_tool_log(flags.log, flags.data, std::cerr);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Docket: event-sourced appointment booking for clinics", "docket"};
  app.require_subcommand(1);
  CLI::App* demo = app.add_subcommand(
      "demo", "Run a scripted clinic day through the domain and print every decision");
  docket::app::ServeOptions serve_options;
  std::string serve_data = serve_options.data.string();
  CLI::App* serve = app.add_subcommand(
      "serve", "Run the HTTP API with the write side and its scheduler on the embedded log");
  serve->add_option("--data", serve_data, "Data directory")
      ->envname("DOCKET_DATA")
      ->capture_default_str();
  serve->add_option("--host", serve_options.host, "Address to listen on")
      ->envname("DOCKET_HOST")
      ->capture_default_str();
  serve->add_option("--port", serve_options.port, "Port (0: any free port, printed)")
      ->envname("DOCKET_PORT")
      ->capture_default_str();
  serve->add_option("--log", serve_options.log, "embedded, or kafka://host:port,...")
      ->envname("DOCKET_LOG")
      ->capture_default_str();
  serve
      ->add_option("--secret-file", serve_options.secret_file,
                   "File holding the JWT secret (else DOCKET_JWT_SECRET)")
      ->envname("DOCKET_SECRET_FILE");
  serve->add_option("--threads", serve_options.threads, "HTTP connection threads")
      ->envname("DOCKET_THREADS")
      ->capture_default_str();
  serve
      ->add_option("--role", serve_options.role,
                   "all (everything here), command (one writer of a group; Kafka log only) "
                   "or project (projectors and queries only)")
      ->envname("DOCKET_ROLE")
      ->capture_default_str();
  serve
      ->add_option("--advertise", serve_options.advertise,
                   "Address other writers forward commands to (default http://HOST:PORT)")
      ->envname("DOCKET_ADVERTISE");
  serve->add_option("--writer-group", serve_options.writer_group, "Consumer group of the writers")
      ->envname("DOCKET_WRITER_GROUP")
      ->capture_default_str();
  serve
      ->add_option("--group-session-timeout-ms", serve_options.group_session_timeout_ms,
                   "A writer silent this long loses its partitions")
      ->envname("DOCKET_GROUP_SESSION_TIMEOUT_MS")
      ->capture_default_str();
  serve
      ->add_flag("--demo", serve_options.demo,
                 "Seed a demo clinic once and print example tokens and curl commands")
      ->envname("DOCKET_DEMO");

  docket::app::TokenOptions token_options;
  std::int64_t token_ttl = 3600;
  CLI::App* token = app.add_subcommand("token", "Print a bearer token for the HTTP API");
  token->add_option("--sub", token_options.sub, "Subject: the user id")->required();
  token->add_option("--role", token_options.role, "patient, doctor, receptionist or admin")
      ->required();
  token->add_option("--ttl", token_ttl, "Seconds until it expires")->capture_default_str();
  token
      ->add_option("--secret-file", token_options.secret_file,
                   "File holding the JWT secret (else DOCKET_JWT_SECRET)")
      ->envname("DOCKET_SECRET_FILE");
  serve
      ->add_option("--consumers", serve_options.consumers.consumers,
                   "Consumers run in this process: none, all, or notifications,analytics")
      ->envname("DOCKET_CONSUMERS")
      ->capture_default_str();
  add_consumer_flags(serve, serve_options.consumers);

  ToolFlags tool;
  CLI::App* audit = app.add_subcommand("audit", "Audit the log (read only; sends nothing)");
  audit->require_subcommand(1);
  CLI::App* audit_appointment =
      audit->add_subcommand("appointment", "An appointment's full history");
  std::string appointment_id;
  bool audit_json = false;
  audit_appointment->add_option("id", appointment_id, "Appointment id")->required();
  audit_appointment->add_flag("--json", audit_json, "JSON instead of text");
  add_tool_flags(audit_appointment, tool);
  CLI::App* replay = app.add_subcommand("replay", "Replay the log (read only)");
  replay->require_subcommand(1);
  CLI::App* replay_doctor = replay->add_subcommand("doctor", "A doctor's state as of an instant");
  std::string doctor_id, as_of;
  replay_doctor->add_option("id", doctor_id, "Doctor id")->required();
  replay_doctor->add_option("--as-of", as_of, "RFC 3339 instant")->required();
  add_tool_flags(replay_doctor, tool);
  CLI::App* verify = app.add_subcommand("verify", "Verify every stream's hash chain");
  add_tool_flags(verify, tool);
  CLI::App* events = app.add_subcommand("events", "The stored events");
  events->require_subcommand(1);
  CLI::App* events_dump = events->add_subcommand("dump", "CloudEvents JSON lines in log order");
  docket::consumers::DumpRequest dump_request;
  events_dump->add_option("--from", dump_request.from, "Position token: after it");
  events_dump->add_option("--to", dump_request.to, "Position token: up to it");
  events_dump->add_option("--stream", dump_request.stream, "One stream (doctor-<id>)");
  add_tool_flags(events_dump, tool);

  docket::app::ConsumeOptions consume_options;
  CLI::App* consume = app.add_subcommand("consume", "Run one downstream consumer over the log");
  consume->add_option("consumer", consume_options.consumer, "notifications or analytics")
      ->required()
      ->check(CLI::IsMember({"notifications", "analytics"}));
  consume->add_flag("--once", consume_options.once, "Catch up with the log, then exit");
  add_tool_flags(consume, tool);
  add_consumer_flags(consume, consume_options.settings);
  CLI::App* analytics = app.add_subcommand("analytics", "Analytics of the log");
  analytics->require_subcommand(1);
  CLI::App* analytics_export =
      analytics->add_subcommand("export", "Daily facts per group over a date range");
  docket::app::AnalyticsExportOptions export_options;
  analytics_export->add_option("--format", export_options.format, "csv or jsonl")
      ->capture_default_str();
  analytics_export->add_option("--from", export_options.from, "First local date (YYYY-MM-DD)");
  analytics_export->add_option("--to", export_options.to, "Last local date (YYYY-MM-DD)");
  analytics_export->add_option("--group-by", export_options.group_by, "doctor or specialty")
      ->capture_default_str();
  add_tool_flags(analytics_export, tool);

  serve
      ->add_option("--ready-max-lag", serve_options.ready_max_lag,
                   "/readyz fails while the read models trail the log by more events")
      ->envname("DOCKET_READY_MAX_LAG")
      ->capture_default_str();
  serve
      ->add_option("--max-streams", serve_options.max_streams,
                   "Availability streams (Server-Sent Events) open at once")
      ->envname("DOCKET_MAX_STREAMS")
      ->capture_default_str();

  docket::app::RebuildCommandOptions rebuild_options;
  std::string rebuild_data = rebuild_options.data.string();
  CLI::App* rebuild = app.add_subcommand(
      "rebuild", "Rebuild read models from the log (server stopped; progress on stderr)");
  rebuild
      ->add_option("--projection", rebuild_options.projections,
                   "doctors, availability, appointments, queues, stats or history (repeatable; "
                   "default: all)")
      ->envname("DOCKET_PROJECTION");
  rebuild->add_option("--data", rebuild_data, "Data directory")
      ->envname("DOCKET_DATA")
      ->capture_default_str();
  rebuild->add_option("--log", rebuild_options.log, "embedded, or kafka://host:port,...")
      ->envname("DOCKET_LOG")
      ->capture_default_str();
  // `docket project ...` is `docket serve --role project ...` with the same flags: the projectors
  // and the query API without the command side. Listed for --help; rewritten before parsing.
  app.add_subcommand("project", "Run the projectors and the query API only (serve --role project)");
  std::vector<char*> args(argv, argv + argc);
  static char serve_word[] = "serve";
  static char role_flag[] = "--role";
  static char project_word[] = "project";
  if (args.size() > 1 && std::string_view(args[1]) == "project") {
    args[1] = serve_word;
    args.insert(args.begin() + 2, {role_flag, project_word});
    argc = static_cast<int>(args.size());
    args.push_back(nullptr);
    argv = args.data();
  }
  CLI11_PARSE(app, argc, argv);
  try {
    if (*demo) return docket::app::run_demo(std::cout);
    if (*serve) {
      serve_options.data = serve_data;
      return docket::app::run_serve(serve_options, std::cout);
    }
    if (*rebuild) {
      rebuild_options.data = rebuild_data;
      return docket::app::run_rebuild(rebuild_options, std::cout, std::cerr);
    }
    if (*token) {
      token_options.ttl = std::chrono::seconds(token_ttl);
      return docket::app::run_token(token_options, std::cout, std::cerr);
    }
    if (*consume) {
      consume_options.data = tool.data;
      consume_options.log = tool.log;
      return docket::app::run_consume(consume_options, std::cout, std::cerr);
    }
    if (*analytics_export) {
      export_options.data = tool.data;
      export_options.log = tool.log;
      return docket::app::run_analytics_export(export_options, std::cout, std::cerr);
    }
    if (*audit_appointment || *replay_doctor || *verify || *events_dump) {
      auto log = open_log(tool);
      if (!log) return 1;
      if (*audit_appointment) {
        return docket::app::run_audit_appointment(*log, appointment_id, audit_json, std::cout,
                                                  std::cerr);
      }
      if (*replay_doctor) {
        return docket::app::run_replay_doctor(*log, doctor_id, as_of, std::cout, std::cerr);
      }
      if (*verify) return docket::app::run_verify(*log, std::cout, std::cerr);
      return docket::app::run_events_dump(*log, dump_request, std::cout, std::cerr);
    }
  } catch (const std::exception& e) {
    std::cerr << "docket: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
