#include "domain/time.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace docket::domain {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

LocalDate ymd(int y, unsigned m, unsigned d) {
  return LocalDate{date::year{y} / date::month{m} / date::day{d}};
}

Instant utc(int y, unsigned m, unsigned d, int hh = 0, int mm = 0, int ss = 0) {
  return Instant{date::sys_days{date::year{y} / date::month{m} / date::day{d}}} + hours{hh} +
         minutes{mm} + seconds{ss};
}

TEST(Rfc3339, ParsesUtcWithUppercaseZ) {
  EXPECT_EQ(parse_rfc3339("2027-03-01T09:00:00Z"), utc(2027, 3, 1, 9));
}

TEST(Rfc3339, AcceptsLowercaseZAndSeparator) {
  EXPECT_EQ(parse_rfc3339("2027-03-01t09:00:00z"), utc(2027, 3, 1, 9));
}

TEST(Rfc3339, SubtractsPositiveOffset) {
  EXPECT_EQ(parse_rfc3339("2027-03-01T10:00:00+01:00"), utc(2027, 3, 1, 9));
}

TEST(Rfc3339, AddsNegativeOffset) {
  EXPECT_EQ(parse_rfc3339("2027-03-01T04:00:00-05:00"), utc(2027, 3, 1, 9));
}

TEST(Rfc3339, AppliesOffsetMinutes) {
  EXPECT_EQ(parse_rfc3339("2027-03-01T14:30:00+05:30"), utc(2027, 3, 1, 9));
}

TEST(Rfc3339, TreatsNegativeZeroOffsetAsUtc) {
  EXPECT_EQ(parse_rfc3339("2027-03-01T09:00:00-00:00"), utc(2027, 3, 1, 9));
}

TEST(Rfc3339, OffsetMovesTheInstantAcrossDates) {
  EXPECT_EQ(parse_rfc3339("2027-03-01T00:30:00+01:00"), utc(2027, 2, 28, 23, 30));
  EXPECT_EQ(parse_rfc3339("2026-12-31T23:30:00-01:00"), utc(2027, 1, 1, 0, 30));
}

TEST(Rfc3339, TruncatesFractionalSeconds) {
  EXPECT_EQ(parse_rfc3339("2027-03-01T09:00:07.999Z"), utc(2027, 3, 1, 9, 0, 7));
  EXPECT_EQ(parse_rfc3339("2027-03-01T09:00:07.1+01:00"), utc(2027, 3, 1, 8, 0, 7));
  EXPECT_EQ(parse_rfc3339("2027-03-01T09:00:07.123456789012Z"), utc(2027, 3, 1, 9, 0, 7));
}

TEST(Rfc3339, AcceptsLeapDay) {
  EXPECT_EQ(parse_rfc3339("2028-02-29T12:00:00Z"), utc(2028, 2, 29, 12));
}

TEST(Rfc3339, RejectsMissingOffset) {
  EXPECT_FALSE(parse_rfc3339("2027-03-01T09:00:00"));
  EXPECT_FALSE(parse_rfc3339("2027-03-01T09:00:00.5"));
}

TEST(Rfc3339, RejectsDatesThatDoNotExist) {
  for (const char* text : {"2027-02-30T09:00:00Z", "2027-02-29T09:00:00Z", "2027-04-31T09:00:00Z",
                           "2027-13-01T09:00:00Z", "2027-00-10T09:00:00Z", "2027-03-00T09:00:00Z",
                           "2027-03-32T09:00:00Z"}) {
    EXPECT_FALSE(parse_rfc3339(text)) << text;
  }
}

TEST(Rfc3339, RejectsTimesOutOfRange) {
  for (const char* text : {"2027-03-01T24:00:00Z", "2027-03-01T09:60:00Z", "2027-03-01T09:00:60Z",
                           "2027-03-01T99:00:00Z"}) {
    EXPECT_FALSE(parse_rfc3339(text)) << text;
  }
}

TEST(Rfc3339, RejectsOtherSeparators) {
  for (const char* text : {"2027-03-01 09:00:00Z", "2027-03-01_09:00:00Z", "2027-03-0109:00:00Z",
                           "2027/03/01T09:00:00Z", "2027-03-01T09.00.00Z"}) {
    EXPECT_FALSE(parse_rfc3339(text)) << text;
  }
}

TEST(Rfc3339, RejectsMalformedOffsets) {
  for (const char* text :
       {"2027-03-01T09:00:00+0100", "2027-03-01T09:00:00+01", "2027-03-01T09:00:00+1:00",
        "2027-03-01T09:00:00+24:00", "2027-03-01T09:00:00+01:60", "2027-03-01T09:00:00 Z",
        "2027-03-01T09:00:00UTC", "2027-03-01T09:00:00+01:00Z", "2027-03-01T09:00:00ZZ"}) {
    EXPECT_FALSE(parse_rfc3339(text)) << text;
  }
}

TEST(Rfc3339, RejectsEmptyOrMalformedFraction) {
  for (const char* text : {"2027-03-01T09:00:00.Z", "2027-03-01T09:00:00,5Z",
                           "2027-03-01T09:00:00.5.5Z", "2027-03-01T09:00:00.x5Z"}) {
    EXPECT_FALSE(parse_rfc3339(text)) << text;
  }
}

