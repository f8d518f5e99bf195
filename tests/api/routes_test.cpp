#include "api/routes.hpp"

#include <gtest/gtest.h>

namespace docket::api {
namespace {

Handler named(std::string name) {
  return [name](const Call&) { return Reply::ok({{"handler", name}}); };
}

RouteTable sample() {
  RouteTable t;
  t.add({Method::get, "/v1/doctors", Auth::token, {}, BodyRule::none, named("list")});
  t.add({Method::post,
         "/v1/doctors",
         Auth::token,
         {Role::admin},
         BodyRule::json_object,
         named("create")});
  t.add({Method::get, "/v1/doctors/{id}", Auth::token, {}, BodyRule::none, named("get")});
  t.add(
      {Method::patch, "/v1/doctors/{id}", Auth::token, {}, BodyRule::json_object, named("patch")});
  t.add({Method::del,
         "/v1/doctors/{id}/blocks/{block_id}",
         Auth::token,
         {},
         BodyRule::none,
         named("unblock")});
  t.add({Method::post,
         "/v1/doctors/{id}/queue/{action}",
         Auth::token,
         {},
         BodyRule::empty_or_object,
         named("queue-any")});
  t.add({Method::post,
         "/v1/doctors/{id}/queue/call-next",
         Auth::token,
         {},
         BodyRule::empty_or_object,
         named("call-next")});
  t.add({Method::get, "/healthz", Auth::none, {}, BodyRule::none, named("health")});
  return t;
}

TEST(RouteTable, MatchesLiteralAndParameterSegments) {
  const RouteTable t = sample();
  const auto list = t.find(Method::get, "/v1/doctors");
  ASSERT_NE(list.route, nullptr);
  EXPECT_EQ(list.route->pattern, "/v1/doctors");

  const auto one = t.find(Method::get, "/v1/doctors/dr-ada");
  ASSERT_NE(one.route, nullptr);
  EXPECT_EQ(one.route->pattern, "/v1/doctors/{id}");
  EXPECT_EQ(one.path.get("id"), "dr-ada");

  const auto block = t.find(Method::del, "/v1/doctors/d1/blocks/b9");
  ASSERT_NE(block.route, nullptr);
  EXPECT_EQ(block.path.get("id"), "d1");
  EXPECT_EQ(block.path.get("block_id"), "b9");
}

TEST(RouteTable, LiteralSegmentBeatsParameter) {
  const RouteTable t = sample();
  const auto m = t.find(Method::post, "/v1/doctors/d1/queue/call-next");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->pattern, "/v1/doctors/{id}/queue/call-next");
  const auto other = t.find(Method::post, "/v1/doctors/d1/queue/reset");
  ASSERT_NE(other.route, nullptr);
  EXPECT_EQ(other.route->pattern, "/v1/doctors/{id}/queue/{action}");
  EXPECT_EQ(other.path.get("action"), "reset");
}

TEST(RouteTable, UnknownPathHasNoAllowedMethods) {
  const RouteTable t = sample();
  for (const char* path : {"/", "/v1", "/v1/doctors/", "/v1/doctors/d1/extra/x/y", "v1/doctors",
                           "/v1/doctors//blocks/b"}) {
    const auto m = t.find(Method::get, path);
    EXPECT_EQ(m.route, nullptr) << path;
    EXPECT_TRUE(m.allowed.empty()) << path;
  }
}

TEST(RouteTable, KnownPathWithOtherMethodListsAllowedMethods) {
  const RouteTable t = sample();
  const auto m = t.find(Method::put, "/v1/doctors/d1");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_EQ(m.allowed, (std::vector<Method>{Method::get, Method::patch}));
  EXPECT_EQ(t.methods_for("/v1/doctors"), (std::vector<Method>{Method::get, Method::post}));
}

TEST(RouteTable, RejectsMalformedAndDuplicateRoutes) {
  RouteTable t = sample();
  const auto add = [&](Method m, std::string pattern) {
    t.add({m, std::move(pattern), Auth::none, {}, BodyRule::none, named("x")});
  };
  EXPECT_THROW(add(Method::get, "/v1/doctors"), std::logic_error);
  EXPECT_THROW(add(Method::get, "no-slash"), std::logic_error);
  EXPECT_THROW(add(Method::get, "/a//b"), std::logic_error);
  EXPECT_THROW(add(Method::get, "/a/{}"), std::logic_error);
  EXPECT_THROW(add(Method::get, "/a/{x"), std::logic_error);
  EXPECT_THROW(add(Method::get, "/a/{x}/{x}"), std::logic_error);
  EXPECT_THROW(t.add({Method::get, "/nohandler", Auth::none, {}, BodyRule::none, nullptr}),
               std::logic_error);
}

TEST(RouteTable, ListsEveryRouteForTheOpenApiCheck) {
  const RouteTable t = sample();
  EXPECT_EQ(t.routes().size(), 8u);
  EXPECT_TRUE(t.contains(Method::post, "/v1/doctors"));
  EXPECT_FALSE(t.contains(Method::put, "/v1/doctors"));
}

TEST(Method, ParsesHttpMethods) {
  EXPECT_EQ(parse_method("GET"), Method::get);
  EXPECT_EQ(parse_method("HEAD"), Method::get);
  EXPECT_EQ(parse_method("DELETE"), Method::del);
  EXPECT_FALSE(parse_method("OPTIONS").has_value());
  EXPECT_FALSE(parse_method("get").has_value());
  for (Method m : {Method::get, Method::post, Method::put, Method::patch, Method::del}) {
    EXPECT_EQ(parse_method(to_string(m)), m);
  }
}

TEST(Reply, ErrorsTakeTheirStatusFromTheErrorMap) {
  const Reply r = Reply::error(domain::Error{domain::errc::slot_taken, "full", "start", {}});
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.content_type, "application/problem+json");
  const auto body = nlohmann::json::parse(r.body);
  EXPECT_EQ(body.at("code"), "slot_taken");
  EXPECT_EQ(body.at("field"), "start");
}

}  // namespace
}  // namespace docket::api
