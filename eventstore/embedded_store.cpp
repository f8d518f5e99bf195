#include "eventstore/embedded_store.hpp"

#include <rocksdb/convenience.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include <system_error>

#include "eventstore/embedded_keys.hpp"
#include "eventstore/envelope_codec.hpp"

namespace docket::eventstore::embedded {
namespace {

Error closed_error() {
  return Error{errc::closed, "the event log is closed"};
}

Error corrupt_at(std::uint64_t seq, std::string_view what) {
  return Error{errc::corrupt,
               "event at log position " + std::to_string(seq) + ": " + std::string(what)};
}

// LZ4 where this RocksDB has it: about the disk footprint of Snappy (RocksDB's default) on
// envelopes, and scans spend less than half as much time decompressing blocks. Existing tables keep
// the compression they were written with (each block records its own).
rocksdb::CompressionType log_compression() {
  for (const rocksdb::CompressionType t : rocksdb::GetSupportedCompressions()) {
    if (t == rocksdb::kLZ4Compression) return t;
  }
  return rocksdb::kSnappyCompression;
}

std::string upper_bound_of(char prefix) {
  return std::string(1, static_cast<char>(prefix + 1));
}

}  // namespace

Error io_error(const rocksdb::Status& s, std::string_view what) {
  const errc code = s.IsCorruption() ? errc::corrupt : errc::io_error;
  return Error{code, std::string(what) + ": " + s.ToString()};
}

Result<std::shared_ptr<Store>> Store::open(const std::filesystem::path& directory,
                                           rocksdb::Env* env) {
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  if (ec) {
    return fail(Error{errc::io_error, "cannot create " + directory.string() + ": " + ec.message()});
  }
  rocksdb::Options options;
  options.create_if_missing = true;
  options.keep_log_file_num = 4;
  options.max_background_jobs = 2;
  options.compression = log_compression();
  if (env != nullptr) options.env = env;
  rocksdb::DB* raw = nullptr;
  const rocksdb::Status s = rocksdb::DB::Open(options, directory.string(), &raw);
  if (!s.ok()) return fail(io_error(s, "cannot open the event log"));

  auto store = std::make_shared<Store>();
  store->db_.reset(raw);

  // Recovery reads one metadata record per stream and the last event key, never the events.
  std::unique_ptr<rocksdb::Iterator> it;
  {
    const std::string upper = upper_bound_of(kMetaPrefix);
    const rocksdb::Slice upper_slice(upper);
    rocksdb::ReadOptions ro;
    ro.iterate_upper_bound = &upper_slice;
    it.reset(store->db_->NewIterator(ro));
    for (it->Seek(std::string(1, kMetaPrefix)); it->Valid(); it->Next()) {
      auto meta = decode_meta(it->value().ToStringView());
      if (!meta) {
        return fail(Error{errc::corrupt, "malformed stream metadata"});
      }
      std::string name(it->key().ToStringView().substr(1));
      store->streams_.emplace(std::move(name), StreamState{meta->version, meta->last_hash});
    }
    if (!it->status().ok()) return fail(io_error(it->status(), "cannot load stream metadata"));
  }
  {
    const std::string upper = upper_bound_of(kEventPrefix);
    const rocksdb::Slice upper_slice(upper);
    rocksdb::ReadOptions ro;
    ro.iterate_upper_bound = &upper_slice;
    it.reset(store->db_->NewIterator(ro));
    it->SeekToLast();
    if (it->Valid() && it->key().size() == 9 && it->key()[0] == kEventPrefix) {
      const std::uint64_t seq = get_be64(it->key().ToStringView().substr(1));
      const auto value = decode_event_value(it->value().ToStringView());
      if (!value || value->last != seq) return fail(corrupt_at(seq, "malformed last event"));
      store->head_ = seq;
    }
    if (!it->status().ok()) return fail(io_error(it->status(), "cannot find the head"));
  }
  return store;
}

std::uint64_t Store::head() const {
  std::lock_guard lock(mutex);
  return head_;
}

std::optional<StreamState> Store::stream(std::string_view name) const {
  std::lock_guard lock(mutex);
  const auto it = streams_.find(std::string(name));
  if (it == streams_.end()) return std::nullopt;
  return it->second;
}

void Store::publish(std::unordered_map<std::string, StreamState>&& changed, std::uint64_t head) {
  {
    std::lock_guard lock(mutex);
    for (auto& [name, state] : changed)
      streams_[name] = std::move(state);
    head_ = head;
  }
  appended.notify_all();
}

rocksdb::Status Store::write(rocksdb::WriteBatch& batch) {
  std::shared_lock lock(db_mutex_);
  if (!db_) return rocksdb::Status::Aborted("closed");
  rocksdb::WriteOptions wo;
  wo.sync = true;
  return db_->Write(wo, &batch);
}

void Store::close() {
  {
    std::lock_guard lock(mutex);
    closed = true;
  }
  appended.notify_all();
  std::unique_lock lock(db_mutex_);
  if (db_) {
    rocksdb::Status s = db_->Close();
    s.PermitUncheckedError();  // a failing Close loses nothing: every commit was synced
    db_.reset();
  }
}

Status<Error> Store::decode_into(std::uint64_t seq, std::string_view value, RecordedEvent& out,
                                 std::uint64_t* commit_first, std::uint64_t* commit_last) const {
  const auto v = decode_event_value(value);
  if (!v || seq < v->first || seq > v->last) return fail(corrupt_at(seq, "malformed header"));
  if (!parse_envelope_into(v->envelope, out)) {
    return fail(corrupt_at(seq, "envelope is not a valid CloudEvent"));
  }
  *commit_first = v->first;
  *commit_last = v->last;
  return unit;
}

Result<ReadBatch> Store::read_all(std::uint64_t after, std::size_t max_commits) {
  ReadBatch out;
  out.next = Position({after});
  const std::uint64_t head = this->head();
  if (after >= head || max_commits == 0) {
    std::lock_guard lock(mutex);
    if (closed) return fail(closed_error());
    return out;
  }
  std::shared_lock lock(db_mutex_);
  if (!db_) return fail(closed_error());
  const std::string upper = event_key(head + 1);
  const rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro;
  ro.iterate_upper_bound = &upper_slice;
  // A scan reads each block once and in order: caching its blocks would only evict those that
  // stream reads (aggregates) come back to. Block checksums stay on: the hash chain is checked
  // by `docket verify`, not on reads, so they are what catches a corrupt block here.
  ro.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro));

  // Growing a large vector step by step makes glibc consolidate its free lists again and again.
  out.commits.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(max_commits, head - after)));
  // Events are parsed straight into the commit being regrouped (the last of out.commits while
  // `open` is set), so nothing is moved after parsing.
  bool open = false;
  std::uint64_t open_first = 0;
  std::uint64_t open_last = 0;
  std::uint64_t next = after;
  std::uint64_t expect = after + 1;
  RecordedEvent skipped;  // the rest of a commit that `after` points into
  for (it->Seek(event_key(after + 1)); it->Valid(); it->Next()) {
    const std::uint64_t seq = get_be64(it->key().ToStringView().substr(1));
    if (seq != expect) return fail(corrupt_at(expect, "missing event"));
    ++expect;
    const auto header = decode_event_value(it->value().ToStringView());
    if (!header || seq < header->first || seq > header->last) {
      return fail(corrupt_at(seq, "malformed header"));
    }
    RecordedEvent* event = &skipped;
    if (header->first <= after) {
      skipped = RecordedEvent{};
    } else if (seq == header->first) {
      if (open) return fail(corrupt_at(seq - 1, "commit is incomplete"));
      Commit& commit = out.commits.emplace_back();
      commit.position = Position({header->last});
      // Bounded by what can be stored before the head, whatever the header claims.
      commit.events.reserve(
          static_cast<std::size_t>(std::min(header->last, head) - header->first + 1));
      open = true;
      open_first = header->first;
      open_last = header->last;
      event = &commit.events.emplace_back();
    } else if (!open || header->first != open_first || header->last != open_last) {
      return fail(corrupt_at(seq, "commit does not continue"));
    } else {
      event = &out.commits.back().events.emplace_back();
    }
    if (!parse_envelope_into(header->envelope, *event)) {
      return fail(corrupt_at(seq, "envelope is not a valid CloudEvent"));
    }
    if (header->first <= after) {
      next = header->last;
      continue;
    }
    Commit& commit = out.commits.back();
    if (seq == header->first) {
      commit.stream = event->stream;
    } else if (event->stream != commit.stream) {
      return fail(corrupt_at(seq, "commit does not continue"));
    }
    event->position = commit.position;
    if (seq == header->last) {
      open = false;
      next = header->last;
      if (out.commits.size() == max_commits) break;
    }
  }
  if (!it->status().ok()) return fail(io_error(it->status(), "cannot read the log"));
  if (open) return fail(corrupt_at(expect - 1, "commit is incomplete"));
  out.next = Position({next});
  return out;
}

