#include "api/problem.hpp"

#include <gtest/gtest.h>

namespace docket::api {
namespace {

TEST(ProblemJson, HasTheContractMembers) {
  const Problem p{409, "slot_taken", "Slot taken", "No capacity left at 09:00.", "start", nullptr};
  const auto j = to_json(p);
  EXPECT_EQ(j.at("type"), "urn:docket:problem:slot_taken");
  EXPECT_EQ(j.at("title"), "Slot taken");
  EXPECT_EQ(j.at("status"), 409);
  EXPECT_EQ(j.at("code"), "slot_taken");
  EXPECT_EQ(j.at("detail"), "No capacity left at 09:00.");
  EXPECT_EQ(j.at("field"), "start");
  EXPECT_EQ(j.size(), 6u);
}

TEST(ProblemJson, OmitsFieldWhenNoneIsAtFault) {
  const Problem p{503, "not_caught_up", "Not caught up", "Try again.", "", nullptr};
  EXPECT_FALSE(to_json(p).contains("field"));
}

TEST(ProblemJson, MergesExtraMembersWithoutOverridingFixedOnes) {
  Problem p{409,
            "conflicting_appointments",
            "Appointments in the way",
            "2 appointments",
            "",
            nlohmann::json{{"appointments", {"a1", "a2"}}, {"status", 200}, {"field", "x"}}};
  const auto j = to_json(p);
  EXPECT_EQ(j.at("appointments"), (nlohmann::json{"a1", "a2"}));
  EXPECT_EQ(j.at("status"), 409);
  EXPECT_FALSE(j.contains("field"));
}

TEST(ProblemJson, BodyIsCompactJson) {
  const Problem p{400, "malformed_json", "Malformed JSON", "bad", "", nullptr};
  const auto body = to_body(p);
  EXPECT_EQ(nlohmann::json::parse(body), to_json(p));
  EXPECT_EQ(body.find('\n'), std::string::npos);
}

}  // namespace
}  // namespace docket::api
