#pragma once
// Errors of the read side. RocksDB statuses and log errors are turned into these inside
// projections/ and go no further.

#include <string>
#include <string_view>

#include "domain/result.hpp"

namespace docket::projections {

enum class errc {
  io_error,          // RocksDB failed (disk full, permissions, held by another process)
  corrupt,           // a stored value or checkpoint does not parse
  log_error,         // the event log answered with an error other than closed
  closed,            // the projector or the log has been stopped
  timeout,           // a bounded wait ran out
  not_found,         // no such entity in the read model
  invalid_argument,  // a query parameter or model name out of range
};

// "io_error", ...
std::string_view to_string(errc e) noexcept;

struct Error {
  errc code;
  std::string message;  // for operators; never contains event data or free text
};

template <class T>
using Result = docket::Result<T, Error>;
using Status = docket::Status<Error>;

inline Failure<Error> error(errc code, std::string message) {
  return fail(Error{code, std::move(message)});
}

}  // namespace docket::projections
