#include "domain/time.hpp"

#include <cassert>
#include <cstddef>
#include <cstdio>

namespace docket::domain {
namespace {

constexpr bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Reads exactly `n` ASCII digits at `pos`; false when any of them is not a digit or missing.
// Hand-rolled rather than from_chars because from_chars accepts fewer digits than asked for.
bool read_digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (!is_digit(s[i])) return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

Instant to_instant_utc(LocalDate d) {
  return Instant{date::sys_days{d.time_since_epoch()}};
}

}  // namespace

std::optional<LocalDate> parse_local_date(std::string_view text) {
  int y = 0;
  int m = 0;
  int d = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  if (!read_digits(text, 0, 4, y) || !read_digits(text, 5, 2, m) || !read_digits(text, 8, 2, d)) {
    return std::nullopt;
  }
  const date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(m)},
                                 date::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  return LocalDate{ymd};
}

std::optional<Instant> parse_rfc3339(std::string_view text) {
  // The shortest accepted form is "YYYY-MM-DDTHH:MM:SSZ".
  if (text.size() < 20) return std::nullopt;
  const auto day = parse_local_date(text.substr(0, 10));
  if (!day) return std::nullopt;
  if (text[10] != 'T' && text[10] != 't') return std::nullopt;
  int hh = 0;
  int mm = 0;
  int ss = 0;
  if (!read_digits(text, 11, 2, hh) || text[13] != ':' || !read_digits(text, 14, 2, mm) ||
      text[16] != ':' || !read_digits(text, 17, 2, ss)) {
    return std::nullopt;
  }
  // Second 60 (a leap second) is refused: Docket's instants are POSIX time, which has none.
  if (hh > 23 || mm > 59 || ss > 59) return std::nullopt;

  std::size_t pos = 19;
  if (text[pos] == '.') {
    ++pos;
    const std::size_t first = pos;
    while (pos < text.size() && is_digit(text[pos]))
      ++pos;
    if (pos == first) return std::nullopt;
  }
  if (pos >= text.size()) return std::nullopt;

  int offset_minutes = 0;
  if (text[pos] == 'Z' || text[pos] == 'z') {
    ++pos;
  } else if (text[pos] == '+' || text[pos] == '-') {
    int oh = 0;
    int om = 0;
    if (!read_digits(text, pos + 1, 2, oh) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
        !read_digits(text, pos + 4, 2, om)) {
      return std::nullopt;
    }
    if (oh > 23 || om > 59) return std::nullopt;
    offset_minutes = (text[pos] == '-' ? -1 : 1) * (oh * 60 + om);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;

  // Offsets are whole minutes, so dropping the fraction before subtracting the offset truncates
  // the instant itself.
  return to_instant_utc(*day) + std::chrono::hours{hh} + std::chrono::minutes{mm} +
         std::chrono::seconds{ss} - std::chrono::minutes{offset_minutes};
}

std::string format_rfc3339(Instant t) {
  const auto day = std::chrono::floor<date::days>(t);
  const date::year_month_day ymd{day};
  const auto secs = (t - day).count();
  const int year = static_cast<int>(ymd.year());
  if (year >= 0 && year <= 9999) {
    // Every stored event formats its instants: digits by hand cost a tenth of snprintf's.
    std::string out = "0000-00-00T00:00:00Z";
    const auto put = [&out](std::size_t at, int value, int width) {
      for (int i = width - 1; i >= 0; --i, value /= 10)
        out[at + static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
    };
    put(0, year, 4);
    put(5, static_cast<int>(static_cast<unsigned>(ymd.month())), 2);
    put(8, static_cast<int>(static_cast<unsigned>(ymd.day())), 2);
    put(11, static_cast<int>(secs / 3600), 2);
    put(14, static_cast<int>(secs / 60 % 60), 2);
    put(17, static_cast<int>(secs % 60), 2);
    return out;
  }
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(secs / 3600), static_cast<int>(secs / 60 % 60),
                static_cast<int>(secs % 60));
  return buf;
}

std::string format_local_date(LocalDate d) {
  const date::year_month_day ymd{d};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

std::string format_compact_date(LocalDate d) {
  const date::year_month_day ymd{d};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d%02u%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

std::optional<int> parse_time_of_day(std::string_view text, bool allow_end_of_day) {
  int hh = 0;
  int mm = 0;
  if (text.size() != 5 || text[2] != ':' || !read_digits(text, 0, 2, hh) ||
      !read_digits(text, 3, 2, mm)) {
    return std::nullopt;
  }
  if (hh == 24 && mm == 0 && allow_end_of_day) return 1440;
  if (hh > 23 || mm > 59) return std::nullopt;
  return hh * 60 + mm;
}

std::string format_time_of_day(int minutes) {
  assert(minutes >= 0 && minutes <= 1440);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d", minutes / 60, minutes % 60);
  return buf;
}

int iso_weekday(LocalDate d) {
  return static_cast<int>(date::weekday{d}.iso_encoding());
}

}  // namespace docket::domain
