#include "domain/doctor_types.hpp"

#include <array>

namespace docket::domain {
namespace {

// Looks `text` up in a table of names indexed by enum value.
template <class E, std::size_t N>
std::optional<E> parse_in(const std::array<std::string_view, N>& names, std::string_view text) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == text) return static_cast<E>(i);
  }
  return std::nullopt;
}

constexpr std::array<std::string_view, 5> role_names{"patient", "doctor", "receptionist", "admin",
                                                     "system"};
constexpr std::array<std::string_view, 8> appointment_status_names{
    "pending",   "confirmed", "checked_in", "in_progress",
    "completed", "cancelled", "rejected",   "no_show"};
constexpr std::array<std::string_view, 4> block_kind_names{"leave", "holiday", "emergency",
                                                           "other"};
constexpr std::array<std::string_view, 3> urgency_names{"routine", "urgent", "emergency"};
constexpr std::array<std::string_view, 5> walkin_status_names{"waiting", "called", "completed",
                                                              "left", "no_show"};
constexpr std::array<std::string_view, 5> waitlist_status_names{"waiting", "offered", "booked",
                                                                "expired", "left"};

}  // namespace

std::string_view to_string(Role r) noexcept {
  return role_names[static_cast<std::size_t>(r)];
}
std::optional<Role> parse_role(std::string_view text) noexcept {
  return parse_in<Role>(role_names, text);
}

std::string_view to_string(AppointmentStatus s) noexcept {
  return appointment_status_names[static_cast<std::size_t>(s)];
}
std::optional<AppointmentStatus> parse_appointment_status(std::string_view text) noexcept {
  return parse_in<AppointmentStatus>(appointment_status_names, text);
}

std::string_view to_string(BlockKind k) noexcept {
  return block_kind_names[static_cast<std::size_t>(k)];
}
std::optional<BlockKind> parse_block_kind(std::string_view text) noexcept {
  return parse_in<BlockKind>(block_kind_names, text);
}

std::string_view to_string(Urgency u) noexcept {
  return urgency_names[static_cast<std::size_t>(u)];
}
std::optional<Urgency> parse_urgency(std::string_view text) noexcept {
  return parse_in<Urgency>(urgency_names, text);
}

std::string_view to_string(WalkinStatus s) noexcept {
  return walkin_status_names[static_cast<std::size_t>(s)];
}
std::optional<WalkinStatus> parse_walkin_status(std::string_view text) noexcept {
  return parse_in<WalkinStatus>(walkin_status_names, text);
}

std::string_view to_string(WaitlistStatus s) noexcept {
  return waitlist_status_names[static_cast<std::size_t>(s)];
}
std::optional<WaitlistStatus> parse_waitlist_status(std::string_view text) noexcept {
  return parse_in<WaitlistStatus>(waitlist_status_names, text);
}

namespace {

// Writes `value` in decimal at `out`, zero-padded to `width` digits (more when it needs more);
// returns the end.
char* put_padded(char* out, long value, int width) {
  char digits[24];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value > 0);
  for (int i = n; i < width; ++i)
    *out++ = '0';
  while (n > 0)
    *out++ = digits[--n];
  return out;
}

}  // namespace

// Hand-formatted: this runs on every booking, and snprintf costs more than the rest of a decision.
std::string format_appointment_number(LocalDate day, int sequence) {
  const date::year_month_day ymd{day};
  char buf[64] = {'A', 'P', 'T', '-'};
  char* p = put_padded(buf + 4, static_cast<int>(ymd.year()), 4);
  p = put_padded(p, static_cast<unsigned>(ymd.month()), 2);
  p = put_padded(p, static_cast<unsigned>(ymd.day()), 2);
  *p++ = '-';
  p = put_padded(p, sequence, 4);
  return std::string(buf, p);
}

std::string format_queue_number(int sequence) {
  char buf[32] = {'Q'};
  return std::string(buf, put_padded(buf + 1, sequence, 3));
}

}  // namespace docket::domain
