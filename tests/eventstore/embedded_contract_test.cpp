// The embedded backend under the shared contract, plus what only it can promise: a global order
// with one-component positions, and detection of bytes changed behind its back.

#include <rocksdb/db.h>

#include "eventstore/embedded_keys.hpp"
#include "eventstore/embedded_log.hpp"
#include "eventstore/verify.hpp"
#include "tests/eventstore/contract_helpers.hpp"
#include "tests/eventstore/log_factory.hpp"
#include "tests/eventstore/temp_dir.hpp"

namespace docket::eventstore::testing {
namespace {

class EmbeddedLogFactory final : public LogFactory {
 public:
  std::unique_ptr<EventLog> open() override {
    auto log = open_embedded_log({dir_.path() / "nested" / "log"});
    if (!log.ok()) {
      ADD_FAILURE() << "open_embedded_log: " << log.error().message;
      return nullptr;
    }
    return std::move(*log);
  }
  const std::filesystem::path& directory() const { return dir_.path(); }

 private:
  TempDir dir_;
};

INSTANTIATE_TEST_SUITE_P(Embedded, EventLogContract,
                         ::testing::Values(ContractBackend{
                             "Embedded", [] { return std::make_unique<EmbeddedLogFactory>(); }}),
                         backend_name);

#define ASSERT_OK(r) \
  ASSERT_TRUE((r).ok()) << to_string((r).error().code) << ": " << (r).error().message

TEST(EmbeddedLog, PositionsCountEventsInOneGlobalOrder) {
  TempDir dir;
  auto log = open_embedded_log({dir.path()});
  ASSERT_OK(log);
  std::vector<std::string> order;
  std::uint64_t events = 0;
  for (int i = 0; i < 12; ++i) {
    const std::string stream = "doctor-" + std::to_string(i % 5);
    auto version = (*log)->stream_version(stream);
    ASSERT_OK(version);
    auto r = (*log)->append(make_append(stream, *version, 1 + i % 3, "c" + std::to_string(i)));
    ASSERT_OK(r);
    events += 1 + i % 3;
    EXPECT_EQ(r->position, Position({events}));
    order.push_back("c" + std::to_string(i));
  }
  const auto commits = read_everything(**log, 5);
  ASSERT_EQ(commits.size(), order.size());
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < commits.size(); ++i) {
    EXPECT_EQ(commits[i].events.front().data.at("tag"), order[i]);
    seen += commits[i].events.size();
    EXPECT_EQ(commits[i].position, Position({seen}));
  }
  auto head = (*log)->head();
  ASSERT_OK(head);
  EXPECT_EQ(head->to_token(), std::to_string(events));
}

TEST(EmbeddedLog, PositionInsideACommitContinuesWithTheNextCommit) {
  TempDir dir;
  auto log = open_embedded_log({dir.path()});
  ASSERT_OK(log);
  ASSERT_OK((*log)->append(make_append("doctor-1", 0, 3, "first")));
  ASSERT_OK((*log)->append(make_append("doctor-1", 3, 1, "second")));
  auto batch = (*log)->read_all(Position({1}), 10);
  ASSERT_OK(batch);
  ASSERT_EQ(batch->commits.size(), 1u);
  EXPECT_EQ(batch->commits[0].events.front().data.at("tag"), "second");
  EXPECT_EQ(batch->next, Position({4}));
}

TEST(EmbeddedLog, RejectsPositionsOfOtherBackends) {
  TempDir dir;
  auto log = open_embedded_log({dir.path()});
  ASSERT_OK(log);
  auto batch = (*log)->read_all(Position({0, 3}), 10);
  ASSERT_FALSE(batch.ok());
  EXPECT_EQ(batch.error().code, errc::invalid_argument);
  auto sub = (*log)->subscribe(Position({1, 1}));
  ASSERT_FALSE(sub.ok());
  EXPECT_EQ(sub.error().code, errc::invalid_argument);
}

TEST(EmbeddedLog, SecondOpenOfTheSameDirectoryFails) {
  TempDir dir;
  auto first = open_embedded_log({dir.path()});
  ASSERT_OK(first);
  auto second = open_embedded_log({dir.path()});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, errc::io_error);
}

