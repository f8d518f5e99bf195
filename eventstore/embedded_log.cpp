#include "eventstore/embedded_log.hpp"

#include <rocksdb/write_batch.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "eventstore/append_validation.hpp"
#include "eventstore/embedded_commit.hpp"
#include "eventstore/embedded_keys.hpp"
#include "eventstore/embedded_store.hpp"

namespace docket::eventstore {
namespace {

using embedded::StagedCommit;
using embedded::StreamState;

struct Pending {
  AppendRequest request;
  EventLog::AppendCallback done;
  // Built by the appending thread for a valid request (its events are moved into it).
  std::optional<StagedCommit> staged;
};

struct Outcome {
  EventLog::AppendCallback done;
  Result<AppendResult> result;
};

Error closed_error() {
  return Error{errc::closed, "the event log is closed"};
}

class EmbeddedLog final : public EventLog {
 public:
  EmbeddedLog(std::shared_ptr<embedded::Store> store, std::size_t max_group)
      : store_(std::move(store)), max_group_(max_group == 0 ? 1 : max_group) {
    next_seq_ = store_->head() + 1;
    writer_ = std::thread([this] { write_loop(); });
    completer_ = std::thread([this] { complete_loop(); });
  }

  ~EmbeddedLog() override { close(); }

  void append_async(AppendRequest request, AppendCallback done) override {
    Pending pending{std::move(request), std::move(done), std::nullopt};
    stage_early(pending);
    {
      std::lock_guard lock(queue_mutex_);
      if (!stopping_) {
        queue_.push_back(std::move(pending));
        queue_cv_.notify_one();
        return;
      }
    }
    // No backend thread is left to run it once the log is closed.
    pending.done(fail(closed_error()));
  }

  Result<std::vector<RecordedEvent>> read_stream(std::string_view stream,
                                                 std::uint64_t from_version) override {
    if (!is_valid_stream_id(stream)) {
      return fail(Error{errc::invalid_argument, "malformed stream id"});
    }
    return store_->read_stream(stream, from_version);
  }

  Result<std::uint64_t> stream_version(std::string_view stream) override {
    if (!is_valid_stream_id(stream)) {
      return fail(Error{errc::invalid_argument, "malformed stream id"});
    }
    if (is_closed()) return fail(closed_error());
    const auto state = store_->stream(stream);
    return state ? state->version : 0;
  }

  Result<ReadBatch> read_all(const Position& after, std::size_t max_commits) override {
    auto start = single_offset(after);
    if (!start) return fail(std::move(start).error());
    return store_->read_all(*start, max_commits);
  }

  Result<std::unique_ptr<Subscription>> subscribe(const Position& from) override {
    auto start = single_offset(from);
    if (!start) return fail(std::move(start).error());
    if (is_closed()) return fail(closed_error());
    return embedded::make_subscription(store_, *start);
  }

  Result<Position> head() override {
    if (is_closed()) return fail(closed_error());
    return Position({store_->head()});
  }

  void close() override {
    std::lock_guard close_lock(close_mutex_);
    {
      std::lock_guard lock(queue_mutex_);
      if (stopping_ && !writer_.joinable()) return;
      stopping_ = true;
    }
    queue_cv_.notify_all();
    if (writer_.joinable()) writer_.join();  // drains the queue: appends in flight complete
    {
      std::lock_guard lock(done_mutex_);
      done_stopping_ = true;
    }
    done_cv_.notify_all();
    if (completer_.joinable()) completer_.join();
    store_->close();
  }

 private:
  bool is_closed() const {
    std::lock_guard lock(store_->mutex);
    return store_->closed;
  }

  static Result<std::uint64_t> single_offset(const Position& p) {
    for (std::size_t i = 1; i < p.offsets().size(); ++i) {
      if (p.offsets()[i] != 0) {
        return fail(Error{errc::invalid_argument, "not a position of the embedded log"});
      }
    }
    return p.at(0);
  }

  // The envelopes of a valid request, built and (when the stream is where the request expects it)
  // chained on the appending thread, so that the writer thread does not serialize that work. An
  // invalid request is left for the writer to reject in queue order.
  void stage_early(Pending& p) const {
    if (validate_append(p.request)) return;
    p.staged = embedded::build_commit(p.request);
    // The published state is the one the writer decides against unless an append to the same
    // stream is queued ahead of this one; the writer then chains again (chained_on fails).
    StreamState base = published_state(p.request.stream);
    if (base.version == p.request.expected_version) embedded::chain_commit(*p.staged, base);
  }

  StreamState published_state(const std::string& stream) const {
    if (auto stored = store_->stream(stream)) return std::move(*stored);
    return StreamState{0, std::string(kGenesisHash)};
  }

  void write_loop() {
    std::vector<Pending> group;
    while (true) {
      {
        std::unique_lock lock(queue_mutex_);
        queue_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;  // stopping and drained
        const std::size_t n = std::min(queue_.size(), max_group_);
        group.assign(std::make_move_iterator(queue_.begin()),
                     std::make_move_iterator(queue_.begin() + static_cast<std::ptrdiff_t>(n)));
        queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
      }
      commit_group(group);
      group.clear();
    }
  }

