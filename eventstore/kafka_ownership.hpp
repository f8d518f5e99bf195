#pragma once
// Which command writer owns which partition of the Kafka log.
//
// Command writers (`docket serve --role command`) divide the log's partitions among themselves as
// members of one Kafka consumer group subscribed to the log's topic: the group coordinator's
// assignment is the ownership. A member never consumes through the group (its partitions stay
// paused); it only uses the assignment and its revocation.
//
// Hand-over: on revocation a member first stops deciding for the partitions (owns() turns false,
// then `revoked` waits until nothing decided there is still in flight) and only then acknowledges;
// the group assigns them to another member only once every member has acknowledged, and the new
// owner reads each partition to its end (`assigned`) before owns() turns true. A member that
// stops heart-beating (killed, paused) loses its partitions after the session timeout without
// acknowledging; if it is only paused and writes again later, the void-commit rule of the log
// makes its late commits void (their expected versions are behind the new owner's commits), and
// it learns that from its delivery report before acknowledging anything.
//
// Addresses: each member publishes the HTTP address it advertises as the metadata of the group's
// committed offset of every partition it owns (OffsetCommit is fenced by the group generation,
// so a revoked member cannot overwrite it). owner_of() reads them back (OffsetFetch) through a
// client that does not join the group.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "eventstore/event_log.hpp"
#include "eventstore/kafka_config.hpp"

namespace docket::eventstore {

struct OwnershipOptions {
  std::string group = "docket.writers";  // the consumer group of the command writers
  std::string advertised_address;        // "http://host:port" other writers forward to
  // A member that sends no heartbeat for this long loses its partitions (session.timeout.ms).
  std::chrono::milliseconds session_timeout{10'000};
  // How long an owner table read by owner_of() is reused before it is read again.
  std::chrono::milliseconds directory_max_age{500};
};

// Called on the membership thread, one at a time, with partitions of the log's topic.
struct OwnershipListener {
  // Before owns() turns true for them: read them to their end and prepare to decide there.
  std::function<void(const std::vector<std::int32_t>&)> assigned;
  // After owns() turned false for them: return once nothing decided for them is in flight.
  std::function<void(const std::vector<std::int32_t>&)> revoked;
  // A line for the operator's log (never event data); may be empty.
  std::function<void(const std::string&)> note;
};

class KafkaOwnership {
 public:
  // Joins the group (asynchronously: the first assignment arrives seconds later through the
  // listener). invalid_argument for bad settings.
  static Result<std::unique_ptr<KafkaOwnership>> start(const KafkaConfig& config,
                                                       OwnershipOptions options,
                                                       OwnershipListener listener);
  virtual ~KafkaOwnership() = default;

  // True while `partition` is assigned to this member and caught up. Thread-safe.
  virtual bool owns(std::int32_t partition) const = 0;
  // The partitions owns() is true for, ascending. Thread-safe.
  virtual std::vector<std::int32_t> owned() const = 0;
  // The address the partition's owner published; empty when none is known. The table is read
  // again when older than directory_max_age or when `refresh`. Thread-safe.
  virtual std::string owner_of(std::int32_t partition, bool refresh) = 0;
  // Leaves the group: `revoked` for every owned partition, then the group rebalances without this
  // member. Idempotent; the destructor of the implementation calls it.
  virtual void stop() = 0;
};

}  // namespace docket::eventstore
