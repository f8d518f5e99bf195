#pragma once
// A real Docket HTTP service for tests: embedded log and side store in a temporary directory,
// command service on a manual clock, idempotency store, the full route table on an ephemeral
// 127.0.0.1 port, and a client helper. restart() stops everything and opens the same directory
// again, as a process restart would.
//
// The clock starts at 2027-02-22T00:00:00Z (a Monday). Tokens are checked against the system
// clock and minted valid for an hour.

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "api/auth.hpp"
#include "api/command_service.hpp"
#include "api/http_app.hpp"
#include "api/idempotency_store.hpp"
#include "api/server.hpp"
#include "api/side_store.hpp"
#include "eventstore/embedded_log.hpp"
#include "tests/support/temp_dir.hpp"

namespace docket::http_test {

inline constexpr const char* kSecret = "test-secret-for-docket-http";

using TempDir = docket::testing::TempDir;

inline std::string token(const std::string& sub, api::Role role) {
  const auto exp = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) +
                   std::chrono::hours(1);
  auto t = api::mint_token(kSecret, sub, role, exp);
  EXPECT_TRUE(t.ok());
  return t.ok() ? t.value() : std::string();
}

struct Response {
  int status = 0;
  nlohmann::json body;
  httplib::Headers headers;
  std::string raw;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
  // The problem's code, "" when the body is not a problem.
  std::string code() const {
    return body.is_object() && body.contains("code") ? body["code"].get<std::string>() : "";
  }
};

// One request to 127.0.0.1:`port` with an optional bearer token, answered as a Response; a
// transport failure is a test failure (and status 0).
inline Response send_request(int port, const std::string& method, const std::string& path,
                             const std::string& bearer, const std::string& body,
                             httplib::Headers headers,
                             const std::string& content_type = "application/json") {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(10, 0);
  if (!bearer.empty()) headers.emplace("Authorization", "Bearer " + bearer);
  auto r = [&] {
    if (method == "GET") return client.Get(path, headers);
    if (method == "POST") return client.Post(path, headers, body, content_type);
    if (method == "PUT") return client.Put(path, headers, body, content_type);
    if (method == "PATCH") return client.Patch(path, headers, body, content_type);
    return client.Delete(path, headers);
  }();
  Response out;
  if (!r) {
    ADD_FAILURE() << method << " " << path << ": " << httplib::to_string(r.error());
    return out;
  }
  out.status = r->status;
  out.headers = r->headers;
  out.raw = r->body;
  out.body = nlohmann::json::parse(r->body, nullptr, false);
  return out;
}

// What every test service runs on the command side: the embedded log and side store in `dir`, and
// the command service (recovered) on a manual clock that starts at 2027-02-22T00:00:00Z.
class CommandCore {
 public:
  void open(const std::filesystem::path& dir) {
    auto log = eventstore::open_embedded_log({.directory = dir / "log"});
    if (!log) throw std::runtime_error("log: " + log.error().message);
    log_ = std::move(log).value();
    auto side = api::SideStore::open(dir / "side");
    if (!side) throw std::runtime_error("side: " + side.error().message);
    side_ = std::move(side).value();
    api::CommandServiceOptions options;
    options.clock = [this] { return domain::Instant(std::chrono::seconds(seconds_.load())); };
    service_ = std::make_unique<api::CommandService>(*log_, side_.get(), options);
    if (!service_->recover()) throw std::runtime_error("recover failed");
  }
  // Answers what is in flight and stops the service; the stores stay open.
  void close_service() {
    if (service_) service_->close();
    service_.reset();
  }
  // close_service(), then the side store (synced) and the log.
  void close() {
    close_service();
    if (side_) permit_unchecked(side_->sync());
    side_.reset();
    if (log_) log_->close();
    log_.reset();
  }

  void set_clock(std::string_view rfc3339) {
    seconds_.store(domain::parse_rfc3339(rfc3339)->time_since_epoch().count());
  }
  void advance(std::chrono::seconds d) { seconds_.fetch_add(d.count()); }
  eventstore::EventLog& log() { return *log_; }
  api::SideStore& side() { return *side_; }
  api::CommandService& service() { return *service_; }

 private:
  std::atomic<std::int64_t> seconds_{
      domain::parse_rfc3339("2027-02-22T00:00:00Z")->time_since_epoch().count()};
  std::unique_ptr<eventstore::EventLog> log_;
  std::unique_ptr<api::SideStore> side_;
  std::unique_ptr<api::CommandService> service_;
};

