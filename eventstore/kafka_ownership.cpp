#include "eventstore/kafka_ownership.hpp"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>

#include "eventstore/kafka_client.hpp"

namespace docket::eventstore {
namespace {

using Clock = std::chrono::steady_clock;

struct PartitionListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* list) const noexcept {
    rd_kafka_topic_partition_list_destroy(list);
  }
};
using PartitionList = std::unique_ptr<rd_kafka_topic_partition_list_t, PartitionListDeleter>;

class GroupOwnership final : public KafkaOwnership {
 public:
  GroupOwnership(KafkaConfig config, OwnershipOptions options, OwnershipListener listener)
      : config_(std::move(config)),
        options_(std::move(options)),
        listener_(std::move(listener)),
        owned_(static_cast<std::size_t>(config_.partitions), false),
        addresses_(static_cast<std::size_t>(config_.partitions)) {}
  ~GroupOwnership() override { stop(); }
  GroupOwnership(const GroupOwnership&) = delete;
  GroupOwnership& operator=(const GroupOwnership&) = delete;

  Status<Error> open() {
    const std::vector<std::pair<std::string, std::string>> member_settings = {
        {"group.id", options_.group},
        {"enable.auto.commit", "false"},
        {"enable.auto.offset.store", "false"},
        {"auto.offset.reset", "latest"},
        {"session.timeout.ms", std::to_string(options_.session_timeout.count())},
        {"heartbeat.interval.ms",
         std::to_string(std::max<std::int64_t>(options_.session_timeout.count() / 5, 100))},
        // Eager rebalancing: every member gives up everything before anything is reassigned,
        // which is what makes "the old owner stops before the new one starts" hold.
        {"partition.assignment.strategy", "range"},
    };
    auto member = make_kafka_handle(RD_KAFKA_CONSUMER, config_, member_settings,
                                    [this](rd_kafka_conf_t* conf) {
                                      rd_kafka_conf_set_opaque(conf, this);
                                      rd_kafka_conf_set_rebalance_cb(conf, &on_rebalance);
                                    });
    if (!member.ok()) return fail(std::move(member).error());
    member_ = std::move(member).value();
    rd_kafka_poll_set_consumer(member_.get());
    // Reads the published addresses; it never subscribes, so it never joins the group.
    auto directory =
        make_kafka_handle(RD_KAFKA_CONSUMER, config_,
                          {{"group.id", options_.group}, {"enable.auto.commit", "false"}});
    if (!directory.ok()) return fail(std::move(directory).error());
    directory_ = std::move(directory).value();

    PartitionList topics(rd_kafka_topic_partition_list_new(1));
    rd_kafka_topic_partition_list_add(topics.get(), config_.topic.c_str(), RD_KAFKA_PARTITION_UA);
    if (const auto err = rd_kafka_subscribe(member_.get(), topics.get()); err) {
      return fail(kafka_error(errc::unavailable, "joining the writer group", err));
    }
    poller_ = std::thread([this] { poll_loop(); });
    return unit;
  }

  bool owns(std::int32_t partition) const override {
    const std::lock_guard lock(mu_);
    return partition >= 0 && static_cast<std::size_t>(partition) < owned_.size() &&
           owned_[static_cast<std::size_t>(partition)];
  }

  std::vector<std::int32_t> owned() const override {
    const std::lock_guard lock(mu_);
    std::vector<std::int32_t> out;
    for (std::size_t p = 0; p < owned_.size(); ++p) {
      if (owned_[p]) out.push_back(static_cast<std::int32_t>(p));
    }
    return out;
  }

  std::string owner_of(std::int32_t partition, bool refresh) override {
    if (partition < 0 || partition >= config_.partitions) return {};
    const std::lock_guard lock(directory_mu_);
    if (refresh || Clock::now() - read_at_ > options_.directory_max_age) read_directory();
    return addresses_[static_cast<std::size_t>(partition)];
  }

  void stop() override {
    const std::lock_guard lock(stop_mu_);
    if (!member_) return;
    stopping_ = true;
    if (poller_.joinable()) poller_.join();
    // Runs the revocation through on_rebalance on this thread, then leaves the group.
    rd_kafka_consumer_close(member_.get());
    member_.reset();
    const std::lock_guard directory_lock(directory_mu_);
    directory_.reset();
  }

