#pragma once
// Online blue/green rebuilds of the read models inside `docket serve`, and the admin endpoints
// that drive them:
//   POST /v1/admin/projections/rebuild {"projections"?: ["availability", ...]} (admin)
//        -> 202 {"status": "started", "projections": [...]}; 409 rebuild_running while one runs;
//        422 invalid_field for an unknown name (default: every model).
//   GET  /v1/admin/projections (admin) -> where the read models are, their lag, and the last
//        rebuild's progress or outcome.
// The serving generation keeps answering queries throughout; the new one is switched in
// atomically once it has caught up (projections/rebuild.hpp, rebuild_online).

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "api/handlers_common.hpp"
#include "api/routes.hpp"
#include "projections/projection_store.hpp"
#include "projections/projector.hpp"
#include "projections/rebuild.hpp"

namespace docket::api {

struct RebuildStatus {
  bool running = false;
  bool ever_started = false;
  std::vector<std::string> models;        // what the current or last rebuild covers
  projections::RebuildProgress progress;  // its latest progress
  std::optional<std::string> error;       // how the last rebuild failed (for operators)
  std::string started_at;                 // RFC 3339 (system clock)
  std::string finished_at;                // empty while running
};

class ProjectionRebuilder {
 public:
  // Everything must outlive the rebuilder.
  ProjectionRebuilder(eventstore::EventLog& log, projections::ProjectionStore& store,
                      projections::Projector& projector);
  ~ProjectionRebuilder();  // wait()
  ProjectionRebuilder(const ProjectionRebuilder&) = delete;
  ProjectionRebuilder& operator=(const ProjectionRebuilder&) = delete;

  // Starts rebuild_online of `models` on a thread of its own. False (nothing started) while a
  // rebuild is running. Thread-safe.
  bool start(projections::ModelSet models);
  // The current or last rebuild. Thread-safe.
  RebuildStatus status() const;
  // Blocks until no rebuild runs. Thread-safe.
  void wait();

 private:
  eventstore::EventLog& log_;
  projections::ProjectionStore& store_;
  projections::Projector& projector_;
  mutable std::mutex mu_;
  RebuildStatus status_;
  std::thread thread_;
};

// Adds the two admin routes above. Without context.rebuilder they answer 503 unavailable.
void add_admin_routes(RouteTable& table, const HandlerContext& context);

}  // namespace docket::api
