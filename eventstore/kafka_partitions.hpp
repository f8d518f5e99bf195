#pragma once
// What this process knows about each partition of the Kafka log, shared by its writer, its readers
// and its subscriptions: the ledger of verdicts (kafka_ledger.hpp) and, for the writer, the heads
// of streams with commits still in flight.
//
// A ledger only ever grows by applying records in offset order, whoever read them: a catch-up
// scan, a subscription, or the writer's own delivery report when it follows directly on what the
// ledger already holds. So every path reaches the same verdict for the same record.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "eventstore/event_log.hpp"
#include "eventstore/kafka_client.hpp"
#include "eventstore/kafka_commit_codec.hpp"
#include "eventstore/kafka_config.hpp"
#include "eventstore/kafka_ledger.hpp"

namespace docket::eventstore {

// The decoded commit of a stored record. corrupt (naming the partition and offset, never the
// content) when the content-type header is missing or another, the value does not decode, or the
// key is not the commit's stream.
Result<CommitRecord> decode_record(const RawRecord& record);

class KafkaPartitions {
 public:
  // A stream's head as the writer decided it, including its commits still in flight.
  struct Tip {
    std::uint64_t version = 0;
    std::string hash;
    int in_flight = 0;
  };

  struct Slot {
    std::mutex mu;  // guards everything below but scan_mu
    KafkaLedger ledger;
    // The writer has read the partition to its end since start-up or since an append whose outcome
    // it could not learn.
    bool writer_ready = false;
    std::map<std::string, Tip, std::less<>> tips;  // only streams with commits in flight
    std::mutex scan_mu;                            // one catch-up scan at a time
  };

  explicit KafkaPartitions(KafkaConfig config);

  const KafkaConfig& config() const { return config_; }
  std::int32_t count() const { return config_.partitions; }
  // Precondition: 0 <= partition < count(). The reference stays valid as long as this object.
  Slot& slot(std::int32_t partition) { return *slots_[static_cast<std::size_t>(partition)]; }
  KafkaReaderPool& readers() { return readers_; }

  // Applies every record of `partition` before offset `target` that the ledger does not hold yet.
  // unavailable when they cannot be read in time; corrupt for an undecodable record. Thread-safe.
  Status<Error> catch_up(std::int32_t partition, std::int64_t target);

  // The verdict on `commit`, stored at `offset` of `partition`, catching up on the records before
  // it first when needed. Thread-safe.
  Result<KafkaLedger::Verdict> classify(std::int32_t partition, std::int64_t offset,
                                        const CommitRecord& commit);

  // A position of this log's width with `offset` at `partition` and zeros elsewhere.
  Position position_at(std::int32_t partition, std::int64_t offset) const;

 private:
  KafkaConfig config_;
  std::vector<std::unique_ptr<Slot>> slots_;
  KafkaReaderPool readers_;
};

}  // namespace docket::eventstore
