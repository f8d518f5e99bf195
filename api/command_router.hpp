#pragma once
// Where a command is decided when several writer processes share a partitioned event log: here,
// or by the process that owns the doctor's partition (api/forwarding.hpp).

#include <optional>
#include <string>

#include "api/routes.hpp"

namespace docket::api {

class CommandRouter {
 public:
  virtual ~CommandRouter() = default;
  // nullopt: decide the command for `doctor_id` here. Otherwise the reply to send as it is: the
  // owner's reply to the forwarded request, or a problem when no owner could be reached.
  // Thread-safe; may block for a bounded time.
  virtual std::optional<Reply> route(const std::string& doctor_id, const Call& call) = 0;
};

}  // namespace docket::api
