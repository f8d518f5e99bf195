#include "projections/txn.hpp"

#include <algorithm>
#include <vector>

#include "projections/codec.hpp"

namespace docket::projections {

std::optional<std::string_view> Txn::find(std::string_view key) {
  if (state_ != nullptr) {
    return state_->find(key);
  }
  auto it = pending_.find(key);
  if (it == pending_.end()) {
    std::string value;
    const rocksdb::Status s =
        db_->Get(rocksdb::ReadOptions(), rocksdb::Slice(key.data(), key.size()), &value);
    if (s.IsNotFound()) {
      pending_.emplace(std::string(key), Entry{std::nullopt, Before::absent, false});
      return std::nullopt;
    }
    if (!s.ok()) {
      failed_ = true;
      return std::nullopt;
    }
    it = pending_.emplace(std::string(key), Entry{std::move(value), Before::present, false}).first;
  }
  if (!it->second.value) return std::nullopt;
  return std::string_view(*it->second.value);
}

void Txn::set(std::string key, std::optional<std::string> value, bool is_new) {
  const auto it = pending_.find(key);
  if (it == pending_.end()) {
    pending_.emplace(std::move(key),
                     Entry{std::move(value), is_new ? Before::absent : Before::unknown, true});
    return;
  }
  it->second.value = std::move(value);
  it->second.changed = true;
  if (is_new && it->second.before == Before::unknown) it->second.before = Before::absent;
}

void Txn::put(std::string key, std::string value) {
  if (state_ != nullptr) {
    state_->put(key, value);
    return;
  }
  set(std::move(key), std::move(value), false);
}

void Txn::put_new(std::string key, std::string value) {
  if (state_ != nullptr) {
    state_->put(key, value);
    return;
  }
  set(std::move(key), std::move(value), true);
}

void Txn::del(std::string key) {
  if (state_ != nullptr) {
    state_->erase(key);
    return;
  }
  set(std::move(key), std::nullopt, false);
}

std::string& Txn::pending_value(std::string key) {
  auto it = pending_.find(key);
  if (it == pending_.end()) {
    find(key);  // what the database holds, so that the batch knows the value before it
    it = pending_.find(key);
    if (it == pending_.end()) {  // the read failed (failed() is true now)
      it = pending_.emplace(std::move(key), Entry{std::nullopt, Before::unknown, false}).first;
    }
  }
  Entry& e = it->second;
  e.changed = true;
  if (!e.value) e.value.emplace();
  return *e.value;
}

bool Txn::new_in_batch(std::string_view key) const {
  const auto it = pending_.find(key);
  return it != pending_.end() && it->second.before == Before::absent;
}

void Txn::add(std::string key, std::int64_t delta) {
  if (delta == 0) return;
  const auto current = find(key);
  const std::int64_t next = (current ? decode_count(*current) : 0) + delta;
  if (next == 0) {
    del(std::move(key));
  } else {
    put(std::move(key), encode_count(next));
  }
}

void Txn::write_to(rocksdb::WriteBatch& batch) {
  // In key order: the memtable's skip list inserts neighbouring keys far faster than random ones.
  // Keys only read, and keys created and deleted again within the batch, are not written.
  std::vector<const std::pair<const std::string, Entry>*> ordered;
  ordered.reserve(pending_.size());
  for (const auto& entry : pending_) {
    const Entry& e = entry.second;
    if (!e.changed || (!e.value && e.before == Before::absent)) continue;
    ordered.push_back(&entry);
  }
  std::sort(ordered.begin(), ordered.end(),
            [](const auto* a, const auto* b) { return a->first < b->first; });
  for (const auto* entry : ordered) {
    const std::optional<std::string>& value = entry->second.value;
    rocksdb::Status s = value ? batch.Put(entry->first, *value) : batch.Delete(entry->first);
    if (!s.ok()) failed_ = true;
  }
  pending_.clear();
}

}  // namespace docket::projections
