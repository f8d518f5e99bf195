#pragma once
// Instants, local dates and times of day, and their text forms (API.md: RFC 3339 instants, replies
// in UTC with `Z`; dates `2027-03-01` and times `09:00` in the doctor's own zone).
// Pure functions: nothing here reads the clock, and all are safe to call from any thread.

#include <date/date.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace docket::domain {

// A point in time, UTC, to the second.
using Instant = std::chrono::sys_seconds;
// A calendar date in some time zone (which one is always clear from context: the doctor's).
using LocalDate = date::local_days;

// Parses RFC 3339 ("2027-03-01T09:00:00Z", "2027-03-01T10:00:00+01:00", optional fraction, which
// is truncated to the second). Returns nullopt for anything else, including invalid dates.
// Accepts `T` or `t` between date and time and `Z`, `z` or +HH:MM / -HH:MM as the offset; refuses
// second 60 (instants are POSIX time, without leap seconds).
std::optional<Instant> parse_rfc3339(std::string_view text);
// "2027-03-01T09:00:00Z", always UTC (years 0000..9999 give valid RFC 3339).
std::string format_rfc3339(Instant t);

// Parses "YYYY-MM-DD"; nullopt when malformed or not a real date.
std::optional<LocalDate> parse_local_date(std::string_view text);
// "YYYY-MM-DD".
std::string format_local_date(LocalDate d);
// "YYYYMMDD", as used in appointment numbers.
std::string format_compact_date(LocalDate d);

// Parses "HH:MM" (00:00..23:59) or "24:00" when `allow_end_of_day`; minutes after local midnight.
std::optional<int> parse_time_of_day(std::string_view text, bool allow_end_of_day = false);
// "HH:MM" from minutes after local midnight (1440 gives "24:00").
std::string format_time_of_day(int minutes);

// ISO weekday of a date: 1 = Monday ... 7 = Sunday.
int iso_weekday(LocalDate d);

}  // namespace docket::domain
