#pragma once
// The doctor endpoints of API.md ("Doctors"): registration, profile, schedule, blocks, settings,
// and the two reads served from the aggregate itself (GET /v1/doctors/{id} and its audit state).

#include "api/handlers_common.hpp"
#include "api/routes.hpp"

namespace docket::api {

// Adds the routes to `table`. `context` must outlive the table.
void add_doctor_routes(RouteTable& table, const HandlerContext& context);

}  // namespace docket::api
