#include "app/consume_commands.hpp"

#include <signal.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <system_error>
#include <tuple>

#include "app/consumers_runtime.hpp"
#include "app/log_spec.hpp"
#include "consumers/analytics.hpp"
#include "eventstore/embedded_log.hpp"

namespace docket::app {
namespace {

constexpr auto kCatchUpTimeout = std::chrono::minutes(10);
constexpr auto kProgressEvery = std::chrono::minutes(1);

// Follows the log until SIGTERM or SIGINT (blocked in `stop_signals`) and returns the exit status.
// A consumer that an error stopped ends the process at once with status 1, so that a supervisor
// restarts it instead of leaving a process up that consumes nothing; its lag is logged once a
// minute.
int follow_until_stopped(ConsumersRuntime& runtime, const sigset_t& stop_signals,
                         std::ostream& err) {
  auto next_progress = std::chrono::steady_clock::now() + kProgressEvery;
  for (;;) {
    const timespec tick{1, 0};
    const bool stopped = ::sigtimedwait(&stop_signals, nullptr, &tick) >= 0;
    if (auto why = runtime.failure()) {
      err << "docket: " << *why << "\n";
      return 1;
    }
    if (stopped) return 0;
    if (std::chrono::steady_clock::now() >= next_progress) {
      next_progress += kProgressEvery;
      for (const api::ConsumerProgress& p : runtime.progress()) {
        spdlog::get("docket")->info("consumer progress name={} lag={}", p.name,
                                    p.lag ? std::to_string(*p.lag) : std::string("unknown"));
      }
    }
  }
}

// The tools' logs go to stderr in serve's format, so that stdout carries only results (an
// export's CSV stays clean).
void log_to_stderr() {
  if (spdlog::get("docket")) return;
  auto logger = spdlog::stderr_logger_mt("docket");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%fZ level=%l %v", spdlog::pattern_time_type::utc);
}

}  // namespace

std::unique_ptr<eventstore::EventLog> open_tool_log(const std::string& log_spec,
                                                    const std::filesystem::path& data_dir,
                                                    std::ostream& err) {
  const LogSpecResult spec = parse_log_spec(log_spec);
  if (!spec.error.empty()) {
    err << "docket: " << spec.error << "\n";
    return nullptr;
  }
  if (!spec.spec.kafka) {
    const auto dir = data_dir / "log";
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
      err << "docket: no event log in " << dir.string() << "\n";
      return nullptr;
    }
  }
  auto log = open_event_log(spec.spec, data_dir);
  if (!log) {
    err << "docket: cannot open the event log (" << log.error().message << ")";
    if (!spec.spec.kafka) {
      err << "; the embedded log admits one process at a time: stop the server using "
          << data_dir.string() << " first";
    }
    err << "\n";
    return nullptr;
  }
  return std::move(log).value();
}

int run_consume(const ConsumeOptions& options, std::ostream& out, std::ostream& err) {
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  if (!options.once) pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  log_to_stderr();

  if (options.consumer != "notifications" && options.consumer != "analytics") {
    err << "docket: consume takes notifications or analytics\n";
    return 2;
  }
  ConsumersOptions settings = options.settings;
  settings.consumers = options.consumer;
  auto resolved = resolve_consumers(settings);
  if (!resolved.error.empty()) {
    err << "docket: " << resolved.error << "\n";
    return 2;
  }
  auto log = open_tool_log(options.log, options.data, err);
  if (!log) return 1;
  resolved.config.workers = !options.once;
  auto runtime = ConsumersRuntime::start(*log, options.data, std::move(resolved.config));
  if (!runtime) {
    err << "docket: cannot start the consumer: " << runtime.error() << "\n";
    return 1;
  }
  int status = 0;
  if (options.once) {
    if (!(*runtime)->catch_up(kCatchUpTimeout)) {
      const auto why = (*runtime)->failure();
      err << "docket: " << options.consumer << " did not catch up"
          << (why ? ": " + *why : std::string()) << "\n";
      status = 1;
    } else {
      const std::size_t delivered = (*runtime)->deliver_due_now();
      out << options.consumer << " caught up";
      if (options.consumer == "notifications") out << "; " << delivered << " delivered";
      out << "\n";
    }
  } else {
    out << options.consumer << " consuming; SIGTERM or SIGINT stops" << std::endl;
    status = follow_until_stopped(**runtime, stop_signals, err);
  }
  (*runtime)->stop();
  runtime.value().reset();
  log->close();
  return status;
}

int run_analytics_export(const AnalyticsExportOptions& options, std::ostream& out,
                         std::ostream& err) {
  if (options.format != "csv" && options.format != "jsonl") {
    err << "docket: --format must be csv or jsonl\n";
    return 2;
  }
  if (options.group_by != "doctor" && options.group_by != "specialty") {
    err << "docket: --group-by must be doctor or specialty\n";
    return 2;
  }
  domain::LocalDate from{date::year(1970) / 1 / 1};
  domain::LocalDate to{date::year(9999) / 12 / 31};
  for (auto [text, into, name] :
       {std::tuple{&options.from, &from, "--from"}, std::tuple{&options.to, &to, "--to"}}) {
    if (!text->has_value()) continue;
    const auto parsed = domain::parse_local_date(**text);
    if (!parsed) {
      err << "docket: " << name << " is not a date (YYYY-MM-DD)\n";
      return 2;
    }
    *into = *parsed;
  }
  if (to < from) {
    err << "docket: --to is before --from\n";
    return 2;
  }
  log_to_stderr();
  auto log = open_tool_log(options.log, options.data, err);
  if (!log) return 1;
  ConsumersConfig config;
  config.notifications = false;
  config.workers = false;
  auto runtime = ConsumersRuntime::start(*log, options.data, std::move(config));
  if (!runtime) {
    err << "docket: cannot open the analytics store: " << runtime.error() << "\n";
    return 1;
  }
  if (!(*runtime)->catch_up(kCatchUpTimeout)) {
    const auto why = (*runtime)->failure();
    err << "docket: analytics did not catch up" << (why ? ": " + *why : std::string()) << "\n";
    return 1;
  }
  (*runtime)->stop();
  auto rows = (*runtime)->analytics_rows(
      from, to,
      options.group_by == "doctor" ? consumers::GroupBy::doctor : consumers::GroupBy::specialty);
  if (!rows) {
    err << "docket: " << rows.error().detail << "\n";
    return 1;
  }
  if (options.format == "csv") {
    consumers::write_facts_csv(*rows, out);
  } else {
    consumers::write_facts_jsonl(*rows, out);
  }
  return 0;
}

}  // namespace docket::app
