#include "api/body.hpp"

#include <gtest/gtest.h>

#include <string>

namespace docket::api {
namespace {

TEST(ContentType, AcceptsJsonWithParametersInAnyCase) {
  EXPECT_TRUE(check_content_type("application/json").ok());
  EXPECT_TRUE(check_content_type("application/json; charset=utf-8").ok());
  EXPECT_TRUE(check_content_type("Application/JSON;charset=\"UTF-8\"").ok());
  EXPECT_TRUE(check_content_type("application/json ; foo=bar").ok());
}

TEST(ContentType, RejectsOtherTypesWith415) {
  for (const char* ct : {"", "text/plain", "application/x-www-form-urlencoded", "application/jsonx",
                         "application/json; charset=latin1", "multipart/form-data; boundary=x"}) {
    const auto r = check_content_type(ct);
    ASSERT_FALSE(r.ok()) << ct;
    EXPECT_EQ(r.error().status, 415) << ct;
    EXPECT_EQ(r.error().code, "unsupported_media_type");
  }
}

TEST(ParseBody, ReturnsTheObject) {
  const auto r = parse_body("application/json", R"({"a": 1, "b": "x"})", BodyRule::json_object);
  ASSERT_TRUE(r.ok()) << r.error().detail;
  EXPECT_EQ(r->at("a"), 1);
}

TEST(ParseBody, RejectsMalformedJsonWith400) {
  for (const char* body : {"{", "{\"a\":}", "not json", "{\"a\": 1} trailing", ""}) {
    const auto r = parse_body("application/json", body, BodyRule::json_object);
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.error().status, 400) << body;
    EXPECT_EQ(r.error().code, "malformed_json") << body;
  }
}

TEST(ParseBody, RejectsNonObjectsWith400) {
  for (const char* body : {"[]", "1", "\"text\"", "null", "true"}) {
    const auto r = parse_body("application/json", body, BodyRule::json_object);
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.error().code, "malformed_json") << body;
  }
}

TEST(ParseBody, RejectsInvalidUtf8With400) {
  const auto r = parse_body("application/json", "{\"name\": \"\xC3\x28\"}", BodyRule::json_object);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().status, 400);
  EXPECT_EQ(r.error().code, "malformed_json");
}

TEST(ParseBody, RejectsLoneSurrogateEscapesWith400) {
  const auto r = parse_body("application/json", R"({"name": "\ud800"})", BodyRule::json_object);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "malformed_json");
}

TEST(ParseBody, RejectsBodiesOver64KiBWith413) {
  std::string body = "{\"a\": \"" + std::string(max_body_bytes, 'x') + "\"}";
  const auto r = parse_body("application/json", body, BodyRule::json_object);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().status, 413);
  EXPECT_EQ(r.error().code, "body_too_large");
  std::string exact = "{\"a\": \"" + std::string(max_body_bytes - 9, 'x') + "\"}";
  ASSERT_EQ(exact.size(), max_body_bytes);
  EXPECT_TRUE(parse_body("application/json", exact, BodyRule::json_object).ok());
}

TEST(ParseBody, ChecksMediaTypeBeforeContent) {
  const auto r = parse_body("text/plain", "{", BodyRule::json_object);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().status, 415);
}

TEST(ParseBody, ActionEndpointsTakeEmptyOrObject) {
  const auto empty = parse_body("", "", BodyRule::empty_or_object);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->is_object());
  EXPECT_TRUE(empty->empty());
  EXPECT_TRUE(parse_body("application/json", "{}", BodyRule::empty_or_object).ok());
  EXPECT_EQ(parse_body("text/plain", "{}", BodyRule::empty_or_object).error().status, 415);
  EXPECT_EQ(parse_body("application/json", "[]", BodyRule::empty_or_object).error().status, 400);
}

}  // namespace
}  // namespace docket::api
