#include "projections/model_store.hpp"

#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/sst_file_writer.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <system_error>

#include "projections/apply.hpp"
#include "projections/codec.hpp"
#include "projections/records.hpp"
#include "projections/txn.hpp"

namespace docket::projections {

namespace {

rocksdb::Options db_options() {
  rocksdb::Options o;
  o.create_if_missing = true;
  o.write_buffer_size = 16 << 20;
  // Most reads during apply look for keys that do not exist yet (a new appointment, a patient's
  // first visit): a memtable bloom filter answers those without walking the skip list.
  o.memtable_prefix_bloom_size_ratio = 0.1;
  o.memtable_whole_key_filtering = true;
  o.max_background_jobs = 2;
  rocksdb::BlockBasedTableOptions t;
  t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  t.block_cache = rocksdb::NewLRUCache(64 << 20);
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  return o;
}

Failure<Error> io(const rocksdb::Status& s, std::string_view what) {
  return error(errc::io_error, std::string(what) + ": " + s.ToString());
}

}  // namespace

std::string_view to_string(errc e) noexcept {
  switch (e) {
    case errc::io_error:
      return "io_error";
    case errc::corrupt:
      return "corrupt";
    case errc::log_error:
      return "log_error";
    case errc::closed:
      return "closed";
    case errc::timeout:
      return "timeout";
    case errc::not_found:
      return "not_found";
    case errc::invalid_argument:
      return "invalid_argument";
  }
  return "unknown";
}

ModelStore::ModelStore(std::filesystem::path directory, std::unique_ptr<rocksdb::DB> db,
                       eventstore::Position checkpoint)
    : directory_(std::move(directory)), db_(std::move(db)), checkpoint_(std::move(checkpoint)) {}

ModelStore::~ModelStore() {
  const rocksdb::Status closed = db_->Close();
  // Closing flushes the memtables; should that fail, reopening re-applies from the older
  // checkpoint (model_store.hpp), so there is nothing more to do here.
  closed.PermitUncheckedError();
  db_.reset();
  if (drop_) {
    std::error_code ignored;
    std::filesystem::remove_all(directory_, ignored);
  }
}

Result<std::unique_ptr<ModelStore>> ModelStore::open(const std::filesystem::path& directory) {
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  if (ec) return error(errc::io_error, "cannot create " + directory.string() + ": " + ec.message());
  rocksdb::DB* raw = nullptr;
  const rocksdb::Status s = rocksdb::DB::Open(db_options(), directory.string(), &raw);
  if (!s.ok()) return io(s, "open read models");
  std::unique_ptr<rocksdb::DB> db(raw);
  std::string token;
  eventstore::Position checkpoint;
  const rocksdb::Status g = db->Get(rocksdb::ReadOptions(), std::string(kCheckpointKey), &token);
  if (g.ok()) {
    auto parsed = eventstore::Position::from_token(token);
    if (!parsed) return error(errc::corrupt, "stored checkpoint does not parse");
    checkpoint = std::move(*parsed);
  } else if (!g.IsNotFound()) {
    return io(g, "read checkpoint");
  }
  return std::unique_ptr<ModelStore>(new ModelStore(directory, std::move(db), checkpoint));
}

eventstore::Position ModelStore::checkpoint() const {
  std::lock_guard lock(mu_);
  return checkpoint_;
}

Result<ApplyCounts> ModelStore::apply(const std::vector<eventstore::Commit>& commits,
                                      ModelSet models, const eventstore::Position* until) {
  eventstore::Position next = checkpoint();
  Txn txn(*db_);
  ApplyCounts counts;
  bool moved = false;
  for (const eventstore::Commit& commit : commits) {
    if (until != nullptr && !until->covers(commit.position)) break;
    if (next.covers(commit.position)) {
      counts.skipped += commit.events.size();
      continue;
    }
    Status applied = apply_commit(txn, commit, models, counts);
    if (!applied.ok()) return fail(applied.error());
    next.merge(commit.position);
    moved = true;
  }
  if (txn.failed()) return error(errc::io_error, "read during apply failed");
  if (!moved) return counts;
  rocksdb::WriteBatch batch;
  txn.write_to(batch);
  const rocksdb::Status put = batch.Put(std::string(kCheckpointKey), next.to_token());
  if (!put.ok() || txn.failed()) return error(errc::io_error, "building the write batch failed");
  rocksdb::WriteOptions wo;
  wo.disableWAL = true;                      // the log is the durable copy (header)
  wo.memtable_insert_hint_per_batch = true;  // the batch is in key order (Txn::write_to)
  const rocksdb::Status w = db_->Write(wo, &batch);
  if (!w.ok()) return io(w, "write batch");
  std::lock_guard lock(mu_);
  checkpoint_ = std::move(next);
  return counts;
}

Status ModelStore::flush() {
  rocksdb::FlushOptions fo;
  fo.wait = true;
  const rocksdb::Status s = db_->Flush(fo);
  if (!s.ok()) return io(s, "flush");
  return unit;
}

Status ModelStore::ingest_sorted(
    const std::function<bool(std::string_view& key, std::string_view& value)>& next,
    const eventstore::Position& checkpoint) {
  // Files of about the size compactions make, so that later compactions stay small.
  constexpr std::uint64_t kFileBytes = 64 << 20;
  const rocksdb::Options options = db_->GetOptions();
  const std::string token = checkpoint.to_token();
  std::vector<std::string> files;
  std::unique_ptr<rocksdb::SstFileWriter> writer;
  auto put = [&](std::string_view k, std::string_view v) -> rocksdb::Status {
    if (!writer || writer->FileSize() >= kFileBytes) {
      if (writer) {
        const rocksdb::Status done = writer->Finish();
        if (!done.ok()) return done;
      }
      files.push_back((directory_ / ("bulk-" + std::to_string(files.size()) + ".sst")).string());
      writer = std::make_unique<rocksdb::SstFileWriter>(rocksdb::EnvOptions(), options);
      const rocksdb::Status opened = writer->Open(files.back());
      if (!opened.ok()) return opened;
    }
    return writer->Put(rocksdb::Slice(k.data(), k.size()), rocksdb::Slice(v.data(), v.size()));
  };
  bool checkpoint_written = false;
  std::string_view k;
  std::string_view v;
  while (next(k, v)) {
    if (!checkpoint_written && k > kCheckpointKey) {
      const rocksdb::Status s = put(kCheckpointKey, token);
      if (!s.ok()) return io(s, "write table file");
      checkpoint_written = true;
    }
    if (k == kCheckpointKey) continue;
    const rocksdb::Status s = put(k, v);
    if (!s.ok()) return io(s, "write table file");
  }
  if (!checkpoint_written) {
    const rocksdb::Status s = put(kCheckpointKey, token);
    if (!s.ok()) return io(s, "write table file");
  }
  const rocksdb::Status done = writer->Finish();
  if (!done.ok()) return io(done, "write table file");
  rocksdb::IngestExternalFileOptions ingest;
  ingest.move_files = true;  // same file system: links, no copy
  const rocksdb::Status in = db_->IngestExternalFile(files, ingest);
  if (!in.ok()) return io(in, "ingest table files");
  std::lock_guard lock(mu_);
  checkpoint_ = checkpoint;
  return unit;
}

Status ModelStore::copy_tables_from(const ModelStore& from, ModelSet models) {
  for (const Model m : models.list()) {
    for (const char table : tables_of(m)) {
      const std::string prefix(1, table);
      rocksdb::WriteBatch batch;
      const rocksdb::Status del = batch.DeleteRange(prefix, prefix_end(prefix));
      if (!del.ok()) return io(del, "clear table");
      bool ok = true;
      from.scan(prefix, {}, [&](std::string_view k, std::string_view v) {
        ok = batch.Put(rocksdb::Slice(k.data(), k.size()), rocksdb::Slice(v.data(), v.size())).ok();
        return ok;
      });
      if (!ok) return error(errc::io_error, "copy table");
      rocksdb::WriteOptions wo;
      wo.disableWAL = true;
      const rocksdb::Status w = db_->Write(wo, &batch);
      if (!w.ok()) return io(w, "copy table");
    }
  }
  return unit;
}

std::string ModelStore::dump(ModelSet models) const {
  std::string out;
  for (const Model m : models.list()) {
    for (const char table : tables_of(m)) {
      scan(std::string(1, table), {}, [&](std::string_view k, std::string_view v) {
        key_str(out, k);
        out.append(std::to_string(v.size())).push_back(':');
        out.append(v);
        return true;
      });
    }
  }
  return out;
}

std::optional<std::string> ModelStore::get(std::string_view key,
                                           const rocksdb::Snapshot* snapshot) const {
  std::string value;
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot;
  const rocksdb::Status s = db_->Get(ro, rocksdb::Slice(key.data(), key.size()), &value);
  if (!s.ok()) return std::nullopt;
  return value;
}

void ModelStore::scan(std::string_view prefix, std::string_view from,
                      const std::function<bool(std::string_view, std::string_view)>& fn,
                      const rocksdb::Snapshot* snapshot) const {
  const std::string end = prefix_end(prefix);
  const rocksdb::Slice upper(end);
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot;
  ro.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro));
  const std::string_view start = from.empty() ? prefix : from;
  for (it->Seek(rocksdb::Slice(start.data(), start.size())); it->Valid(); it->Next()) {
    const rocksdb::Slice k = it->key();
    const rocksdb::Slice v = it->value();
    if (!fn(std::string_view(k.data(), k.size()), std::string_view(v.data(), v.size()))) break;
  }
  it->status().PermitUncheckedError();  // a failed scan ends early; queries read what they got
}

