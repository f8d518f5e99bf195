#include "api/side_store.hpp"

#include <system_error>

namespace docket::api {
namespace {

SideStoreError from(const rocksdb::Status& s, std::string_view what) {
  return SideStoreError{std::string(what) + ": " + s.ToString()};
}

rocksdb::Slice slice(std::string_view s) {
  return rocksdb::Slice(s.data(), s.size());
}

}  // namespace

SideResult<std::unique_ptr<SideStore>> SideStore::open(const std::filesystem::path& directory) {
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  if (ec) return fail(SideStoreError{"cannot create " + directory.string() + ": " + ec.message()});
  rocksdb::Options options;
  options.create_if_missing = true;
  options.IncreaseParallelism(2);
  rocksdb::DB* raw = nullptr;
  const rocksdb::Status s = rocksdb::DB::Open(options, directory.string(), &raw);
  if (!s.ok()) return fail(from(s, "cannot open the write side store"));
  return std::unique_ptr<SideStore>(new SideStore(std::unique_ptr<rocksdb::DB>(raw)));
}

SideResult<std::optional<std::string>> SideStore::get(std::string_view key) const {
  std::string value;
  const rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), slice(key), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return fail(from(s, "read failed"));
  return std::optional<std::string>(std::move(value));
}

docket::Status<SideStoreError> SideStore::put(std::string_view key, std::string_view value,
                                              bool sync) {
  rocksdb::WriteOptions options;
  options.sync = sync;
  const rocksdb::Status s = db_->Put(options, slice(key), slice(value));
  if (!s.ok()) return fail(from(s, "write failed"));
  return unit;
}

docket::Status<SideStoreError> SideStore::erase(std::string_view key, bool sync) {
  rocksdb::WriteOptions options;
  options.sync = sync;
  const rocksdb::Status s = db_->Delete(options, slice(key));
  if (!s.ok()) return fail(from(s, "delete failed"));
  return unit;
}

docket::Status<SideStoreError> SideStore::scan(
    std::string_view prefix,
    const std::function<bool(std::string_view key, std::string_view value)>& visit) const {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(slice(prefix)); it->Valid() && it->key().starts_with(slice(prefix)); it->Next()) {
    if (!visit(it->key().ToStringView(), it->value().ToStringView())) break;
  }
  if (!it->status().ok()) return fail(from(it->status(), "scan failed"));
  return unit;
}

docket::Status<SideStoreError> SideStore::sync() {
  const rocksdb::Status s = db_->FlushWAL(true);
  if (!s.ok()) return fail(from(s, "sync failed"));
  return unit;
}

}  // namespace docket::api
