#include "app/serve.hpp"

#include <signal.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>

#include "api/command_service.hpp"
#include "api/http_app.hpp"
#include "api/idempotency_store.hpp"
#include "api/scheduler.hpp"
#include "api/server.hpp"
#include "api/side_store.hpp"
#include "app/consumers_runtime.hpp"
#include "app/log_spec.hpp"
#include "app/read_side.hpp"
#include "app/roles.hpp"
#include "app/seed.hpp"
#include "app/token.hpp"

namespace docket::app {

namespace {

std::shared_ptr<spdlog::logger> make_logger() {
  auto logger = spdlog::stderr_logger_mt("docket");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%fZ level=%l %v", spdlog::pattern_time_type::utc);
  spdlog::set_default_logger(logger);
  return logger;
}

void print_demo(std::ostream& out, const ServeOptions& options, int port, const std::string& secret,
                bool generated, const SeedReport& seed) {
  const auto exp = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) +
                   std::chrono::hours(24);
  const auto token = [&](const std::string& sub, api::Role role) {
    auto t = api::mint_token(secret, sub, role, exp);
    return t ? t.value() : std::string("<could not sign>");
  };
  const std::string base = "http://" + options.host + ":" + std::to_string(port);
  const std::string doctor = seed.doctor_ids.empty() ? "dr-ada-berlin" : seed.doctor_ids.front();
  if (generated) {
    out << "\nDemo secret (generated for this run only; set DOCKET_JWT_SECRET to keep one):\n  "
        << secret << "\n";
  }
  out << "\nDemo clinic: " << seed.doctor_ids.size() << " doctors"
      << (seed.seeded ? " seeded now" : " already in the data directory") << ".\n"
      << "Tokens (valid 24 h):\n"
      << "  ADMIN=" << token("admin", api::Role::admin) << "\n"
      << "  DESK=" << token("front-desk", api::Role::receptionist) << "\n"
      << "  DOCTOR=" << token(doctor, api::Role::doctor) << "\n"
      << "  PATIENT=" << token("patient-42", api::Role::patient) << "\n"
      << "\nTry:\n"
      << "  curl -s " << base << "/v1/doctors/" << doctor
      << " -H \"Authorization: Bearer $ADMIN\"\n"
      << "  curl -s -X POST " << base << "/v1/appointments -H \"Authorization: Bearer $PATIENT\" "
      << "-H 'Content-Type: application/json' -d '{\"doctor_id\":\"" << doctor
      << "\",\"start\":\"<a slot start, e.g. from the schedule>\",\"consultation_type\":"
         "\"in_person\"}'\n"
      << "  curl -s " << base << "/openapi.json\n"
      << "  curl -s " << base << "/metrics\n"
      << std::flush;
}

}  // namespace

