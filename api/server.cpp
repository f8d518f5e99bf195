#include "api/server.hpp"

#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <future>
#include <mutex>
#include <thread>
#include <typeinfo>

#include "api/error_map.hpp"

namespace docket::api {
namespace {

// A body declared longer than this is not even drained: the reply says Connection: close.
// Between max_body_bytes and this, the body is read and discarded so the connection stays
// usable and the client sees the 413 rather than a reset.
constexpr std::uint64_t drain_limit = 1024 * 1024;

constexpr std::string_view unmatched_route = "unmatched";

// Counters per status, created on first use and then reached with one atomic load.
class RouteStats {
 public:
  RouteStats(metrics::Registry& registry, std::string method, std::string route)
      : registry_(registry),
        method_(std::move(method)),
        route_(std::move(route)),
        latency_(registry.histogram("docket_http_request_duration_seconds",
                                    "Time from routing a request to finishing its response.",
                                    {{"method", method_}, {"route", route_}})) {}

  void record(int status, std::optional<double> seconds) {
    if (seconds) latency_.observe(*seconds);
    if (status < 100 || status > 599) status = 500;
    auto& slot = by_status_[static_cast<std::size_t>(status - 100)];
    metrics::Counter* counter = slot.load(std::memory_order_acquire);
    if (counter == nullptr) {
      counter = &registry_.counter(
          "docket_http_requests_total", "HTTP requests answered.",
          {{"method", method_}, {"route", route_}, {"status", std::to_string(status)}});
      slot.store(counter, std::memory_order_release);
    }
    counter->inc();
  }

  const std::string& route() const noexcept { return route_; }

 private:
  metrics::Registry& registry_;
  std::string method_;
  std::string route_;
  metrics::Histogram& latency_;
  std::array<std::atomic<metrics::Counter*>, 500> by_status_{};
};

// What the logger callback needs to know about the request its thread just answered. cpp-httplib
// serves a request, writes its response and calls the logger on one thread, so a thread-local
// carries it from dispatch to there without touching the request.
struct Trace {
  bool active = false;
  RouteStats* stats = nullptr;
  std::chrono::steady_clock::time_point start;
};
thread_local Trace current_trace;

std::optional<std::uint64_t> content_length(const httplib::Request& req) {
  if (!req.has_header("Content-Length")) return std::nullopt;
  const std::string value = req.get_header_value("Content-Length");
  std::uint64_t n = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (ec != std::errc() || end != value.data() + value.size()) return std::nullopt;
  return n;
}

bool is_chunked(const httplib::Request& req) {
  return req.get_header_value("Transfer-Encoding").find("chunked") != std::string::npos;
}

bool has_body(const httplib::Request& req) {
  const auto length = content_length(req);
  return (length && *length > 0) || is_chunked(req);
}

std::string allow_header(std::vector<Method> methods) {
  std::string out;
  for (Method m : {Method::get, Method::post, Method::put, Method::patch, Method::del}) {
    if (std::find(methods.begin(), methods.end(), m) == methods.end()) continue;
    if (!out.empty()) out += ", ";
    out += to_string(m);
    if (m == Method::get) out += ", HEAD";
  }
  return out;
}

enum class BodyRead { ok, too_large, failed };

}  // namespace

struct Server::Impl {
  Impl(RouteTable table, metrics::Registry& reg, ServerOptions opts)
      : routes(std::move(table)), registry(reg), options(std::move(opts)) {
    if (!options.logger) options.logger = spdlog::default_logger();
    if (!options.clock) {
      options.clock = [] {
        return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
      };
    }
    if (options.serve_metrics && !routes.contains(Method::get, "/metrics")) {
      routes.add(
          Route{Method::get, "/metrics", Auth::none, {}, BodyRule::none, [this](const Call&) {
                  return Reply::text(std::string(metrics::content_type), registry.render());
                }});
    }
    for (const Route& r : routes.routes()) {
      stats.push_back(
          std::make_unique<RouteStats>(registry, std::string(to_string(r.method)), r.pattern));
    }
    unmatched = std::make_unique<RouteStats>(registry, "-", std::string(unmatched_route));
    in_flight_gauge =
        &registry.gauge("docket_http_requests_in_flight", "HTTP requests being handled right now.");
    configure();
  }