// Flips one byte of the stored envelope of (stream, version) directly in RocksDB.
void tamper(const std::filesystem::path& dir, const std::string& stream, std::uint64_t version) {
  rocksdb::DB* raw = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(rocksdb::Options(), dir.string(), &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  std::string seq;
  ASSERT_TRUE(db->Get({}, embedded::index_key(stream, version), &seq).ok());
  const std::string key = embedded::event_key(embedded::get_be64(seq));
  std::string value;
  ASSERT_TRUE(db->Get({}, key, &value).ok());
  // A letter inside the event's data: the JSON stays valid, only the hash can tell.
  const std::size_t at = value.find("\"tag\":\"");
  ASSERT_NE(at, std::string::npos);
  value[at + 7] = static_cast<char>(value[at + 7] ^ 0x01);
  rocksdb::WriteOptions wo;
  wo.sync = true;
  ASSERT_TRUE(db->Put(wo, key, value).ok());
  ASSERT_TRUE(db->Close().ok());
}

TEST(EmbeddedLog, VerifyNamesTheTamperedEvent) {
  TempDir dir;
  {
    auto log = open_embedded_log({dir.path()});
    ASSERT_OK(log);
    for (int i = 0; i < 8; ++i) {
      for (const char* s : {"doctor-a", "doctor-b"}) {
        ASSERT_OK((*log)->append(make_append(s, static_cast<std::uint64_t>(2 * i), 2, "tag")));
      }
    }
    auto clean = verify_log(**log);
    ASSERT_OK(clean);
    EXPECT_TRUE(clean->ok());
  }
  tamper(dir.path(), "doctor-b", 7);
  auto log = open_embedded_log({dir.path()});
  ASSERT_OK(log);
  auto report = verify_log(**log);
  ASSERT_OK(report);
  ASSERT_FALSE(report->ok());
  EXPECT_EQ(report->broken->stream, "doctor-b");
  EXPECT_EQ(report->broken->version, 7u);
  EXPECT_EQ(report->broken->reason, "hash mismatch");
  // doctor-b's versions 7 and 8 are one commit; commits alternate a, b, so it is the 8th commit.
  EXPECT_EQ(report->broken->position, Position({16}));
}

TEST(EmbeddedLog, VerifyReportsUndecodableBytes) {
  TempDir dir;
  {
    auto log = open_embedded_log({dir.path()});
    ASSERT_OK(log);
    ASSERT_OK((*log)->append(make_append("doctor-a", 0, 1)));
    ASSERT_OK((*log)->append(make_append("doctor-a", 1, 1)));
  }
  {
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::Options(), dir.path().string(), &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    std::string value;
    ASSERT_TRUE(db->Get({}, embedded::event_key(2), &value).ok());
    value[embedded::kValueHeaderSize] = '[';  // no longer a JSON object
    ASSERT_TRUE(db->Put({}, embedded::event_key(2), value).ok());
  }
  auto log = open_embedded_log({dir.path()});
  ASSERT_OK(log);
  auto report = verify_log(**log);
  ASSERT_OK(report);
  ASSERT_FALSE(report->ok());
  EXPECT_EQ(report->broken->position, Position({1}));
  EXPECT_EQ(report->commits, 1u);
  auto read = (*log)->read_all(Position({1}), 10);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code, errc::corrupt);
}

// Rewrites the stored event `seq` with another commit header, or deletes it when `first` is 0.
void rewrite_header(const std::filesystem::path& dir, std::uint64_t seq, std::uint64_t first,
                    std::uint64_t last) {
  rocksdb::DB* raw = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(rocksdb::Options(), dir.string(), &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  const std::string key = embedded::event_key(seq);
  std::string value;
  ASSERT_TRUE(db->Get({}, key, &value).ok());
  if (first == 0) {
    ASSERT_TRUE(db->Delete({}, key).ok());
  } else {
    const auto old = embedded::decode_event_value(value);
    ASSERT_TRUE(old.has_value());
    ASSERT_TRUE(
        db->Put({}, key, embedded::encode_event_value(first, last, std::string(old->envelope)))
            .ok());
  }
  ASSERT_TRUE(db->Close().ok());
}

TEST(EmbeddedLog, ReadAllRefusesCommitsThatDoNotHoldTogether) {
  struct Damage {
    const char* what;
    std::uint64_t seq, first, last;  // first 0: the event is deleted
  };
  // The log holds a commit of events 1-3, then one of event 4.
  for (const Damage& d : {Damage{"a commit starts inside another", 2, 2, 3},
                          Damage{"an event names another end of its commit", 2, 1, 2},
                          Damage{"an event of a commit is missing", 3, 0, 0}}) {
    TempDir dir;
    {
      auto log = open_embedded_log({dir.path()});
      ASSERT_OK(log);
      ASSERT_OK((*log)->append(make_append("doctor-a", 0, 3)));
      ASSERT_OK((*log)->append(make_append("doctor-a", 3, 1)));
    }
    rewrite_header(dir.path(), d.seq, d.first, d.last);
    auto log = open_embedded_log({dir.path()});
    ASSERT_OK(log);
    for (const std::size_t page : {1u, 10u}) {
      auto read = (*log)->read_all(Position(), page);
      ASSERT_FALSE(read.ok()) << d.what;
      EXPECT_EQ(read.error().code, errc::corrupt) << d.what;
    }
  }
}

TEST(EmbeddedLog, CreatesMissingParentDirectories) {
  TempDir dir;
  const auto deep = dir.path() / "a" / "b" / "c";
  auto log = open_embedded_log({deep});
  ASSERT_OK(log);
  ASSERT_OK((*log)->append(make_append("doctor-a", 0, 1)));
  EXPECT_TRUE(std::filesystem::exists(deep / "CURRENT"));
}

}  // namespace
}  // namespace docket::eventstore::testing
