// The embedded log when RocksDB cannot write: a failed group commit acknowledges nothing, memory
// keeps agreeing with the disk, and a reopened log holds exactly what was acknowledged.

#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include <atomic>
#include <future>

#include "eventstore/embedded_log.hpp"
#include "eventstore/verify.hpp"
#include "tests/eventstore/contract_helpers.hpp"
#include "tests/eventstore/temp_dir.hpp"

namespace docket::eventstore::testing {
namespace {

// A write-ahead-log file whose appends and syncs fail while `fail` is set.
class FailingFile final : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  FailingFile(std::unique_ptr<rocksdb::FSWritableFile> file, const std::atomic<bool>* fail)
      : FSWritableFileOwnerWrapper(std::move(file)), fail_(fail) {}

  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           rocksdb::IODebugContext* dbg) override {
    if (fail_->load()) return rocksdb::IOStatus::IOError("injected append failure");
    return FSWritableFileOwnerWrapper::Append(data, options, dbg);
  }
  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           const rocksdb::DataVerificationInfo& info,
                           rocksdb::IODebugContext* dbg) override {
    if (fail_->load()) return rocksdb::IOStatus::IOError("injected append failure");
    return FSWritableFileOwnerWrapper::Append(data, options, info, dbg);
  }

 private:
  const std::atomic<bool>* fail_;
};

class FailingWalFileSystem final : public rocksdb::FileSystemWrapper {
 public:
  FailingWalFileSystem() : FileSystemWrapper(rocksdb::FileSystem::Default()) {}
  const char* Name() const override { return "FailingWalFileSystem"; }

  rocksdb::IOStatus NewWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* file,
                                    rocksdb::IODebugContext* dbg) override {
    auto s = FileSystemWrapper::NewWritableFile(name, options, file, dbg);
    if (s.ok() && name.size() > 4 && name.compare(name.size() - 4, 4, ".log") == 0) {
      *file = std::make_unique<FailingFile>(std::move(*file), &fail);
    }
    return s;
  }

  std::atomic<bool> fail{false};
};

#define ASSERT_OK(r) \
  ASSERT_TRUE((r).ok()) << to_string((r).error().code) << ": " << (r).error().message

TEST(EmbeddedLogFaults, FailedGroupCommitAcknowledgesNothingAndKeepsMemoryTrue) {
  TempDir dir;
  auto fs = std::make_shared<FailingWalFileSystem>();
  const std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs);
  std::uint64_t acknowledged_events = 0;
  {
    auto log = open_embedded_log({dir.path(), 1024, env.get()});
    ASSERT_OK(log);
    for (int i = 0; i < 3; ++i) {
      auto r = (*log)->append(make_append("doctor-f", static_cast<std::uint64_t>(i), 1));
      ASSERT_OK(r);
      ++acknowledged_events;
    }

    fs->fail = true;
    constexpr int kAppends = 8;
    std::vector<std::future<Result<AppendResult>>> outcomes;
    for (int i = 0; i < kAppends; ++i) {
      auto done = std::make_shared<std::promise<Result<AppendResult>>>();
      outcomes.push_back(done->get_future());
      // Distinct streams and one chained stream: all would succeed on a healthy disk.
      (*log)->append_async(make_append(i % 2 ? "doctor-f" : "doctor-g" + std::to_string(i),
                                       i % 2 ? 3 + 2 * static_cast<std::uint64_t>(i / 2) : 0, 2),
                           [done](Result<AppendResult> r) { done->set_value(std::move(r)); });
    }
    for (int i = 0; i < kAppends; ++i) {
      auto r = outcomes[static_cast<std::size_t>(i)].get();
      ASSERT_FALSE(r.ok());
      // The writer may take the appends in one group or several. A chained append whose
      // predecessor's group failed meets the version the disk has and is refused for that.
      const bool refused_after_a_failure =
          i % 2 == 1 && r.error().code == errc::version_conflict && r.error().actual_version == 3;
      if (!refused_after_a_failure) {
        EXPECT_EQ(r.error().code, errc::io_error) << r.error().message;
      }
    }
    auto version = (*log)->stream_version("doctor-f");
    ASSERT_OK(version);
    EXPECT_EQ(*version, 3u);
    auto head = (*log)->head();
    ASSERT_OK(head);
    EXPECT_EQ(*head, Position({acknowledged_events}));
    EXPECT_EQ(read_everything(**log).size(), 3u);

    // Whether RocksDB accepts writes again is its choice; if it does, the chain continues from
    // what is on disk, not from the failed group.
    fs->fail = false;
    auto after = (*log)->append(make_append("doctor-f", 3, 1));
    if (after.ok()) {
      EXPECT_EQ(after->first_version, 4u);
      ++acknowledged_events;
    } else {
      EXPECT_EQ(after.error().code, errc::io_error);
    }
  }

  auto reopened = open_embedded_log({dir.path()});
  ASSERT_OK(reopened);
  auto head = (*reopened)->head();
  ASSERT_OK(head);
  EXPECT_EQ(*head, Position({acknowledged_events}));
  for (int i = 0; i < 8; i += 2) {
    auto version = (*reopened)->stream_version("doctor-g" + std::to_string(i));
    ASSERT_OK(version);
    EXPECT_EQ(*version, 0u);
  }
  auto report = verify_log(**reopened);
  ASSERT_OK(report);
  EXPECT_TRUE(report->ok());
  EXPECT_EQ(report->events, acknowledged_events);
}

}  // namespace
}  // namespace docket::eventstore::testing
