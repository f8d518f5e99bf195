#include "app/roles.hpp"

#include "api/error_map.hpp"

namespace docket::app {

std::optional<ServeRole> parse_serve_role(std::string_view text) {
  if (text == "all") return ServeRole::all;
  if (text == "command") return ServeRole::command;
  if (text == "project") return ServeRole::project;
  return std::nullopt;
}

docket::Result<std::unique_ptr<CommandWriterRole>, std::string> CommandWriterRole::make(
    const LogSpec& log, WriterRoleOptions options) {
  if (!log.kafka) {
    return docket::fail(std::string(
        "--role command needs --log kafka://...: writers share partitions of a Kafka log"));
  }
  WriterGroupOptions group;
  group.log = log.kafka_config;
  group.group = options.group;
  group.session_timeout = options.session_timeout;
  return std::unique_ptr<CommandWriterRole>(new CommandWriterRole(group, std::move(options)));
}

CommandWriterRole::CommandWriterRole(WriterGroupOptions group, WriterRoleOptions options)
    : options_(std::move(options)), group_(std::make_unique<WriterGroup>(std::move(group))) {
  forwarder_ = std::make_unique<api::CommandForwarder>(*group_, api::ForwardingOptions{});
}

void CommandWriterRole::configure(api::CommandServiceOptions& service) {
  WriterGroup* group = group_.get();
  service.accepts = [group](const std::string& doctor_id) { return group->owns(doctor_id); };
  service.max_in_flight_per_doctor = 1;
}

void CommandWriterRole::configure(api::SchedulerOptions& scheduler) {
  WriterGroup* group = group_.get();
  scheduler.owns = [group](const std::string& doctor_id) { return group->owns(doctor_id); };
}

void CommandWriterRole::configure(api::HandlerContext& context) {
  context.router = forwarder_.get();
}

std::string CommandWriterRole::start(const std::string& host, int port, eventstore::EventLog& log,
                                     api::CommandService& service,
                                     api::IdempotencyStore& idempotency,
                                     api::Scheduler& scheduler) {
  std::string address = options_.advertise;
  if (address.empty()) address = "http://" + host + ":" + std::to_string(port);
  forwarder_->advertise(address);
  return group_->start(log, service, idempotency, &scheduler, address);
}

void CommandWriterRole::stop() {
  group_->stop();
}

void QueriesOnlyRole::configure(api::CommandServiceOptions& service) {
  service.accepts = [](const std::string&) { return false; };
}

void QueriesOnlyRole::configure(api::SchedulerOptions& scheduler) {
  scheduler.owns = [](const std::string&) { return false; };
}

void QueriesOnlyRole::configure(api::HandlerContext& context) {
  context.router = this;
}

std::optional<api::Reply> QueriesOnlyRole::route(const std::string& /*doctor_id*/,
                                                 const api::Call& /*call*/) {
  api::Reply r = api::Reply::problem(api::make_problem(
      api::api_errc::unavailable, "This process serves queries only; send commands to a writer."));
  r.headers.emplace_back("Retry-After", "1");
  return r;
}

}  // namespace docket::app
