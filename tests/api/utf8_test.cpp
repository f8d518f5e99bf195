#include "api/utf8.hpp"

#include <gtest/gtest.h>

#include <string>

namespace docket::api {
namespace {

TEST(Utf8Length, CountsCodePointsNotBytes) {
  EXPECT_EQ(utf8_length(""), 0u);
  EXPECT_EQ(utf8_length("abc"), 3u);
  EXPECT_EQ(utf8_length("h\xC3\xA9llo"), 5u);       // é: 2 bytes
  EXPECT_EQ(utf8_length("\xE2\x82\xAC"), 1u);       // €: 3 bytes
  EXPECT_EQ(utf8_length("\xF0\x9F\x98\x80!"), 2u);  // 😀: 4 bytes
  EXPECT_EQ(utf8_length("\xF4\x8F\xBF\xBF"), 1u);   // U+10FFFF
}

TEST(Utf8Valid, RejectsIllFormedSequences) {
  const char* bad[] = {
      "\x80",              // lone continuation
      "\xC3",              // truncated
      "\xC0\xAF",          // overlong '/'
      "\xE0\x80\xAF",      // overlong
      "\xED\xA0\x80",      // surrogate U+D800
      "\xF4\x90\x80\x80",  // above U+10FFFF
      "\xF5\x80\x80\x80",  // invalid lead
      "\xE2\x82",          // truncated €
      "a\xFF",             // never valid
  };
  for (const char* s : bad) {
    EXPECT_FALSE(is_valid_utf8(s)) << testing::PrintToString(std::string(s));
    EXPECT_FALSE(utf8_length(s).has_value());
  }
}

TEST(Utf8Valid, AcceptsEmbeddedNul) {
  const std::string text("a\0b", 3);
  EXPECT_TRUE(is_valid_utf8(text));
  EXPECT_EQ(utf8_length(text), 3u);
}

}  // namespace
}  // namespace docket::api
