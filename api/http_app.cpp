#include "api/http_app.hpp"

#include <memory>
#include <mutex>
#include <string>

#include "api/availability_stream.hpp"
#include "api/error_map.hpp"
#include "api/handlers_appointments.hpp"
#include "api/handlers_doctors.hpp"
#include "api/handlers_downstream.hpp"
#include "api/handlers_queries.hpp"
#include "api/handlers_queue.hpp"
#include "api/openapi.hpp"
#include "api/projection_rebuilder.hpp"
#include "api/read_side.hpp"

namespace docket::api {

namespace {

// Mirrors the command service's atomics into Prometheus series at scrape time.
class CommandExporter {
 public:
  CommandExporter(const CommandService& service, metrics::Registry& registry)
      : service_(service), registry_(registry) {
    for (std::size_t k = 0; k < kCommandKinds; ++k) {
      for (std::size_t o = 0; o < kCommandOutcomes; ++o) {
        commands_[k][o] = &registry.counter(
            "docket_commands_total", "Commands decided, by kind and outcome",
            {{"command", std::string(command_kind_name(k))},
             {"outcome", std::string(to_string(static_cast<command_outcome>(o)))}});
      }
    }
    for (std::size_t b = 0; b < CommandMetrics::kBatchBuckets; ++b) {
      const std::string low = std::to_string(std::uint64_t{1} << b);
      batch_[b] = &registry.counter(
          "docket_append_in_flight_total",
          "Appends issued, by how many appends of this process were in flight (power-of-two "
          "buckets: the batch a group commit can form)",
          {{"at_least", low}});
    }
    appends_ = &registry.counter("docket_appends_total", "Appends issued to the event log");
    events_ = &registry.counter("docket_appended_events_total", "Events made durable");
    failures_ = &registry.counter("docket_append_failures_total", "Appends that failed");
    conflicts_ = &registry.counter("docket_write_conflicts_total", "Version conflicts met");
    rehydrations_ = &registry.counter("docket_rehydrations_total", "Aggregates loaded");
    snapshots_ = &registry.counter("docket_snapshots_written_total", "Snapshots written");
    deadlines_ = &registry.counter("docket_deadlines_fired_total", "ExpireDue commands issued");
    cached_ = &registry.gauge("docket_cached_doctors", "Doctor aggregates in the cache");
  }

  void sync() {
    const std::lock_guard lock(mutex_);
    const auto& m = service_.metrics();
    for (std::size_t k = 0; k < kCommandKinds; ++k) {
      for (std::size_t o = 0; o < kCommandOutcomes; ++o)
        catch_up(*commands_[k][o], m.commands[k][o]);
    }
    for (std::size_t b = 0; b < CommandMetrics::kBatchBuckets; ++b) {
      catch_up(*batch_[b], m.append_batch[b]);
    }
    catch_up(*appends_, m.appends);
    catch_up(*events_, m.appended_events);
    catch_up(*failures_, m.append_failures);
    catch_up(*conflicts_, m.conflicts);
    catch_up(*rehydrations_, m.rehydrations);
    catch_up(*snapshots_, m.snapshots_written);
    catch_up(*deadlines_, m.deadlines_fired);
    cached_->set(static_cast<double>(m.cached_doctors.load(std::memory_order_relaxed)));
  }

  std::string render() {
    sync();
    return registry_.render();
  }

 private:
  static void catch_up(metrics::Counter& counter, const std::atomic<std::uint64_t>& source) {
    const std::uint64_t now = source.load(std::memory_order_relaxed);
    if (now > counter.value()) counter.inc(now - counter.value());
  }

  const CommandService& service_;
  metrics::Registry& registry_;
  std::mutex mutex_;  // one scrape at a time, so catch_up never adds a difference twice
  std::array<std::array<metrics::Counter*, kCommandOutcomes>, kCommandKinds> commands_{};
  std::array<metrics::Counter*, CommandMetrics::kBatchBuckets> batch_{};
  metrics::Counter* appends_ = nullptr;
  metrics::Counter* events_ = nullptr;
  metrics::Counter* failures_ = nullptr;
  metrics::Counter* conflicts_ = nullptr;
  metrics::Counter* rehydrations_ = nullptr;
  metrics::Counter* snapshots_ = nullptr;
  metrics::Counter* deadlines_ = nullptr;
  metrics::Gauge* cached_ = nullptr;
};

// Mirrors the progress of the consumers running in this process into Prometheus series at scrape
// time. A lag that cannot be read right now keeps its last value; `failed` says whether it moves.
class DownstreamExporter {
 public:
  DownstreamExporter(DownstreamQueries& downstream, metrics::Registry& registry)
      : downstream_(downstream), registry_(registry) {}

  void sync() {
    const std::lock_guard lock(mutex_);
    for (const ConsumerProgress& p : downstream_.progress()) {
      const metrics::Labels labels{{"consumer", p.name}};
      if (p.lag) {
        registry_
            .gauge("docket_consumer_lag_events",
                   "Events (records per partition with Kafka) a consumer trails the log's head by",
                   labels)
            .set(static_cast<double>(*p.lag));
      }
      registry_.gauge("docket_consumer_failed", "1 when an error stopped the consumer", labels)
          .set(p.failed ? 1 : 0);
    }
  }

 private:
  DownstreamQueries& downstream_;
  metrics::Registry& registry_;
  std::mutex mutex_;
};

}  // namespace

RouteTable build_routes(const HandlerContext& context, metrics::Registry& registry) {
  RouteTable table;
  add_doctor_routes(table, context);
  add_appointment_routes(table, context);
  add_queue_routes(table, context);
  add_downstream_routes(table, context);
  add_query_routes(table, context);
  add_report_routes(table, context);
  add_stream_routes(table, context);
  add_admin_routes(table, context);

  table.add({Method::get, "/healthz", Auth::none, {}, BodyRule::none, [](const Call&) {
               return Reply::ok({{"status", "ok"}});
             }});
  const HandlerContext* ctx = &context;
  table.add({Method::get, "/readyz", Auth::none, {}, BodyRule::none, [ctx](const Call&) {
               if (auto head = ctx->log->head(); !head) {
                 return Reply::problem(
                     make_problem(api_errc::unavailable, "The event log is not reachable."));
               }
               if (auto lagging = read_side_readiness(*ctx)) return Reply::problem(*lagging);
               return Reply::ok({{"status", "ready"}});
             }});
  auto exporter = std::make_shared<CommandExporter>(*context.service, registry);
  std::shared_ptr<ProjectionExporter> projection_exporter;
  if (context.projector != nullptr) {
    projection_exporter = std::make_shared<ProjectionExporter>(*context.projector, registry);
  }
  std::shared_ptr<DownstreamExporter> downstream_exporter;
  if (context.downstream != nullptr) {
    downstream_exporter = std::make_shared<DownstreamExporter>(*context.downstream, registry);
  }
  table.add({Method::get,
             "/metrics",
             Auth::none,
             {},
             BodyRule::none,
             [exporter, projection_exporter, downstream_exporter](const Call&) {
               if (projection_exporter) projection_exporter->sync();
               if (downstream_exporter) downstream_exporter->sync();
               return Reply::text(std::string(metrics::content_type), exporter->render());
             }});
  // The document describes the finished table, including this route: it is filled in once the
  // table is complete and only read afterwards.
  auto document = std::make_shared<std::string>();
  table.add({Method::get, "/openapi.json", Auth::none, {}, BodyRule::none, [document](const Call&) {
               return Reply::text("application/json", *document);
             }});
  *document = openapi_document(table).dump();
  return table;
}

}  // namespace docket::api
