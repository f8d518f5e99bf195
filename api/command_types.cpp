#include "api/command_types.hpp"

#include <array>
#include <bit>

#include "api/command_metrics.hpp"

namespace docket::api {

std::string_view to_string(command_errc e) noexcept {
  switch (e) {
    case command_errc::rejected:
      return "rejected";
    case command_errc::version_mismatch:
      return "version_mismatch";
    case command_errc::conflict:
      return "conflict";
    case command_errc::unavailable:
      return "unavailable";
  }
  return "unknown";
}

std::string_view command_kind_name(std::size_t variant_index) noexcept {
  // In the order of domain::Command's alternatives.
  static constexpr std::array<std::string_view, kCommandKinds> names = {"register_doctor",
                                                                        "update_profile",
                                                                        "set_schedule",
                                                                        "add_block",
                                                                        "remove_block",
                                                                        "update_settings",
                                                                        "place_hold",
                                                                        "release_hold",
                                                                        "book_appointment",
                                                                        "cancel_appointment",
                                                                        "reschedule_appointment",
                                                                        "confirm_appointment",
                                                                        "reject_appointment",
                                                                        "check_in_appointment",
                                                                        "start_appointment",
                                                                        "complete_appointment",
                                                                        "mark_no_show",
                                                                        "register_walkin",
                                                                        "call_next_walkin",
                                                                        "complete_walkin",
                                                                        "leave_walkin",
                                                                        "mark_walkin_no_show",
                                                                        "join_waitlist",
                                                                        "accept_waitlist_offer",
                                                                        "leave_waitlist",
                                                                        "expire_due"};
  return variant_index < names.size() ? names[variant_index] : "unknown";
}

std::string_view to_string(command_outcome o) noexcept {
  switch (o) {
    case command_outcome::ok:
      return "ok";
    case command_outcome::rejected:
      return "rejected";
    case command_outcome::version_mismatch:
      return "version_mismatch";
    case command_outcome::conflict:
      return "conflict";
    case command_outcome::unavailable:
      return "unavailable";
  }
  return "unknown";
}

command_outcome outcome_of(const CommandResult& r) noexcept {
  if (r.ok()) return command_outcome::ok;
  switch (r.error().code) {
    case command_errc::rejected:
      return command_outcome::rejected;
    case command_errc::version_mismatch:
      return command_outcome::version_mismatch;
    case command_errc::conflict:
      return command_outcome::conflict;
    case command_errc::unavailable:
      return command_outcome::unavailable;
  }
  return command_outcome::unavailable;
}

void CommandMetrics::count_batch(std::uint64_t in_flight) noexcept {
  const std::size_t bucket = std::min<std::size_t>(
      kBatchBuckets - 1, std::bit_width(std::max<std::uint64_t>(1, in_flight)) - 1);
  append_batch[bucket].fetch_add(1, std::memory_order_relaxed);
}

}  // namespace docket::api
