#pragma once
// Internals of CommandService: one doctor's writer and the decisions it has in flight. Not part of
// the service's interface; included by command_service.cpp and command_writer.cpp only.

#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "api/command_types.hpp"
#include "domain/doctor_state_json.hpp"
#include "eventstore/event_log.hpp"

namespace docket::api {

struct WriterJob {
  std::size_t kind = 0;  // the command's variant index
  domain::Command command;
  CommandOptions options;
  CommandCallback done;  // set for commands
  std::function<void(docket::Result<domain::DoctorState, CommandError>)> read_done;  // for reads
  int conflict_retries = 0;  // re-decisions after a conflict this command met itself
  int attempts = 0;          // re-decisions after failures of appends it was decided on top of
};

// One decision waiting for its reply, in decision order.
struct WriterEntry {
  WriterJob job;
  bool appends = false;
  std::uint64_t seq = 0;  // matches the append's completion
  std::optional<eventstore::Result<eventstore::AppendResult>> append;  // set once answered
  std::optional<CommandError> error;  // a decision that appended nothing and failed
  std::vector<domain::Event> events;
  std::uint64_t version_after = 0;
  nlohmann::json view;
  std::optional<domain::DoctorState> read_copy;
};

struct WriterCompletion {
  std::uint64_t seq = 0;
  eventstore::Result<eventstore::AppendResult> result;
};

struct DoctorWriter {
  explicit DoctorWriter(std::string id) : doctor_id(std::move(id)), stream("doctor-" + doctor_id) {}

  const std::string doctor_id;
  const std::string stream;
  std::list<DoctorWriter*>::iterator lru_pos;  // guarded by the service's registry mutex

  std::mutex mutex;
  std::deque<WriterJob> mailbox;              // guarded by mutex
  std::vector<WriterCompletion> completions;  // guarded by mutex
  bool scheduled = false;                     // guarded by mutex: queued on or running on a worker
  std::uint64_t pending = 0;                  // guarded by mutex: jobs submitted, not yet answered

  // Owned by the worker running this writer (one at a time, by `scheduled`).
  std::optional<domain::DoctorState> state;  // includes decided, not yet durable events
  domain::SnapshotBasis basis;
  std::deque<WriterEntry> entries;
  std::size_t appends_in_flight = 0;
  std::uint64_t next_seq = 1;
  std::uint64_t durable_version = 0;
  eventstore::Position durable_position;
  std::string durable_hash;
  std::uint64_t snapshot_version = 0;
  std::uint64_t snapshot_entities = 0;  // size of the state at the last snapshot
  bool broken = false;                  // an append failed: decide nothing until all have answered
  std::deque<WriterJob> redo;           // to decide again against the rehydrated state, in order
};

inline CommandError unavailable_error(std::string detail) {
  CommandError e;
  e.code = command_errc::unavailable;
  e.detail = std::move(detail);
  return e;
}

inline CommandError rejected_error(domain::Error error) {
  CommandError e;
  e.code = command_errc::rejected;
  e.detail = error.detail;
  e.domain = std::move(error);
  return e;
}

}  // namespace docket::api