  void configure();
  void dispatch(const httplib::Request& req, httplib::Response& res,
                const httplib::ContentReader* reader);
  Reply handle(const httplib::Request& req, const httplib::ContentReader* reader,
               bool& keep_connection);
  BodyRead read_body(const httplib::Request& req, const httplib::ContentReader& reader,
                     std::string& out, bool& keep_connection);
  void drain(const httplib::Request& req, const httplib::ContentReader* reader,
             bool& keep_connection);
  void finish(const httplib::Request& req, const httplib::Response& res);
  RouteStats* stats_for(const Route* route);

  RouteTable routes;
  metrics::Registry& registry;
  ServerOptions options;
  std::vector<std::unique_ptr<RouteStats>> stats;  // parallel to routes.routes()
  std::unique_ptr<RouteStats> unmatched;
  metrics::Gauge* in_flight_gauge = nullptr;
  std::atomic<std::size_t> in_flight{0};

  httplib::Server http;
  std::atomic<int> listen_fd{-1};
  std::atomic<int> bound_port{0};
  std::thread listener;
  std::future<void> listener_done;
  std::atomic<bool> started{false};
  std::mutex stop_mutex;          // one stop() at a time joins the listener
  bool http_stopped = false;      // guarded by stop_mutex
  bool stop_hook_called = false;  // guarded by stop_mutex
};

RouteStats* Server::Impl::stats_for(const Route* route) {
  if (route == nullptr) return unmatched.get();
  return stats[static_cast<std::size_t>(route - routes.routes().data())].get();
}

void Server::Impl::configure() {
  http.new_task_queue = [n = options.threads] {
    return new httplib::ThreadPool(n == 0 ? 1 : n);  // cpp-httplib takes ownership
  };
  http.set_tcp_nodelay(true);
  http.set_keep_alive_max_count(options.keep_alive_max_count);
  http.set_keep_alive_timeout(options.keep_alive_timeout.count());
  http.set_read_timeout(options.read_timeout.count());
  http.set_write_timeout(options.write_timeout.count());
  http.set_payload_max_length(max_body_bytes);
  // Replaces cpp-httplib's defaults, so SO_REUSEADDR is ours to set; remembering the descriptor
  // lets start() raise the backlog that the library hard-codes to 5.
  http.set_socket_options([this](socket_t fd) {
    int yes = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    listen_fd.store(fd);
  });

  // Every method goes to dispatch(); the content-reader form lets dispatch() authenticate before
  // it reads a body, and bound what it reads.
  const auto plain = [this](const httplib::Request& req, httplib::Response& res) {
    dispatch(req, res, nullptr);
  };
  const auto with_body = [this](const httplib::Request& req, httplib::Response& res,
                                const httplib::ContentReader& reader) {
    dispatch(req, res, &reader);
  };
  http.Get(".*", plain);
  http.Options(".*", plain);
  http.Post(".*", with_body);
  http.Put(".*", with_body);
  http.Patch(".*", with_body);
  http.Delete(".*", with_body);

  // Statuses cpp-httplib sets on its own (an unparsable request, ...) get a problem body too;
  // replies that already have a body are ours and stay as they are.
  http.set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        const Problem p = problem_for_status(res.status);
        res.set_content(to_body(p), std::string(problem_content_type));
        return httplib::Server::HandlerResponse::Handled;
      }));
  // A backstop: dispatch() catches everything itself. Never echo the exception's text.
  http.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        const Problem p = make_problem(api_errc::internal, "Internal error.");
        res.status = p.status;
        res.set_content(to_body(p), std::string(problem_content_type));
      });
  http.set_logger(
      [this](const httplib::Request& req, const httplib::Response& res) { finish(req, res); });
}

void Server::Impl::dispatch(const httplib::Request& req, httplib::Response& res,
                            const httplib::ContentReader* reader) {
  current_trace = Trace{true, unmatched.get(), std::chrono::steady_clock::now()};
  struct InFlight {
    Impl& s;
    explicit InFlight(Impl& impl) : s(impl) {
      s.in_flight.fetch_add(1, std::memory_order_relaxed);
      s.in_flight_gauge->add(1);
    }
    ~InFlight() {
      s.in_flight_gauge->add(-1);
      s.in_flight.fetch_sub(1, std::memory_order_relaxed);
    }
    InFlight(const InFlight&) = delete;
    InFlight& operator=(const InFlight&) = delete;
  } counted(*this);
  bool keep_connection = true;
  Reply reply = handle(req, reader, keep_connection);
  res.status = reply.status;
  for (auto& [name, value] : reply.headers)
    res.set_header(name, value);
  if (!keep_connection) res.set_header("Connection", "close");
  if (reply.stream) {
    // The provider runs on this connection thread once the headers are out; the whole body is
    // one call of the stream function, then the chunked body ends.
    res.set_chunked_content_provider(reply.content_type, [stream = std::move(reply.stream)](
                                                             std::size_t, httplib::DataSink& sink) {
      stream([&sink](std::string_view data) {
        return sink.is_writable() && sink.write(data.data(), data.size());
      });
      sink.done();
      return true;
    });
  } else if (reply.status != 204 && reply.status != 304) {
    res.set_content(std::move(reply.body), reply.content_type);
  } else {
    res.body.clear();
  }
}

