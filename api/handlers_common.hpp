#pragma once
// What every command handler shares: the services it calls and the one path from a built
// domain command to an HTTP reply (API.md, "Conventions"):
//   If-Match -> expected version (412 version_mismatch),
//   Idempotency-Key -> replay / 422 idempotency_key_reused / execute once,
//   CommandService -> reply body from the state after the command, `Docket-Position` header,
//   errors -> problems through error_map (handlers never choose an error status).

#include <chrono>
#include <cstdint>
#include <string>

#include "api/command_router.hpp"
#include "api/command_service.hpp"
#include "api/downstream.hpp"
#include "api/idempotency_store.hpp"
#include "api/routes.hpp"
#include "eventstore/event_log.hpp"

namespace docket::projections {
class ProjectionStore;
class Projector;
}  // namespace docket::projections

namespace docket::api {

class AvailabilityCache;
class AvailabilityStreams;
class ProjectionRebuilder;

// The services the handlers use. Everything pointed to must outlive the routes built from it.
struct HandlerContext {
  CommandService* service = nullptr;
  eventstore::EventLog* log = nullptr;
  IdempotencyStore* idempotency = nullptr;  // null: Idempotency-Key headers are ignored
  // How long a duplicate of a keyed request still in flight waits for the first one's reply.
  std::chrono::milliseconds idempotency_wait{5000};
  // Set when other writer processes share the log: commands for doctors this process does not
  // own go to their owner (api/forwarding.hpp). Null: every command is decided here.
  CommandRouter* router = nullptr;
  // The consumers' stores (notifications, analytics); null: their endpoints answer 503.
  DownstreamQueries* downstream = nullptr;
  // The read side (api/handlers_queries.hpp). Null: read-model queries answer 503 unavailable.
  projections::ProjectionStore* projections = nullptr;
  projections::Projector* projector = nullptr;
  // How long a query with Docket-Min-Position waits before 503 not_caught_up.
  std::chrono::milliseconds min_position_wait{5000};
  // /readyz answers 503 while the read models trail the log's head by more than this many
  // events (records per partition with Kafka).
  std::uint64_t ready_max_lag = 1000;
  AvailabilityStreams* streams = nullptr;           // null: the availability stream answers 503
  ProjectionRebuilder* rebuilder = nullptr;         // null: the admin rebuild endpoints answer 503
  AvailabilityCache* availability_cache = nullptr;  // null: every availability query computes
};

// A command ready to run, with how its success is answered.
struct CommandCall {
  std::string doctor_id;
  domain::Command command;
  int success_status = 200;  // 200, 201 or 204 (204 sends no body)
  // Builds the reply body from the state right after the command (events empty when the
  // command changed nothing). Runs on the doctor's writer: must be quick. Unused for 204.
  ReplyView view;
  // The path named an entity (appointment, hold, ...) rather than the doctor: an unknown
  // doctor is then reported as 404 not_found, the entity's own code.
  bool entity = false;
};

// Runs `command` for the caller of `call` and answers it as described above. Blocks the calling
// connection thread until the command is durable or refused. Thread-safe.
Reply run_command(const HandlerContext& context, const Call& call, CommandCall command);

// The doctor owning an entity id from the path, or a 404 not_found problem for an id no
// doctor could own.
docket::Result<std::string, Problem> doctor_of_entity(std::string_view entity_id);

// 404 doctor_not_found unless `doctor_id` could be a doctor's id; used before minting entity ids
// that embed it.
docket::Status<Problem> check_doctor_id(std::string_view doctor_id);

}  // namespace docket::api
