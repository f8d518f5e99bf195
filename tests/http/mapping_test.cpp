// The shared request readers on their own.

#include <gtest/gtest.h>

#include "api/request_mapping.hpp"

namespace docket::api {
namespace {

using nlohmann::json;

TEST(ReadMoney, AcceptsAtMostTwoDecimals) {
  const json body = {{"a", 50}, {"b", 50.5}, {"c", 0.1}, {"d", 19.99}};
  FieldReader in(body);
  EXPECT_EQ(read_money(in, "a"), 5000);
  EXPECT_EQ(read_money(in, "b"), 5050);
  EXPECT_EQ(read_money(in, "c"), 10);
  EXPECT_EQ(read_money(in, "d"), 1999);
  EXPECT_TRUE(in.finish().ok());
}

TEST(ReadMoney, RefusesThirdDecimalAndNegative) {
  const json three = {{"fee", 1.005}};
  FieldReader a(three);
  EXPECT_FALSE(read_money(a, "fee").has_value());
  auto done = a.finish();
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(done.error().code, "invalid_field");
  EXPECT_EQ(done.error().field, "fee");
  const json negative = {{"fee", -0.01}};
  FieldReader b(negative);
  EXPECT_FALSE(read_money(b, "fee").has_value());
  auto done_b = b.finish();
  ASSERT_FALSE(done_b.ok());
  EXPECT_EQ(done_b.error().code, "out_of_range");
}

TEST(ReadRules, NamesTheNestedFieldAtFault) {
  const json body = {{"rules",
                      {{{"weekdays", {1}}, {"start", "09:00"}, {"end", "12:00"}},
                       {{"weekdays", {2}},
                        {"start", "09:00"},
                        {"end", "12:00"},
                        {"consultation_types", {"telepathy"}}}}}};
  FieldReader in(body);
  const auto rules = read_rules(in);
  auto done = in.finish();
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(done.error().field, "rules[1].consultation_types");
}

TEST(ReadRules, ReadsWeekdaysAsBitsAndEndOfDay) {
  const json body = {{"rules",
                      {{{"weekdays", {1, 7}},
                        {"start", "22:00"},
                        {"end", "24:00"},
                        {"slot_minutes", 60},
                        {"capacity", 3}}}}};
  FieldReader in(body);
  const auto rules = read_rules(in);
  ASSERT_TRUE(in.finish().ok());
  ASSERT_EQ(rules->size(), 1u);
  EXPECT_TRUE((*rules)[0].on_weekday(1));
  EXPECT_TRUE((*rules)[0].on_weekday(7));
  EXPECT_FALSE((*rules)[0].on_weekday(3));
  EXPECT_EQ((*rules)[0].end_minute, 1440);
  EXPECT_EQ((*rules)[0].capacity, 3);
  EXPECT_EQ(rule_json((*rules)[0])["weekdays"], json({1, 7}));
}

TEST(MoneyJson, ShowsMajorUnits) {
  EXPECT_EQ(json(money_json(5000)).dump(), "50.0");
  EXPECT_EQ(money_json(1999), 19.99);
}

}  // namespace
}  // namespace docket::api
