#pragma once
// Forwarding commands to the writer that owns the doctor's partition.
//
// A writer decides commands only for doctors whose partition it owns and has caught up on
// (OwnerDirectory::owns). A command for any other doctor is sent on, unchanged (method, target,
// body, Authorization, Idempotency-Key, If-Match), to the owner's advertised address, and the
// owner's reply is returned as it is; nothing is ever decided here on state this process does
// not own. One hop only: a forwarded request carries `Docket-Forwarded-By`, and a writer that
// receives one for a partition it does not own answers 503 `unavailable` with
// `Docket-Not-Owner: 1` at once, so the sender reads the owner table again and retries.
//
// While ownership moves (a rebalance, a writer that died) there may be no owner for a while: the
// command waits, re-reading the table every `retry_every`, for at most `patience`, then gets 503
// `unavailable` with Retry-After. A forwarded request whose outcome is unknown (the connection
// broke after it was sent) is never sent again: the caller gets 503 and may retry with its
// Idempotency-Key.

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "api/command_router.hpp"

namespace httplib {
class Client;
}

namespace docket::api {

class OwnerDirectory {
 public:
  virtual ~OwnerDirectory() = default;
  // True while this process owns the doctor's partition and has caught up on it. Thread-safe.
  virtual bool owns(const std::string& doctor_id) const = 0;
  // The advertised address ("http://host:port") of the owner of the doctor's partition; empty
  // when unknown. `refresh`: read the directory again rather than a recent copy. Thread-safe.
  virtual std::string owner_address(const std::string& doctor_id, bool refresh) = 0;
};

struct ForwardingOptions {
  std::string self;                            // this writer's advertised address
  std::chrono::milliseconds patience{8000};    // longest wait for an owner to appear
  std::chrono::milliseconds retry_every{100};  // between two looks at the owner table
  std::chrono::seconds request_timeout{20};    // a forwarded request's read timeout
};

// Thread-safe. `directory` must outlive it.
class CommandForwarder final : public CommandRouter {
 public:
  CommandForwarder(OwnerDirectory& directory, ForwardingOptions options);
  ~CommandForwarder() override;
  CommandForwarder(const CommandForwarder&) = delete;
  CommandForwarder& operator=(const CommandForwarder&) = delete;

  std::optional<Reply> route(const std::string& doctor_id, const Call& call) override;

  // Sets this writer's own advertised address (known once its port is bound), which replaces
  // ForwardingOptions::self.
  void advertise(std::string self);

 private:
  std::string self() const;
  enum class sent { answered, not_owner, unreachable, unknown };
  sent forward(const std::string& address, const Call& call, Reply& reply);
  std::unique_ptr<httplib::Client> take(const std::string& address);
  void give_back(const std::string& address, std::unique_ptr<httplib::Client> client);

  OwnerDirectory& directory_;
  ForwardingOptions options_;
  mutable std::mutex pool_mu_;
  std::map<std::string, std::vector<std::unique_ptr<httplib::Client>>> idle_;  // by address
};

}  // namespace docket::api
