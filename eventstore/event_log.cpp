#include "eventstore/event_log.hpp"

#include <future>

namespace docket::eventstore {

std::string_view to_string(errc e) noexcept {
  switch (e) {
    case errc::version_conflict:
      return "version_conflict";
    case errc::unavailable:
      return "unavailable";
    case errc::invalid_argument:
      return "invalid_argument";
    case errc::corrupt:
      return "corrupt";
    case errc::closed:
      return "closed";
    case errc::io_error:
      return "io_error";
  }
  return "unknown";
}

Result<AppendResult> EventLog::append(AppendRequest request) {
  // The promise outlives the callback's invocation because the future waits for it.
  std::promise<Result<AppendResult>> outcome;
  auto ready = outcome.get_future();
  append_async(std::move(request),
               [&outcome](Result<AppendResult> r) { outcome.set_value(std::move(r)); });
  return ready.get();
}

}  // namespace docket::eventstore