void Server::Impl::drain(const httplib::Request& req, const httplib::ContentReader* reader,
                         bool& keep_connection) {
  if (reader == nullptr || !has_body(req)) return;
  const auto length = content_length(req);
  if (length && *length > drain_limit) {
    keep_connection = false;
    return;
  }
  std::uint64_t seen = 0;
  // Over max_body_bytes cpp-httplib discards a Content-Length body itself and reports false.
  const bool complete = (*reader)([&](const char*, std::size_t n) {
    seen += n;
    return seen <= drain_limit;
  });
  if (!complete && (!length || *length <= max_body_bytes)) keep_connection = false;
}

BodyRead Server::Impl::read_body(const httplib::Request& req, const httplib::ContentReader& reader,
                                 std::string& out, bool& keep_connection) {
  const auto length = content_length(req);
  if (length && *length > max_body_bytes) {
    drain(req, &reader, keep_connection);
    return BodyRead::too_large;
  }
  // A chunked body has no declared length: keep what fits, then discard up to drain_limit so
  // that the client, still sending, gets the 413 instead of a reset.
  std::uint64_t seen = 0;
  const bool complete = reader([&](const char* data, std::size_t n) {
    seen += n;
    if (seen <= max_body_bytes) out.append(data, n);
    return seen <= drain_limit;
  });
  if (seen > max_body_bytes) {
    if (!complete) keep_connection = false;  // the rest is still on the wire
    return BodyRead::too_large;
  }
  if (!complete) {
    keep_connection = false;
    return BodyRead::failed;
  }
  return BodyRead::ok;
}

Reply Server::Impl::handle(const httplib::Request& req, const httplib::ContentReader* reader,
                           bool& keep_connection) {
  const auto method = parse_method(req.method);
  RouteMatch match;
  if (method) {
    match = routes.find(*method, req.path);
  } else {
    match.allowed = routes.methods_for(req.path);
  }
  if (match.route == nullptr) {
    drain(req, reader, keep_connection);
    if (match.allowed.empty()) {
      return Reply::problem(make_problem(domain::errc::not_found, "No such resource."));
    }
    Reply r = Reply::problem(make_problem(api_errc::method_not_allowed,
                                          "This resource does not support " + req.method + "."));
    if (req.method == "OPTIONS") r = Reply::no_content();
    r.headers.emplace_back("Allow", allow_header(match.allowed));
    return r;
  }
  const Route& route = *match.route;
  current_trace.stats = stats_for(&route);

  std::optional<Principal> who;
  if (route.auth == Auth::token) {
    auto verified =
        authenticate(req.get_header_value("Authorization"), options.jwt_secret, options.clock());
    if (!verified) {
      drain(req, reader, keep_connection);
      Reply r = Reply::problem(to_problem(verified.error()));
      r.headers.emplace_back("WWW-Authenticate", "Bearer");
      return r;
    }
    who = std::move(verified).value();
    if (!route.roles.empty() &&
        std::find(route.roles.begin(), route.roles.end(), who->role) == route.roles.end()) {
      drain(req, reader, keep_connection);
      return Reply::problem(
          make_problem(domain::errc::forbidden, "This role may not call this endpoint."));
    }
  }

  nlohmann::json body = nlohmann::json::object();
  if (route.body == BodyRule::none || reader == nullptr) {
    drain(req, reader, keep_connection);
  } else if (route.body == BodyRule::json_object || has_body(req)) {
    const std::string content_type = req.get_header_value("Content-Type");
    if (auto ok = check_content_type(content_type); !ok) {
      drain(req, reader, keep_connection);
      return Reply::problem(ok.error());
    }
    std::string raw;
    switch (read_body(req, *reader, raw, keep_connection)) {
      case BodyRead::ok:
        break;
      case BodyRead::too_large:
        return Reply::problem(make_problem(api_errc::body_too_large, "The body is over 64 KiB."));
      case BodyRead::failed:
        return Reply::problem(
            make_problem(api_errc::malformed_json, "The body could not be read completely."));
    }
    auto parsed = parse_body(content_type, raw, route.body);
    if (!parsed) return Reply::problem(parsed.error());
    body = std::move(parsed).value();
  }
  const Call call{req, match.path, req.params, who, body};
  try {
    return route.handler(call);
  } catch (const std::exception& e) {
    // The text may carry request data; the log gets the kind of failure and the route only.
    options.logger->error("http unhandled exception route={} kind={}", route.pattern,
                          typeid(e).name());
  } catch (...) {
    options.logger->error("http unhandled exception route={} kind=unknown", route.pattern);
  }
  return Reply::problem(make_problem(api_errc::internal, "Internal error."));
}

