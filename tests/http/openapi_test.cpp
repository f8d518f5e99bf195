// The OpenAPI document and the router name the same routes.

#include "api/openapi.hpp"

#include <gtest/gtest.h>

#include <set>

#include "tests/http/http_fixture.hpp"

namespace docket::http_test {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

TEST(OpenApi, DocumentAndRouterListTheSameRoutes) {
  TempDir dir;
  Service s(dir.path());
  const auto r = s.send("GET", "/openapi.json", "");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body["openapi"], "3.1.0");

  api::metrics::Registry registry;
  api::HandlerContext context;
  context.service = &s.service();
  const auto table = api::build_routes(context, registry);
  std::set<std::string> router, document, described;
  for (const auto& route : table.routes()) {
    router.insert(lower(api::to_string(route.method)) + " " + route.pattern);
  }
  for (const auto& [path, item] : r.body["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      document.insert(method + " " + path);
      EXPECT_TRUE(op.contains("responses")) << method << " " << path;
    }
  }
  for (const auto& [method, pattern] : api::described_routes()) {
    described.insert(lower(api::to_string(method)) + " " + pattern);
  }
  EXPECT_EQ(router, document);
  EXPECT_EQ(router, described) << "every route has its request and response described";
  EXPECT_TRUE(router.count("post /v1/appointments/{id}/no-show"));
  EXPECT_TRUE(router.count("get /openapi.json"));
}

TEST(OpenApi, CommandBodiesAreClosedObjects) {
  api::RouteTable table;
  const auto doc = api::openapi_document(table);
  const auto& book = doc["paths"]["/v1/appointments"]["post"];
  const auto& schema = book["requestBody"]["content"]["application/json"]["schema"];
  EXPECT_EQ(schema["additionalProperties"], false);
  EXPECT_EQ(schema["required"], nlohmann::json({"doctor_id", "start", "consultation_type"}));
  EXPECT_TRUE(book["responses"].contains("201"));
}

}  // namespace
}  // namespace docket::http_test
