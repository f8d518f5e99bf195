#include "api/server.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <future>
#include <sstream>
#include <stdexcept>

#include "api/fields.hpp"

namespace docket::api {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view secret = "server-test-secret-0123456789abcdef";
const std::chrono::sys_seconds fixed_now{std::chrono::seconds{1'800'000'000}};

std::string token(Role role, std::chrono::sys_seconds exp = fixed_now + 1h) {
  return "Bearer " + *mint_token(secret, "user-1", role, exp);
}

nlohmann::json json_of(const httplib::Result& r) {
  return nlohmann::json::parse(r->body);
}

// A slow handler's rendezvous: the test learns when it runs and decides when it returns.
struct Gate {
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
};

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    logger_ = std::make_shared<spdlog::logger>(
        "http-test", std::make_shared<spdlog::sinks::ostream_sink_mt>(log_));
    logger_->set_level(spdlog::level::info);

    RouteTable routes;
    routes.add({Method::get, "/v1/ping", Auth::none, {}, BodyRule::none, [](const Call& c) {
                  return Reply::ok({{"pong", true}, {"port", c.http.remote_port}});
                }});
    routes.add(
        {Method::post, "/v1/things", Auth::token, {}, BodyRule::json_object, [](const Call& c) {
           FieldReader in(c.body);
           auto name = in.string("name");
           if (auto done = in.finish(); !done) return Reply::problem(done.error());
           return Reply::created({{"name", *name}, {"by", c.who->sub}});
         }});
    routes.add({Method::post,
                "/v1/things/{id}/confirm",
                Auth::token,
                {},
                BodyRule::empty_or_object,
                [](const Call& c) {
                  return Reply::ok({{"id", c.path.get("id")}});
                }});
    routes.add({Method::del, "/v1/things/{id}", Auth::token, {}, BodyRule::none, [](const Call&) {
                  return Reply::no_content();
                }});
    routes.add(
        {Method::get, "/v1/admin", Auth::token, {Role::admin}, BodyRule::none, [](const Call&) {
           return Reply::ok({{"ok", true}});
         }});
    routes.add({Method::get, "/v1/taken", Auth::none, {}, BodyRule::none, [](const Call&) {
                  return Reply::error(
                      domain::Error{domain::errc::slot_taken, "No capacity left.", "start", {}});
                }});
    routes.add({Method::get, "/v1/boom", Auth::none, {}, BodyRule::none, [](const Call&) -> Reply {
                  throw std::runtime_error("reason_for_visit=chest pain");
                }});
    routes.add({Method::get, "/v1/slow", Auth::none, {}, BodyRule::none, [this](const Call&) {
                  gate_.entered.set_value();
                  if (gate_.released.wait_for(10s) != std::future_status::ready) {
                    return Reply::ok({{"released", false}});
                  }
                  return Reply::ok({{"released", true}});
                }});

    ServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.threads = 8;
    options.jwt_secret = std::string(secret);
    options.clock = [] { return fixed_now; };
    options.keep_alive_timeout = 2s;
    options.logger = logger_;
    server_ = std::make_unique<Server>(std::move(routes), registry_, options);
    const auto started = server_->start();
    ASSERT_TRUE(started.ok()) << started.error();
    ASSERT_GT(server_->port(), 0);
  }

  void TearDown() override {
    if (server_) {
      EXPECT_TRUE(server_->stop(5s));
    }
  }

  httplib::Client client() {
    httplib::Client c("127.0.0.1", server_->port());
    c.set_connection_timeout(5);
    c.set_read_timeout(5);
    c.set_write_timeout(5);
    return c;
  }

  static void expect_problem(const httplib::Result& r, int status, std::string_view code) {
    ASSERT_TRUE(r) << httplib::to_string(r.error());
    EXPECT_EQ(r->status, status) << r->body;
    EXPECT_EQ(r->get_header_value("Content-Type"), "application/problem+json") << r->body;
    const auto body = nlohmann::json::parse(r->body, nullptr, false);
    ASSERT_TRUE(body.is_object()) << r->body;
    EXPECT_EQ(body.value("code", ""), code) << r->body;
    EXPECT_EQ(body.value("status", 0), status) << r->body;
    EXPECT_EQ(body.value("type", ""), "urn:docket:problem:" + std::string(code));
    EXPECT_TRUE(body.contains("title"));
  }

  std::ostringstream log_;
  std::shared_ptr<spdlog::logger> logger_;
  metrics::Registry registry_;
  Gate gate_;
  std::unique_ptr<Server> server_;
};

TEST_F(ServerTest, ServesARoute) {
  auto c = client();
  const auto r = c.Get("/v1/ping");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(json_of(r).at("pong"), true);
}

TEST_F(ServerTest, KeepAliveReusesTheConnection) {
  auto c = client();
  c.set_keep_alive(true);
  const auto first = c.Get("/v1/ping");
  ASSERT_TRUE(first);
  for (int i = 0; i < 20; ++i) {
    const auto r = c.Get("/v1/ping");
    ASSERT_TRUE(r);
    EXPECT_EQ(json_of(r).at("port"), json_of(first).at("port")) << "a new connection at " << i;
  }
}

TEST_F(ServerTest, CommandWithValidTokenAndBody) {
  auto c = client();
  const auto r = c.Post("/v1/things", {{"Authorization", token(Role::patient)}}, R"({"name": "x"})",
                        "application/json; charset=utf-8");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 201) << r->body;
  EXPECT_EQ(json_of(r).at("by"), "user-1");
}

