#pragma once
// Argument checks every backend applies to an append before it touches storage, so that both
// backends reject exactly the same requests with errc::invalid_argument.

#include <optional>
#include <string_view>

#include "eventstore/event_log.hpp"

namespace docket::eventstore {

// Longest accepted stream id, in bytes.
inline constexpr std::size_t kMaxStreamIdLength = 256;

// True for 1..kMaxStreamIdLength printable, non-space ASCII characters.
bool is_valid_stream_id(std::string_view stream) noexcept;

// nullopt when the request may be appended; otherwise an invalid_argument error saying what is
// wrong (never quoting event data). Checks: valid stream id, at least one event, every event has
// a non-empty type. Thread-safe (pure).
std::optional<Error> validate_append(const AppendRequest& request);

}  // namespace docket::eventstore
