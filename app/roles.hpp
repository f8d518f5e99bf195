#pragma once
// The roles `docket serve --role ...` runs. `all` (the default) is everything in one process on
// either log. On the Kafka log the roles also run as separate processes:
//   command  the command API only, as one writer among several (app/writer_group.hpp): it decides
//            for the partitions the writer group assigns it and forwards the other commands.
//   project  the projectors and the query API only (`docket project` is the same): commands and
//            the command side's own reads answer 503 `unavailable` and belong to the writers.
// Parsing is pure; CommandWriterRole wires the writer group into serve's objects.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "api/command_service.hpp"
#include "api/forwarding.hpp"
#include "api/handlers_common.hpp"
#include "api/scheduler.hpp"
#include "app/log_spec.hpp"
#include "app/writer_group.hpp"

namespace docket::app {

enum class ServeRole { all, command, project };

// "all", "command" or "project"; nullopt for anything else.
std::optional<ServeRole> parse_serve_role(std::string_view text);

struct WriterRoleOptions {
  std::string advertise;  // "http://host:port"; empty: http://<listen host>:<bound port>
  std::string group = "docket.writers";
  std::chrono::milliseconds session_timeout{10'000};
};

// A command writer in a writer group. Order of use: make(), configure() the service options,
// scheduler options and handler context before they are used, start() once the HTTP port is
// bound, stop() after the HTTP server stopped and before the scheduler and service stop.
class CommandWriterRole {
 public:
  // An error text when `log` is not a Kafka log (the role needs one).
  static docket::Result<std::unique_ptr<CommandWriterRole>, std::string> make(
      const LogSpec& log, WriterRoleOptions options);

  // Only owned, caught-up doctors are decided; no pipelining per doctor (a foreign commit may
  // land between two of a doctor's appends while ownership moves: CommandService's header).
  void configure(api::CommandServiceOptions& service);
  void configure(api::SchedulerOptions& scheduler);
  void configure(api::HandlerContext& context);

  // Joins the writer group. An error text when it cannot.
  std::string start(const std::string& host, int port, eventstore::EventLog& log,
                    api::CommandService& service, api::IdempotencyStore& idempotency,
                    api::Scheduler& scheduler);
  void stop();

 private:
  CommandWriterRole(WriterGroupOptions group, WriterRoleOptions options);

  WriterRoleOptions options_;
  std::unique_ptr<WriterGroup> group_;
  std::unique_ptr<api::CommandForwarder> forwarder_;
};

// The query-only process: nothing is decided here (the command service accepts no doctor, the
// scheduler fires for none) and every command is answered at once by `router()`.
class QueriesOnlyRole final : public api::CommandRouter {
 public:
  void configure(api::CommandServiceOptions& service);
  void configure(api::SchedulerOptions& scheduler);
  void configure(api::HandlerContext& context);
  // 503 unavailable: this process serves queries; commands go to a command writer.
  std::optional<api::Reply> route(const std::string& doctor_id, const api::Call& call) override;
};

}  // namespace docket::app