TEST(Rfc3339, RejectsShortFieldsAndOmittedSeconds) {
  for (const char* text : {"2027-3-01T09:00:00Z", "2027-03-1T09:00:00Z", "2027-03-01T9:00:00Z",
                           "2027-03-01T09:00Z", "27-03-01T09:00:00Z", "+2027-03-01T09:00:00Z"}) {
    EXPECT_FALSE(parse_rfc3339(text)) << text;
  }
}

TEST(Rfc3339, RejectsSurroundingTextAndEmptyInput) {
  for (const char* text : {"", " 2027-03-01T09:00:00Z", "2027-03-01T09:00:00Z ",
                           "2027-03-01T09:00:00Zx", "2027-03-01", "now"}) {
    EXPECT_FALSE(parse_rfc3339(text)) << text;
  }
}

TEST(Rfc3339, FormatsInUtcWithZ) {
  EXPECT_EQ(format_rfc3339(utc(2027, 3, 1, 9, 5, 7)), "2027-03-01T09:05:07Z");
  EXPECT_EQ(format_rfc3339(utc(1970, 1, 1)), "1970-01-01T00:00:00Z");
}

TEST(Rfc3339, FormatsInstantsBeforeTheEpoch) {
  EXPECT_EQ(format_rfc3339(utc(1969, 12, 31, 23, 59, 59)), "1969-12-31T23:59:59Z");
}

TEST(Rfc3339, ParseOfFormatGivesTheSameInstant) {
  // Steps of a prime number of seconds reach every time of day and many dates.
  for (Instant t = utc(1965, 1, 1); t < utc(2045, 1, 1); t += seconds{7'919'993}) {
    const std::string text = format_rfc3339(t);
    EXPECT_EQ(parse_rfc3339(text), t) << text;
  }
}

TEST(Rfc3339, FormatOfParseGivesTheCanonicalText) {
  EXPECT_EQ(format_rfc3339(*parse_rfc3339("2027-10-31T02:30:00+02:00")), "2027-10-31T00:30:00Z");
  EXPECT_EQ(format_rfc3339(*parse_rfc3339("2027-03-01t09:00:00.75z")), "2027-03-01T09:00:00Z");
  EXPECT_EQ(format_rfc3339(*parse_rfc3339("2028-02-29T23:59:59Z")), "2028-02-29T23:59:59Z");
}

TEST(LocalDateText, ParsesAndFormats) {
  EXPECT_EQ(parse_local_date("2027-03-01"), ymd(2027, 3, 1));
  EXPECT_EQ(format_local_date(ymd(2027, 3, 1)), "2027-03-01");
  EXPECT_EQ(format_local_date(ymd(987, 12, 31)), "0987-12-31");
}

TEST(LocalDateText, RejectsMalformedAndUnrealDates) {
  for (const char* text : {"", "2027-3-01", "2027-03-1", "2027/03/01", "2027-02-29", "2027-02-30",
                           "2027-13-01", "2027-03-01T", " 2027-03-01", "20270301", "2027-O3-01"}) {
    EXPECT_FALSE(parse_local_date(text)) << text;
  }
}

TEST(LocalDateText, FormatsCompactDate) {
  EXPECT_EQ(format_compact_date(ymd(2027, 3, 1)), "20270301");
  EXPECT_EQ(format_compact_date(ymd(2027, 12, 31)), "20271231");
}

TEST(LocalDateText, RoundTripsEveryDayOfALeapYear) {
  for (LocalDate d = ymd(2028, 1, 1); d < ymd(2029, 1, 1); d += date::days{1}) {
    EXPECT_EQ(parse_local_date(format_local_date(d)), d);
  }
}

TEST(TimeOfDayText, ParsesHoursAndMinutes) {
  EXPECT_EQ(parse_time_of_day("00:00"), 0);
  EXPECT_EQ(parse_time_of_day("09:30"), 570);
  EXPECT_EQ(parse_time_of_day("23:59"), 1439);
}

TEST(TimeOfDayText, AcceptsEndOfDayOnlyWhenAllowed) {
  EXPECT_FALSE(parse_time_of_day("24:00"));
  EXPECT_EQ(parse_time_of_day("24:00", true), 1440);
  EXPECT_FALSE(parse_time_of_day("24:01", true));
}

TEST(TimeOfDayText, RejectsMalformedTimes) {
  for (const char* text : {"", "9:00", "09:0", "0900", "09-00", "25:00", "09:60", "09:00:00",
                           " 9:00", "ab:cd", "-1:00"}) {
    EXPECT_FALSE(parse_time_of_day(text, true)) << text;
  }
}

TEST(TimeOfDayText, FormatsEveryMinuteOfTheDayAndBack) {
  for (int m = 0; m <= 1440; ++m) {
    EXPECT_EQ(parse_time_of_day(format_time_of_day(m), true), m);
  }
  EXPECT_EQ(format_time_of_day(570), "09:30");
  EXPECT_EQ(format_time_of_day(1440), "24:00");
}

TEST(IsoWeekday, CountsMondayAsOneAndSundayAsSeven) {
  // 2027-03-01 is a Monday.
  for (int i = 0; i < 14; ++i) {
    EXPECT_EQ(iso_weekday(ymd(2027, 3, 1) + date::days{i}), i % 7 + 1);
  }
}

}  // namespace
}  // namespace docket::domain
