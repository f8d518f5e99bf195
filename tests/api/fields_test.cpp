#include "api/fields.hpp"

#include <gtest/gtest.h>

#include <functional>

namespace docket::api {
namespace {

using nlohmann::json;

TEST(FieldReader, ReadsDeclaredFields) {
  const json body = {{"name", "Dr. Ada"},     {"capacity", 3},   {"fee", 45.5},
                     {"auto_confirm", false}, {"kind", "leave"}, {"tags", {"a", "b"}},
                     {"weekdays", {1, 2, 3}}};
  FieldReader in(body);
  EXPECT_EQ(in.string("name"), "Dr. Ada");
  EXPECT_EQ(in.integer("capacity", 1, 10), 3);
  EXPECT_EQ(in.number("fee", 0, 1e6), 45.5);
  EXPECT_EQ(in.boolean("auto_confirm"), false);
  EXPECT_EQ(in.one_of("kind", {"leave", "holiday"}), "leave");
  EXPECT_EQ(in.string_list("tags"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(in.integer_list("weekdays", 1, 7), (std::vector<std::int64_t>{1, 2, 3}));
  const auto done = in.finish();
  EXPECT_TRUE(done.ok()) << done.error().detail;
}

TEST(FieldReader, OptionalFieldsMayBeAbsentOrNull) {
  const json body = {{"reason", nullptr}};
  FieldReader in(body);
  EXPECT_FALSE(in.string("reason", Presence::optional).has_value());
  EXPECT_FALSE(in.integer("priority", 0, 10, Presence::optional).has_value());
  EXPECT_TRUE(in.finish().ok());
}

TEST(FieldReader, MissingRequiredFieldIsInvalidField) {
  const json body = json::object();
  FieldReader in(body);
  EXPECT_FALSE(in.string("doctor_id").has_value());
  const auto done = in.finish();
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(done.error().status, 422);
  EXPECT_EQ(done.error().code, "invalid_field");
  EXPECT_EQ(done.error().field, "doctor_id");
}

TEST(FieldReader, WrongTypeIsInvalidFieldNamingTheField) {
  struct Case {
    json body;
    std::function<void(FieldReader&)> read;
  };
  const std::vector<Case> cases = {
      {{{"f", 1}}, [](FieldReader& r) { (void)r.string("f"); }},
      {{{"f", "1"}}, [](FieldReader& r) { (void)r.integer("f", 0, 9); }},
      {{{"f", 1.5}}, [](FieldReader& r) { (void)r.integer("f", 0, 9); }},
      {{{"f", "x"}}, [](FieldReader& r) { (void)r.number("f", 0, 9); }},
      {{{"f", "true"}}, [](FieldReader& r) { (void)r.boolean("f"); }},
      {{{"f", "sick"}}, [](FieldReader& r) { (void)r.one_of("f", {"leave"}); }},
      {{{"f", {1, "a"}}}, [](FieldReader& r) { (void)r.string_list("f"); }},
      {{{"f", "a"}}, [](FieldReader& r) { (void)r.string_list("f"); }},
      {{{"f", {1, "a"}}}, [](FieldReader& r) { (void)r.integer_list("f", 0, 9); }},
      {{{"f", {1}}}, [](FieldReader& r) { (void)r.object_list("f"); }},
      {{{"f", 1}}, [](FieldReader& r) { (void)r.object("f"); }},
  };
  for (const auto& c : cases) {
    FieldReader in(c.body);
    c.read(in);
    EXPECT_FALSE(in.ok()) << c.body.dump();
    const auto done = in.finish();
    ASSERT_FALSE(done.ok()) << c.body.dump();
    EXPECT_EQ(done.error().code, "invalid_field") << c.body.dump();
    EXPECT_EQ(done.error().field, "f") << c.body.dump();
  }
}

TEST(FieldReader, ValueOutsideRangeIsOutOfRange) {
  const json body = {
      {"hold_minutes", 61}, {"fee", -1.0}, {"weekdays", {1, 8}}, {"huge", 18446744073709551615ull}};
  for (const char* name : {"hold_minutes", "fee", "weekdays", "huge"}) {
    FieldReader in(body);
    for (const char* other : {"hold_minutes", "fee", "weekdays", "huge"})
      in.accept(other);
    const std::string n = name;
    if (n == "hold_minutes" || n == "huge") (void)in.integer(n, 1, 60);
    if (n == "fee") (void)in.number(n, 0, 1000);
    if (n == "weekdays") (void)in.integer_list(n, 1, 7);
    const auto done = in.finish();
    ASSERT_FALSE(done.ok()) << name;
    EXPECT_EQ(done.error().code, "out_of_range") << name;
    EXPECT_EQ(done.error().status, 422) << name;
    EXPECT_EQ(done.error().field, name);
  }
}

TEST(FieldReader, UnknownFieldIsRejectedAndWinsOverOtherProblems) {
  const json body = {{"name", 1}, {"nmae", "Ada"}};
  FieldReader in(body);
  (void)in.string("name");
  const auto done = in.finish();
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(done.error().code, "unknown_field");
  EXPECT_EQ(done.error().status, 422);
  EXPECT_EQ(done.error().field, "nmae");
}

TEST(FieldReader, FirstProblemWins) {
  const json body = {{"a", 1}, {"b", 2}};
  FieldReader in(body);
  (void)in.string("a");
  (void)in.string("b");
  EXPECT_EQ(in.finish().error().field, "a");
}

TEST(FieldReader, NestedObjectsReportTheirPath) {
  const json body = {
      {"rules",
       {{{"start", "09:00"}, {"slot_minutes", 30}}, {{"start", "10:00"}, {"slot_minutes", 0}}}}};
  FieldReader in(body);
  const auto rules = in.object_list("rules");
  ASSERT_TRUE(rules.has_value());
  ASSERT_EQ(rules->size(), 2u);
  for (std::size_t i = 0; i < rules->size(); ++i) {
    FieldReader rule(*(*rules)[i], in.item_path("rules", i));
    (void)rule.string("start");
    (void)rule.integer("slot_minutes", 5, 480);
    in.merge(rule.finish());
  }
  const auto done = in.finish();
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(done.error().code, "out_of_range");
  EXPECT_EQ(done.error().field, "rules[1].slot_minutes");
}

TEST(FieldReader, NestedUnknownFieldIsReported) {
  const json body = {{"settings", {{"hold_minutes", 5}, {"colour", "red"}}}};
  FieldReader in(body);
  const auto settings = in.object("settings");
  ASSERT_TRUE(settings.has_value());
  FieldReader nested(**settings, in.nested_path("settings"));
  (void)nested.integer("hold_minutes", 1, 60, Presence::optional);
  in.merge(nested.finish());
  const auto done = in.finish();
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(done.error().code, "unknown_field");
  EXPECT_EQ(done.error().field, "settings.colour");
}

TEST(FieldReader, ReadsInstantsDatesAndTimesOfDay) {
  const json body = {{"start", "2027-03-01T10:00:00+01:00"},
                     {"effective_from", "2027-01-01"},
                     {"from", "09:00"},
                     {"end", "24:00"}};
  FieldReader in(body);
  const auto start = in.instant("start");
  ASSERT_TRUE(start.has_value());
  EXPECT_EQ(domain::format_rfc3339(*start), "2027-03-01T09:00:00Z");
  EXPECT_EQ(in.date("effective_from"), date::local_days{date::year{2027} / 1 / 1});
  EXPECT_EQ(in.time_of_day("from"), 9 * 60);
  EXPECT_EQ(in.time_of_day("end", true), 24 * 60);
  EXPECT_TRUE(in.finish().ok());
}

TEST(FieldReader, MalformedInstantsDatesAndTimesAreInvalidField) {
  const json body = {{"start", "tomorrow"}, {"day", "2027-02-29"}, {"end", "24:00"}, {"n", 5}};
  const std::vector<std::function<void(FieldReader&)>> reads = {
      [](FieldReader& r) { (void)r.instant("start"); },
      [](FieldReader& r) { (void)r.date("day"); },
      [](FieldReader& r) { (void)r.time_of_day("end"); },
      [](FieldReader& r) { (void)r.instant("n"); },
  };
  const std::vector<std::string> fields = {"start", "day", "end", "n"};
  for (std::size_t i = 0; i < reads.size(); ++i) {
    FieldReader in(body);
    for (const auto& f : fields)
      in.accept(f);
    reads[i](in);
    const auto done = in.finish();
    ASSERT_FALSE(done.ok()) << fields[i];
    EXPECT_EQ(done.error().code, "invalid_field") << fields[i];
    EXPECT_EQ(done.error().field, fields[i]);
  }
}

}  // namespace
}  // namespace docket::api
