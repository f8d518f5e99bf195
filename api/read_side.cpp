#include "api/read_side.hpp"

#include "api/error_map.hpp"
#include "projections/projection_store.hpp"
#include "projections/projector.hpp"
#include "projections/queries.hpp"

namespace docket::api {

docket::Result<std::optional<eventstore::Position>, Problem> requested_min_position(
    const Call& call) {
  const std::string name(min_position_header);
  if (!call.http.has_header(name)) return std::optional<eventstore::Position>{};
  auto position = eventstore::Position::from_token(call.http.get_header_value(name));
  if (!position) {
    return fail(make_problem(domain::errc::invalid_field,
                             "Docket-Min-Position must be a position token from Docket-Position.",
                             name));
  }
  return std::optional<eventstore::Position>{std::move(*position)};
}

std::optional<Problem> await_min_position(const HandlerContext& context, const Call& call) {
  auto wanted = requested_min_position(call);
  if (!wanted) return std::move(wanted).error();
  if (!wanted->has_value()) return std::nullopt;
  if (context.projector == nullptr) {
    return make_problem(api_errc::unavailable, "The read models are not running.");
  }
  if (!context.projector->wait_for(**wanted, context.min_position_wait)) {
    return make_problem(api_errc::not_caught_up,
                        "The read models did not reach Docket-Min-Position in time; retry.");
  }
  return std::nullopt;
}

docket::Result<std::shared_ptr<projections::ModelStore>, Problem> serving_models(
    const HandlerContext& context) {
  if (context.projections == nullptr) {
    return fail(make_problem(api_errc::unavailable, "The read models are not running."));
  }
  auto current = context.projections->current();
  if (!current) return fail(make_problem(api_errc::unavailable, "No read models are serving."));
  return current;
}

Problem to_problem(const projections::Error& error, domain::errc not_found_code) {
  switch (error.code) {
    case projections::errc::not_found:
      return make_problem(not_found_code, "No such resource.");
    case projections::errc::invalid_argument:
      return make_problem(domain::errc::range_too_large, "The range is at most 31 days.", "to");
    case projections::errc::io_error:
    case projections::errc::corrupt:
    case projections::errc::log_error:
    case projections::errc::closed:
    case projections::errc::timeout:
      break;
  }
  return make_problem(api_errc::internal, "Internal error.");
}

docket::Result<std::pair<domain::LocalDate, domain::LocalDate>, Problem> availability_range(
    const projections::ReadView& view, std::string_view doctor_id,
    std::optional<domain::LocalDate> from, std::optional<domain::LocalDate> to,
    domain::Instant now) {
  auto doctor = projections::doctor(view, doctor_id);
  if (!doctor) return fail(to_problem(doctor.error(), domain::errc::doctor_not_found));
  if (!from) {
    const date::time_zone* zone = domain::find_zone(doctor->record.profile.timezone);
    if (zone == nullptr) return fail(make_problem(api_errc::internal, "Internal error."));
    from = domain::local_date_of(now, *zone);
  }
  if (!to) to = *from + date::days(6);
  if (*to < *from) {
    return fail(make_problem(domain::errc::out_of_range, "to must not be before from", "to"));
  }
  if ((*to - *from).count() >= projections::kMaxAvailabilityDays) {
    return fail(make_problem(domain::errc::range_too_large,
                             "from and to may span at most 31 days (both included)", "to"));
  }
  return std::pair{*from, *to};
}

std::optional<Problem> read_side_readiness(const HandlerContext& context) {
  if (context.projector == nullptr) return std::nullopt;
  auto lag = context.projector->lag();
  if (!lag) return make_problem(api_errc::unavailable, "The event log is not reachable.");
  if (!lag->running) return make_problem(api_errc::unavailable, "The projector is not running.");
  if (lag->behind > context.ready_max_lag) {
    return make_problem(api_errc::unavailable, "The read models trail the log by " +
                                                   std::to_string(lag->behind) + " events.");
  }
  return std::nullopt;
}

ProjectionExporter::ProjectionExporter(const projections::Projector& projector,
                                       metrics::Registry& registry)
    : projector_(projector),
      lag_(registry.gauge("docket_projection_lag_events",
                          "Events (records per partition with Kafka) the read models trail the "
                          "log's head by")),
      applied_(registry.counter("docket_projection_events_applied_total",
                                "Events the projector applied to the read models")),
      running_(registry.gauge("docket_projection_running", "1 while the projector runs")) {}

void ProjectionExporter::sync() {
  const std::lock_guard lock(mutex_);
  auto lag = projector_.lag();
  if (!lag) {
    running_.set(0);
    return;
  }
  lag_.set(static_cast<double>(lag->behind));
  running_.set(lag->running ? 1 : 0);
  if (lag->events_applied > applied_.value()) applied_.inc(lag->events_applied - applied_.value());
}

}  // namespace docket::api
