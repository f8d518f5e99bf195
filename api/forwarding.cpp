#include "api/forwarding.hpp"

#include <httplib.h>
#include <strings.h>

#include <thread>

#include "api/error_map.hpp"

namespace docket::api {
namespace {

constexpr const char* kForwardedBy = "Docket-Forwarded-By";
constexpr const char* kNotOwner = "Docket-Not-Owner";
constexpr std::size_t kIdlePerAddress = 32;

// Headers that describe one connection rather than the request, and those of the body, which is
// sent re-encoded.
bool hop_by_hop(const std::string& name) {
  static const char* const names[] = {"Host",        "Connection",        "Content-Length",
                                      "Keep-Alive",  "Transfer-Encoding", "Accept-Encoding",
                                      "REMOTE_ADDR", "REMOTE_PORT",       "LOCAL_ADDR",
                                      "LOCAL_PORT",  "Content-Type",      "Content-Encoding",
                                      kForwardedBy};
  for (const char* n : names) {
    if (::strcasecmp(name.c_str(), n) == 0) return true;
  }
  return false;
}

Reply unavailable(std::string detail, bool not_owner) {
  Reply r = Reply::problem(make_problem(api_errc::unavailable, std::move(detail)));
  r.headers.emplace_back("Retry-After", "1");
  if (not_owner) r.headers.emplace_back(kNotOwner, "1");
  return r;
}

}  // namespace

CommandForwarder::CommandForwarder(OwnerDirectory& directory, ForwardingOptions options)
    : directory_(directory), options_(std::move(options)) {}

CommandForwarder::~CommandForwarder() = default;

void CommandForwarder::advertise(std::string self) {
  const std::lock_guard lock(pool_mu_);
  options_.self = std::move(self);
}

std::string CommandForwarder::self() const {
  const std::lock_guard lock(pool_mu_);
  return options_.self;
}

std::optional<Reply> CommandForwarder::route(const std::string& doctor_id, const Call& call) {
  using Clock = std::chrono::steady_clock;
  const bool forwarded = call.http.has_header(kForwardedBy);
  const auto deadline = Clock::now() + options_.patience;
  for (bool refresh = false;; refresh = true) {
    if (directory_.owns(doctor_id)) return std::nullopt;
    // One hop only: the sender looks the owner up again.
    if (forwarded) return unavailable("This writer does not own the doctor's partition.", true);
    const std::string owner = directory_.owner_address(doctor_id, refresh);
    if (!owner.empty() && owner != self()) {
      Reply reply;
      switch (forward(owner, call, reply)) {
        case sent::answered:
          return reply;
        case sent::unknown:
          return unavailable("The doctor's writer did not answer; retry with the Idempotency-Key.",
                             false);
        case sent::not_owner:
        case sent::unreachable:
          break;  // ownership is moving: look again
      }
    }
    if (Clock::now() + options_.retry_every > deadline) {
      return unavailable("No writer owns the doctor's partition right now.", false);
    }
    std::this_thread::sleep_for(options_.retry_every);
  }
}

CommandForwarder::sent CommandForwarder::forward(const std::string& address, const Call& call,
                                                 Reply& reply) {
  httplib::Request request;
  request.method = call.http.method;
  request.path = call.http.target.empty() ? call.http.path : call.http.target;
  for (const auto& [name, value] : call.http.headers) {
    if (!hop_by_hop(name)) request.headers.emplace(name, value);
  }
  request.headers.emplace(kForwardedBy, self());
  // The server reads bodies through a content reader, so the parsed body is what is left; its
  // compact form is the same request (idempotency hashes the parsed body too).
  if (request.method != "GET" && request.method != "HEAD") {
    request.body = call.body.dump();
    request.headers.emplace("Content-Type", "application/json");
  }
  auto client = take(address);
  auto result = client->send(request);
  if (!result) {
    // Nothing reached the owner when the connection could not even be made.
    const bool before_sending = result.error() == httplib::Error::Connection ||
                                result.error() == httplib::Error::ConnectionTimeout;
    return before_sending ? sent::unreachable : sent::unknown;
  }
  const httplib::Response& response = result.value();
  if (response.status == 503 && response.has_header(kNotOwner)) {
    give_back(address, std::move(client));
    return sent::not_owner;
  }
  reply.status = response.status;
  reply.body = response.body;
  reply.content_type = response.get_header_value("Content-Type");
  for (const char* name : {"Docket-Position", "ETag", "Location", "Retry-After"}) {
    if (response.has_header(name))
      reply.headers.emplace_back(name, response.get_header_value(name));
  }
  give_back(address, std::move(client));
  return sent::answered;
}

std::unique_ptr<httplib::Client> CommandForwarder::take(const std::string& address) {
  {
    const std::lock_guard lock(pool_mu_);
    auto& idle = idle_[address];
    if (!idle.empty()) {
      auto client = std::move(idle.back());
      idle.pop_back();
      return client;
    }
  }
  auto client = std::make_unique<httplib::Client>(address);
  client->set_keep_alive(true);
  client->set_tcp_nodelay(true);
  client->set_connection_timeout(2, 0);
  client->set_read_timeout(static_cast<time_t>(options_.request_timeout.count()), 0);
  client->set_write_timeout(5, 0);
  return client;
}

void CommandForwarder::give_back(const std::string& address,
                                 std::unique_ptr<httplib::Client> client) {
  const std::lock_guard lock(pool_mu_);
  auto& idle = idle_[address];
  if (idle.size() < kIdlePerAddress) idle.push_back(std::move(client));
}

}  // namespace docket::api
