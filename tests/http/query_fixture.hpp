#pragma once
// A real Docket HTTP service with its read side, for the query tests: what http_fixture.hpp's
// Service runs plus the read models in a temporary directory, the projector following the log
// (invalidating the availability cache and waking the availability streams), the online rebuilder,
// and the whole route table on an ephemeral 127.0.0.1 port. The Docket-Min-Position wait is short
// by default so that a test of an unreachable position stays quick.

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "api/availability_cache.hpp"
#include "api/availability_stream.hpp"
#include "api/projection_rebuilder.hpp"
#include "projections/projection_store.hpp"
#include "projections/projector.hpp"
#include "tests/http/http_fixture.hpp"

namespace docket::http_test {

struct QueryServiceOptions {
  std::chrono::milliseconds min_position_wait{300};
  std::uint64_t ready_max_lag = 1000;
  std::size_t max_streams = 4;
  std::chrono::milliseconds heartbeat{15000};
};

class QueryService : public Client {
 public:
  explicit QueryService(const std::filesystem::path& dir, QueryServiceOptions options = {})
      : dir_(dir), options_(options) {
    open();
  }
  ~QueryService() override { close(); }
  QueryService(const QueryService&) = delete;
  QueryService& operator=(const QueryService&) = delete;

  void open() {
    core_.open(dir_);
    auto store = projections::ProjectionStore::open(dir_ / "projections");
    if (!store.ok()) throw std::runtime_error("projections: " + store.error().message);
    store_ = std::move(store).value();
    api::AvailabilityStreamOptions stream_options;
    stream_options.max_streams = options_.max_streams;
    stream_options.heartbeat = options_.heartbeat;
    streams_ = std::make_unique<api::AvailabilityStreams>(stream_options);
    cache_ = std::make_unique<api::AvailabilityCache>();
    projections::ProjectorOptions projector_options;
    projector_options.on_applied = [this](const std::vector<eventstore::Commit>& commits,
                                          const eventstore::Position& covered) {
      cache_->invalidate(commits);
      streams_->notify(commits, covered);
    };
    projector_ = std::make_unique<projections::Projector>(core_.log(), *store_, projector_options);
    if (!projector_->start().ok()) throw std::runtime_error("projector did not start");
    rebuilder_ = std::make_unique<api::ProjectionRebuilder>(core_.log(), *store_, *projector_,
                                                            [this] { cache_->clear(); });
    context_.service = &core_.service();
    context_.log = &core_.log();
    context_.projections = store_.get();
    context_.projector = projector_.get();
    context_.streams = streams_.get();
    context_.availability_cache = cache_.get();
    context_.rebuilder = rebuilder_.get();
    context_.min_position_wait = options_.min_position_wait;
    context_.ready_max_lag = options_.ready_max_lag;
    registry_ = std::make_unique<api::metrics::Registry>();
    api::ServerOptions server_options;
    server_options.jwt_secret = kSecret;
    server_options.threads = 32;
    server_options.access_log_level = spdlog::level::debug;
    server_options.on_stop = [this] { streams_->close(); };
    server_ = std::make_unique<api::Server>(api::build_routes(context_, *registry_), *registry_,
                                            server_options);
    if (auto s = server_->start(); !s) throw std::runtime_error("start: " + s.error());
  }

  void close() {
    if (server_) server_->stop(std::chrono::seconds(5));
    server_.reset();
    if (rebuilder_) rebuilder_->wait();
    rebuilder_.reset();
    if (projector_) projector_->stop();
    projector_.reset();
    streams_.reset();
    cache_.reset();
    store_.reset();
    registry_.reset();
    core_.close();
  }

  int port() const override { return server_->port(); }
  void set_clock(std::string_view rfc3339) { core_.set_clock(rfc3339); }
  api::Server& server() { return *server_; }
  api::AvailabilityStreams& streams() { return *streams_; }
  projections::Projector& projector() { return *projector_; }
  eventstore::EventLog& log() { return core_.log(); }
  // Blocks until no online rebuild runs.
  void wait_for_rebuild() { rebuilder_->wait(); }

  // A GET that waits for the read models to cover `position` (a Docket-Position token).
  Response get_after(const std::string& path, const std::string& bearer,
                     const std::string& position) const {
    return get(path, bearer, {{"Docket-Min-Position", position}});
  }

 private:
  std::filesystem::path dir_;
  QueryServiceOptions options_;
  CommandCore core_;
  std::unique_ptr<projections::ProjectionStore> store_;
  std::unique_ptr<api::AvailabilityStreams> streams_;
  std::unique_ptr<api::AvailabilityCache> cache_;
  std::unique_ptr<projections::Projector> projector_;
  std::unique_ptr<api::ProjectionRebuilder> rebuilder_;
  api::HandlerContext context_;
  std::unique_ptr<api::metrics::Registry> registry_;
  std::unique_ptr<api::Server> server_;
};

// Registers a UTC doctor of `specialty` working Monday to Friday 09:00-17:00 in 10-minute slots
// of `capacity`; returns the Docket-Position of the schedule.
inline std::string add_doctor(const QueryService& s, const std::string& id,
                              const std::string& specialty = "cardiology", int capacity = 1) {
  const std::string admin = token("root", api::Role::admin);
  auto r = s.post("/v1/doctors", admin,
                  {{"id", id},
                   {"name", "Dr " + id},
                   {"specialty", specialty},
                   {"timezone", "UTC"},
                   {"consultation_fee", 50.0},
                   {"consultation_types", {"in_person", "video"}}});
  EXPECT_EQ(r.status, 201) << r.raw;
  r = s.send("PUT", "/v1/doctors/" + id + "/schedule", admin,
             nlohmann::json{{"rules",
                             {{{"weekdays", {1, 2, 3, 4, 5}},
                               {"start", "09:00"},
                               {"end", "17:00"},
                               {"slot_minutes", 10},
                               {"capacity", capacity}}}},
                            {"effective_from", "2027-01-01"}}
                 .dump());
  EXPECT_EQ(r.status, 200) << r.raw;
  return r.header("Docket-Position");
}

// Books `start` with `doctor` for `patient` (as that patient); returns the reply.
inline Response book(const QueryService& s, const std::string& doctor, const std::string& patient,
                     const std::string& start) {
  return s.post("/v1/appointments", token(patient, api::Role::patient),
                {{"doctor_id", doctor}, {"start", start}, {"consultation_type", "in_person"}});
}

}  // namespace docket::http_test
