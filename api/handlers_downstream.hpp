#pragma once
// The downstream endpoints, answered from the consumers' stores through DownstreamQueries
// (api/downstream.hpp):
//   GET  /v1/notifications?patient_id=&page=&per_page=     patient (its own), receptionist, admin
//   GET  /v1/notifications/dead-letters?page=&per_page=    admin
//   POST /v1/notifications/dead-letters/{seq}/retry        admin
//   GET  /v1/analytics/daily?from=&to=&group_by=           admin
//
// The routes are always registered, so the router and the OpenAPI document agree in every
// deployment; when HandlerContext::downstream is null, or the consumer a route needs does not run
// in this process, they answer 503 unavailable.

#include "api/handlers_common.hpp"
#include "api/routes.hpp"

namespace docket::api {

// The longest range /v1/analytics/daily answers, in days (422 range_too_large beyond).
inline constexpr int max_analytics_days = 366;

// Adds the routes to `table`. `context` must outlive the table.
void add_downstream_routes(RouteTable& table, const HandlerContext& context);

}  // namespace docket::api
