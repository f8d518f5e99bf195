#pragma once
// The OpenAPI 3.1 document served at /openapi.json, generated from the route table (so it can
// never name a route the server lacks) plus a description of each route's request and response
// bodies kept here. A route the table has but the descriptions lack still appears (with a
// generic body); a description of a route the table lacks appears too, so a test comparing the
// document with the table catches drift both ways.

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "api/routes.hpp"

namespace docket::api {

// The document for `table`. Pure; thread-safe.
nlohmann::json openapi_document(const RouteTable& table);

// (method, pattern) of every route the descriptions cover, in the order listed. Pure.
std::vector<std::pair<Method, std::string>> described_routes();

}  // namespace docket::api
