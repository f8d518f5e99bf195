// What only the Kafka log promises, on librdkafka's mock cluster: the partitioner every client
// agrees on, the void-commit rule under two writers, bounded failure while a broker is down, and
// records an outside Kafka client can read as documented in docs/kafka-records.md.

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "eventstore/kafka_commit_codec.hpp"
#include "eventstore/kafka_murmur2.hpp"
#include "tests/eventstore/contract_helpers.hpp"
#include "tests/eventstore/kafka_mock_cluster.hpp"

namespace docket::eventstore::testing {
namespace {

using namespace std::chrono_literals;

#define ASSERT_OK(r) \
  ASSERT_TRUE((r).ok()) << to_string((r).error().code) << ": " << (r).error().message

std::unique_ptr<EventLog> open_log(const KafkaConfig& config) {
  auto log = open_kafka_log(config);
  if (!log.ok()) {
    ADD_FAILURE() << "open_kafka_log: " << log.error().message;
    return nullptr;
  }
  return std::move(log).value();
}

// A stream other than `of` that lives on the same partition.
std::string neighbour_of(const std::string& of, std::int32_t partitions) {
  const auto p = kafka_partition_for(of, partitions);
  for (int i = 0;; ++i) {
    std::string candidate = "doctor-n" + std::to_string(i);
    if (candidate != of && kafka_partition_for(candidate, partitions) == p) return candidate;
  }
}

TEST(KafkaPartitioner, AgreesWithLibrdkafkaMurmur2Random) {
  KafkaMockCluster& cluster = shared_mock_cluster();
  const std::string topic = unique_topic("keys");
  constexpr int kPartitions = 7;
  ASSERT_EQ(rd_kafka_mock_topic_create(cluster.get(), topic.c_str(), kPartitions, 1),
            RD_KAFKA_RESP_ERR_NO_ERROR);
  std::array<char, 256> reason{};
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  ASSERT_EQ(rd_kafka_conf_set(conf, "bootstrap.servers", cluster.bootstraps().c_str(),
                              reason.data(), reason.size()),
            RD_KAFKA_CONF_OK);
  ASSERT_EQ(rd_kafka_conf_set(conf, "partitioner", "murmur2_random", reason.data(), reason.size()),
            RD_KAFKA_CONF_OK);
  std::map<std::string, std::int32_t> placed;
  rd_kafka_conf_set_opaque(conf, &placed);
  rd_kafka_conf_set_dr_msg_cb(conf, [](rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      (*static_cast<std::map<std::string, std::int32_t>*>(
          opaque))[std::string(static_cast<const char*>(m->key), m->key_len)] = m->partition;
    }
  });
  rd_kafka_t* producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, reason.data(), reason.size());
  ASSERT_NE(producer, nullptr) << reason.data();
  constexpr int kKeys = 300;
  for (int i = 0; i < kKeys; ++i) {
    const std::string key = "doctor-" + std::to_string(i * 7919);
    ASSERT_EQ(rd_kafka_producev(producer, RD_KAFKA_V_TOPIC(topic.c_str()),
                                RD_KAFKA_V_KEY(key.data(), key.size()),
                                RD_KAFKA_V_VALUE(const_cast<char*>("x"), 1),
                                RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END),
              RD_KAFKA_RESP_ERR_NO_ERROR);
  }
  EXPECT_EQ(rd_kafka_flush(producer, 10'000), RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_destroy(producer);
  ASSERT_EQ(placed.size(), static_cast<std::size_t>(kKeys));
  std::set<std::int32_t> used;
  for (const auto& [key, partition] : placed) {
    EXPECT_EQ(kafka_partition_for(key, kPartitions), partition) << key;
    used.insert(partition);
  }
  EXPECT_EQ(used.size(), static_cast<std::size_t>(kPartitions));  // the check spans every partition
}

TEST(KafkaLog, CommitPositionIsItsOffsetPlusOneOnItsPartition) {
  KafkaMockCluster& cluster = shared_mock_cluster();
  const auto config = cluster.config(unique_topic("positions"));
  auto log = open_log(config);
  ASSERT_NE(log, nullptr);
  const std::string stream = "doctor-pos";
  const auto p = static_cast<std::size_t>(kafka_partition_for(stream, config.partitions));
  auto first = log->append(make_append(stream, 0, 2));
  ASSERT_OK(first);
  auto second = log->append(make_append(stream, 2, 1));
  ASSERT_OK(second);
  EXPECT_EQ(first->position.at(p), 1u);
  EXPECT_EQ(second->position.at(p), 2u);
  for (std::size_t q = 0; q < static_cast<std::size_t>(config.partitions); ++q) {
    if (q != p) {
      EXPECT_EQ(second->position.at(q), 0u);
    }
  }
  auto head = log->head();
  ASSERT_OK(head);
  EXPECT_EQ(*head, second->position);
}

TEST(KafkaLog, ReadAllSubscriptionsAndReopenSpanEveryPartition) {
  KafkaMockCluster& cluster = shared_mock_cluster();
  const auto config = cluster.config(unique_topic("spread"), 4);
  auto log = open_log(config);
  ASSERT_NE(log, nullptr);
  std::map<std::string, std::uint64_t> versions;
  std::map<std::string, std::vector<std::string>> tags;
  std::set<std::int32_t> partitions;
  for (int i = 0; i < 24; ++i) {
    const std::string stream = "doctor-s" + std::to_string(i % 8);
    const std::string tag = "c" + std::to_string(i);
    auto r = log->append(make_append(stream, versions[stream], 1 + i % 2, tag));
    ASSERT_OK(r);
    versions[stream] = r->last_version;
    tags[stream].push_back(tag);
    partitions.insert(kafka_partition_for(stream, config.partitions));
  }
  ASSERT_GE(partitions.size(), 3u) << "the streams should spread over the partitions";

  auto tags_by_stream = [](const std::vector<Commit>& commits) {
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& c : commits) {
      out[c.stream].push_back(c.events.front().data.at("tag").get<std::string>());
    }
    return out;
  };
  const auto all = read_everything(*log, 5);
  ASSERT_EQ(all.size(), 24u);
  EXPECT_EQ(tags_by_stream(all), tags);
  auto head = log->head();
  ASSERT_OK(head);
  EXPECT_EQ(all.back().position.covers(*head), true) << "the last page ends at the head";

  // A subscription from the middle gets exactly the rest, then what comes next.
  auto first = log->read_all(Position(), 10);
  ASSERT_OK(first);
  ASSERT_EQ(first->commits.size(), 10u);
  auto sub = log->subscribe(first->next);
  ASSERT_OK(sub);
  std::multiset<std::string> rest;
  for (std::size_t i = 0; i < all.size(); ++i) {
    bool in_first = false;
    for (const auto& c : first->commits)
      in_first |= c.events.front().id == all[i].events.front().id;
    if (!in_first) rest.insert(all[i].events.front().id);
  }
  std::multiset<std::string> got;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (got.size() < rest.size() && std::chrono::steady_clock::now() < deadline) {
    auto batch = (*sub)->next(1s, 100);
    ASSERT_OK(batch);
    for (const auto& c : *batch)
      got.insert(c.events.front().id);
  }
  EXPECT_EQ(got, rest);
  EXPECT_EQ((*sub)->position(), *head);

  // Reopened, the log has the same commits and continues every stream's chain.
  const std::string last_hash = log->read_stream("doctor-s5")->back().hash;
  log->close();
  log.reset();
  auto reopened = open_log(config);
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(tags_by_stream(read_everything(*reopened, 7)), tags);
  for (const auto& [stream, version] : versions) {
    auto v = reopened->stream_version(stream);
    ASSERT_OK(v);
    EXPECT_EQ(*v, version) << stream;
  }
  auto next = reopened->append(make_append("doctor-s5", versions["doctor-s5"], 1));
  ASSERT_OK(next);
  EXPECT_EQ(next->events.front().prevhash, last_hash);
}

// Two writers that both believe they may append the next version of one stream: exactly one
// commit per version survives for every reader, and the other writer hears version_conflict.
TEST(KafkaLog, StaleWriterLosesAndEveryReaderSeesOneCommitPerVersion) {
  KafkaMockCluster& cluster = shared_mock_cluster();
  const auto config = cluster.config(unique_topic("two-writers"));
  auto a = open_log(config);
  auto b = open_log(config);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  const std::string stream = "doctor-contended";
  const std::string other = neighbour_of(stream, config.partitions);

  // b reads the partition to its end now, then a writes the stream behind b's back.
  ASSERT_OK(b->append(make_append(other, 0, 1, "b-warmup")));
  auto won = a->append(make_append(stream, 0, 2, "a-first"));
  ASSERT_OK(won);
  auto stale = b->append(make_append(stream, 0, 1, "b-stale"));
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, errc::version_conflict) << stale.error().message;
  EXPECT_EQ(stale.error().actual_version, 2u);

