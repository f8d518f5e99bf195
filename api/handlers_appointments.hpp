#pragma once
// The hold and appointment command endpoints of API.md ("Holds", "Appointments").

#include "api/handlers_common.hpp"
#include "api/routes.hpp"

namespace docket::api {

// Adds the routes to `table`. `context` must outlive the table.
void add_appointment_routes(RouteTable& table, const HandlerContext& context);

}  // namespace docket::api
