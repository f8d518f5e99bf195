// CommandService's per-doctor writer: decide, pipeline appends, reply in order, recover.
#include "api/command_writer.hpp"

#include <spdlog/spdlog.h>

#include "api/command_service.hpp"
#include "domain/doctor.hpp"
#include "domain/event_json.hpp"

namespace docket::api {
namespace {

// Re-decisions of one command after appends it did not cause failed (a disk that keeps failing).
constexpr int kMaxAttempts = 4;
// Jobs one writer decides per turn before yielding its worker to other doctors.
constexpr int kFairnessBudget = 64;
// A doctor whose durable state is this many snapshot intervals past its last snapshot stops
// pipelining until its appends drain, so that a snapshot can be taken of durable state.
constexpr std::uint64_t kSnapshotPauseIntervals = 4;
// Snapshots waiting for the snapshot thread at most; a writer skips its snapshot beyond that.
constexpr std::size_t kMaxQueuedSnapshots = 64;

const domain::Actor& actor_of(const domain::Command& c) {
  return std::visit([](const auto& x) -> const domain::Actor& { return x.actor; }, c);
}

// What an event is about, for the envelope's `subject`.
std::string subject_of(const domain::Event& event, const std::string& doctor_id) {
  return std::visit(
      [&](const auto& x) -> std::string {
        if constexpr (requires { x.entry_id; }) {
          return x.entry_id;
        } else if constexpr (requires { x.walkin_id; }) {
          return x.walkin_id;
        } else if constexpr (requires { x.appointment_id; }) {
          return x.appointment_id;
        } else if constexpr (requires { x.hold_id; }) {
          return x.hold_id;
        } else if constexpr (requires { x.block_id; }) {
          return x.block_id;
        } else {
          return doctor_id;
        }
      },
      event);
}

}  // namespace

// Events between snapshots: at least snapshot_every, and at least as many as the entities the last
// snapshot held, because writing and verifying a snapshot costs O(entities). Snapshots then cost
// O(1) per event amortized, and a load folds a tail no longer than about the snapshot's size.
std::uint64_t CommandService::snapshot_interval(const DoctorWriter& w) const {
  return std::max<std::uint64_t>(options_.snapshot_every, w.snapshot_entities);
}

bool CommandService::paused_for_snapshot(const DoctorWriter& w) const {
  if (!snapshots_ || options_.snapshot_every == 0 || !w.state) return false;
  return w.appends_in_flight > 0 &&
         w.state->version() >= w.snapshot_version + kSnapshotPauseIntervals * snapshot_interval(w);
}

bool CommandService::can_decide(const DoctorWriter& w) const {
  return !w.broken && w.appends_in_flight < options_.max_in_flight_per_doctor &&
         !paused_for_snapshot(w);
}

void CommandService::run(const std::shared_ptr<DoctorWriter>& writer) {
  DoctorWriter& w = *writer;
  int decided = 0;
  while (true) {
    take_completions(w);
    flush(w);
    if (w.broken && w.appends_in_flight == 0) recover_writer(w);
    maybe_snapshot(w);  // before deciding: a drained pipeline is the moment to take it

    while (can_decide(w) && decided < kFairnessBudget) {
      WriterJob job;
      if (!w.redo.empty()) {
        job = std::move(w.redo.front());
        w.redo.pop_front();
      } else {
        std::lock_guard lock(w.mutex);
        if (w.mailbox.empty()) break;
        job = std::move(w.mailbox.front());
        w.mailbox.pop_front();
      }
      decide(writer, std::move(job));
      ++decided;
      flush(w);  // answers what needs no append at once when nothing is in flight
    }
    maybe_snapshot(w);

    std::lock_guard lock(w.mutex);
    const bool has_completions = !w.completions.empty();
    const bool has_work = can_decide(w) && (!w.redo.empty() || !w.mailbox.empty());
    if (!has_completions && !has_work) {
      w.scheduled = false;
      return;
    }
    if (decided >= kFairnessBudget) break;  // stays scheduled; requeued below
  }
  schedule(writer);
}

docket::Status<CommandError> CommandService::load(DoctorWriter& w) {
  metrics_.rehydrations.fetch_add(1, std::memory_order_relaxed);
  std::optional<Snapshot> snapshot;
  if (snapshots_) {
    auto stored = snapshots_->load(w.doctor_id);
    if (!stored) return fail(unavailable_error(stored.error().message));
    if (*stored && (*stored)->state.version() > 0) snapshot = std::move(**stored);
  }
  std::uint64_t from = snapshot ? snapshot->state.version() : 1;
  auto events = log_.read_stream(w.stream, from);
  if (!events) return fail(unavailable_error(events.error().message));
  if (snapshot && (events->empty() || events->front().version != from ||
                   events->front().hash != snapshot->hash)) {
    // Not the log the snapshot was taken from: trust the log.
    snapshot.reset();
    from = 1;
    events = log_.read_stream(w.stream, from);
    if (!events) return fail(unavailable_error(events.error().message));
  }

  domain::DoctorState state = domain::initial_state();
  domain::SnapshotBasis basis;
  eventstore::Position position;
  std::string hash;
  std::size_t skip = 0;
  if (snapshot) {
    state = std::move(snapshot->state);
    basis = std::move(snapshot->basis);
    position = snapshot->position;
    hash = snapshot->hash;
    skip = 1;
    metrics_.snapshot_loads.fetch_add(1, std::memory_order_relaxed);
  }
  for (std::size_t i = skip; i < events->size(); ++i) {
    const eventstore::RecordedEvent& recorded = (*events)[i];
    auto event = domain::decode(recorded.type, recorded.data);
    if (!event) {
      return fail(unavailable_error("event " + std::to_string(recorded.version) + " of " +
                                    w.stream + " does not decode: " + event.error().detail));
    }
    basis.observe(state, *event);
    domain::apply(state, *event);
    position = recorded.position;
    hash = recorded.hash;
  }
  metrics_.rehydrated_events.fetch_add(events->size() - skip, std::memory_order_relaxed);
  if (!events->empty() && state.version() != events->back().version) {
    return fail(unavailable_error("the stream " + w.stream + " is not contiguous"));
  }
  w.durable_version = state.version();
  w.durable_position = position;
  w.durable_hash = hash;
  w.snapshot_version = snapshot ? snapshot->state.version() : 0;
  w.snapshot_entities = 0;
  if (snapshot) {
    // As large as the snapshot was, give or take the tail.
    w.snapshot_entities = state.appointments().size() + state.holds().size() +
                          state.walkins().size() + state.waitlist().size() + state.blocks().size();
  }
  w.state = std::move(state);
  w.basis = std::move(basis);
  return unit;
}

void CommandService::decide(const std::shared_ptr<DoctorWriter>& writer, WriterJob job) {
  DoctorWriter& w = *writer;
  WriterEntry entry;
  if (!w.state) {
    if (auto loaded = load(w); !loaded) {
      entry.error = loaded.error();
      entry.job = std::move(job);
      w.entries.push_back(std::move(entry));
      return;
    }
    maybe_snapshot(w);
  }
  domain::DoctorState& state = *w.state;

  if (job.read_done) {
    entry.read_copy = state;
  } else if (job.options.expected_version && *job.options.expected_version != state.version()) {
    CommandError e;
    e.code = command_errc::version_mismatch;
    e.current_version = state.version();
    e.detail = "the doctor is at version " + std::to_string(state.version());
    entry.error = std::move(e);
  } else {
    const domain::Instant now = options_.clock();
    auto decided = domain::decide(state, job.command, now);
    if (!decided) {
      entry.error = rejected_error(std::move(decided).error());
    } else if (decided->empty()) {
      entry.version_after = state.version();
    } else {
      const std::uint64_t expected = state.version();
      eventstore::AppendRequest request;
      request.stream = w.stream;
      request.expected_version = expected;
      request.events.reserve(decided->size());
      for (const domain::Event& event : *decided) {
        w.basis.observe(state, event);
        domain::apply(state, event);
        domain::EncodedEvent encoded = domain::encode(event);
        request.events.push_back(eventstore::NewEvent{
            std::move(encoded.type), subject_of(event, w.doctor_id), std::move(encoded.data)});
      }
      const domain::Actor& actor = actor_of(job.command);
      request.metadata.time = now;
      request.metadata.actor =
          eventstore::Actor{actor.sub, std::string(domain::to_string(actor.role))};
      request.metadata.correlation_id = job.options.correlation_id;
      request.metadata.causation_id = job.options.idempotency_token;

      entry.appends = true;
      entry.seq = w.next_seq++;
      entry.version_after = state.version();
      if (job.options.view) entry.view = job.options.view(state, *decided);
      entry.events = std::move(*decided);
      entry.job = std::move(job);
      w.entries.push_back(std::move(entry));
      ++w.appends_in_flight;

      permit_unchecked(deadlines_.update(w.doctor_id, domain::next_deadline(state)));  // a hint
      const std::uint64_t in_flight = in_flight_appends_.fetch_add(1) + 1;
      metrics_.count_batch(in_flight);
      metrics_.appends.fetch_add(1, std::memory_order_relaxed);
      const std::uint64_t seq = w.entries.back().seq;
      log_.append_async(std::move(request),
                        [this, writer, seq](eventstore::Result<eventstore::AppendResult> r) {
                          on_appended(writer, seq, std::move(r));
                        });
      return;
    }
  }
  // The index is a hint: a lost update is repaired by recover() and by the next decision.
  permit_unchecked(deadlines_.update(w.doctor_id, domain::next_deadline(state)));
  entry.job = std::move(job);
  w.entries.push_back(std::move(entry));
}

void CommandService::take_completions(DoctorWriter& w) {
  std::vector<WriterCompletion> completions;
  {
    std::lock_guard lock(w.mutex);
    completions.swap(w.completions);
  }
  for (WriterCompletion& c : completions) {
    for (WriterEntry& e : w.entries) {
      if (e.appends && e.seq == c.seq) {
        e.append.emplace(std::move(c.result));
        --w.appends_in_flight;
        break;
      }
    }
  }
}

void CommandService::on_appended(const std::shared_ptr<DoctorWriter>& writer, std::uint64_t seq,
                                 eventstore::Result<eventstore::AppendResult> result) {
  in_flight_appends_.fetch_sub(1);
  // close() waits for this count after the last answer, so this thread is done with the service
  // before it can be destroyed.
  callbacks_running_.fetch_add(1);
  struct Leave {
    std::atomic<int>& running;
    ~Leave() { running.fetch_sub(1); }
  } leave{callbacks_running_};
  DoctorWriter& w = *writer;
  {
    std::lock_guard lock(w.mutex);
    w.completions.push_back(WriterCompletion{seq, std::move(result)});
    if (w.scheduled) return;  // its worker will take it
    w.scheduled = true;
  }
  if (!options_.answer_on_log_thread) {
    schedule(writer);
    return;
  }
  // This thread owns the writer now. Answering what became durable right here saves a hand-off
  // to a worker on every reply; deciding, reloading and snapshots stay on the workers, so the
  // log's completion thread never does I/O or runs the domain.
  take_completions(w);
  flush(w);
  {
    std::lock_guard lock(w.mutex);
    const bool more = !w.completions.empty() || w.broken || !w.redo.empty() || !w.mailbox.empty() ||
                      snapshot_due(w);
    if (!more) {
      w.scheduled = false;
      return;
    }
  }
  schedule(writer);
}

void CommandService::flush(DoctorWriter& w) {
  while (!w.entries.empty()) {
    WriterEntry& e = w.entries.front();
    if (e.appends) {
      if (!e.append) return;  // the oldest append has not answered yet
      if (e.append->ok()) {
        const eventstore::AppendResult& r = **e.append;
        w.durable_version = r.last_version;
        w.durable_position = r.position;
        if (!r.events.empty()) w.durable_hash = r.events.back().hash;
        metrics_.appended_events.fetch_add(e.events.size(), std::memory_order_relaxed);
        if (w.broken) {
          // Durable although decided on top of a failed append: only another process writing
          // this stream can cause it. The events are in the log, so the command did happen.
          metrics_.pipeline_hazards.fetch_add(1, std::memory_order_relaxed);
          spdlog::error("append to {} at version {} landed on top of a failed one", w.stream,
                        r.first_version);
        }
        CommandOutcome out{std::move(e.events), e.version_after, r.position, std::move(e.view)};
        answer(w, e.job, std::move(out));
      } else {
        const eventstore::Error& err = e.append->error();
        metrics_.append_failures.fetch_add(1, std::memory_order_relaxed);
        if (!w.broken) {
          // The first failure: what it says is about this command itself.
          w.broken = true;
          if (err.code == eventstore::errc::version_conflict) {
            metrics_.conflicts.fetch_add(1, std::memory_order_relaxed);
            if (e.job.conflict_retries == 0) {
              e.job.conflict_retries = 1;
              metrics_.redecisions.fetch_add(1, std::memory_order_relaxed);
              w.redo.push_back(std::move(e.job));
            } else {
              CommandError ce;
              ce.code = command_errc::conflict;
              ce.current_version = err.actual_version;
              ce.detail = "another writer changed the doctor first";
              answer(w, e.job, fail(std::move(ce)));
            }
          } else {
            answer(w, e.job, fail(unavailable_error(err.message)));
          }
        } else if (++e.job.attempts > kMaxAttempts) {
          answer(w, e.job, fail(unavailable_error(err.message)));
        } else {
          // Decided on top of the failed append: its failure says nothing about this command.
          metrics_.redecisions.fetch_add(1, std::memory_order_relaxed);
          w.redo.push_back(std::move(e.job));
        }
      }
    } else if (w.broken) {
      // Decided against a state that never became durable.
      metrics_.redecisions.fetch_add(1, std::memory_order_relaxed);
      w.redo.push_back(std::move(e.job));
    } else if (e.job.read_done) {
      if (e.read_copy) {
        answer_read(w, e.job, std::move(*e.read_copy));
      } else {
        answer_read(w, e.job, fail(e.error.value_or(unavailable_error("not loaded"))));
      }
    } else if (e.error) {
      answer(w, e.job, fail(std::move(*e.error)));
    } else {
      answer(w, e.job, CommandOutcome{{}, e.version_after, w.durable_position, nullptr});
    }
    w.entries.pop_front();
  }
}

void CommandService::recover_writer(DoctorWriter& w) {
  // Every append has answered and every entry is flushed: rebuild from the log on next use.
  w.state.reset();
  w.basis = {};
  w.broken = false;
}

bool CommandService::snapshot_due(const DoctorWriter& w) const {
  if (!snapshots_ || options_.snapshot_every == 0 || !w.state || w.broken) return false;
  // Only durable state may be snapshotted: nothing may be in flight.
  if (w.appends_in_flight > 0 || w.state->version() != w.durable_version) return false;
  return w.durable_version >= w.snapshot_version + snapshot_interval(w);
}

void CommandService::maybe_snapshot(DoctorWriter& w) {
  if (!snapshot_due(w)) return;
  w.snapshot_version = w.durable_version;  // skipped: try again an interval later
  const domain::DoctorState& s = *w.state;
  w.snapshot_entities = s.appointments().size() + s.holds().size() + s.walkins().size() +
                        s.waitlist().size() + s.blocks().size();
  // The copy is the writer's whole cost; encoding and writing happen on the snapshot thread.
  SnapshotJob job{w.doctor_id, *w.state, w.basis, w.durable_hash, w.durable_position};
  {
    std::lock_guard lock(snapshot_mutex_);
    // Many doctors' snapshots may wait; more than that means the thread is behind.
    if (snapshot_queue_.size() >= kMaxQueuedSnapshots) {
      metrics_.snapshots_skipped.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    snapshot_queue_.push_back(std::move(job));
  }
  snapshot_cv_.notify_all();
}

void CommandService::answer(DoctorWriter& w, WriterJob& job, CommandResult result) {
  metrics_.count(job.kind, outcome_of(result));
  // Counted as answered first, so that a caller woken by the callback finds the doctor idle.
  finish_one(w);
  job.done(std::move(result));
}

void CommandService::answer_read(DoctorWriter& w, WriterJob& job,
                                 docket::Result<domain::DoctorState, CommandError> result) {
  finish_one(w);
  job.read_done(std::move(result));
}

void CommandService::finish_one(DoctorWriter& w) {
  {
    std::lock_guard lock(w.mutex);
    --w.pending;
  }
  std::lock_guard lock(registry_mutex_);
  if (--pending_ == 0) drained_.notify_all();
}

}  // namespace docket::api
