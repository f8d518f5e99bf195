// Appends whose outcome the Kafka log cannot learn (docs/kafka-records.md, "When an append is
// acknowledged"), driven by the mock cluster's fault injection. The documented behaviour: the error
// says the outcome is unknown; the writer reads the partition again before its next append there;
// the commit is in the log whole or not at all; a retry with the same expected version wins at
// most once; no acknowledged commit is ever voided.

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "eventstore/kafka_murmur2.hpp"
#include "eventstore/verify.hpp"
#include "tests/eventstore/contract_helpers.hpp"
#include "tests/eventstore/kafka_mock_cluster.hpp"

namespace docket::eventstore::testing {
namespace {

using namespace std::chrono_literals;

#define ASSERT_OK(r) \
  ASSERT_TRUE((r).ok()) << to_string((r).error().code) << ": " << (r).error().message

// The Kafka protocol's ProduceRequest key, as the mock's fault injection names requests.
constexpr std::int16_t kProduceRequest = 0;

std::unique_ptr<EventLog> open_log(const KafkaConfig& config) {
  auto log = open_kafka_log(config);
  if (!log.ok()) {
    ADD_FAILURE() << "open_kafka_log: " << log.error().message;
    return nullptr;
  }
  return std::move(log).value();
}

std::vector<std::string> tags_of(const std::vector<RecordedEvent>& events) {
  std::vector<std::string> out;
  for (const auto& e : events)
    out.push_back(e.data.at("tag").get<std::string>());
  return out;
}

bool says_unknown(const Error& e) {
  return e.message.find("outcome unknown") != std::string::npos;
}

// The number of records on `stream`'s partition, as a fresh reader sees it.
std::uint64_t records_on_partition_of(EventLog& reader, const std::string& stream,
                                      std::int32_t partitions) {
  auto head = reader.head();
  if (!head.ok()) {
    ADD_FAILURE() << head.error().message;
    return 0;
  }
  return head->at(static_cast<std::size_t>(kafka_partition_for(stream, partitions)));
}

// The broker stores the commit but its answer comes after the append has timed out.
TEST(KafkaUnknownOutcome, StoredButUnconfirmedCommitIsLearnedBeforeTheNextAppend) {
  KafkaMockCluster cluster;  // its own: the test injects faults
  auto config = cluster.config("stored-unconfirmed", 2);
  config.append_timeout = 1000ms;
  // No produce request times out (and is retried) before the commit does.
  config.librdkafka_settings.emplace_back("request.timeout.ms", "5000");
  // Nor is the commit sent again once its request has timed out: librdkafka otherwise may resend
  // it, the broker store a second copy and answer that one at once, and the append is then
  // acknowledged from its first copy (correctly, but the outcome this test is about never
  // arises; seen in about one run in twenty on a loaded machine).
  config.librdkafka_settings.emplace_back("retry.backoff.ms", "10000");
  auto log = open_log(config);
  ASSERT_NE(log, nullptr);
  const std::string stream = "doctor-unknown";
  auto before = log->append(make_append(stream, 0, 1, "before"));
  ASSERT_OK(before);

  // The next produce request is stored at once and answered 2.5 s later.
  ASSERT_EQ(rd_kafka_mock_broker_push_request_error_rtts(cluster.get(), 1, kProduceRequest, 1,
                                                         RD_KAFKA_RESP_ERR_NO_ERROR, 2500),
            RD_KAFKA_RESP_ERR_NO_ERROR);
  auto unknown = log->append(make_append(stream, 1, 3, "unknown"));
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, errc::unavailable) << unknown.error().message;
  EXPECT_TRUE(says_unknown(unknown.error())) << unknown.error().message;

  // It is in the log, all three events of it, for every reader.
  auto reader = open_log(config);
  ASSERT_NE(reader, nullptr);
  auto events = reader->read_stream(stream);
  ASSERT_OK(events);
  EXPECT_EQ(tags_of(*events),
            (std::vector<std::string>{"before", "unknown", "unknown", "unknown"}));
  const std::uint64_t records = records_on_partition_of(*reader, stream, config.partitions);
  EXPECT_EQ(records, 2u);

  // The writer reads the partition before deciding its next append there: a retry with the old
  // expected version is refused with the log's version, without writing a (void) commit.
  auto retry = log->append(make_append(stream, 1, 1, "retry"));
  ASSERT_FALSE(retry.ok());
  EXPECT_EQ(retry.error().code, errc::version_conflict) << retry.error().message;
  EXPECT_EQ(retry.error().actual_version, 4u);
  EXPECT_EQ(records_on_partition_of(*reader, stream, config.partitions), records);

