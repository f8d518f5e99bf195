#include "eventstore/position.hpp"

#include <gtest/gtest.h>

namespace docket::eventstore {
namespace {

std::vector<std::uint64_t> parts(const Position& p) {
  return {p.offsets().begin(), p.offsets().end()};
}

TEST(Position, StartIsZeroToken) {
  EXPECT_EQ(Position().to_token(), "0");
  auto parsed = Position::from_token("0");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(*parsed, Position());
}

TEST(Position, TokenRoundTrips) {
  for (const Position& p :
       {Position({42}), Position({0, 7, 18446744073709551615ULL}), Position({3, 0, 0})}) {
    auto back = Position::from_token(p.to_token());
    ASSERT_TRUE(back.has_value()) << p.to_token();
    EXPECT_EQ(*back, p);
    EXPECT_EQ(parts(*back), parts(p));
  }
  EXPECT_EQ(Position({1, 22, 333}).to_token(), "1.22.333");
}

TEST(Position, RejectsMalformedTokens) {
  for (const char* bad : {"", ".", "1.", ".1", "1..2", "-1", "+1", "1a", "a", " 1", "1 ", "0x10",
                          "18446744073709551616", "99999999999999999999999", "1,2", "1.-2"}) {
    EXPECT_FALSE(Position::from_token(bad).has_value()) << '"' << bad << '"';
  }
}

TEST(Position, RejectsTooManyComponents) {
  std::string token = "0";
  for (int i = 0; i < 5000; ++i)
    token += ".0";
  EXPECT_FALSE(Position::from_token(token).has_value());
}

TEST(Position, AcceptsLargestOffset) {
  auto p = Position::from_token("18446744073709551615");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->at(0), 18446744073709551615ULL);
}

TEST(Position, CoversAndMergeComponentWise) {
  Position a({5, 1});
  Position b({3, 4});
  EXPECT_FALSE(a.covers(b));
  EXPECT_FALSE(b.covers(a));
  a.merge(b);
  EXPECT_EQ(parts(a), (std::vector<std::uint64_t>{5, 4}));
  EXPECT_TRUE(a.covers(b));
  EXPECT_TRUE(Position({2}).covers(Position()));
  EXPECT_FALSE(Position().covers(Position({0, 1})));
}

TEST(Position, TrailingZerosDoNotMatter) {
  EXPECT_EQ(Position({4}), Position({4, 0, 0}));
  EXPECT_FALSE(Position({4}) == Position({4, 1}));
}

TEST(Position, SetGrowsAsNeeded) {
  Position p;
  p.set(2, 9);
  EXPECT_EQ(parts(p), (std::vector<std::uint64_t>{0, 0, 9}));
  EXPECT_EQ(p.at(7), 0u);
}

// One component is stored inline, more in a vector: moving between the two keeps every value.
TEST(Position, OneAndManyComponentsMix) {
  Position p;
  EXPECT_TRUE(p.offsets().empty());
  p.set(0, 5);
  EXPECT_EQ(parts(p), (std::vector<std::uint64_t>{5}));
  p.set(1, 2);
  EXPECT_EQ(parts(p), (std::vector<std::uint64_t>{5, 2}));
  Position one({7});
  one.merge(p);
  EXPECT_EQ(parts(one), (std::vector<std::uint64_t>{7, 2}));
  Position single({3});
  single.merge(Position({9}));
  EXPECT_EQ(parts(single), (std::vector<std::uint64_t>{9}));
  EXPECT_EQ(parts(Position(std::vector<std::uint64_t>{4})), (std::vector<std::uint64_t>{4}));
  EXPECT_EQ(parts(Position(std::vector<std::uint64_t>{})), (std::vector<std::uint64_t>{}));
  const Position copy = one;
  EXPECT_EQ(parts(copy), parts(one));
}

}  // namespace
}  // namespace docket::eventstore
