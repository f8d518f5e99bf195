#pragma once
// GET /v1/doctors/{id}/availability/stream: a doctor's availability as Server-Sent Events.
//
// The stream opens with one `slots` event holding every slot of the window (from/to as for
// /availability; default: today and the six days after). After that, each batch the projector
// applies that touches the doctor's stream wakes the connection (ProjectorOptions::on_applied ->
// AvailabilityStreams::notify; nothing polls), which re-reads the window and sends the slots
// whose state changed as one `slots` event. Every event's `id` is the position token the read
// models covered when it was read. A client reconnecting with `Last-Event-ID: <token>` gets no
// opening snapshot when the doctor's stream has not changed since that position, else the whole
// window again (a slot's entry always carries its full state, so replacing is always right).
// A comment line every `heartbeat` finds clients that went away.
//
// Concurrent streams are bounded (each holds a connection thread): past the bound, 503
// unavailable. close() (wired to ServerOptions::on_stop) ends every stream at once, so a graceful
// stop is not held up by them.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "api/handlers_common.hpp"
#include "api/routes.hpp"
#include "eventstore/event_log.hpp"

namespace docket::api {

struct AvailabilityStreamOptions {
  std::size_t max_streams = 32;                // open streams at once; more get 503
  std::chrono::milliseconds heartbeat{15000};  // idle time before a keep-alive comment
  std::size_t resume_scan_commits = 10'000;    // most log commits read to decide a resume
};

class AvailabilityStreams {
 public:
  explicit AvailabilityStreams(AvailabilityStreamOptions options = {});
  ~AvailabilityStreams();  // close()
  AvailabilityStreams(const AvailabilityStreams&) = delete;
  AvailabilityStreams& operator=(const AvailabilityStreams&) = delete;

  // The projector's on_applied hook: wakes the streams of every doctor the commits touch.
  // Quick (a lock and a scan when streams are open, a lock otherwise). Thread-safe.
  void notify(const std::vector<eventstore::Commit>& commits, const eventstore::Position& covered);

  // Ends every open stream and refuses new ones. Idempotent; thread-safe.
  void close();

  // Streams open right now. Thread-safe.
  std::size_t active() const;

  const AvailabilityStreamOptions& options() const noexcept { return options_; }

  // One open stream's registration. Destroying it unregisters.
  class Subscription {
   public:
    enum class Wake { changed, idle, closed };
    ~Subscription();
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;
    // Blocks until the doctor's stream changes after the last wait (changed), `timeout` passes
    // (idle) or close() is called (closed).
    Wake wait(std::chrono::milliseconds timeout);

   private:
    friend class AvailabilityStreams;
    Subscription(AvailabilityStreams& hub, std::string stream);
    AvailabilityStreams& hub_;
    std::string stream_;  // "doctor-<id>"
    bool dirty_ = false;  // guarded by hub_.mu_
  };

  // Registers a stream for `doctor_id`; null when max_streams are open or after close().
  // Thread-safe.
  std::unique_ptr<Subscription> subscribe(const std::string& doctor_id);

 private:
  AvailabilityStreamOptions options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Subscription*> subs_;
  bool closed_ = false;
};

// Adds GET /v1/doctors/{id}/availability/stream (anyone). `context` must outlive the table;
// without context.streams the route answers 503 unavailable.
void add_stream_routes(RouteTable& table, const HandlerContext& context);

}  // namespace docket::api
