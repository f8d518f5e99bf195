#pragma once
// The whole HTTP application: every command endpoint, the two aggregate reads, and the operations
// endpoints (/healthz, /readyz, /metrics with the write side's counters, /openapi.json generated
// from the same table), as one route table for api::Server.

#include "api/handlers_common.hpp"
#include "api/metrics.hpp"
#include "api/routes.hpp"

namespace docket::api {

// The route table. `context` (and everything it points to) and `registry` must outlive the table
// and any server serving it. The /metrics route copies CommandService::metrics() into `registry`
// at each scrape (docket_commands_total, docket_appends_total, docket_append_batch, ...), then
// renders it; api::Server adds the request counts and latencies itself.
RouteTable build_routes(const HandlerContext& context, metrics::Registry& registry);

}  // namespace docket::api
