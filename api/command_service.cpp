#include "api/command_service.hpp"

#include <spdlog/spdlog.h>

#include <future>
#include <type_traits>

#include "api/command_writer.hpp"
#include "api/entity_id.hpp"
#include "domain/doctor.hpp"
#include "domain/event_json.hpp"

namespace docket::api {
namespace {

constexpr std::string_view kCheckpointKey = "m/checkpoint";

}  // namespace

CommandService::CommandService(eventstore::EventLog& log, SideStore* side,
                               CommandServiceOptions options)
    : log_(log), side_(side), options_(std::move(options)), deadlines_(side) {
  if (!options_.clock) {
    options_.clock = [] {
      return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    };
  }
  if (options_.max_in_flight_per_doctor == 0) options_.max_in_flight_per_doctor = 1;
  if (side_ != nullptr) snapshots_ = std::make_unique<SnapshotStore>(*side_);
  const std::size_t n = options_.workers == 0 ? 1 : options_.workers;
  for (std::size_t i = 0; i < n; ++i)
    workers_.emplace_back([this] { worker_loop(); });
  if (snapshots_) snapshot_thread_ = std::thread([this] { snapshot_loop(); });
}

CommandService::~CommandService() {
  close();
}

void CommandService::close() {
  std::lock_guard close_lock(close_mutex_);
  {
    std::unique_lock lock(registry_mutex_);
    closing_ = true;
    drained_.wait(lock, [&] { return pending_ == 0; });
  }
  // The last answers may come from the log's completion thread, still inside on_appended.
  while (callbacks_running_.load() > 0)
    std::this_thread::yield();
  {
    std::lock_guard lock(run_mutex_);
    stop_workers_ = true;
  }
  run_cv_.notify_all();
  for (std::thread& t : workers_) {
    if (t.joinable()) t.join();
  }
  {
    std::lock_guard lock(snapshot_mutex_);
    snapshot_stop_ = true;
  }
  snapshot_cv_.notify_all();
  if (snapshot_thread_.joinable()) snapshot_thread_.join();  // writes what was queued first
}

void CommandService::flush_snapshots() {
  std::unique_lock lock(snapshot_mutex_);
  snapshot_cv_.wait(lock, [&] { return snapshot_queue_.empty() && !snapshot_busy_; });
}

void CommandService::snapshot_loop() {
  while (true) {
    SnapshotJob job;
    {
      std::unique_lock lock(snapshot_mutex_);
      snapshot_cv_.wait(lock, [&] { return snapshot_stop_ || !snapshot_queue_.empty(); });
      if (snapshot_queue_.empty()) return;
      job = std::move(snapshot_queue_.front());
      snapshot_queue_.pop_front();
      snapshot_busy_ = true;
    }
    const auto t0 = std::chrono::steady_clock::now();
    auto saved = snapshots_->save(job.doctor_id, job.state, job.basis, job.hash, job.position);
    metrics_.snapshot_micros.fetch_add(
        static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                       std::chrono::steady_clock::now() - t0)
                                       .count()),
        std::memory_order_relaxed);
    if (!saved) {
      spdlog::warn("snapshot of doctor {} failed: {}", job.doctor_id, saved.error().message);
    } else if (*saved) {
      metrics_.snapshots_written.fetch_add(1, std::memory_order_relaxed);
    } else {
      metrics_.snapshots_refused.fetch_add(1, std::memory_order_relaxed);
    }
    {
      std::lock_guard lock(snapshot_mutex_);
      snapshot_busy_ = false;
    }
    snapshot_cv_.notify_all();
  }
}

docket::Status<CommandError> CommandService::recover() {
  if (side_ == nullptr) return unit;
  if (auto loaded = deadlines_.load(); !loaded)
    return fail(unavailable_error(loaded.error().message));
  auto stored = side_->get(kCheckpointKey);
  if (!stored) return fail(unavailable_error(stored.error().message));
  eventstore::Position from;
  if (*stored) {
    if (auto p = eventstore::Position::from_token(**stored)) from = *p;
  }
  // Doctors written after the last synced checkpoint may have index entries that never reached
  // the disk: re-check each of them once (ExpireDue against the real state does nothing when
  // nothing is due).
  std::unordered_map<std::string, bool> touched;
  while (true) {
    auto batch = log_.read_all(from, 1024);
    if (!batch) return fail(unavailable_error(batch.error().message));
    for (const eventstore::Commit& c : batch->commits) {
      if (c.stream.rfind("doctor-", 0) == 0) touched.emplace(c.stream.substr(7), true);
    }
    if (batch->commits.empty() || batch->next == from) break;
    from = batch->next;
  }
  std::vector<std::string> ids;
  ids.reserve(touched.size());
  for (auto& [id, unused] : touched)
    ids.push_back(id);
  deadlines_.mark_due(ids);
  return unit;
}

docket::Status<CommandError> CommandService::checkpoint() {
  if (side_ == nullptr) return unit;
  // Index entries are written before their commit is appended, so everything before `head` has
  // its entry written once the sync below returns.
  auto head = log_.head();
  if (!head) return fail(unavailable_error(head.error().message));
  if (auto s = side_->sync(); !s) return fail(unavailable_error(s.error().message));
  if (auto s = side_->put(kCheckpointKey, head->to_token(), true); !s)
    return fail(unavailable_error(s.error().message));
  return unit;
}

