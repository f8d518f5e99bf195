#pragma once
// `docket serve`: the whole service in one process on the embedded log — the event log and the
// write side's store under the data directory, the command service with its deadline scheduler,
// the read models in <data>/projections with their projector (app/read_side.hpp), the downstream
// consumers (unless `--consumers none`), and the HTTP API. Stops gracefully on SIGTERM or SIGINT:
// no new connections, requests in flight answered, the consumers stopped, the stores flushed,
// exit status 0.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <ostream>
#include <string>

#include "app/consumers_options.hpp"

namespace docket::app {

struct ServeOptions {
  std::filesystem::path data = "./docket-data";
  std::string host = "127.0.0.1";
  int port = 8080;               // 0: an ephemeral port (printed once bound)
  std::string log = "embedded";  // or kafka://host:port,... (app/log_spec.hpp)
  std::string secret_file;       // else DOCKET_JWT_SECRET
  std::size_t threads = 64;      // HTTP connection threads
  std::size_t workers = 2;       // command service threads
  bool demo = false;             // seed the demo clinic once and print tokens and curl examples
  // "all" (everything in one process), "command" (one command writer of a writer group on a
  // Kafka log) or "project" (projectors and queries only): app/roles.hpp.
  std::string role = "all";
  std::string advertise;                        // role command: address other writers forward to
  std::string writer_group = "docket.writers";  // role command: the writers' consumer group
  int group_session_timeout_ms = 10'000;        // role command: heartbeat loss before takeover
  // The downstream consumers run in this process (app/consumers_runtime.hpp); `consumers.consumers
  // = "none"` leaves them to `docket consume` processes.
  ConsumersOptions consumers;
  std::uint64_t ready_max_lag = 1000;  // /readyz: most events the read models may trail the log
  std::size_t max_streams = 32;        // concurrent availability streams (SSE)
};

// Runs until SIGTERM/SIGINT. Prints "docket listening on http://HOST:PORT" on `out` once the
// port is bound (the demo's tokens and examples follow); logs go to stderr through spdlog.
// Returns 0 after a clean stop; 2 for a configuration error (no secret, unsupported log), 1 when
// a store cannot be opened or the server cannot bind. Blocks SIGTERM and SIGINT in the calling
// thread, so call it before any other thread is started.
int run_serve(const ServeOptions& options, std::ostream& out);

}  // namespace docket::app