  // Decides, writes and publishes one group; hands the outcomes to the completion thread.
  void commit_group(std::vector<Pending>& group) {
    rocksdb::WriteBatch batch;
    std::unordered_map<std::string, StreamState> changed;  // streams this group advances
    std::vector<std::string> index_keys;                   // with their seq appended
    std::vector<Outcome> outcomes;
    outcomes.reserve(group.size());
    std::uint64_t seq = next_seq_;
    bool wrote_any = false;

    for (Pending& p : group) {
      if (!p.staged) {
        if (auto invalid = validate_append(p.request)) {
          outcomes.push_back(Outcome{std::move(p.done), fail(std::move(*invalid))});
          continue;
        }
        p.staged = embedded::build_commit(p.request);
      }
      StreamState state = current_state(changed, p.request.stream);
      if (p.request.expected_version != state.version) {
        outcomes.push_back(
            Outcome{std::move(p.done),
                    fail(Error{errc::version_conflict,
                               "stream is at version " + std::to_string(state.version) +
                                   ", expected " + std::to_string(p.request.expected_version),
                               state.version})});
        continue;
      }
      AppendResult result = stage(*p.staged, state, seq, batch, index_keys);
      seq += result.events.size();
      changed[p.request.stream] = state;
      wrote_any = true;
      outcomes.push_back(Outcome{std::move(p.done), std::move(result)});
    }

    if (wrote_any) {
      put_index_and_meta(index_keys, changed, batch);
      const rocksdb::Status s = store_->write(batch);
      if (!s.ok()) {
        // Nothing of the group is acknowledged and memory keeps the pre-group state, which is
        // what the disk holds: RocksDB applies a batch entirely or not at all.
        const Error e = embedded::io_error(s, "group commit failed");
        for (Outcome& o : outcomes)
          o.result = fail(Error(e));
      } else {
        next_seq_ = seq;
        store_->publish(std::move(changed), seq - 1);
      }
    }
    {
      std::lock_guard lock(done_mutex_);
      done_queue_.push_back(std::move(outcomes));
    }
    done_cv_.notify_one();
  }

  StreamState current_state(const std::unordered_map<std::string, StreamState>& changed,
                            const std::string& stream) const {
    if (const auto it = changed.find(stream); it != changed.end()) return it->second;
    return published_state(stream);
  }

  // Puts the commit's events into `batch` and their index keys (each followed by its 8-byte
  // value) into `index_keys`, chaining the commit first unless its appender chained it on
  // `state`; advances `state` to the stream's new tip.
  static AppendResult stage(StagedCommit& commit, StreamState& state, std::uint64_t first_seq,
                            rocksdb::WriteBatch& batch, std::vector<std::string>& index_keys) {
    if (!embedded::chained_on(commit, state)) embedded::chain_commit(commit, state);
    embedded::place_commit(commit, first_seq);
    const std::uint64_t n = commit.events.size();
    const std::uint64_t last_seq = first_seq + n - 1;
    AppendResult result;
    result.first_version = state.version + 1;
    result.last_version = state.version + n;
    result.position = Position({last_seq});
    for (std::uint64_t i = 0; i < n; ++i) {
      RecordedEvent& e = commit.events[i];
      e.position = result.position;
      const std::uint64_t seq = first_seq + i;
      batch.Put(embedded::event_key(seq), commit.values[i]);
      std::string& entry = index_keys.emplace_back(embedded::index_key(commit.stream, e.version));
      embedded::put_be64(entry, seq);
    }
    state.version += n;
    state.last_hash = commit.events.back().hash;
    result.events = std::move(commit.events);
    return result;
  }

  // The group's index entries, then one metadata record per stream it advances, each in key
  // order. The memtable is a skip list that remembers where its last insert went: keys that come
  // in order (events by seq, then these) are inserted near the last one instead of being looked
  // up from the top, which is most of the writer's own CPU per commit otherwise.
  static void put_index_and_meta(std::vector<std::string>& index_keys,
                                 const std::unordered_map<std::string, StreamState>& changed,
                                 rocksdb::WriteBatch& batch) {
    constexpr std::size_t kSeq = 8;
    std::sort(index_keys.begin(), index_keys.end());
    for (const std::string& entry : index_keys) {
      const std::string_view all(entry);
      batch.Put(all.substr(0, all.size() - kSeq), all.substr(all.size() - kSeq));
    }
    std::vector<const std::pair<const std::string, StreamState>*> streams;
    streams.reserve(changed.size());
    for (const auto& entry : changed)
      streams.push_back(&entry);
    std::sort(streams.begin(), streams.end(),
              [](const auto* a, const auto* b) { return a->first < b->first; });
    for (const auto* entry : streams) {
      batch.Put(embedded::meta_key(entry->first),
                embedded::encode_meta(entry->second.version, entry->second.last_hash));
    }
  }

  void complete_loop() {
    while (true) {
      std::vector<Outcome> outcomes;
      {
        std::unique_lock lock(done_mutex_);
        done_cv_.wait(lock, [&] { return done_stopping_ || !done_queue_.empty(); });
        if (done_queue_.empty()) return;
        outcomes = std::move(done_queue_.front());
        done_queue_.pop_front();
      }
      for (Outcome& o : outcomes)
        o.done(std::move(o.result));
    }
  }

  std::shared_ptr<embedded::Store> store_;
  const std::size_t max_group_;
  std::uint64_t next_seq_ = 1;  // writer thread only

  std::mutex close_mutex_;
  std::mutex queue_mutex_;
  std::condition_variable queue_cv_;
  std::deque<Pending> queue_;  // guarded by queue_mutex_
  bool stopping_ = false;      // guarded by queue_mutex_

  std::mutex done_mutex_;
  std::condition_variable done_cv_;
  std::deque<std::vector<Outcome>> done_queue_;  // guarded by done_mutex_
  bool done_stopping_ = false;                   // guarded by done_mutex_

  std::thread writer_;
  std::thread completer_;
};

}  // namespace

Result<std::unique_ptr<EventLog>> open_embedded_log(const EmbeddedLogOptions& options) {
  auto store = embedded::Store::open(options.directory, options.env);
  if (!store) return fail(std::move(store).error());
  return std::unique_ptr<EventLog>(
      std::make_unique<EmbeddedLog>(std::move(*store), options.max_group_appends));
}

}  // namespace docket::eventstore