int run_serve(const ServeOptions& options, std::ostream& out) {
  // Blocked before any thread starts, so every thread inherits the mask and sigwait below is the
  // only place the signals arrive.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto logger = spdlog::get("docket") ? spdlog::get("docket") : make_logger();

  const LogSpecResult log_spec = parse_log_spec(options.log);
  if (!log_spec.error.empty()) {
    logger->error("serve refused: {}", log_spec.error);
    return 2;
  }
  const auto role = parse_serve_role(options.role);
  if (!role) {
    logger->error("serve refused: --role must be all, command or project");
    return 2;
  }
  std::unique_ptr<CommandWriterRole> writer_role;
  if (*role == ServeRole::command) {
    auto made = CommandWriterRole::make(
        log_spec.spec, {options.advertise, options.writer_group,
                        std::chrono::milliseconds(options.group_session_timeout_ms)});
    if (!made) {
      logger->error("serve refused: {}", made.error());
      return 2;
    }
    writer_role = std::move(made).value();
  }
  std::unique_ptr<QueriesOnlyRole> queries_role;
  if (*role == ServeRole::project) queries_role = std::make_unique<QueriesOnlyRole>();
  ConsumersOptions consumer_options = options.consumers;
  // The separate roles leave the consumers to `docket consume` processes.
  if (*role != ServeRole::all) consumer_options.consumers = "none";
  auto consumers_config = resolve_consumers(consumer_options);
  if (!consumers_config.error.empty()) {
    logger->error("serve refused: {}", consumers_config.error);
    return 2;
  }
  auto lookup = resolve_secret(options.secret_file);
  if (!lookup.error.empty()) {
    logger->error("serve refused: {}", lookup.error);
    return 2;
  }
  bool generated = false;
  if (!lookup.secret) {
    if (!options.demo) {
      logger->error("serve refused: no JWT secret; set DOCKET_JWT_SECRET or pass --secret-file");
      return 2;
    }
    lookup.secret = random_secret();
    generated = true;
  }

  auto log = open_event_log(log_spec.spec, options.data);
  if (!log) {
    logger->error("serve failed: cannot open the event log: {}", log.error().message);
    return 1;
  }
  auto side = api::SideStore::open(options.data / "side");
  if (!side) {
    logger->error("serve failed: cannot open the side store: {}", side.error().message);
    return 1;
  }
  api::CommandServiceOptions service_options;
  service_options.workers = options.workers;
  service_options.clock = [] {
    return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  };
  if (writer_role) writer_role->configure(service_options);
  if (queries_role) queries_role->configure(service_options);
  api::CommandService service(*log.value(), side.value().get(), service_options);
  if (auto r = service.recover(); !r) {
    logger->error("serve failed: recovery: {}", r.error().detail);
    return 1;
  }
  api::IdempotencyStore idempotency(*side.value(), *log.value());
  if (auto r = idempotency.recover(); !r) {
    logger->error("serve failed: idempotency recovery: {}", r.error().message);
    return 1;
  }
  api::SchedulerOptions scheduler_options;
  scheduler_options.idempotency = &idempotency;
  if (writer_role) writer_role->configure(scheduler_options);
  if (queries_role) queries_role->configure(scheduler_options);
  api::Scheduler scheduler(service, scheduler_options);
  scheduler.start();

  auto downstream =
      ConsumersRuntime::start(*log.value(), options.data, std::move(consumers_config.config));
  if (!downstream) {
    logger->error("serve failed: consumers: {}", downstream.error());
    scheduler.stop();
    service.close();
    return 1;
  }
  ReadSideOptions read_options;
  read_options.ready_max_lag = options.ready_max_lag;
  read_options.max_streams = options.max_streams;
  // A command writer keeps no read models: queries go to `docket project` processes.
  auto read_side =
      *role == ServeRole::command
          ? docket::Result<std::unique_ptr<ReadSide>, std::string>(std::unique_ptr<ReadSide>())
          : ReadSide::open(*log.value(), options.data / "projections", read_options);
  if (!read_side) {
    logger->error("serve failed: {}", read_side.error());
    downstream.value()->stop();
    scheduler.stop();
    service.close();
    return 1;
  }

  api::metrics::Registry registry;
  api::HandlerContext context;
  context.downstream = downstream.value().get();
  context.service = &service;
  context.log = log.value().get();
  context.idempotency = &idempotency;
  if (writer_role) writer_role->configure(context);
  if (queries_role) queries_role->configure(context);
  api::ServerOptions server_options;
  server_options.host = options.host;
  server_options.port = options.port;
  server_options.threads = options.threads;
  server_options.jwt_secret = *lookup.secret;
  server_options.logger = logger;
  // One line per request at info would dominate the log under load; it stays available at debug.
  server_options.access_log_level = spdlog::level::debug;
  if (*read_side) read_side.value()->attach(context, server_options);
  api::Server server(api::build_routes(context, registry), registry, server_options);
  if (auto started = server.start(); !started) {
    logger->error("serve failed: {}", started.error());
    if (*read_side) read_side.value()->stop();
    downstream.value()->stop();
    scheduler.stop();
    service.close();
    return 1;
  }
  logger->info("serve started host={} port={} data={} threads={}", options.host, server.port(),
               options.data.string(), options.threads);
  if (writer_role) {
    const std::string failed = writer_role->start(options.host, server.port(), *log.value(),
                                                  service, idempotency, scheduler);
    if (!failed.empty()) {
      logger->error("serve failed: writer group: {}", failed);
      server.stop(std::chrono::seconds(1));
      scheduler.stop();
      service.close();
      return 1;
    }
  }
  out << "docket listening on http://" << options.host << ":" << server.port() << std::endl;

  if (options.demo) {
    const SeedReport seed = seed_demo_clinic(service);
    if (!seed.error.empty()) logger->warn("demo seeding stopped: {}", seed.error);
    logger->info("demo clinic seeded={} doctors={} bookings={}", seed.seeded,
                 seed.doctor_ids.size(), seed.appointment_ids.size());
    print_demo(out, options, server.port(), *lookup.secret, generated, seed);
  }

  int signal = 0;
  sigwait(&stop_signals, &signal);
  logger->info("serve stopping signal={}", signal);
  const bool drained = server.stop(std::chrono::seconds(10));
  // Hands the partitions over (the other writers take them at once) before the service stops.
  if (writer_role) writer_role->stop();
  if (*read_side) read_side.value()->stop();
  scheduler.stop();
  downstream.value()->stop();
  service.close();
  service.flush_snapshots();
  int status = 0;
  if (auto r = service.checkpoint(); !r) {
    logger->warn("serve: final checkpoint failed: {}", r.error().detail);
  }
  if (auto r = idempotency.checkpoint(); !r) {
    logger->warn("serve: idempotency checkpoint failed: {}", r.error().message);
  }
  if (auto r = side.value()->sync(); !r) {
    logger->error("serve: side store sync failed: {}", r.error().message);
    status = 1;
  }
  log.value()->close();
  logger->info("serve stopped drained={}", drained);
  return status;
}

}  // namespace docket::app