TEST_F(ServerTest, OtherMediaTypeIs415) {
  auto c = client();
  expect_problem(c.Post("/v1/things", {{"Authorization", token(Role::patient)}}, R"({"name": "x"})",
                        "text/plain"),
                 415, "unsupported_media_type");
}

TEST_F(ServerTest, BodyOver64KiBIs413AndTheConnectionStaysUsable) {
  auto c = client();
  c.set_keep_alive(true);
  const std::string big = "{\"name\": \"" + std::string(70 * 1024, 'x') + "\"}";
  expect_problem(
      c.Post("/v1/things", {{"Authorization", token(Role::patient)}}, big, "application/json"), 413,
      "body_too_large");
  const auto next = c.Get("/v1/ping");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
}

TEST_F(ServerTest, ChunkedBodyOver64KiBIs413) {
  auto c = client();
  const std::string chunk(16 * 1024, 'x');
  const auto r = c.Post(
      "/v1/things", {{"Authorization", token(Role::patient)}},
      [&](std::size_t offset, httplib::DataSink& sink) {
        if (offset >= 80 * 1024) {
          sink.done();
        } else {
          sink.write(chunk.data(), chunk.size());
        }
        return true;
      },
      "application/json");
  expect_problem(r, 413, "body_too_large");
}

TEST_F(ServerTest, MalformedBodiesAre400) {
  auto c = client();
  const auto auth = httplib::Headers{{"Authorization", token(Role::patient)}};
  for (const std::string body : {"{", "[1, 2]", "\"text\"", "{\"name\": \"\xC3\x28\"}"}) {
    SCOPED_TRACE(body);
    expect_problem(c.Post("/v1/things", auth, body, "application/json"), 400, "malformed_json");
  }
  expect_problem(c.Post("/v1/things", auth, "", "application/json"), 400, "malformed_json");
}

TEST_F(ServerTest, UnknownFieldIs422) {
  auto c = client();
  const auto r = c.Post("/v1/things", {{"Authorization", token(Role::patient)}},
                        R"({"name": "x", "colour": "red"})", "application/json");
  expect_problem(r, 422, "unknown_field");
  EXPECT_EQ(json_of(r).at("field"), "colour");
}

TEST_F(ServerTest, ActionEndpointTakesEmptyBodyOrEmptyObject) {
  auto c = client();
  const auto auth = httplib::Headers{{"Authorization", token(Role::doctor)}};
  const auto empty = c.Post("/v1/things/t1/confirm", auth, "", "");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->status, 200) << empty->body;
  EXPECT_EQ(json_of(empty).at("id"), "t1");
  const auto object = c.Post("/v1/things/t1/confirm", auth, "{}", "application/json");
  ASSERT_TRUE(object);
  EXPECT_EQ(object->status, 200) << object->body;
  expect_problem(c.Post("/v1/things/t1/confirm", auth, "[]", "application/json"), 400,
                 "malformed_json");
}

