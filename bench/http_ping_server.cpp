// A trivial route on the Docket HTTP server wrapper, for wrk (bench/http/ping.lua): it measures
// the plumbing alone (routing, metrics, response writing), not any endpoint.
//
//   http_ping_server [port=18080] [seconds=30] [max_requests=5000000] [threads=64] [backlog=4096]
//
// Binds 127.0.0.1 only and stops by itself after `seconds` or `max_requests` pings, whichever
// comes first. Access logging is off (warn level) so the figure is the server's, not the log's.

#include <spdlog/spdlog.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string_view>

#include "api/metrics.hpp"
#include "api/routes.hpp"
#include "api/server.hpp"

namespace {

std::int64_t arg(int argc, char** argv, int index, std::int64_t fallback) {
  if (index >= argc) return fallback;
  const std::string_view text = argv[index];
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size() ? value : fallback;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace docket::api;
  const auto port = arg(argc, argv, 1, 18080);
  const auto seconds = arg(argc, argv, 2, 30);
  const auto max_requests = arg(argc, argv, 3, 5'000'000);
  const auto threads = arg(argc, argv, 4, 64);
  const auto backlog = arg(argc, argv, 5, 4096);  // 5 reproduces cpp-httplib's own

  spdlog::set_level(spdlog::level::warn);
  std::atomic<std::int64_t> served{0};
  std::mutex mutex;
  std::condition_variable enough;

  RouteTable routes;
  routes.add({Method::get, "/ping", Auth::none, {}, BodyRule::none, [&](const Call&) {
                if (served.fetch_add(1, std::memory_order_relaxed) + 1 == max_requests) {
                  const std::lock_guard lock(mutex);
                  enough.notify_all();
                }
                return Reply::ok({{"pong", true}});
              }});

  metrics::Registry registry;
  ServerOptions options;
  options.host = "127.0.0.1";
  options.port = static_cast<int>(port);
  options.threads = static_cast<std::size_t>(threads);
  options.listen_backlog = static_cast<int>(backlog);
  options.access_log_level = spdlog::level::debug;
  Server server(std::move(routes), registry, options);
  if (auto started = server.start(); !started) {
    std::fprintf(stderr, "http_ping_server: %s\n", started.error().c_str());
    return 1;
  }
  std::printf("http_ping_server listening on 127.0.0.1:%d for %llds or %lld requests\n",
              server.port(), static_cast<long long>(seconds), static_cast<long long>(max_requests));
  std::fflush(stdout);
  {
    std::unique_lock lock(mutex);
    enough.wait_for(lock, std::chrono::seconds(seconds),
                    [&] { return served.load(std::memory_order_relaxed) >= max_requests; });
  }
  const bool drained = server.stop(std::chrono::seconds(10));
  std::printf("http_ping_server served %lld pings, stopped %s\n",
              static_cast<long long>(served.load()), drained ? "cleanly" : "with connections open");
  return 0;
}
