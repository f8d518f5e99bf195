#pragma once
// The HTTP server every endpoint runs in: cpp-httplib 0.11.4 tuned as DESIGN.md ("Known traps")
// requires, with the API's conventions applied in one place before any handler runs:
//   route lookup (404 not_found / 405 method_not_allowed problems) ->
//   bearer token (401 unauthenticated, before the body is read) -> role (403 forbidden) ->
//   body: media type (415), size (413), UTF-8 and JSON object (400) -> handler.
// Unexpected exceptions become a 500 problem that says nothing about them. Every response is
// counted in the metrics registry (by route pattern and status) and logged through spdlog
// (method, route pattern, status, latency; never bodies, never query strings).

#include <spdlog/common.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "api/metrics.hpp"
#include "api/routes.hpp"
#include "domain/result.hpp"

namespace spdlog {
class logger;
}

namespace docket::api {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;              // 0: an ephemeral port, see Server::port()
  std::size_t threads = 64;  // one thread serves one keep-alive connection at a time
  std::string jwt_secret;    // HS256 secret; empty refuses every token
  // The time tokens are checked against; null means the system clock.
  std::function<std::chrono::sys_seconds()> clock;
  std::size_t keep_alive_max_count = 1'000'000;  // requests per connection
  // Also bounds how long stop() waits for an idle keep-alive connection to let go.
  std::chrono::seconds keep_alive_timeout{5};
  std::chrono::seconds read_timeout{5};
  std::chrono::seconds write_timeout{5};
  int listen_backlog = 4096;
  bool serve_metrics = true;  // adds GET /metrics (no token) unless the table has it
  spdlog::level::level_enum access_log_level = spdlog::level::info;
  std::shared_ptr<spdlog::logger> logger;  // null: spdlog's default logger
  // Called once when stop() begins, before it waits for connections: ends streamed replies
  // (Reply::stream), which would otherwise hold their connections open. May be empty.
  std::function<void()> on_stop;
};

class Server {
 public:
  // Takes the route table (read-only from here on) and registers its series in `registry`,
  // which must outlive the server.
  Server(RouteTable routes, metrics::Registry& registry, ServerOptions options);
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  // Stops (see stop) and waits for every connection thread to finish.
  ~Server();

  // Binds host:port, raises the listen backlog, and serves on background threads. Returns once
  // the server accepts connections, or an error text when binding fails or it is already
  // started. Not thread-safe with stop().
  docket::Status<std::string> start();

  // The bound port (the ephemeral one when options.port was 0); 0 before start(). Thread-safe.
  int port() const noexcept;

  // Graceful stop: stops accepting at once, lets requests in flight finish, closes each
  // connection after its current request (an idle keep-alive connection within
  // keep_alive_timeout). Returns true when all of that finished within `grace`; false when it
  // is still going (the destructor then waits for it). Idempotent; thread-safe.
  bool stop(std::chrono::milliseconds grace = std::chrono::seconds(10));

  // Requests being handled right now. Thread-safe.
  std::size_t in_flight() const noexcept;

  const RouteTable& routes() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace docket::api
