#pragma once
// What every read-model endpoint shares: read-your-writes (Docket-Min-Position), the serving
// generation of the read models, the mapping of read-side errors to problems, and the read
// side's part of /readyz and /metrics.

#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <utility>

#include "api/handlers_common.hpp"
#include "api/metrics.hpp"
#include "api/routes.hpp"
#include "domain/time.hpp"
#include "projections/errors.hpp"
#include "projections/model_store.hpp"

namespace docket::api {

// The name of the read-your-writes header (API.md, "Conventions").
inline constexpr std::string_view min_position_header = "Docket-Min-Position";

// The position a request's Docket-Min-Position names: nullopt when the header is absent; 422
// invalid_field (field "Docket-Min-Position") when it is not a position token. Pure.
docket::Result<std::optional<eventstore::Position>, Problem> requested_min_position(
    const Call& call);

// Blocks until the read models cover the request's Docket-Min-Position, at most
// `context.min_position_wait`. Nothing when the header is absent or already covered; 422
// invalid_field for a malformed token; 503 not_caught_up when the wait runs out or the projector
// stops; 503 unavailable without a projector. Thread-safe.
std::optional<Problem> await_min_position(const HandlerContext& context, const Call& call);

// The serving generation of the read models, or 503 unavailable when there is none. Hold it for
// the whole query. Thread-safe.
docket::Result<std::shared_ptr<projections::ModelStore>, Problem> serving_models(
    const HandlerContext& context);

// A read-side error as a problem: not_found as `not_found_code` (404), invalid_argument as 422
// range_too_large, anything else as 500 internal (the detail never carries the cause). Pure.
Problem to_problem(const projections::Error& error,
                   domain::errc not_found_code = domain::errc::not_found);

// The local dates [from, to] an availability query covers: `from` defaults to today in the
// doctor's zone (by `now`), `to` to six days after `from`. 404 doctor_not_found for a doctor
// the read models do not know, 422 out_of_range (field "to") when `to` is before `from`, 422
// range_too_large (field "to") over 31 days. Thread-safe.
docket::Result<std::pair<domain::LocalDate, domain::LocalDate>, Problem> availability_range(
    const projections::ReadView& view, std::string_view doctor_id,
    std::optional<domain::LocalDate> from, std::optional<domain::LocalDate> to,
    domain::Instant now);

// Nothing when the read models are caught up within `context.ready_max_lag` and the projector is
// running; else the 503 unavailable problem /readyz answers with. No read side configured counts
// as ready (the command side alone). Thread-safe.
std::optional<Problem> read_side_readiness(const HandlerContext& context);

// Copies the projector's lag and counts into `registry` at scrape time:
// docket_projection_lag_events, docket_projection_events_applied_total,
// docket_projection_running. Thread-safe (one sync at a time).
class ProjectionExporter {
 public:
  ProjectionExporter(const projections::Projector& projector, metrics::Registry& registry);
  void sync();

 private:
  const projections::Projector& projector_;
  metrics::Gauge& lag_;
  metrics::Counter& applied_;
  metrics::Gauge& running_;
  std::mutex mutex_;
};

}  // namespace docket::api