  // Then both race for each next version.
  std::map<std::uint64_t, std::string> winners;  // first version -> first event id
  for (const auto& e : won->events)
    winners[e.version] = e.id;
  int losses = 1;
  std::uint64_t version = 2;
  for (int round = 0; round < 6; ++round) {
    auto ra = std::async(std::launch::async, [&] {
      return a->append(make_append(stream, version, 1, "a" + std::to_string(round)));
    });
    auto rb = std::async(std::launch::async, [&] {
      return b->append(make_append(stream, version, 1 + round % 2, "b" + std::to_string(round)));
    });
    auto results = std::array{ra.get(), rb.get()};
    int wins = 0;
    for (auto& r : results) {
      if (r.ok()) {
        ++wins;
        for (const auto& e : r->events)
          winners[e.version] = e.id;
        version = r->last_version;
      } else {
        EXPECT_EQ(r.error().code, errc::version_conflict) << r.error().message;
        ++losses;
      }
    }
    ASSERT_EQ(wins, 1) << "round " << round;
  }

  // A third process, and every way of reading, sees exactly the winners.
  auto c = open_log(config);
  ASSERT_NE(c, nullptr);
  auto check = [&](const std::vector<RecordedEvent>& events, const char* how) {
    ASSERT_EQ(events.size(), winners.size()) << how;
    std::string prev(kGenesisHash);
    for (std::size_t i = 0; i < events.size(); ++i) {
      EXPECT_EQ(events[i].version, i + 1) << how;
      EXPECT_EQ(events[i].id, winners[i + 1]) << how;
      EXPECT_EQ(events[i].prevhash, prev) << how << ": the chain links to the last valid event";
      prev = events[i].hash;
    }
  };
  for (EventLog* log : {a.get(), b.get(), c.get()}) {
    auto events = log->read_stream(stream);
    ASSERT_OK(events);
    check(*events, "read_stream");
  }
  std::vector<RecordedEvent> from_read_all;
  for (auto& commit : read_everything(*c)) {
    if (commit.stream != stream) continue;
    for (auto& e : commit.events)
      from_read_all.push_back(e);
  }
  check(from_read_all, "read_all");

