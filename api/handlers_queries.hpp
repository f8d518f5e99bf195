#pragma once
// The query endpoints of API.md, answered from the read models (projections/queries.hpp) after
// authorization, each honouring Docket-Min-Position (api/read_side.hpp):
//   handlers_queries.cpp  GET /v1/doctors, /v1/doctors/{id}/availability, /v1/appointments,
//                         /v1/appointments/{id}, /v1/appointments/{id}/history
//   handlers_reports.cpp  GET /v1/doctors/{id}/queue, /v1/waitlist/{id},
//                         /v1/doctors/{id}/waitlist, /v1/doctors/{id}/stats, /v1/stats,
//                         /v1/events (the log itself)
//   availability_stream   GET /v1/doctors/{id}/availability/stream (Server-Sent Events)

#include "api/handlers_common.hpp"
#include "api/routes.hpp"

namespace docket::api {

// Adds the routes of handlers_queries.cpp. `context` must outlive the table.
void add_query_routes(RouteTable& table, const HandlerContext& context);
// Adds the routes of handlers_reports.cpp. `context` must outlive the table.
void add_report_routes(RouteTable& table, const HandlerContext& context);

// Whether `who` is a receptionist or an admin. Pure.
bool is_staff(const Principal& who) noexcept;

}  // namespace docket::api