 private:
  static void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                           rd_kafka_topic_partition_list_t* partitions, void* opaque) {
    static_cast<GroupOwnership*>(opaque)->rebalance(rk, err, partitions);
  }

  std::vector<std::int32_t> ours(const rd_kafka_topic_partition_list_t* partitions) const {
    std::vector<std::int32_t> out;
    for (int i = 0; i < partitions->cnt; ++i) {
      const auto& tp = partitions->elems[i];
      if (config_.topic == tp.topic && tp.partition >= 0 && tp.partition < config_.partitions) {
        out.push_back(tp.partition);
      }
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  void rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                 rd_kafka_topic_partition_list_t* partitions) {
    const std::vector<std::int32_t> list = ours(partitions);
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
      if (listener_.assigned) listener_.assigned(list);
      {
        const std::lock_guard lock(mu_);
        for (const auto p : list)
          owned_[static_cast<std::size_t>(p)] = true;
      }
      // Fetch nothing: the assignment is all this member wants from the group.
      for (int i = 0; i < partitions->cnt; ++i)
        partitions->elems[i].offset = RD_KAFKA_OFFSET_END;
      rd_kafka_assign(rk, partitions);
      rd_kafka_pause_partitions(rk, partitions);
      publish(rk, partitions);
      note("owns " + std::to_string(list.size()) + " partition(s) now");
      return;
    }
    {
      const std::lock_guard lock(mu_);
      for (const auto p : list)
        owned_[static_cast<std::size_t>(p)] = false;
    }
    if (listener_.revoked) listener_.revoked(list);
    rd_kafka_assign(rk, nullptr);
    note("gave up " + std::to_string(list.size()) + " partition(s) (" +
         (err == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS ? std::string("rebalance")
                                                      : std::string(rd_kafka_err2name(err))) +
         ")");
  }

  // Commits offset 0 of each partition with this member's address as the metadata.
  void publish(rd_kafka_t* rk, const rd_kafka_topic_partition_list_t* partitions) {
    if (partitions->cnt == 0) return;
    PartitionList list(rd_kafka_topic_partition_list_copy(partitions));
    for (int i = 0; i < list->cnt; ++i) {
      auto& tp = list->elems[i];
      tp.offset = 0;
      std::free(tp.metadata);
      tp.metadata = ::strdup(options_.advertised_address.c_str());
      tp.metadata_size = options_.advertised_address.size();
    }
    if (const auto err = rd_kafka_commit(rk, list.get(), 0); err) {
      note(std::string("publishing the address failed: ") + rd_kafka_err2str(err));
    }
  }

  void read_directory() {
    if (!directory_) return;  // stopped
    PartitionList list(rd_kafka_topic_partition_list_new(config_.partitions));
    for (std::int32_t p = 0; p < config_.partitions; ++p)
      rd_kafka_topic_partition_list_add(list.get(), config_.topic.c_str(), p);
    const auto timeout =
        static_cast<int>(std::min<std::int64_t>(config_.read_timeout.count(), std::int64_t{5'000}));
    const auto err = rd_kafka_committed(directory_.get(), list.get(), timeout);
    read_at_ = Clock::now();
    if (err) {
      note(std::string("reading owner addresses failed: ") + rd_kafka_err2str(err));
      return;
    }
    for (int i = 0; i < list->cnt; ++i) {
      const auto& tp = list->elems[i];
      if (tp.partition < 0 || tp.partition >= config_.partitions) continue;
      auto& address = addresses_[static_cast<std::size_t>(tp.partition)];
      if (tp.err == RD_KAFKA_RESP_ERR_NO_ERROR && tp.metadata != nullptr) {
        address.assign(static_cast<const char*>(tp.metadata), tp.metadata_size);
      } else {
        address.clear();
      }
    }
  }

  void note(const std::string& text) const {
    if (listener_.note) listener_.note(text);
  }

  void poll_loop() {
    while (!stopping_.load()) {
      // Rebalance callbacks run in here. Records never arrive (every partition is paused).
      if (rd_kafka_message_t* m = rd_kafka_consumer_poll(member_.get(), 100)) {
        rd_kafka_message_destroy(m);
      }
    }
  }

  const KafkaConfig config_;
  const OwnershipOptions options_;
  const OwnershipListener listener_;
  KafkaHandle member_;
  KafkaHandle directory_;
  std::thread poller_;
  std::atomic<bool> stopping_{false};
  std::mutex stop_mu_;

  mutable std::mutex mu_;
  std::vector<bool> owned_;  // guarded by mu_

  std::mutex directory_mu_;
  std::vector<std::string> addresses_;  // guarded by directory_mu_
  Clock::time_point read_at_{};         // guarded by directory_mu_
};

}  // namespace

Result<std::unique_ptr<KafkaOwnership>> KafkaOwnership::start(const KafkaConfig& config,
                                                              OwnershipOptions options,
                                                              OwnershipListener listener) {
  if (config.partitions <= 0 || config.topic.empty() || options.advertised_address.empty()) {
    return fail(Error{errc::invalid_argument,
                      "writer ownership needs a topic, partitions and an advertised address", 0});
  }
  auto ownership =
      std::make_unique<GroupOwnership>(config, std::move(options), std::move(listener));
  if (auto opened = ownership->open(); !opened.ok()) return fail(std::move(opened).error());
  return std::unique_ptr<KafkaOwnership>(std::move(ownership));
}

}  // namespace docket::eventstore