  // And it continues the stream from the commit it now knows.
  auto next = log->append(make_append(stream, 4, 1, "next"));
  ASSERT_OK(next);
  ASSERT_EQ(events->size(), 4u);
  EXPECT_EQ(next->events.front().prevhash, events->back().hash);
  auto all = reader->read_stream(stream);
  ASSERT_OK(all);
  EXPECT_EQ(tags_of(*all),
            (std::vector<std::string>{"before", "unknown", "unknown", "unknown", "next"}));
  EXPECT_EQ(all->front().id, before->events.front().id);
  auto report = verify_log(*reader);
  ASSERT_OK(report);
  EXPECT_TRUE(report->ok()) << report->broken->reason;
}

// A late answer racing the producer's own retry: once the first attempt's request has timed out,
// librdkafka may send the commit again and the broker store it a second time, after the first copy
// (seen once in about ten runs of this scenario on a loaded machine: the append then reported a
// conflict although its commit was in the log). That second copy is void, yet the commit is in the
// log: the writer must acknowledge it with the valid copy's position, never report a conflict.
// Which way the race goes is up to librdkafka's timers, so most runs see unknown outcomes only.
TEST(KafkaUnknownOutcome, LateAnswersNeverEndInAFalseConflict) {
  KafkaMockCluster cluster;
  auto config = cluster.config("late-answers", 2);
  config.append_timeout = 1000ms;  // request.timeout.ms follows it
  auto log = open_log(config);
  ASSERT_NE(log, nullptr);
  const std::string stream = "doctor-late";
  std::uint64_t version = 0;
  std::vector<std::string> acknowledged;
  for (int round = 0; round < 2; ++round) {
    ASSERT_EQ(rd_kafka_mock_broker_push_request_error_rtts(cluster.get(), 1, kProduceRequest, 1,
                                                           RD_KAFKA_RESP_ERR_NO_ERROR, 2500),
              RD_KAFKA_RESP_ERR_NO_ERROR);
    auto r = log->append(make_append(stream, version, 2, "r" + std::to_string(round)));
    if (r.ok()) {
      acknowledged.push_back(r->events.front().id);
      EXPECT_EQ(r->first_version, version + 1);
    } else {
      ASSERT_EQ(r.error().code, errc::unavailable) << r.error().message;
      EXPECT_TRUE(says_unknown(r.error())) << r.error().message;
    }
    // The commit was stored either way (the mock stores before it answers late).
    auto v = log->stream_version(stream);
    ASSERT_OK(v);
    ASSERT_EQ(*v, version + 2) << "round " << round;
    version = *v;
  }
  auto reader = open_log(config);
  ASSERT_NE(reader, nullptr);
  auto events = reader->read_stream(stream);
  ASSERT_OK(events);
  ASSERT_EQ(events->size(), version);
  for (const auto& id : acknowledged) {
    int copies = 0;
    for (const auto& e : *events)
      copies += e.id == id ? 1 : 0;
    EXPECT_EQ(copies, 1);
  }
  auto report = verify_log(*reader);
  ASSERT_OK(report);
  EXPECT_TRUE(report->ok()) << report->broken->reason;
}

// The broker drops the connection on every produce request before storing it, until the append
// has timed out.
TEST(KafkaUnknownOutcome, CommitLostInFlightLeavesNoTraceAndARetryWinsOnce) {
  KafkaMockCluster cluster;
  auto config = cluster.config("lost-in-flight", 2);
  config.append_timeout = 1000ms;
  auto log = open_log(config);
  ASSERT_NE(log, nullptr);
  const std::string stream = "doctor-lost";
  ASSERT_OK(log->append(make_append(stream, 0, 1, "before")));

  // Far more cuts than retries fit into the append timeout; cleared below.
  const std::vector<rd_kafka_resp_err_t> cuts(1000, RD_KAFKA_RESP_ERR__TRANSPORT);
  rd_kafka_mock_push_request_errors_array(cluster.get(), kProduceRequest, cuts.size(), cuts.data());
  auto unknown = log->append(make_append(stream, 1, 3, "lost"));
  rd_kafka_mock_clear_request_errors(cluster.get(), kProduceRequest);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, errc::unavailable) << unknown.error().message;
  EXPECT_TRUE(says_unknown(unknown.error())) << unknown.error().message;

  // The caller cannot know, so it retries with the same expected version (the producer may need a
  // moment to reconnect and renew its producer epoch).
  Result<AppendResult> retry = fail(Error{errc::unavailable, "not tried", 0});
  for (int attempt = 0; attempt < 5 && !retry.ok(); ++attempt) {
    retry = log->append(make_append(stream, 1, 2, "retry"));
    if (!retry.ok()) {
      ASSERT_EQ(retry.error().code, errc::unavailable) << retry.error().message;
    }
  }
  ASSERT_OK(retry);
  EXPECT_EQ(retry->first_version, 2u);
  EXPECT_EQ(retry->last_version, 3u);

