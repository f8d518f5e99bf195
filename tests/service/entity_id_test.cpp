#include "api/entity_id.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace docket::api {
namespace {

TEST(EntityId, RoundTripsTheDoctorId) {
  for (const std::string& doctor :
       std::vector<std::string>{"a", "dr-ada", "0-9", std::string(64, 'z')}) {
    const std::string id = new_entity_id(doctor);
    EXPECT_EQ(id.rfind(doctor + ".", 0), 0u) << id;
    const auto back = doctor_of(id);
    ASSERT_TRUE(back.has_value()) << id;
    EXPECT_EQ(*back, doctor);
  }
}

TEST(EntityId, IsUrlSafeAndCarries128RandomBits) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = new_entity_id("dr-ada");
    const std::string random = id.substr(7);
    EXPECT_EQ(random.size(), 22u);
    EXPECT_EQ(random.find_first_not_of(
                  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
              std::string::npos)
        << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(EntityId, RejectsMalformedIds) {
  const std::string good_random(22, 'A');
  EXPECT_FALSE(doctor_of("").has_value());
  EXPECT_FALSE(doctor_of("dr-ada").has_value());                 // no separator
  EXPECT_FALSE(doctor_of("." + good_random).has_value());        // empty doctor
  EXPECT_FALSE(doctor_of("Dr-Ada." + good_random).has_value());  // capitals
  EXPECT_FALSE(doctor_of(std::string(65, 'a') + "." + good_random).has_value());
  EXPECT_FALSE(doctor_of("dr-ada." + good_random.substr(1)).has_value());  // too short
  EXPECT_FALSE(doctor_of("dr-ada." + std::string(21, 'A') + "=").has_value());
  EXPECT_FALSE(doctor_of("dr-ada." + std::string(21, 'A') + ".").has_value());
  EXPECT_EQ(doctor_of("dr-ada." + good_random).value_or(""), "dr-ada");
}

TEST(EntityId, ValidatesDoctorIds) {
  EXPECT_TRUE(is_doctor_id("dr-ada-01"));
  EXPECT_FALSE(is_doctor_id(""));
  EXPECT_FALSE(is_doctor_id("dr.ada"));
  EXPECT_FALSE(is_doctor_id("dr_ada"));
  EXPECT_FALSE(is_doctor_id(std::string(65, 'a')));
}

}  // namespace
}  // namespace docket::api
