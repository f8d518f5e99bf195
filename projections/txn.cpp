#include "projections/txn.hpp"

#include <algorithm>
#include <vector>

#include "projections/codec.hpp"

namespace docket::projections {

std::optional<std::string> Txn::get(std::string_view key) {
  const auto it = pending_.find(std::string(key));
  if (it != pending_.end()) return it->second;
  std::string value;
  const rocksdb::Status s =
      db_.Get(rocksdb::ReadOptions(), rocksdb::Slice(key.data(), key.size()), &value);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) {
    failed_ = true;
    return std::nullopt;
  }
  return value;
}

void Txn::put(std::string key, std::string value) {
  pending_.insert_or_assign(std::move(key), std::optional<std::string>(std::move(value)));
}

void Txn::del(std::string key) {
  pending_.insert_or_assign(std::move(key), std::optional<std::string>());
}

void Txn::add(std::string key, std::int64_t delta) {
  if (delta == 0) return;
  const auto current = get(key);
  const std::int64_t next = (current ? decode_count(*current) : 0) + delta;
  if (next == 0) {
    del(std::move(key));
  } else {
    put(std::move(key), encode_count(next));
  }
}

void Txn::write_to(rocksdb::WriteBatch& batch) {
  // In key order: the memtable's skip list inserts neighbouring keys far faster than random ones.
  std::vector<const std::pair<const std::string, std::optional<std::string>>*> ordered;
  ordered.reserve(pending_.size());
  for (const auto& entry : pending_)
    ordered.push_back(&entry);
  std::sort(ordered.begin(), ordered.end(),
            [](const auto* a, const auto* b) { return a->first < b->first; });
  for (const auto* entry : ordered) {
    rocksdb::Status s =
        entry->second ? batch.Put(entry->first, *entry->second) : batch.Delete(entry->first);
    if (!s.ok()) failed_ = true;
  }
  pending_.clear();
}

}  // namespace docket::projections
