// Key and value encodings: round trips and the orderings the queries rely on.

#include "projections/codec.hpp"

#include <gtest/gtest.h>

#include "projections/records.hpp"

namespace docket::projections {
namespace {

TEST(Codec, SignedKeysSortNumerically) {
  std::string a, b, c;
  key_i64(a, -5);
  key_i64(b, 0);
  key_i64(c, 1'800'000'000);
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
  KeyReader r(a);
  EXPECT_EQ(r.i64(), -5);
  EXPECT_TRUE(r.ok());
}

TEST(Codec, VarintsRoundTrip) {
  const std::string bytes = Writer().u64(0).u64(300).i64(-7).str("dr-1").flag(true).take();
  Reader r(bytes);
  EXPECT_EQ(r.u64(), 0u);
  EXPECT_EQ(r.u64(), 300u);
  EXPECT_EQ(r.i64(), -7);
  EXPECT_EQ(r.str(), "dr-1");
  EXPECT_TRUE(r.flag());
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.done());
  r.u64();
  EXPECT_FALSE(r.ok());
}

TEST(Codec, LengthPrefixKeepsIdsApart) {
  // "a" followed by anything never sorts into "ab"'s range.
  const std::string p1 = key::occupancy_prefix("a");
  const std::string p2 = key::occupancy_prefix("ab");
  EXPECT_NE(key::occupancy(p1.empty() ? "" : "ab", {}).rfind(p1, 0), 0u);
  EXPECT_NE(p2.rfind(p1, 0), 0u);
}

TEST(Codec, AppointmentRecordRoundTrips) {
  AppointmentRecord a;
  a.id = "apt-1";
  a.number = "APT-20270301-0001";
  a.status = domain::AppointmentStatus::no_show;
  a.doctor_id = "dr-1";
  a.patient_id = "p-1";
  a.start = domain::Instant(std::chrono::seconds(1'800'000'000));
  a.end = a.start + std::chrono::minutes(30);
  a.fee = 5000;
  a.version = 17;
  a.created_at = "2027-01-01T00:00:00Z";
  a.updated_at = "2027-01-02T00:00:00Z";
  const auto back = decode_appointment(encode(a));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, a);
  EXPECT_FALSE(decode_appointment(encode(a).substr(1)).has_value());
}

}  // namespace
}  // namespace docket::projections