  // Nothing of the lost commit anywhere; the acknowledged ones are all there, in order.
  auto reader = open_log(config);
  ASSERT_NE(reader, nullptr);
  auto events = reader->read_stream(stream);
  ASSERT_OK(events);
  EXPECT_EQ(tags_of(*events), (std::vector<std::string>{"before", "retry", "retry"}));
  for (const auto& commit : read_everything(*reader)) {
    for (const auto& e : commit.events)
      EXPECT_NE(e.data.at("tag"), "lost");
  }
  auto report = verify_log(*reader);
  ASSERT_OK(report);
  EXPECT_TRUE(report->ok()) << report->broken->reason;
}

// Appends pipelined behind one whose answer is late share its fate, and a writer that last read
// the partition before they landed cannot slip a commit under them: whatever the outcomes, every
// acknowledged commit is in the log and valid, and nothing else is.
TEST(KafkaUnknownOutcome, NoAcknowledgedCommitIsVoidedAroundUnknownOnes) {
  KafkaMockCluster cluster;
  auto config = cluster.config("pipelined", 1);  // one partition: every stream shares it
  config.append_timeout = 1000ms;
  auto writer = open_log(config);
  auto stale = open_log(config);
  ASSERT_NE(writer, nullptr);
  ASSERT_NE(stale, nullptr);
  const std::string stream = "doctor-pipelined";
  ASSERT_OK(writer->append(make_append(stream, 0, 1, "before")));
  // The stale writer reads the partition to its end now, before the unknown commits land.
  ASSERT_OK(stale->append(make_append("doctor-elsewhere", 0, 1, "warm-up")));

  // The first produce request is stored at once and answered late; the appends behind it are
  // pipelined, each decided on the version the previous one leaves.
  ASSERT_EQ(rd_kafka_mock_broker_push_request_error_rtts(cluster.get(), 1, kProduceRequest, 1,
                                                         RD_KAFKA_RESP_ERR_NO_ERROR, 2500),
            RD_KAFKA_RESP_ERR_NO_ERROR);
  std::mutex mutex;
  std::condition_variable cv;
  std::vector<Result<AppendResult>> outcomes;
  constexpr std::size_t kAppends = 4;
  for (std::uint64_t i = 0; i < kAppends; ++i) {
    writer->append_async(make_append(stream, 1 + i, 1, "p" + std::to_string(i)),
                         [&](Result<AppendResult> r) {
                           const std::lock_guard lock(mutex);
                           outcomes.push_back(std::move(r));
                           cv.notify_all();
                         });
  }
  {
    std::unique_lock lock(mutex);
    ASSERT_TRUE(cv.wait_for(lock, 15s, [&] { return outcomes.size() == kAppends; }));
  }
  std::vector<std::string> acknowledged;
  int unknown = 0;
  for (const auto& r : outcomes) {
    if (r.ok()) {
      acknowledged.push_back(r->events.front().id);
    } else {
      EXPECT_EQ(r.error().code, errc::unavailable) << r.error().message;
      unknown += says_unknown(r.error()) ? 1 : 0;
    }
  }
  EXPECT_GE(unknown, 1) << "the late answer must leave at least the first outcome unknown";

  // The stale writer decides on version 1 and loses: its commit is void for every reader.
  auto lost = stale->append(make_append(stream, 1, 1, "stale"));
  ASSERT_FALSE(lost.ok());
  EXPECT_EQ(lost.error().code, errc::version_conflict) << lost.error().message;
  // The writer, having read the partition again, continues the stream as the log has it.
  auto version = writer->stream_version(stream);
  ASSERT_OK(version);
  EXPECT_EQ(lost.error().actual_version, *version);
  auto next = writer->append(make_append(stream, *version, 1, "after"));
  ASSERT_OK(next);
  acknowledged.push_back(next->events.front().id);

  auto reader = open_log(config);
  ASSERT_NE(reader, nullptr);
  auto events = reader->read_stream(stream);
  ASSERT_OK(events);
  ASSERT_EQ(events->size(), *version + 1);
  EXPECT_EQ(events->back().id, next->events.front().id);
  for (const auto& id : acknowledged) {
    bool found = false;
    for (const auto& e : *events)
      found |= e.id == id;
    EXPECT_TRUE(found) << "an acknowledged commit is not in the stream";
  }
  for (const auto& e : *events)
    EXPECT_NE(e.data.at("tag"), "stale");
  auto report = verify_log(*reader);
  ASSERT_OK(report);
  EXPECT_TRUE(report->ok()) << report->broken->reason;
}

}  // namespace
}  // namespace docket::eventstore::testing
