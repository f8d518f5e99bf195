// The hand-written availability JSON is byte for byte the JSON library's.

#include "api/availability_json.hpp"

#include <gtest/gtest.h>

namespace docket::api {
namespace {

TEST(AvailabilityJson, MatchesTheLibrarysCompactDump) {
  projections::AvailabilityView view;
  view.doctor_id = "dr-\"quoted\"";
  view.timezone = "America/Argentina/Buenos_Aires";
  const auto nine = *domain::parse_rfc3339("2027-03-01T09:00:00Z");
  for (int i = 0; i < 4; ++i) {
    projections::SlotView s;
    s.start = nine + std::chrono::minutes(10 * i);
    s.end = s.start + std::chrono::minutes(10);
    s.capacity = 3 + i;
    s.booked = i;
    s.held = i % 2;
    s.available = s.capacity - s.booked - s.held;
    s.status = static_cast<projections::SlotStatus>(i);
    view.slots.push_back(s);
  }
  EXPECT_EQ(availability_body(view), projections::to_json(view).dump());
  view.slots.clear();
  EXPECT_EQ(availability_body(view), projections::to_json(view).dump());
}

}  // namespace
}  // namespace docket::api
