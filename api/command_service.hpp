#pragma once
// The write side: every command endpoint calls this service.
//
// One writer per doctor (stream `doctor-<id>`). A writer decides its doctor's commands one after
// another against the in-memory state and appends each decision with the stream version it was
// decided against. Writers run on a small worker pool, so different doctors are decided in
// parallel and no thread is held while an append waits for its fsync: appends are issued with
// append_async and the log's group commit turns the appends of all doctors in flight into one
// durable write.
//
// Pipelining: while a doctor's append is in flight, its next command is already decided against
// the state that includes the not yet durable events, and appended with the matching expected
// version (the log checks appends in queue order). Replies go out in decision order and only once
// everything the decision was based on is durable: a rejection or a no-op decided on top of an
// in-flight append waits for it too. When an append fails, nothing decided on top of it is
// acknowledged: once every append in flight has answered, the state is dropped, rehydrated from
// the log and those commands are decided again. A version conflict (another writer appended
// first) is decided again once against the fresh state; a second conflict answers `conflict`.
//
// Pipelining relies on this process being the stream's only writer: if another process appends to
// the same stream, a pipelined append queued behind a failed one can land when the foreign commit
// had exactly as many events (metrics.pipeline_hazards counts it; max_in_flight_per_doctor = 1
// rules it out at the cost of one group commit per command per doctor).
//
// Aggregates live in an LRU cache bounded by doctor count; a miss loads the doctor from its
// snapshot (snapshot_store.hpp) plus the stream's tail, or from the whole stream.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "api/command_metrics.hpp"
#include "api/command_types.hpp"
#include "api/deadline_index.hpp"
#include "api/side_store.hpp"
#include "api/snapshot_store.hpp"
#include "eventstore/event_log.hpp"

namespace docket::api {

struct CommandServiceOptions {
  std::size_t workers = 2;                    // threads deciding commands (all doctors)
  std::size_t max_cached_doctors = 100000;    // LRU bound; busy doctors are never evicted
  std::size_t max_in_flight_per_doctor = 64;  // pipeline depth; 1 disables pipelining
  // Events between snapshots of one doctor: at least this many, and at least as many as the
  // doctor has entities (appointments, holds, ...), since a snapshot costs O(entities). 0: never.
  std::uint64_t snapshot_every = 1000;
  // Answer durable appends on the log's completion thread (saves one thread hand-off per reply)
  // rather than on a worker. Deciding stays on the workers either way. Measured (bench/README.md):
  // faster for one hot doctor, several times slower with many doctors, hence off by default.
  bool answer_on_log_thread = false;
  // The clock: `now` of every decision. Required.
  std::function<domain::Instant()> clock;
  // When set, only doctors it accepts are decided and read here; commands and reads for the
  // others are answered `unavailable` at once. A writer sharing a partitioned log with other
  // writers sets it to "the doctor's partition is owned by this process and caught up". Called
  // on the submitting thread; must be quick and thread-safe.
  std::function<bool(const std::string& doctor_id)> accepts;
};

class WriterPool;
struct DoctorWriter;
struct WriterJob;

// Thread-safe: any thread may submit at any time. Callbacks run on the service's worker threads,
// in decision order per doctor; they must be quick and must not wait for another command.
class CommandService {
 public:
  // `log` must outlive the service. `side` (snapshots and the deadline index) may be null: then
  // nothing is snapshotted and deadlines live in memory only.
  CommandService(eventstore::EventLog& log, SideStore* side, CommandServiceOptions options);
  // close()s.
  ~CommandService();
  CommandService(const CommandService&) = delete;
  CommandService& operator=(const CommandService&) = delete;

  // Loads the deadline index and re-checks doctors touched since the last synced checkpoint.
  // Call once before accepting commands. Cost: one prefix scan of the index plus a read of the
  // log's tail since the checkpoint (not of the whole log). Errors when a store cannot be read.
  docket::Status<CommandError> recover();

  // Decides `command` for `doctor_id` and calls `done` exactly once: with the outcome after the
  // events are durable, or with an error (nothing of the command is then durable). An invalid
  // doctor id answers `rejected` with doctor_not_found (invalid_id for RegisterDoctor) at once.
  // After close(): `unavailable`.
  void submit(const std::string& doctor_id, domain::Command command, CommandOptions options,
              CommandCallback done);

  // submit(), waiting for the outcome.
  CommandResult execute(const std::string& doctor_id, domain::Command command,
                        CommandOptions options = {});

