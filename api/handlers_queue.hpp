#pragma once
// The walk-in, queue and waitlist command endpoints of API.md ("Walk-ins and queue",
// "Waitlist").

#include "api/handlers_common.hpp"
#include "api/routes.hpp"

namespace docket::api {

// Adds the routes to `table`. `context` must outlive the table.
void add_queue_routes(RouteTable& table, const HandlerContext& context);

}  // namespace docket::api