void Server::Impl::finish(const httplib::Request& req, const httplib::Response& res) {
  Trace trace = current_trace;
  current_trace.active = false;
  std::optional<double> seconds;
  RouteStats* route_stats = unmatched.get();
  if (trace.active) {
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - trace.start).count();
    route_stats = trace.stats;
  }
  route_stats->record(res.status, seconds);
  if (options.logger->should_log(options.access_log_level)) {
    options.logger->log(options.access_log_level, "http method={} route={} status={} ms={:.3f}",
                        req.method.empty() ? "-" : req.method, route_stats->route(), res.status,
                        seconds.value_or(0.0) * 1000.0);
  }
}

Server::Server(RouteTable routes, metrics::Registry& registry, ServerOptions options)
    : impl_(std::make_unique<Impl>(std::move(routes), registry, std::move(options))) {}

Server::~Server() {
  stop(std::chrono::seconds(30));
  if (impl_->listener.joinable()) impl_->listener.join();
}

docket::Status<std::string> Server::start() {
  Impl& s = *impl_;
  if (s.started.exchange(true)) return fail(std::string("the server is already started"));
  int port = s.options.port;
  if (port == 0) {
    port = s.http.bind_to_any_port(s.options.host);
    if (port <= 0) return fail("cannot bind " + s.options.host + " to an ephemeral port");
  } else if (!s.http.bind_to_port(s.options.host, port)) {
    return fail("cannot bind " + s.options.host + ":" + std::to_string(port));
  }
  if (const int fd = s.listen_fd.load(); fd >= 0) {
    if (::listen(fd, s.options.listen_backlog) != 0) {
      s.options.logger->warn("http listen backlog stays at the library default");
    }
  }
  s.bound_port.store(port);
  std::promise<void> done;
  s.listener_done = done.get_future();
  s.listener = std::thread([&s, done = std::move(done)]() mutable {
    if (!s.http.listen_after_bind()) s.options.logger->error("http listener stopped with an error");
    done.set_value();
  });
  // stop() is a no-op until the listener runs, so do not return before it does.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!s.http.is_running()) {
    if (s.listener_done.wait_for(std::chrono::milliseconds(1)) == std::future_status::ready ||
        std::chrono::steady_clock::now() > deadline) {
      return fail(std::string("the listener did not start"));
    }
  }
  s.options.logger->info("http listening host={} port={} threads={}", s.options.host, port,
                         s.options.threads);
  return docket::unit;
}

int Server::port() const noexcept {
  return impl_->bound_port.load();
}

bool Server::stop(std::chrono::milliseconds grace) {
  Impl& s = *impl_;
  const std::lock_guard lock(s.stop_mutex);
  if (!s.started.load() || !s.listener_done.valid()) return true;
  if (s.options.on_stop && !s.stop_hook_called) {
    s.stop_hook_called = true;
    s.options.on_stop();
  }
  // cpp-httplib's stop() does nothing before its listener runs and must not be repeated after,
  // so call it exactly once, as soon as the listener is seen running (or it has ended anyway).
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (true) {
    if (!s.http_stopped && s.http.is_running()) {
      s.http.stop();
      s.http_stopped = true;
    }
    const auto step = s.http_stopped
                          ? deadline - std::chrono::steady_clock::now()
                          : std::chrono::steady_clock::duration(std::chrono::milliseconds(5));
    if (s.listener_done.wait_for(std::max(step, std::chrono::steady_clock::duration::zero())) ==
        std::future_status::ready) {
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) return false;
  }
  if (s.listener.joinable() && s.listener.get_id() != std::this_thread::get_id()) {
    s.listener.join();
  }
  return true;
}

std::size_t Server::in_flight() const noexcept {
  return impl_->in_flight.load(std::memory_order_relaxed);
}

const RouteTable& Server::routes() const noexcept {
  return impl_->routes;
}

}  // namespace docket::api