std::unique_ptr<ModelStore::Cursor> ModelStore::cursor(std::string_view prefix,
                                                       std::string_view from,
                                                       const rocksdb::Snapshot* snapshot) const {
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro));
  const std::string_view start = from.empty() ? prefix : from;
  it->Seek(rocksdb::Slice(start.data(), start.size()));
  return std::make_unique<Cursor>(std::move(it), prefix_end(prefix));
}

ModelStore::Cursor::Cursor(std::unique_ptr<rocksdb::Iterator> it, std::string end)
    : it_(std::move(it)), end_(std::move(end)) {}

ModelStore::Cursor::~Cursor() {
  it_->status().PermitUncheckedError();  // a failed walk ends early, as a scan does
}

bool ModelStore::Cursor::valid() const {
  return it_->Valid() && key() < end_;
}

std::string_view ModelStore::Cursor::key() const {
  const rocksdb::Slice k = it_->key();
  return {k.data(), k.size()};
}

void ModelStore::Cursor::next() {
  it_->Next();
}

const rocksdb::Snapshot* ModelStore::acquire_snapshot() const {
  return db_->GetSnapshot();
}

void ModelStore::release_snapshot(const rocksdb::Snapshot* snapshot) const {
  db_->ReleaseSnapshot(snapshot);
}

}  // namespace docket::projections