  auto sub = c->subscribe(Position());
  ASSERT_OK(sub);
  std::vector<RecordedEvent> from_subscription;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (from_subscription.size() < winners.size() && std::chrono::steady_clock::now() < deadline) {
    auto got = (*sub)->next(1s, 100);
    ASSERT_OK(got);
    for (auto& commit : *got) {
      if (commit.stream != stream) continue;
      for (auto& e : commit.events)
        from_subscription.push_back(e);
    }
  }
  auto extra = (*sub)->next(200ms, 100);
  ASSERT_OK(extra);
  EXPECT_TRUE(extra->empty()) << "void commits must not be delivered";
  check(from_subscription, "subscription");

  // The void commits are in the topic all the same: 1 warm-up + winners' commits + losses.
  auto head = c->head();
  ASSERT_OK(head);
  const auto p = static_cast<std::size_t>(kafka_partition_for(stream, config.partitions));
  EXPECT_EQ(head->at(p), 1u + 1u + 6u + static_cast<std::uint64_t>(losses));
}

TEST(KafkaLog, BrokerDownLongerThanTheTimeoutIsUnavailableThenRecovers) {
  KafkaMockCluster cluster;  // its own: the test takes the broker down
  auto config = cluster.config("outage");
  config.append_timeout = 1000ms;
  auto log = open_log(config);
  ASSERT_NE(log, nullptr);
  const std::string stream = "doctor-outage";
  ASSERT_OK(log->append(make_append(stream, 0, 1, "before")));

  ASSERT_EQ(rd_kafka_mock_broker_set_down(cluster.get(), 1), RD_KAFKA_RESP_ERR_NO_ERROR);
  const auto started = std::chrono::steady_clock::now();
  auto lost = log->append(make_append(stream, 1, 3, "lost"));
  const auto took = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(lost.ok());
  EXPECT_EQ(lost.error().code, errc::unavailable) << lost.error().message;
  // The documented bound: append_timeout plus librdkafka's one-second timeout scan.
  EXPECT_LT(took, config.append_timeout + 1500ms);
  EXPECT_GE(took, config.append_timeout);

  ASSERT_EQ(rd_kafka_mock_broker_set_up(cluster.get(), 1), RD_KAFKA_RESP_ERR_NO_ERROR);
  Result<AppendResult> after = fail(Error{errc::unavailable, "not tried", 0});
  for (int attempt = 0; attempt < 5 && !after.ok(); ++attempt) {
    after = log->append(make_append(stream, 1, 1, "after"));
    if (!after.ok()) {
      ASSERT_EQ(after.error().code, errc::unavailable) << after.error().message;
    }
  }
  ASSERT_OK(after);
  EXPECT_EQ(after->first_version, 2u);

  auto reader = open_log(config);
  ASSERT_NE(reader, nullptr);
  auto events = reader->read_stream(stream);
  ASSERT_OK(events);
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].data.at("tag"), "before");
  EXPECT_EQ((*events)[1].data.at("tag"), "after");
  for (const auto& commit : read_everything(*reader)) {
    for (const auto& e : commit.events)
      EXPECT_NE(e.data.at("tag"), "lost");
  }
}

