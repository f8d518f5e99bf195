#pragma once
// The event log: Docket's only source of truth. One interface, two backends (embedded RocksDB, the
// default, and Kafka) that pass one contract suite.
//
// Streams are named ("doctor-<id>") and versioned: a stream's version is the number of events in it,
// and an event's version is its 1-based index in its stream. An append names the version it was
// decided against (`expected_version`); a mismatch is a conflict, never an overwrite. One append is
// one *commit*: all of its events are stored, in order, or none is.
//
// Every stored event is a CloudEvents 1.0 envelope (see envelope.hpp) chained per stream by SHA-256.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.hpp"
#include "domain/time.hpp"
#include "eventstore/envelope.hpp"
#include "eventstore/position.hpp"

namespace docket::eventstore {

enum class errc {
  version_conflict,  // the stream's version was not the expected one (Error::actual_version has it)
  unavailable,       // the backend did not confirm durability within its timeout; nothing acknowledged
  invalid_argument,  // empty append, bad stream id, malformed position token
  corrupt,           // stored bytes do not parse as an envelope
  closed,            // the log or subscription has been closed
  io_error,          // the storage engine failed (disk full, permissions, ...)
};

// "version_conflict", ...
std::string_view to_string(errc e) noexcept;

struct Error {
  errc code;
  std::string message;              // for operators; never contains event data
  std::uint64_t actual_version = 0; // with version_conflict: the stream's version at the time
};

template <class T>
using Result = docket::Result<T, Error>;

// One event as the domain hands it over; the log adds the envelope around it.
struct NewEvent {
  std::string type;     // "docket.appointment.booked.v1"
  std::string subject;  // what the event is about, e.g. the appointment id; may be empty
  nlohmann::json data;  // the event's JSON form (CloudEvents `data`)
};

// What every event of one append shares.
struct AppendMetadata {
  domain::Instant time;        // when the command was decided (the command's `now`)
  Actor actor;                 // who issued the command
  std::string correlation_id;  // the request that started the chain of commands; may be empty
  std::string causation_id;    // the event or command that caused this one; may be empty
};

struct AppendRequest {
  std::string stream;
  std::uint64_t expected_version = 0;  // 0: the stream must not exist yet
  std::vector<NewEvent> events;        // at least one
  AppendMetadata metadata;
};

struct AppendResult {
  std::uint64_t first_version = 0;  // version of the first appended event
  std::uint64_t last_version = 0;   // the stream's version after the append
  Position position;                // the log position just after this commit
  std::vector<RecordedEvent> events;  // the envelopes as stored (ids, hashes)
};

// A stored commit: the events of one append, in order.
struct Commit {
  std::string stream;
  std::vector<RecordedEvent> events;  // non-empty, consecutive versions of `stream`
  Position position;                  // the position just after this commit
};

struct ReadBatch {
  std::vector<Commit> commits;  // in log order (per partition order for Kafka)
  Position next;                // where the next read continues; equals `after` when nothing new
};

// A catch-up-then-live reader. Pull-based, so buffering is bounded by what the caller asks for.
// Not thread-safe, except close(), which may be called from any thread and wakes a blocked next().
class Subscription {
 public:
  virtual ~Subscription() = default;
  // Up to `max_commits` commits after the subscription's position; blocks (without polling sleeps)
  // up to `max_wait` when none is available yet and then returns an empty vector. errc::closed after
  // close() or when the log closes; other errors as the backend reports them.
  virtual Result<std::vector<Commit>> next(std::chrono::milliseconds max_wait,
                                           std::size_t max_commits) = 0;
  // The position after the last commit returned.
  virtual Position position() const = 0;
  virtual void close() = 0;
};

// Thread-safe: any number of threads may append and read at once.
class EventLog {
 public:
  using AppendCallback = std::function<void(Result<AppendResult>)>;

  virtual ~EventLog() = default;

  // Appends the request's events as one commit. `done` is called exactly once, on a backend thread,
  // only after the commit is durable (embedded: synced to disk; Kafka: acknowledged by all in-sync
  // replicas and known not to be void) or with an error, in which case nothing of it is ever read.
  // Errors: version_conflict, invalid_argument, unavailable, io_error, closed.
  // Concurrent appends share durable writes (group commit).
  virtual void append_async(AppendRequest request, AppendCallback done) = 0;

  // append_async, waiting for its outcome.
  Result<AppendResult> append(AppendRequest request);

  // The events of `stream` with version >= `from_version`, in order (empty when there are none).
  virtual Result<std::vector<RecordedEvent>> read_stream(std::string_view stream,
                                                         std::uint64_t from_version = 1) = 0;

  // The stream's current version (0 when it does not exist).
  virtual Result<std::uint64_t> stream_version(std::string_view stream) = 0;

  // Up to `max_commits` commits after `after`.
  virtual Result<ReadBatch> read_all(const Position& after, std::size_t max_commits) = 0;

  // A subscription that first catches up from `from`, then follows new commits as they are made.
  virtual Result<std::unique_ptr<Subscription>> subscribe(const Position& from) = 0;

  // The position after the last durable commit right now.
  virtual Result<Position> head() = 0;

  // Stops accepting appends, waits for those in flight, wakes subscriptions with errc::closed.
  // Idempotent; the destructor calls it.
  virtual void close() = 0;
};

}  // namespace docket::eventstore
