#include "consumers/consumer_store.hpp"

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

namespace docket::consumers {
namespace {

constexpr std::string_view kCheckpointKey = "!c";
constexpr std::string_view kProcessedPrefix = "!p";

StoreError to_error(const rocksdb::Status& s, std::string_view what) {
  return StoreError{std::string(what) + ": " + s.ToString()};
}

}  // namespace

std::string be64(std::uint64_t v) {
  std::string out;
  for (int shift = 56; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>(v >> shift));
  return out;
}

std::uint64_t read_be64(std::string_view in) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8 && i < in.size(); ++i) {
    v = (v << 8) | static_cast<unsigned char>(in[i]);
  }
  return v;
}

StoreResult<std::optional<std::string>> Effects::get(std::string_view key) const {
  const auto it = ops_.find(std::string(key));
  if (it != ops_.end()) return it->second;
  return store_.get(key);
}

StoreResult<std::map<std::string, std::string>> Effects::scan(std::string_view prefix,
                                                              std::string_view end) const {
  auto stored = store_.scan(prefix, end);
  if (!stored) return stored;
  auto out = std::move(stored).value();
  for (auto it = ops_.lower_bound(std::string(prefix));
       it != ops_.end() && it->first.starts_with(prefix) && (end.empty() || it->first < end);
       ++it) {
    if (it->second) {
      out[it->first] = *it->second;
    } else {
      out.erase(it->first);
    }
  }
  return out;
}

ConsumerStore::ConsumerStore(std::unique_ptr<rocksdb::DB> db) : db_(std::move(db)) {}
ConsumerStore::~ConsumerStore() = default;

StoreResult<std::unique_ptr<ConsumerStore>> ConsumerStore::open(
    const std::filesystem::path& directory) {
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  if (ec) return fail(StoreError{"cannot create " + directory.string() + ": " + ec.message()});
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  const auto s = rocksdb::DB::Open(options, directory.string(), &raw);
  if (!s.ok()) return fail(to_error(s, "opening the consumer store"));
  return std::unique_ptr<ConsumerStore>(new ConsumerStore(std::unique_ptr<rocksdb::DB>(raw)));
}

std::string ConsumerStore::processed_key(std::string_view event_id) {
  std::string k(kProcessedPrefix);
  k.append(event_id);
  return k;
}

StoreResult<std::optional<std::string>> ConsumerStore::get(std::string_view key) const {
  std::string value;
  const auto s = db_->Get(rocksdb::ReadOptions(), rocksdb::Slice(key.data(), key.size()), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return fail(to_error(s, "reading the consumer store"));
  return std::optional<std::string>(std::move(value));
}

StoreResult<std::map<std::string, std::string>> ConsumerStore::scan(std::string_view prefix,
                                                                    std::string_view end) const {
  std::map<std::string, std::string> out;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(rocksdb::Slice(prefix.data(), prefix.size())); it->Valid(); it->Next()) {
    const auto key = it->key().ToStringView();
    if (!key.starts_with(prefix) || (!end.empty() && key >= end)) break;
    out.emplace(std::string(key), it->value().ToString());
  }
  if (!it->status().ok()) return fail(to_error(it->status(), "scanning the consumer store"));
  return out;
}

StoreResult<eventstore::Position> ConsumerStore::checkpoint() const {
  auto token = get(kCheckpointKey);
  if (!token) return fail(token.error());
  if (!token->has_value()) return eventstore::Position();
  auto p = eventstore::Position::from_token(**token);
  if (!p) return fail(StoreError{"the stored checkpoint is malformed"});
  return *p;
}

StoreResult<bool> ConsumerStore::processed(std::string_view event_id) const {
  auto v = get(processed_key(event_id));
  if (!v) return fail(v.error());
  return v->has_value();
}

StoreResult<Unit> ConsumerStore::write(const Effects& effects,
                                       const std::optional<eventstore::Position>& checkpoint,
                                       const std::vector<std::string>& processed_ids) {
  rocksdb::WriteBatch batch;
  for (const auto& [key, value] : effects.ops()) {
    const auto s = value ? batch.Put(key, *value) : batch.Delete(key);
    if (!s.ok()) return fail(to_error(s, "building a batch"));
  }
  for (const auto& id : processed_ids) {
    const auto s = batch.Put(processed_key(id), "");
    if (!s.ok()) return fail(to_error(s, "building a batch"));
  }
  if (checkpoint) {
    const auto s = batch.Put(std::string(kCheckpointKey), checkpoint->to_token());
    if (!s.ok()) return fail(to_error(s, "building a batch"));
  }
  rocksdb::WriteOptions options;
  options.sync = true;
  const auto s = db_->Write(options, &batch);
  if (!s.ok()) return fail(to_error(s, "writing the consumer store"));
  return unit;
}

}  // namespace docket::consumers