// kcat on PATH, or empty.
std::string find_kcat() {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    const auto candidate = std::filesystem::path(dir) / "kcat";
    if (!dir.empty() && std::filesystem::exists(candidate)) return candidate.string();
  }
  return {};
}

TEST(KafkaLog, OutsideClientReadsTheDocumentedRecords) {
  const std::string kcat = find_kcat();
  ASSERT_FALSE(kcat.empty()) << "kcat is not on PATH; install the Debian package `kcat`";
  KafkaMockCluster& cluster = shared_mock_cluster();
  const auto config = cluster.config(unique_topic("outside"));
  auto log = open_log(config);
  ASSERT_NE(log, nullptr);
  std::map<std::string, std::uint64_t> versions;
  for (int i = 0; i < 8; ++i) {
    const std::string stream = "doctor-k" + std::to_string(i % 3);
    auto r = log->append(make_append(stream, versions[stream], 1 + i % 3));
    ASSERT_OK(r);
    versions[stream] = r->last_version;
  }

  const std::string command = "timeout 30 " + kcat + " -b " + config.bootstrap_servers + " -C -t " +
                              config.topic + " -e -q -J 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  std::array<char, 4096> buffer{};
  while (std::fgets(buffer.data(), buffer.size(), pipe) != nullptr)
    output += buffer.data();
  const int status = pclose(pipe);
  ASSERT_EQ(status, 0) << command << "\n" << output;

  std::istringstream lines(output);
  std::string line;
  int records = 0;
  while (std::getline(lines, line)) {
    const auto record = nlohmann::json::parse(line, nullptr, false);
    ASSERT_TRUE(record.is_object()) << "not JSON: " << line;
    ++records;
    const std::string key = record.at("key").get<std::string>();
    EXPECT_EQ(record.at("partition").get<int>(), kafka_partition_for(key, config.partitions));
    // kcat -J gives headers as a flat [name, value, ...] array.
    const auto& headers = record.at("headers");
    ASSERT_TRUE(headers.is_array()) << line;
    std::string content_type;
    for (std::size_t i = 0; i + 1 < headers.size(); i += 2) {
      if (headers[i] == "content-type") content_type = headers[i + 1].get<std::string>();
    }
    EXPECT_EQ(content_type, kCommitContentType);
    const auto value = nlohmann::json::parse(record.at("payload").get<std::string>());
    ASSERT_TRUE(value.is_object());
    EXPECT_EQ(value.size(), 3u) << "stream, expected_version, events";
    EXPECT_EQ(value.at("stream"), key);
    ASSERT_TRUE(value.at("expected_version").is_number_unsigned());
    const auto expected = value.at("expected_version").get<std::uint64_t>();
    const auto& events = value.at("events");
    ASSERT_TRUE(events.is_array());
    ASSERT_FALSE(events.empty());
    for (std::size_t i = 0; i < events.size(); ++i) {
      const auto& e = events[i];
      EXPECT_EQ(e.at("specversion"), "1.0");
      EXPECT_EQ(e.at("source"), "docket");
      EXPECT_EQ(e.at("datacontenttype"), "application/json");
      EXPECT_EQ(e.at("stream"), key);
      EXPECT_EQ(e.at("streamversion").get<std::uint64_t>(), expected + i + 1);
      for (const char* name : {"id", "type", "time", "actorsub", "actorrole", "prevhash", "hash"}) {
        EXPECT_TRUE(e.at(name).is_string()) << name;
      }
      EXPECT_TRUE(e.contains("data"));
    }
  }
  EXPECT_EQ(records, 8) << output;
}

}  // namespace
}  // namespace docket::eventstore::testing