// Requests to a test service on 127.0.0.1, for the fixtures to inherit.
class Client {
 public:
  virtual ~Client() = default;
  virtual int port() const = 0;

  Response send(const std::string& method, const std::string& path, const std::string& bearer,
                const std::string& body = "", httplib::Headers headers = {},
                const std::string& content_type = "application/json") const {
    return send_request(port(), method, path, bearer, body, std::move(headers), content_type);
  }
  Response get(const std::string& path, const std::string& bearer,
               httplib::Headers headers = {}) const {
    return send("GET", path, bearer, "", std::move(headers));
  }
  Response post(const std::string& path, const std::string& bearer, const nlohmann::json& body,
                httplib::Headers headers = {}) const {
    return send("POST", path, bearer, body.dump(), std::move(headers));
  }
};

// Builds the downstream queries over the service's log and directory (tests/http/downstream_test).
using DownstreamFactory = std::function<std::unique_ptr<api::DownstreamQueries>(
    eventstore::EventLog&, const std::filesystem::path&)>;

class Service : public Client {
 public:
  explicit Service(const std::filesystem::path& dir) : dir_(dir) { open(); }
  Service(const std::filesystem::path& dir, DownstreamFactory downstream)
      : dir_(dir), downstream_factory_(std::move(downstream)) {
    open();
  }
  ~Service() override { close(); }

  void open() {
    core_.open(dir_);
    idempotency_ = std::make_unique<api::IdempotencyStore>(core_.side(), core_.log());
    if (!idempotency_->recover()) throw std::runtime_error("idempotency recover failed");
    context_.service = &core_.service();
    context_.log = &core_.log();
    context_.idempotency = idempotency_.get();
    if (downstream_factory_) {
      downstream_ = downstream_factory_(core_.log(), dir_);
      context_.downstream = downstream_.get();
    }
    registry_ = std::make_unique<api::metrics::Registry>();
    api::ServerOptions server_options;
    server_options.jwt_secret = kSecret;
    server_options.threads = 128;
    server_options.access_log_level = spdlog::level::debug;
    server_ = std::make_unique<api::Server>(api::build_routes(context_, *registry_), *registry_,
                                            server_options);
    if (auto s = server_->start(); !s) throw std::runtime_error("start: " + s.error());
  }

  void close() {
    if (server_) server_->stop(std::chrono::seconds(5));
    server_.reset();
    core_.close_service();
    if (idempotency_) permit_unchecked(idempotency_->checkpoint());
    idempotency_.reset();
    downstream_.reset();
    registry_.reset();
    core_.close();
  }

  void restart() {
    close();
    open();
  }

  int port() const override { return server_->port(); }
  void set_clock(std::string_view rfc3339) { core_.set_clock(rfc3339); }
  void advance(std::chrono::seconds d) { core_.advance(d); }
  api::CommandService& service() { return core_.service(); }

 private:
  std::filesystem::path dir_;
  CommandCore core_;
  std::unique_ptr<api::IdempotencyStore> idempotency_;
  api::HandlerContext context_;
  DownstreamFactory downstream_factory_;
  std::unique_ptr<api::DownstreamQueries> downstream_;
  std::unique_ptr<api::metrics::Registry> registry_;
  std::unique_ptr<api::Server> server_;
};

// Registers a UTC doctor working Monday to Friday 09:00-17:00 in 10-minute slots of `capacity`.
inline void standard_doctor(const Service& s, const std::string& id, int capacity = 1,
                            nlohmann::json types = {"in_person", "video"}) {
  const std::string admin = token("root", api::Role::admin);
  auto r = s.post("/v1/doctors", admin,
                  {{"id", id},
                   {"name", "Dr " + id},
                   {"specialty", "cardiology"},
                   {"timezone", "UTC"},
                   {"consultation_fee", 50.0},
                   {"consultation_types", types}});
  ASSERT_EQ(r.status, 201) << r.raw;
  r = s.send("PUT", "/v1/doctors/" + id + "/schedule", admin,
             nlohmann::json{{"rules",
                             {{{"weekdays", {1, 2, 3, 4, 5}},
                               {"start", "09:00"},
                               {"end", "17:00"},
                               {"slot_minutes", 10},
                               {"capacity", capacity}}}},
                            {"effective_from", "2027-01-01"}}
                 .dump());
  ASSERT_EQ(r.status, 200) << r.raw;
}

}  // namespace docket::http_test