TEST_F(ServerTest, NoContentReplyHasNoBody) {
  auto c = client();
  const auto r = c.Delete("/v1/things/t1", {{"Authorization", token(Role::admin)}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 204);
  EXPECT_TRUE(r->body.empty());
}

TEST_F(ServerTest, MissingBadOrExpiredTokenIs401) {
  auto c = client();
  const std::string body = R"({"name": "x"})";
  expect_problem(c.Post("/v1/things", body, "application/json"), 401, "unauthenticated");
  expect_problem(
      c.Post("/v1/things", {{"Authorization", "Bearer nonsense"}}, body, "application/json"), 401,
      "unauthenticated");
  const std::string forged =
      "Bearer " + *mint_token("other", "user-1", Role::admin, fixed_now + 1h);
  expect_problem(c.Post("/v1/things", {{"Authorization", forged}}, body, "application/json"), 401,
                 "unauthenticated");
  const auto expired = c.Post("/v1/things", {{"Authorization", token(Role::admin, fixed_now)}},
                              body, "application/json");
  expect_problem(expired, 401, "unauthenticated");
  EXPECT_EQ(expired->get_header_value("WWW-Authenticate"), "Bearer");
}

TEST_F(ServerTest, AuthenticationComesBeforeTheBody) {
  auto c = client();
  c.set_keep_alive(true);
  const auto bad = httplib::Headers{{"Authorization", "Bearer nonsense"}};
  // Each body would be refused on its own (415, 400, 413); the token is refused first.
  expect_problem(c.Post("/v1/things", bad, "{", "text/plain"), 401, "unauthenticated");
  expect_problem(c.Post("/v1/things", bad, "{", "application/json"), 401, "unauthenticated");
  expect_problem(c.Post("/v1/things", bad, std::string(100 * 1024, 'x'), "application/json"), 401,
                 "unauthenticated");
  const auto next = c.Get("/v1/ping");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
}

TEST_F(ServerTest, WrongRoleIs403) {
  auto c = client();
  expect_problem(c.Get("/v1/admin", {{"Authorization", token(Role::patient)}}), 403, "forbidden");
  const auto ok = c.Get("/v1/admin", {{"Authorization", token(Role::admin)}});
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
}

TEST_F(ServerTest, UnknownRouteIs404Problem) {
  auto c = client();
  expect_problem(c.Get("/v1/nothing-here"), 404, "not_found");
  expect_problem(c.Post("/v1/nothing-here", "{}", "application/json"), 404, "not_found");
}

TEST_F(ServerTest, WrongMethodIs405ProblemWithAllow) {
  auto c = client();
  const auto r = c.Put("/v1/things/t1", "{}", "application/json");
  expect_problem(r, 405, "method_not_allowed");
  EXPECT_EQ(r->get_header_value("Allow"), "DELETE");
  const auto get = c.Get("/v1/things");
  expect_problem(get, 405, "method_not_allowed");
  EXPECT_EQ(get->get_header_value("Allow"), "POST");
}

TEST_F(ServerTest, DomainErrorGetsItsMappedStatus) {
  auto c = client();
  const auto r = c.Get("/v1/taken");
  expect_problem(r, 409, "slot_taken");
  EXPECT_EQ(json_of(r).at("field"), "start");
}

TEST_F(ServerTest, ExceptionIsAGeneric500) {
  auto c = client();
  const auto r = c.Get("/v1/boom");
  expect_problem(r, 500, "internal");
  EXPECT_EQ(r->body.find("chest pain"), std::string::npos) << r->body;
  EXPECT_FALSE(r->has_header("EXCEPTION_WHAT"));
  ASSERT_TRUE(server_->stop(5s));
  server_.reset();
  EXPECT_EQ(log_.str().find("chest pain"), std::string::npos) << log_.str();
  EXPECT_NE(log_.str().find("route=/v1/boom"), std::string::npos) << log_.str();
}

TEST_F(ServerTest, UnparsableRequestGetsAProblem) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(server_->port()));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  const std::string garbage = "NOT AN HTTP REQUEST\r\n\r\n";
  ASSERT_EQ(::send(fd, garbage.data(), garbage.size(), 0), static_cast<ssize_t>(garbage.size()));
  // The server may keep the connection open, so read one whole response rather than to EOF.
  std::string reply;
  char buf[4096];
  std::size_t wanted = std::string::npos;
  while (reply.size() < wanted) {
    const ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) break;
    reply.append(buf, static_cast<std::size_t>(n));
    const auto end = reply.find("\r\n\r\n");
    const auto length = reply.find("Content-Length: ");
    if (end != std::string::npos && length != std::string::npos && length < end) {
      wanted = end + 4 + std::stoul(reply.substr(length + 16));
    }
  }
  ::close(fd);
  EXPECT_EQ(reply.rfind("HTTP/1.1 400", 0), 0u) << reply;
  EXPECT_NE(reply.find("application/problem+json"), std::string::npos) << reply;
  EXPECT_NE(reply.find("\"code\":\"bad_request\""), std::string::npos) << reply;
}

