#include "domain/errors.hpp"

#include <gtest/gtest.h>

namespace docket::domain {
namespace {

TEST(ErrorCodes, MatchTheApiContract) {
  EXPECT_EQ(to_code(errc::slot_taken), "slot_taken");
  EXPECT_EQ(to_code(errc::consultation_type_not_offered), "consultation_type_not_offered");
  EXPECT_EQ(to_code(errc::range_too_large), "range_too_large");
}

TEST(Result, CarriesEitherValueOrError) {
  Result<int> good = 7;
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 7);
  Result<int> bad = error(errc::too_soon, "within minimum notice", "start");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, errc::too_soon);
  EXPECT_EQ(bad.error().field, "start");
}

}  // namespace
}  // namespace docket::domain