  // A copy of the doctor's state as of everything acknowledged before it (it waits, in the
  // doctor's order, for appends in flight). Errors: unavailable when the doctor cannot be loaded.
  docket::Result<domain::DoctorState, CommandError> state_of(const std::string& doctor_id);

  // Stops accepting commands, waits for every command in flight to be answered, stops the workers.
  // Idempotent.
  void close();

  // Drops the cached state of every doctor `which` selects that has no command waiting, so that
  // its next command rehydrates from the log (another process may have written it meanwhile).
  // Returns how many selected doctors still have commands in flight: they are answered as usual;
  // call again once they are done. Thread-safe.
  std::size_t forget(const std::function<bool(const std::string& doctor_id)>& which);

  const CommandMetrics& metrics() const { return metrics_; }
  DeadlineIndex& deadlines() { return deadlines_; }
  // The clock the service decides with.
  domain::Instant now() const { return options_.clock(); }

  // Waits until every snapshot handed to the background snapshot thread is written. For tests
  // and shutdown; commands do not wait for snapshots.
  void flush_snapshots();

  // Makes the side store's writes durable and records `position` as a checkpoint: every doctor
  // whose deadline changed in a commit before it has its index entry on disk. The scheduler calls
  // it periodically. Errors when the side store fails.
  docket::Status<CommandError> checkpoint();

 private:
  void enqueue(const std::string& doctor_id, WriterJob job);
  void evict_locked();
  void schedule(const std::shared_ptr<DoctorWriter>& writer);
  void worker_loop();
  void run(const std::shared_ptr<DoctorWriter>& writer);
  // command_writer.cpp: one writer's decisions, appends and replies.
  void decide(const std::shared_ptr<DoctorWriter>& writer, WriterJob job);
  void flush(DoctorWriter& writer);
  void recover_writer(DoctorWriter& writer);
  docket::Status<CommandError> load(DoctorWriter& writer);
  void maybe_snapshot(DoctorWriter& writer);
  bool snapshot_due(const DoctorWriter& writer) const;
  void take_completions(DoctorWriter& writer);
  bool paused_for_snapshot(const DoctorWriter& writer) const;
  std::uint64_t snapshot_interval(const DoctorWriter& writer) const;
  bool can_decide(const DoctorWriter& writer) const;
  void on_appended(const std::shared_ptr<DoctorWriter>& writer, std::uint64_t seq,
                   eventstore::Result<eventstore::AppendResult> result);
  void answer(DoctorWriter& writer, WriterJob& job, CommandResult result);
  void answer_read(DoctorWriter& writer, WriterJob& job,
                   docket::Result<domain::DoctorState, CommandError> result);
  void finish_one(DoctorWriter& writer);

  eventstore::EventLog& log_;
  SideStore* side_;
  std::unique_ptr<SnapshotStore> snapshots_;
  CommandServiceOptions options_;
  CommandMetrics metrics_;
  DeadlineIndex deadlines_;

  std::mutex registry_mutex_;
  std::unordered_map<std::string, std::shared_ptr<DoctorWriter>> writers_;
  std::list<DoctorWriter*> lru_;  // front: most recently used
  bool closing_ = false;          // guarded by registry_mutex_
  std::uint64_t pending_ = 0;     // commands not yet answered; guarded by registry_mutex_
  std::condition_variable drained_;

  std::mutex run_mutex_;
  std::condition_variable run_cv_;
  std::deque<std::shared_ptr<DoctorWriter>> runnable_;  // guarded by run_mutex_
  bool stop_workers_ = false;
  std::vector<std::thread> workers_;

  std::atomic<std::uint64_t> in_flight_appends_{0};
  std::atomic<int> callbacks_running_{0};  // append callbacks inside on_appended

  // Snapshots are encoded and written off the writers' threads: a writer only copies its state.
  struct SnapshotJob {
    std::string doctor_id;
    domain::DoctorState state;
    domain::SnapshotBasis basis;
    std::string hash;
    eventstore::Position position;
  };
  void snapshot_loop();
  std::mutex snapshot_mutex_;
  std::condition_variable snapshot_cv_;
  std::deque<SnapshotJob> snapshot_queue_;  // guarded by snapshot_mutex_
  bool snapshot_busy_ = false;              // guarded by snapshot_mutex_
  bool snapshot_stop_ = false;              // guarded by snapshot_mutex_
  std::thread snapshot_thread_;
  std::mutex close_mutex_;
};

}  // namespace docket::api
