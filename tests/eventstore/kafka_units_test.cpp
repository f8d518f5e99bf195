// The Kafka log's pure parts: the murmur2 partitioner, the commit record codec, the void rule.

#include <gtest/gtest.h>

#include <string>

#include "eventstore/kafka_commit_codec.hpp"
#include "eventstore/kafka_ledger.hpp"
#include "eventstore/kafka_murmur2.hpp"

namespace docket::eventstore {
namespace {

TEST(KafkaMurmur2, MatchesJavaClientValues) {
  // Values of org.apache.kafka.common.utils.Utils.murmur2 (signed, as Java returns them).
  EXPECT_EQ(kafka_murmur2("21"), -973932308);
  EXPECT_EQ(kafka_murmur2("foobar"), -790332482);
  EXPECT_EQ(kafka_murmur2("a-little-bit-long-string"), -985981536);
  EXPECT_EQ(kafka_murmur2("a-little-bit-longer-string"), -1486304829);
  EXPECT_EQ(kafka_murmur2("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8"), -58897971);
  EXPECT_EQ(kafka_murmur2("abc"), 479470107);
  EXPECT_EQ(kafka_murmur2("1"), -1993445489);
  EXPECT_EQ(kafka_murmur2("12"), 126087238);
  EXPECT_EQ(kafka_murmur2("123"), -267702483);
  EXPECT_EQ(kafka_murmur2("1234"), -1614185708);
  EXPECT_EQ(kafka_murmur2("12345"), -1188365604);
}

TEST(KafkaMurmur2, PartitionIsPositiveHashModuloCount) {
  // Java's toPositive masks the sign bit; it does not negate.
  EXPECT_EQ(kafka_partition_for("21", 1000), (-973932308 & 0x7fffffff) % 1000);
  EXPECT_EQ(kafka_partition_for("abc", 7), 479470107 % 7);
  EXPECT_EQ(kafka_partition_for("anything", 1), 0);
}

RecordedEvent event(const std::string& stream, std::uint64_t version, const std::string& prev) {
  RecordedEvent e;
  e.id = new_uuid();
  e.source = "docket";
  e.type = "docket.test.happened.v1";
  e.subject = "s";
  e.time = "2027-03-01T09:00:00Z";
  e.data = {{"n", version}};
  e.stream = stream;
  e.version = version;
  e.actor = Actor{"u-1", "admin"};
  e.prevhash = prev;
  e.hash = compute_hash(e);
  return e;
}

TEST(KafkaCommitCodec, RoundTripsACommit) {
  CommitRecord c;
  c.stream = "doctor-7";
  c.expected_version = 2;
  c.events.push_back(event("doctor-7", 3, std::string(kGenesisHash)));
  c.events.push_back(event("doctor-7", 4, c.events[0].hash));
  const auto decoded = decode_commit(encode_commit(c));
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->stream, "doctor-7");
  EXPECT_EQ(decoded->expected_version, 2u);
  ASSERT_EQ(decoded->events.size(), 2u);
  EXPECT_EQ(decoded->events[1].id, c.events[1].id);
  EXPECT_EQ(decoded->events[1].hash, c.events[1].hash);
  EXPECT_EQ(decoded->events[1].data, c.events[1].data);
}

TEST(KafkaCommitCodec, StoresTheDocumentedFields) {
  CommitRecord c;
  c.stream = "doctor-7";
  c.expected_version = 0;
  c.events.push_back(event("doctor-7", 1, std::string(kGenesisHash)));
  const auto j = nlohmann::json::parse(encode_commit(c));
  EXPECT_EQ(j.at("stream"), "doctor-7");
  EXPECT_EQ(j.at("expected_version"), 0);
  ASSERT_EQ(j.at("events").size(), 1u);
  EXPECT_EQ(j.at("events")[0].at("specversion"), "1.0");
  EXPECT_EQ(j.at("events")[0].at("streamversion"), 1);
  EXPECT_EQ(j.size(), 3u);
}

TEST(KafkaCommitCodec, RejectsMalformedCommits) {
  EXPECT_FALSE(decode_commit("not json").has_value());
  EXPECT_FALSE(decode_commit("[]").has_value());
  EXPECT_FALSE(decode_commit(R"({"stream":"a","expected_version":0,"events":[]})").has_value());
  EXPECT_FALSE(decode_commit(R"({"stream":"a","expected_version":-1,"events":[{}]})").has_value());

  CommitRecord c;
  c.stream = "doctor-7";
  c.expected_version = 0;
  c.events.push_back(event("doctor-7", 2, std::string(kGenesisHash)));  // should be version 1
  EXPECT_FALSE(decode_commit(encode_commit(c)).has_value());
  c.events[0] = event("doctor-8", 1, std::string(kGenesisHash));  // another stream
  EXPECT_FALSE(decode_commit(encode_commit(c)).has_value());
}

TEST(KafkaLedger, VoidsCommitsDecidedAgainstAnotherVersion) {
  KafkaLedger ledger;
  EXPECT_EQ(ledger.apply(0, "a", 0, 2, "h2"), KafkaLedger::Verdict::valid);
  EXPECT_EQ(ledger.apply(1, "a", 0, 1, "x"), KafkaLedger::Verdict::void_commit);  // stale writer
  EXPECT_EQ(ledger.apply(2, "b", 0, 1, "b1"), KafkaLedger::Verdict::valid);
  EXPECT_EQ(ledger.apply(3, "a", 2, 1, "h3"), KafkaLedger::Verdict::valid);
  EXPECT_EQ(ledger.apply(4, "a", 5, 1, "y"), KafkaLedger::Verdict::void_commit);  // from the future
  EXPECT_EQ(ledger.end(), 5);
  EXPECT_EQ(ledger.verdict_at(1), KafkaLedger::Verdict::void_commit);
  EXPECT_EQ(ledger.verdict_at(3), KafkaLedger::Verdict::valid);
  EXPECT_EQ(ledger.head("a").version, 3u);
  EXPECT_EQ(ledger.head("a").hash, "h3");
  EXPECT_EQ(ledger.head("nobody").version, 0u);
  EXPECT_EQ(ledger.head("nobody").hash, kGenesisHash);
}

TEST(KafkaLedger, FindsTheCommitHoldingAVersion) {
  KafkaLedger ledger;
  ASSERT_EQ(ledger.apply(10, "a", 0, 2, "h2"), KafkaLedger::Verdict::valid);
  ASSERT_EQ(ledger.apply(11, "a", 0, 2, "v"), KafkaLedger::Verdict::void_commit);
  ASSERT_EQ(ledger.apply(12, "a", 2, 3, "h5"), KafkaLedger::Verdict::valid);
  EXPECT_EQ(ledger.offset_of("a", 1), 10);
  EXPECT_EQ(ledger.offset_of("a", 2), 10);
  EXPECT_EQ(ledger.offset_of("a", 3), 12);
  EXPECT_EQ(ledger.offset_of("a", 5), 12);
  EXPECT_FALSE(ledger.offset_of("a", 6).has_value());
  EXPECT_FALSE(ledger.offset_of("b", 1).has_value());
  EXPECT_EQ(ledger.last_offset("a"), 12);
}

}  // namespace
}  // namespace docket::eventstore