Result<std::vector<RecordedEvent>> Store::read_stream(std::string_view stream, std::uint64_t from) {
  std::vector<RecordedEvent> out;
  const std::uint64_t head = this->head();
  std::shared_lock lock(db_mutex_);
  if (!db_) return fail(closed_error());
  const std::string prefix = index_prefix(stream);
  std::string upper = prefix;
  put_be64(upper, UINT64_MAX);
  upper.push_back('\xff');
  const rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro;
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro));

  std::vector<std::string> keys;
  std::vector<std::uint64_t> versions;
  std::uint64_t expect = std::max<std::uint64_t>(from, 1);
  for (it->Seek(index_key(stream, expect)); it->Valid(); it->Next()) {
    const auto key = it->key().ToStringView();
    if (key.size() != prefix.size() + 8 || it->value().size() != 8) {
      return fail(Error{errc::corrupt, "malformed stream index entry"});
    }
    const std::uint64_t version = get_be64(key.substr(prefix.size()));
    const std::uint64_t seq = get_be64(it->value().ToStringView());
    if (seq > head) break;  // written by a group whose outcome is not published yet
    if (version != expect) return fail(Error{errc::corrupt, "stream index has a gap"});
    ++expect;
    keys.push_back(event_key(seq));
    versions.push_back(version);
  }
  if (!it->status().ok()) return fail(io_error(it->status(), "cannot read the stream index"));

  std::vector<rocksdb::Slice> slices(keys.begin(), keys.end());
  std::vector<std::string> values(keys.size());
  const auto statuses = db_->MultiGet(rocksdb::ReadOptions(), slices, &values);
  out.reserve(keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const std::uint64_t seq = get_be64(std::string_view(keys[i]).substr(1));
    if (!statuses[i].ok()) {
      if (statuses[i].IsNotFound()) return fail(corrupt_at(seq, "indexed event is missing"));
      return fail(io_error(statuses[i], "cannot read an event"));
    }
    std::uint64_t first = 0;
    std::uint64_t last = 0;
    RecordedEvent& event = out.emplace_back();
    if (auto decoded = decode_into(seq, values[i], event, &first, &last); !decoded.ok()) {
      return fail(std::move(decoded).error());
    }
    if (event.stream != stream || event.version != versions[i]) {
      return fail(corrupt_at(seq, "indexed event names another stream or version"));
    }
    event.position = Position({last});
  }
  return out;
}

}  // namespace docket::eventstore::embedded
