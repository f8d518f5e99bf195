#include "eventstore/kafka_log.hpp"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "eventstore/append_validation.hpp"
#include "eventstore/kafka_client.hpp"
#include "eventstore/kafka_commit_codec.hpp"
#include "eventstore/kafka_murmur2.hpp"
#include "eventstore/kafka_partitions.hpp"
#include "eventstore/kafka_subscription.hpp"

namespace docket::eventstore {
namespace {

// A commit handed to the producer; owned by librdkafka (as the message opaque) until its
// delivery report.
struct PendingCommit {
  std::int32_t partition = 0;
  CommitRecord record;
  EventLog::AppendCallback done;
};

Error closed_error() {
  return Error{errc::closed, "the event log is closed", 0};
}

class KafkaLog final : public EventLog {
 public:
  KafkaLog(KafkaConfig config, std::shared_ptr<KafkaPartitions> parts)
      : config_(std::move(config)), parts_(std::move(parts)) {}
  ~KafkaLog() override { close(); }
  KafkaLog(const KafkaLog&) = delete;
  KafkaLog& operator=(const KafkaLog&) = delete;

  Status<Error> start() {
    const std::vector<std::pair<std::string, std::string>> settings = {
        {"enable.idempotence", "true"},
        {"acks", "all"},
        {"message.timeout.ms", std::to_string(config_.append_timeout.count())},
        {"request.timeout.ms",
         std::to_string(std::clamp<std::int64_t>(config_.append_timeout.count(), 1, 30'000))},
        {"linger.ms", std::to_string(config_.linger.count())},
    };
    auto producer =
        make_kafka_handle(RD_KAFKA_PRODUCER, config_, settings, [this](rd_kafka_conf_t* conf) {
          rd_kafka_conf_set_opaque(conf, this);
          rd_kafka_conf_set_dr_msg_cb(conf, &KafkaLog::on_delivery);
        });
    if (!producer.ok()) return fail(std::move(producer).error());
    producer_ = std::move(producer).value();
    // Watermark and metadata queries go through a client of their own: on the producer they
    // compete with produce requests and were seen to stall them for seconds.
    auto queries = make_kafka_handle(RD_KAFKA_PRODUCER, config_, {});
    if (!queries.ok()) return fail(std::move(queries).error());
    queries_ = std::move(queries).value();
    // On the producer, so that it connects (and acquires its idempotent producer id) now rather
    // than on the first append.
    if (auto topic = ensure_topic(producer_.get(), config_); !topic.ok()) return topic;
    poller_ = std::thread([this] { poll_loop(); });
    completer_ = std::thread([this] { complete_loop(); });
    return unit;
  }

  // catch_up_writer(): the partition read to its end, the writer ready there.
  Status<Error> take_over(std::int32_t partition) {
    if (partition < 0 || partition >= config_.partitions) {
      return fail(Error{errc::invalid_argument, "no such partition", 0});
    }
    if (auto caught_up = catch_up_to_end(partition); !caught_up.ok()) return caught_up;
    auto& slot = parts_->slot(partition);
    const std::lock_guard lock(slot.mu);
    slot.writer_ready = true;
    return unit;
  }

  void append_async(AppendRequest request, AppendCallback done) override;
  Result<std::vector<RecordedEvent>> read_stream(std::string_view stream,
                                                 std::uint64_t from_version) override;
  Result<std::uint64_t> stream_version(std::string_view stream) override;
  Result<ReadBatch> read_all(const Position& after, std::size_t max_commits) override;
  Result<std::unique_ptr<Subscription>> subscribe(const Position& from) override;
  Result<Position> head() override;
  void close() override;

 private:
  static void on_delivery(rd_kafka_t* rk, const rd_kafka_message_t* message, void* opaque);
  void delivered(const rd_kafka_message_t* message);
  void poll_loop();
  void complete_loop();
  // Runs `done(outcome)` on the completion thread.
  void defer(AppendCallback done, Result<AppendResult> outcome);
  void finish(const AppendCallback& done, Result<AppendResult> outcome);
  Status<Error> prepare_writer(std::int32_t partition);
  // The offset of the valid commit of `partition` that is a copy of `commit` (same events), if
  // any; reads that record back.
  Result<std::optional<std::int64_t>> valid_copy_of(std::int32_t partition,
                                                    const CommitRecord& commit);
  // Reads `partition` up to its current end; the ledger then holds everything acknowledged.
  Status<Error> catch_up_to_end(std::int32_t partition);
  Status<Error> check_position(const Position& p) const;
  std::int32_t partition_of(std::string_view stream) const {
    return kafka_partition_for(stream, config_.partitions);
  }

  KafkaConfig config_;
  std::shared_ptr<KafkaPartitions> parts_;
  KafkaHandle producer_;
  KafkaHandle queries_;
  std::thread poller_;
  std::atomic<bool> stop_polling_{false};

  // Outcomes known before anything reaches the producer (invalid, conflict, unavailable) are
  // reported from their own thread, so that append_async never calls back on the caller's.
  std::thread completer_;
  std::mutex deferred_mu_;
  std::condition_variable deferred_ready_;
  bool stop_completing_ = false;
  std::deque<std::function<void()>> deferred_;

  // Appends accepted and not yet answered; close() waits for them.
  std::mutex lifecycle_mu_;
  std::condition_variable idle_;
  bool closed_ = false;
  std::size_t in_flight_ = 0;

  std::mutex close_mu_;
  std::mutex subscriptions_mu_;
  std::vector<std::weak_ptr<SubscriptionControl>> subscriptions_;
};

void KafkaLog::on_delivery(rd_kafka_t* /*rk*/, const rd_kafka_message_t* message, void* opaque) {
  static_cast<KafkaLog*>(opaque)->delivered(message);
}

void KafkaLog::poll_loop() {
  // Delivery reports run in here; close() cuts the wait short with rd_kafka_yield().
  while (!stop_polling_.load())
    rd_kafka_poll(producer_.get(), 100);
}

void KafkaLog::complete_loop() {
  std::unique_lock lock(deferred_mu_);
  while (true) {
    deferred_ready_.wait(lock, [this] { return stop_completing_ || !deferred_.empty(); });
    if (deferred_.empty()) return;  // stopping, and nothing left
    auto work = std::move(deferred_.front());
    deferred_.pop_front();
    lock.unlock();
    work();
    lock.lock();
  }
}

void KafkaLog::defer(AppendCallback done, Result<AppendResult> outcome) {
  {
    const std::lock_guard lock(deferred_mu_);
    deferred_.push_back([this, done = std::move(done), outcome = std::move(outcome)]() mutable {
      finish(done, std::move(outcome));
    });
  }
  deferred_ready_.notify_one();
}

void KafkaLog::finish(const AppendCallback& done, Result<AppendResult> outcome) {
  done(std::move(outcome));
  const std::lock_guard lock(lifecycle_mu_);
  if (--in_flight_ == 0) idle_.notify_all();
}

Status<Error> KafkaLog::catch_up_to_end(std::int32_t partition) {
  auto end = high_watermark(queries_.get(), config_, partition);
  if (!end.ok()) return fail(std::move(end).error());
  return parts_->catch_up(partition, *end);
}

Status<Error> KafkaLog::prepare_writer(std::int32_t partition) {
  auto& slot = parts_->slot(partition);
  {
    const std::lock_guard lock(slot.mu);
    if (slot.writer_ready) return unit;
  }
  if (auto caught_up = catch_up_to_end(partition); !caught_up.ok()) return caught_up;
  const std::lock_guard lock(slot.mu);
  slot.writer_ready = true;
  return unit;
}

void KafkaLog::append_async(AppendRequest request, AppendCallback done) {
  {
    const std::lock_guard lock(lifecycle_mu_);
    if (closed_) {
      // Not counted: close() may already be past waiting.
      std::thread([done = std::move(done)] { done(fail(closed_error())); }).detach();
      return;
    }
    ++in_flight_;
  }
  if (auto invalid = validate_append(request)) return defer(std::move(done), fail(*invalid));
  const std::int32_t partition = partition_of(request.stream);
  if (auto ready = prepare_writer(partition); !ready.ok()) {
    return defer(std::move(done), fail(std::move(ready).error()));
  }

  auto& slot = parts_->slot(partition);
  std::unique_lock lock(slot.mu);
  const auto tip_it = slot.tips.find(request.stream);
  KafkaPartitions::Tip tip;
  if (tip_it != slot.tips.end()) {
    tip = tip_it->second;
  } else {
    const auto head = slot.ledger.head(request.stream);
    tip = KafkaPartitions::Tip{head.version, head.hash, 0};
  }
  if (request.expected_version != tip.version) {
    lock.unlock();
    return defer(
        std::move(done),
        fail(Error{errc::version_conflict, "stream version is not the expected one", tip.version}));
  }

  auto pending = std::make_unique<PendingCommit>();
  pending->partition = partition;
  pending->done = std::move(done);
  CommitRecord& commit = pending->record;
  commit.stream = request.stream;
  commit.expected_version = request.expected_version;
  commit.events.reserve(request.events.size());
  const std::string time = domain::format_rfc3339(request.metadata.time);
  std::string prevhash = tip.hash;
  std::uint64_t version = request.expected_version;
  for (auto& event : request.events) {
    RecordedEvent e;
    e.id = new_uuid();
    e.source = "docket";
    e.type = std::move(event.type);
    e.subject = std::move(event.subject);
    e.time = time;
    e.data = std::move(event.data);
    e.stream = request.stream;
    e.version = ++version;
    e.actor = request.metadata.actor;
    e.correlation_id = request.metadata.correlation_id;
    e.causation_id = request.metadata.causation_id;
    e.prevhash = prevhash;
    e.hash = compute_hash(e);
    prevhash = e.hash;
    commit.events.push_back(std::move(e));
  }
  std::string value = encode_commit(commit);
  const std::string content_type(kCommitContentType);
  const std::string header_name(kCommitContentTypeHeader);

  PendingCommit* raw = pending.get();
  // Produced under the partition's mutex, so the producer's order is the order of decisions.
  const auto err = rd_kafka_producev(
      producer_.get(), RD_KAFKA_V_TOPIC(config_.topic.c_str()), RD_KAFKA_V_PARTITION(partition),
      RD_KAFKA_V_KEY(request.stream.data(), request.stream.size()),
      RD_KAFKA_V_VALUE(value.data(), value.size()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
      RD_KAFKA_V_HEADER(header_name.c_str(), content_type.data(),
                        static_cast<ssize_t>(content_type.size())),
      RD_KAFKA_V_OPAQUE(raw), RD_KAFKA_V_END);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    lock.unlock();
    return defer(std::move(pending->done),
                 fail(kafka_error(errc::unavailable, "handing the commit to the producer", err)));
  }
  pending.release();  // librdkafka's until the delivery report
  auto& next_tip = slot.tips[request.stream];
  next_tip.version = version;
  next_tip.hash = prevhash;
  ++next_tip.in_flight;
}

void KafkaLog::delivered(const rd_kafka_message_t* message) {
  std::unique_ptr<PendingCommit> pending(static_cast<PendingCommit*>(message->_private));
  const std::int32_t partition = pending->partition;
  const CommitRecord& commit = pending->record;
  auto& slot = parts_->slot(partition);
  auto release_tip = [&] {
    const auto it = slot.tips.find(commit.stream);
    if (it != slot.tips.end() && --it->second.in_flight == 0) slot.tips.erase(it);
  };

  if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    const bool maybe_stored = rd_kafka_message_status(message) != RD_KAFKA_MSG_STATUS_NOT_PERSISTED;
    {
      const std::lock_guard lock(slot.mu);
      release_tip();
      // Whatever happened, learn it from the log before deciding anything else here.
      if (maybe_stored) slot.writer_ready = false;
    }
    auto error =
        kafka_error(errc::unavailable, "the commit was not confirmed in time", message->err);
    if (maybe_stored) error.message += " (outcome unknown: it may still be in the log)";
    return finish(pending->done, fail(std::move(error)));
  }

  // The offset either follows directly on the ledger (applied at once) or the records before it
  // are read back first; either way the ledger's verdict is the one every reader reaches.
  const std::int64_t offset = message->offset;
  auto verdict = parts_->classify(partition, offset, commit);
  std::uint64_t actual = 0;
  {
    const std::lock_guard lock(slot.mu);
    release_tip();
    if (!verdict.ok()) slot.writer_ready = false;
    actual = slot.ledger.head(commit.stream).version;
  }
  if (!verdict.ok()) {
    auto error = std::move(verdict).error();
    error.message =
        "the commit is stored but could not be checked: " + error.message + " (outcome unknown)";
    return finish(pending->done, fail(std::move(error)));
  }
  std::int64_t stored_at = offset;
  if (*verdict == KafkaLedger::Verdict::void_commit) {
    // The valid commit that beat this one may be an earlier copy of it: the producer stores a
    // commit twice when it sends a request again after the first attempt was stored but not
    // answered, and the broker cannot tell (seen on the mock cluster after a late answer).
    auto copy = valid_copy_of(partition, commit);
    if (!copy.ok()) {
      auto error = std::move(copy).error();
      error.message =
          "the commit is stored but could not be checked: " + error.message + " (outcome unknown)";
      return finish(pending->done, fail(std::move(error)));
    }
    if (!*copy) {
      return finish(
          pending->done,
          fail(Error{errc::version_conflict,
                     "another writer changed the stream first; nothing was appended", actual}));
    }
    stored_at = **copy;
  }
  AppendResult result;
  result.first_version = commit.expected_version + 1;
  result.last_version = commit.expected_version + commit.events.size();
  result.position = parts_->position_at(partition, stored_at + 1);
  result.events = std::move(pending->record.events);
  for (auto& e : result.events)
    e.position = result.position;
  finish(pending->done, std::move(result));
}

Result<std::optional<std::int64_t>> KafkaLog::valid_copy_of(std::int32_t partition,
                                                            const CommitRecord& commit) {
  std::optional<std::int64_t> at;
  {
    auto& slot = parts_->slot(partition);
    const std::lock_guard lock(slot.mu);
    at = slot.ledger.offset_of(commit.stream, commit.expected_version + 1);
  }
  if (!at) return at;
  bool same = false;
  auto read =
      parts_->readers().read(partition, *at, *at + 1, [&](const RawRecord& record) -> Result<bool> {
        auto stored = decode_record(record);
        if (!stored.ok()) return fail(std::move(stored).error());
        // Event ids are random UUIDs and the hash chains every attribute: equal ids and last
        // hash mean the same commit.
        same = stored->expected_version == commit.expected_version &&
               stored->events.size() == commit.events.size() &&
               stored->events.front().id == commit.events.front().id &&
               stored->events.back().hash == commit.events.back().hash;
        return false;
      });
  if (!read.ok()) return fail(std::move(read).error());
  if (!same) at.reset();
  return at;
}

Result<std::vector<RecordedEvent>> KafkaLog::read_stream(std::string_view stream,
                                                         std::uint64_t from_version) {
  if (!is_valid_stream_id(stream)) {
    return fail(Error{errc::invalid_argument, "invalid stream id", 0});
  }
  const std::int32_t partition = partition_of(stream);
  if (auto caught_up = catch_up_to_end(partition); !caught_up.ok()) {
    return fail(std::move(caught_up).error());
  }
  auto& slot = parts_->slot(partition);
  std::optional<std::int64_t> first;
  std::optional<std::int64_t> last;
  {
    const std::lock_guard lock(slot.mu);
    first = slot.ledger.offset_of(stream, std::max<std::uint64_t>(from_version, 1));
    last = slot.ledger.last_offset(stream);
  }
  std::vector<RecordedEvent> events;
  if (!first || !last) return events;
  auto read = parts_->readers().read(
      partition, *first, *last + 1, [&](const RawRecord& record) -> Result<bool> {
        if (record.key != stream) return true;
        {
          const std::lock_guard lock(slot.mu);
          if (slot.ledger.verdict_at(record.offset) == KafkaLedger::Verdict::void_commit) {
            return true;
          }
        }
        auto commit = decode_record(record);
        if (!commit.ok()) return fail(std::move(commit).error());
        const auto position = parts_->position_at(partition, record.offset + 1);
        for (auto& e : commit->events) {
          if (e.version < from_version) continue;
          e.position = position;
          events.push_back(std::move(e));
        }
        return true;
      });
  if (!read.ok()) return fail(std::move(read).error());
  return events;
}

Result<std::uint64_t> KafkaLog::stream_version(std::string_view stream) {
  if (!is_valid_stream_id(stream)) {
    return fail(Error{errc::invalid_argument, "invalid stream id", 0});
  }
  const std::int32_t partition = partition_of(stream);
  if (auto caught_up = catch_up_to_end(partition); !caught_up.ok()) {
    return fail(std::move(caught_up).error());
  }
  auto& slot = parts_->slot(partition);
  const std::lock_guard lock(slot.mu);
  return slot.ledger.head(stream).version;
}

Status<Error> KafkaLog::check_position(const Position& p) const {
  if (p.offsets().size() > static_cast<std::size_t>(config_.partitions)) {
    return fail(
        Error{errc::invalid_argument, "position names more partitions than the log has", 0});
  }
  return unit;
}

Result<ReadBatch> KafkaLog::read_all(const Position& after, std::size_t max_commits) {
  if (auto valid = check_position(after); !valid.ok()) return fail(std::move(valid).error());
  ReadBatch batch;
  std::vector<std::uint64_t> next(static_cast<std::size_t>(config_.partitions), 0);
  std::vector<OffsetRange> ranges;
  for (std::int32_t p = 0; p < config_.partitions; ++p) {
    next[static_cast<std::size_t>(p)] = after.at(static_cast<std::size_t>(p));
  }
  batch.next = Position(std::move(next));
  if (max_commits == 0) return batch;
  auto ends = high_watermarks(queries_.get(), config_);
  if (!ends.ok()) return fail(std::move(ends).error());
  for (std::int32_t p = 0; p < config_.partitions; ++p) {
    const auto i = static_cast<std::size_t>(p);
    ranges.push_back(OffsetRange{p, static_cast<std::int64_t>(after.at(i)), (*ends)[i]});
  }
  // One assignment over every partition with something new; commits of different partitions
  // interleave, each partition's stay in order.
  auto read = parts_->readers().read(ranges, [&](const RawRecord& record) -> Result<bool> {
    auto commit = decode_record(record);
    if (!commit.ok()) return fail(std::move(commit).error());
    auto verdict = parts_->classify(record.partition, record.offset, *commit);
    if (!verdict.ok()) return fail(std::move(verdict).error());
    batch.next.set(static_cast<std::size_t>(record.partition),
                   static_cast<std::uint64_t>(record.offset + 1));
    if (*verdict == KafkaLedger::Verdict::valid) {
      Commit c{commit->stream, std::move(commit->events), batch.next};
      for (auto& e : c.events)
        e.position = batch.next;
      batch.commits.push_back(std::move(c));
    }
    return batch.commits.size() < max_commits;
  });
  if (!read.ok()) return fail(std::move(read).error());
  return batch;
}

Result<std::unique_ptr<Subscription>> KafkaLog::subscribe(const Position& from) {
  {
    const std::lock_guard lock(lifecycle_mu_);
    if (closed_) return fail(closed_error());
  }
  if (auto valid = check_position(from); !valid.ok()) return fail(std::move(valid).error());
  auto sub = KafkaSubscription::open(parts_, from);
  if (!sub.ok()) return fail(std::move(sub).error());
  {
    const std::lock_guard lock(subscriptions_mu_);
    std::erase_if(subscriptions_, [](const auto& w) { return w.expired(); });
    subscriptions_.push_back((*sub)->control());
  }
  return std::unique_ptr<Subscription>(std::move(sub).value());
}

Result<Position> KafkaLog::head() {
  auto ends = high_watermarks(queries_.get(), config_);
  if (!ends.ok()) return fail(std::move(ends).error());
  std::vector<std::uint64_t> offsets;
  offsets.reserve(ends->size());
  for (const auto end : *ends)
    offsets.push_back(static_cast<std::uint64_t>(end));
  return Position(std::move(offsets));
}

void KafkaLog::close() {
  const std::lock_guard closing(close_mu_);  // one close() at a time; later ones find it done
  {
    std::unique_lock lock(lifecycle_mu_);
    if (closed_ && !poller_.joinable()) return;
    closed_ = true;
    // Every accepted append ends within append_timeout plus a read-back; allow for both.
    idle_.wait_for(lock, config_.append_timeout + config_.read_timeout + std::chrono::seconds(2),
                   [this] { return in_flight_ == 0; });
  }
  std::vector<std::weak_ptr<SubscriptionControl>> subscriptions;
  {
    const std::lock_guard lock(subscriptions_mu_);
    subscriptions.swap(subscriptions_);
  }
  for (auto& w : subscriptions) {
    if (auto control = w.lock()) control->close();
  }
  if (poller_.joinable()) {
    stop_polling_ = true;
    rd_kafka_yield(producer_.get());
    poller_.join();
  }
  if (completer_.joinable()) {
    {
      const std::lock_guard lock(deferred_mu_);
      stop_completing_ = true;
    }
    deferred_ready_.notify_one();
    completer_.join();
  }
  parts_->readers().clear();
}

}  // namespace

Status<Error> catch_up_writer(EventLog& log, std::int32_t partition) {
  auto* kafka = dynamic_cast<KafkaLog*>(&log);
  if (kafka == nullptr) return fail(Error{errc::invalid_argument, "not a Kafka log", 0});
  return kafka->take_over(partition);
}

Result<std::unique_ptr<EventLog>> open_kafka_log(const KafkaConfig& config) {
  if (config.partitions <= 0 || config.topic.empty()) {
    return fail(Error{errc::invalid_argument, "kafka log needs a topic and partitions > 0", 0});
  }
  auto log = std::make_unique<KafkaLog>(config, std::make_shared<KafkaPartitions>(config));
  if (auto started = log->start(); !started.ok()) return fail(std::move(started).error());
  return std::unique_ptr<EventLog>(std::move(log));
}

}  // namespace docket::eventstore
