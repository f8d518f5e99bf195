#pragma once
// The read side of `docket serve`: the read models in `<data>/projections`, the projector that
// keeps them current from the log, and the availability streams it wakes. run_serve() opens it
// next to the command side, attaches it to the HTTP handlers, and stops it after the server.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "api/availability_stream.hpp"
#include "api/handlers_common.hpp"
#include "api/projection_rebuilder.hpp"
#include "api/server.hpp"
#include "domain/result.hpp"
#include "eventstore/event_log.hpp"
#include "projections/projection_store.hpp"
#include "projections/projector.hpp"

namespace docket::app {

struct ReadSideOptions {
  std::chrono::milliseconds min_position_wait{5000};  // Docket-Min-Position's longest wait
  std::uint64_t ready_max_lag = 1000;                 // /readyz: most events behind the head
  std::size_t max_streams = 32;                       // concurrent availability streams
};

class ReadSide {
 public:
  // Opens (creating when missing) the read models in `directory` and starts the projector from
  // their checkpoint. Errors (a text for the operator): the store cannot be opened (another
  // process holds it, I/O), or the log refuses the subscription. `log` must outlive the result.
  static docket::Result<std::unique_ptr<ReadSide>, std::string> open(
      eventstore::EventLog& log, const std::filesystem::path& directory, ReadSideOptions options);
  ~ReadSide();  // stop()
  ReadSide(const ReadSide&) = delete;
  ReadSide& operator=(const ReadSide&) = delete;

  // Points the handlers at the read models, and makes the server end the streams when it stops.
  void attach(api::HandlerContext& context, api::ServerOptions& server) const;
  // Ends the streams, waits for a running online rebuild, and stops the projector. Idempotent.
  void stop();

  projections::ProjectionStore& store() { return *store_; }
  projections::Projector& projector() { return *projector_; }

 private:
  ReadSide() = default;
  ReadSideOptions options_;
  std::unique_ptr<projections::ProjectionStore> store_;
  std::unique_ptr<api::AvailabilityStreams> streams_;
  std::unique_ptr<projections::Projector> projector_;
  std::unique_ptr<api::ProjectionRebuilder> rebuilder_;
};

}  // namespace docket::app
