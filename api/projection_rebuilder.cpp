#include "api/projection_rebuilder.hpp"

#include "api/error_map.hpp"
#include "api/fields.hpp"
#include "domain/time.hpp"

namespace docket::api {

namespace {

std::string now_rfc3339() {
  return domain::format_rfc3339(
      std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
}

}  // namespace

ProjectionRebuilder::ProjectionRebuilder(eventstore::EventLog& log,
                                         projections::ProjectionStore& store,
                                         projections::Projector& projector)
    : log_(log), store_(store), projector_(projector) {}

ProjectionRebuilder::~ProjectionRebuilder() {
  wait();
}

bool ProjectionRebuilder::start(projections::ModelSet models) {
  const std::lock_guard lock(mu_);
  if (status_.running) return false;
  if (thread_.joinable()) thread_.join();  // the last one has finished
  status_ = RebuildStatus{};
  status_.running = true;
  status_.ever_started = true;
  for (const projections::Model m : models.list())
    status_.models.emplace_back(projections::to_string(m));
  status_.started_at = now_rfc3339();
  thread_ = std::thread([this, models] {
    projections::RebuildOptions options;
    options.models = models;
    options.progress = [this](const projections::RebuildProgress& p) {
      const std::lock_guard progress_lock(mu_);
      status_.progress = p;
    };
    const projections::Status done = projections::rebuild_online(log_, store_, projector_, options);
    const std::lock_guard done_lock(mu_);
    status_.running = false;
    status_.finished_at = now_rfc3339();
    if (!done.ok()) status_.error = std::string(projections::to_string(done.error().code));
  });
  return true;
}

RebuildStatus ProjectionRebuilder::status() const {
  const std::lock_guard lock(mu_);
  return status_;
}

void ProjectionRebuilder::wait() {
  std::thread finishing;
  {
    const std::lock_guard lock(mu_);
    finishing = std::move(thread_);
  }
  if (finishing.joinable()) finishing.join();
}

namespace {

using nlohmann::json;

const std::vector<Role> admin_only{Role::admin};

Reply start_rebuild(const HandlerContext& ctx, const Call& call) {
  FieldReader in(call.body);
  const auto names = in.string_list("projections", Presence::optional);
  if (auto done = in.finish(); !done) return Reply::problem(done.error());
  projections::ModelSet models = names ? projections::ModelSet() : projections::ModelSet::all();
  if (names) {
    for (const std::string& name : *names) {
      const auto model = projections::parse_model(name);
      if (!model) {
        return Reply::problem(make_problem(domain::errc::invalid_field,
                                           "projections names doctors, availability, "
                                           "appointments, queues, stats or history",
                                           "projections"));
      }
      models = models.with(*model);
    }
    if (models.empty()) {
      return Reply::problem(make_problem(domain::errc::invalid_field,
                                         "projections names at least one model", "projections"));
    }
  }
  if (ctx.rebuilder == nullptr) {
    return Reply::problem(make_problem(api_errc::unavailable, "Rebuilds are not enabled here."));
  }
  if (!ctx.rebuilder->start(models)) {
    return Reply::problem(make_problem(api_errc::rebuild_running, "A rebuild is already running."));
  }
  json list = json::array();
  for (const projections::Model m : models.list())
    list.push_back(projections::to_string(m));
  return Reply::json(202, {{"status", "started"}, {"projections", std::move(list)}});
}

Reply projection_status(const HandlerContext& ctx, const Call&) {
  if (ctx.rebuilder == nullptr || ctx.projector == nullptr) {
    return Reply::problem(make_problem(api_errc::unavailable, "The read models are not running."));
  }
  json out = json::object();
  if (auto lag = ctx.projector->lag(); lag) {
    out["position"] = lag->position;
    out["head"] = lag->head;
    out["behind"] = lag->behind;
    out["events_applied"] = lag->events_applied;
    out["running"] = lag->running;
  }
  const RebuildStatus s = ctx.rebuilder->status();
  json rebuild = nullptr;
  if (s.ever_started) {
    rebuild = {{"running", s.running},
               {"projections", s.models},
               {"events_applied", s.progress.events_applied},
               {"position", s.progress.position},
               {"events_per_second", s.progress.events_per_second},
               {"started_at", s.started_at},
               {"finished_at", s.finished_at.empty() ? json(nullptr) : json(s.finished_at)},
               {"error", s.error ? json(*s.error) : json(nullptr)}};
  }
  out["rebuild"] = std::move(rebuild);
  return Reply::ok(out);
}

}  // namespace

void add_admin_routes(RouteTable& table, const HandlerContext& context) {
  const HandlerContext* ctx = &context;
  table.add({Method::post, "/v1/admin/projections/rebuild", Auth::token, admin_only,
             BodyRule::empty_or_object,
             [ctx](const Call& call) { return start_rebuild(*ctx, call); }});
  table.add({Method::get, "/v1/admin/projections", Auth::token, admin_only, BodyRule::none,
             [ctx](const Call& call) { return projection_status(*ctx, call); }});
}

}  // namespace docket::api