void CommandService::submit(const std::string& doctor_id, domain::Command command,
                            CommandOptions options, CommandCallback done) {
  const std::size_t kind = command.index();
  if (!is_doctor_id(doctor_id)) {
    CommandResult r = fail(rejected_error(
        domain::Error{domain::errc::doctor_not_found, "no doctor has that id", "doctor_id", {}}));
    if (std::holds_alternative<domain::RegisterDoctor>(command)) {
      r = fail(rejected_error(
          domain::Error{domain::errc::invalid_id, "doctor ids are [a-z0-9-]{1,64}", "id", {}}));
    }
    metrics_.count(kind, outcome_of(r));
    done(std::move(r));
    return;
  }
  if (options_.accepts && !options_.accepts(doctor_id)) {
    CommandResult r = fail(unavailable_error("this process does not own the doctor's partition"));
    metrics_.count(kind, outcome_of(r));
    done(std::move(r));
    return;
  }
  WriterJob job;
  job.kind = kind;
  job.command = std::move(command);
  job.options = std::move(options);
  job.done = std::move(done);
  enqueue(doctor_id, std::move(job));
}

CommandResult CommandService::execute(const std::string& doctor_id, domain::Command command,
                                      CommandOptions options) {
  std::promise<CommandResult> promise;
  auto future = promise.get_future();
  submit(doctor_id, std::move(command), std::move(options),
         [&promise](CommandResult r) { promise.set_value(std::move(r)); });
  return future.get();
}

docket::Result<domain::DoctorState, CommandError> CommandService::state_of(
    const std::string& doctor_id) {
  using R = docket::Result<domain::DoctorState, CommandError>;
  if (!is_doctor_id(doctor_id)) {
    return fail(rejected_error(
        domain::Error{domain::errc::doctor_not_found, "no doctor has that id", "doctor_id", {}}));
  }
  if (options_.accepts && !options_.accepts(doctor_id)) {
    return fail(unavailable_error("this process does not own the doctor's partition"));
  }
  std::promise<R> promise;
  auto future = promise.get_future();
  WriterJob job;
  job.read_done = [&promise](R r) { promise.set_value(std::move(r)); };
  enqueue(doctor_id, std::move(job));
  return future.get();
}

void CommandService::enqueue(const std::string& doctor_id, WriterJob job) {
  std::shared_ptr<DoctorWriter> writer;
  bool post = false;
  {
    std::lock_guard lock(registry_mutex_);
    if (closing_) {
      // Answered below, outside the lock.
    } else {
      auto it = writers_.find(doctor_id);
      if (it == writers_.end()) {
        it = writers_.emplace(doctor_id, std::make_shared<DoctorWriter>(doctor_id)).first;
        lru_.push_front(it->second.get());
        it->second->lru_pos = lru_.begin();
        metrics_.cached_doctors.store(writers_.size(), std::memory_order_relaxed);
      } else {
        lru_.splice(lru_.begin(), lru_, it->second->lru_pos);
      }
      writer = it->second;
      ++pending_;
      {
        std::lock_guard wlock(writer->mutex);
        writer->mailbox.push_back(std::move(job));
        ++writer->pending;
        if (!writer->scheduled) {
          writer->scheduled = true;
          post = true;
        }
      }
      if (writers_.size() > options_.max_cached_doctors) evict_locked();
    }
  }
  if (!writer) {
    const CommandError e = unavailable_error("the command service is closed");
    if (job.read_done) {
      job.read_done(fail(e));
    } else {
      metrics_.count(job.kind, command_outcome::unavailable);
      job.done(fail(e));
    }
    return;
  }
  if (post) schedule(writer);
}

void CommandService::evict_locked() {
  // Oldest first; a writer with work or state in flight stays (the bound is soft for busy ones).
  auto it = lru_.end();
  while (writers_.size() > options_.max_cached_doctors && it != lru_.begin()) {
    --it;
    DoctorWriter* w = *it;
    bool idle = false;
    {
      std::lock_guard wlock(w->mutex);
      // No command waits on it. Its worker may still be finishing a turn; that turn touches only
      // this writer object (kept alive by the worker), and nothing can reach it any more.
      idle = w->pending == 0;
    }
    if (!idle) continue;
    const std::string id = w->doctor_id;
    it = lru_.erase(it);
    writers_.erase(id);
    metrics_.evictions.fetch_add(1, std::memory_order_relaxed);
  }
  metrics_.cached_doctors.store(writers_.size(), std::memory_order_relaxed);
}

std::size_t CommandService::forget(const std::function<bool(const std::string&)>& which) {
  std::size_t busy = 0;
  std::lock_guard lock(registry_mutex_);
  for (auto it = lru_.begin(); it != lru_.end();) {
    DoctorWriter* w = *it;
    if (!which(w->doctor_id)) {
      ++it;
      continue;
    }
    bool idle = false;
    {
      std::lock_guard wlock(w->mutex);
      // As in evict_locked: a worker finishing a turn keeps the object alive by itself.
      idle = w->pending == 0;
    }
    if (!idle) {
      ++busy;
      ++it;
      continue;
    }
    const std::string id = w->doctor_id;
    it = lru_.erase(it);
    writers_.erase(id);
    metrics_.evictions.fetch_add(1, std::memory_order_relaxed);
  }
  metrics_.cached_doctors.store(writers_.size(), std::memory_order_relaxed);
  return busy;
}

void CommandService::schedule(const std::shared_ptr<DoctorWriter>& writer) {
  {
    std::lock_guard lock(run_mutex_);
    runnable_.push_back(writer);
  }
  run_cv_.notify_one();
}

void CommandService::worker_loop() {
  while (true) {
    std::shared_ptr<DoctorWriter> writer;
    {
      std::unique_lock lock(run_mutex_);
      run_cv_.wait(lock, [&] { return stop_workers_ || !runnable_.empty(); });
      if (runnable_.empty()) return;
      writer = std::move(runnable_.front());
      runnable_.pop_front();
    }
    run(writer);
  }
}

}  // namespace docket::api