TEST_F(ServerTest, MetricsCountRequestsByRouteAndStatus) {
  auto c = client();
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(c.Get("/v1/ping"));
  ASSERT_TRUE(c.Get("/v1/nowhere"));
  ASSERT_TRUE(c.Get("/v1/taken"));
  // The logger callback records a request after its response is written, so the client can see
  // the reply a moment before the count moves: wait for all of them, bounded.
  const std::vector<std::string> wanted = {
      "docket_http_requests_total{method=\"GET\",route=\"/v1/ping\",status=\"200\"} 3",
      "docket_http_requests_total{method=\"GET\",route=\"/v1/taken\",status=\"409\"} 1",
      "docket_http_requests_total{method=\"-\",route=\"unmatched\",status=\"404\"} 1",
      "docket_http_request_duration_seconds_count{method=\"GET\",route=\"/v1/ping\"} 3",
      "docket_http_request_duration_seconds_bucket{method=\"GET\",route=\"/v1/ping\","
      "le=\"+Inf\"} 3",
  };
  const auto all_found = [&](const std::string& text) {
    return std::all_of(wanted.begin(), wanted.end(),
                       [&](const std::string& w) { return text.find(w) != std::string::npos; });
  };
  std::string text;
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  do {
    const auto r = c.Get("/metrics");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200);
    EXPECT_EQ(r->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
    text = r->body;
  } while (!all_found(text) && std::chrono::steady_clock::now() < deadline);
  for (const auto& w : wanted)
    EXPECT_NE(text.find(w), std::string::npos) << w << "\n" << text;
  EXPECT_EQ(text.find("/v1/nowhere"), std::string::npos) << "raw paths must not become labels";
}

TEST_F(ServerTest, AccessLogHasRouteStatusAndNoBody) {
  auto c = client();
  ASSERT_TRUE(c.Post("/v1/things", {{"Authorization", token(Role::patient)}},
                     R"({"name": "very private words"})", "application/json"));
  ASSERT_TRUE(server_->stop(5s));
  server_.reset();
  const std::string log = log_.str();
  EXPECT_NE(log.find("method=POST route=/v1/things status=201"), std::string::npos) << log;
  EXPECT_EQ(log.find("very private words"), std::string::npos) << log;
}

TEST_F(ServerTest, GracefulStopFinishesTheRequestInFlight) {
  auto slow = std::async(std::launch::async, [port = server_->port()] {
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(10);
    return c.Get("/v1/slow");
  });
  ASSERT_EQ(gate_.entered.get_future().wait_for(5s), std::future_status::ready);
  EXPECT_EQ(server_->in_flight(), 1u);

  auto stopped = std::async(std::launch::async, [this] { return server_->stop(10s); });
  // Once stopping, the server accepts no new connection; wait for that, bounded.
  bool refused = false;
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!refused && std::chrono::steady_clock::now() < deadline) {
    httplib::Client probe("127.0.0.1", server_->port());
    probe.set_connection_timeout(1);
    probe.set_read_timeout(1);
    refused = !probe.Get("/v1/ping");
  }
  EXPECT_TRUE(refused);
  EXPECT_EQ(stopped.wait_for(0s), std::future_status::timeout) << "stop did not wait";

  gate_.release.set_value();
  const auto r = slow.get();
  ASSERT_TRUE(r) << httplib::to_string(r.error());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(json_of(r).at("released"), true);
  ASSERT_EQ(stopped.wait_for(10s), std::future_status::ready);
  EXPECT_TRUE(stopped.get());
}

TEST_F(ServerTest, StopIsBoundedByItsGrace) {
  auto slow = std::async(std::launch::async, [port = server_->port()] {
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(10);
    return c.Get("/v1/slow");
  });
  ASSERT_EQ(gate_.entered.get_future().wait_for(5s), std::future_status::ready);
  const auto before = std::chrono::steady_clock::now();
  EXPECT_FALSE(server_->stop(50ms)) << "a request is still in flight";
  EXPECT_LT(std::chrono::steady_clock::now() - before, 5s);
  gate_.release.set_value();
  const auto r = slow.get();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(server_->stop(5s));
  EXPECT_TRUE(server_->stop(5s)) << "stop is idempotent";
}

TEST_F(ServerTest, OptionsAndHeadFollowTheRouteTable) {
  auto c = client();
  const auto options = c.Options("/v1/things/t1");
  ASSERT_TRUE(options);
  EXPECT_EQ(options->status, 204);
  EXPECT_EQ(options->get_header_value("Allow"), "DELETE");
  expect_problem(c.Options("/v1/nothing-here"), 404, "not_found");
  const auto head = c.Head("/v1/ping");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_TRUE(head->body.empty());
}

TEST(ServerStart, StopBeforeStartIsANoOp) {
  metrics::Registry registry;
  Server server(RouteTable{}, registry, ServerOptions{});
  EXPECT_TRUE(server.stop(1s));
  EXPECT_EQ(server.port(), 0);
}

TEST(ServerStart, ReportsABindFailure) {
  metrics::Registry registry;
  ServerOptions options;
  options.port = 0;
  Server first(RouteTable{}, registry, options);
  ASSERT_TRUE(first.start().ok());
  metrics::Registry other_registry;
  options.port = first.port();
  Server second(RouteTable{}, other_registry, options);
  const auto started = second.start();
  EXPECT_FALSE(started.ok());
  EXPECT_TRUE(first.stop(5s));
}

}  // namespace
}  // namespace docket::api
