#include "eventstore/append_validation.hpp"

#include <algorithm>

namespace docket::eventstore {

bool is_valid_stream_id(std::string_view stream) noexcept {
  return !stream.empty() && stream.size() <= kMaxStreamIdLength &&
         std::all_of(stream.begin(), stream.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

std::optional<Error> validate_append(const AppendRequest& request) {
  if (!is_valid_stream_id(request.stream)) {
    return Error{errc::invalid_argument, "stream id must be 1-256 printable ASCII characters"};
  }
  if (request.events.empty()) {
    return Error{errc::invalid_argument, "an append needs at least one event"};
  }
  for (const NewEvent& e : request.events) {
    if (e.type.empty()) return Error{errc::invalid_argument, "every event needs a type"};
  }
  return std::nullopt;
}

}  // namespace docket::eventstore
