#include "app/writer_group.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>
#include <thread>

#include "eventstore/kafka_log.hpp"
#include "eventstore/kafka_murmur2.hpp"

namespace docket::app {
namespace {

constexpr std::string_view kDoctorPrefix = "doctor-";
constexpr int kCatchUpAttempts = 3;

}  // namespace

WriterGroup::WriterGroup(WriterGroupOptions options)
    : options_(std::move(options)),
      ready_(static_cast<std::size_t>(std::max(options_.log.partitions, 0)), false) {}

WriterGroup::~WriterGroup() {
  stop();
}

std::int32_t WriterGroup::partition_of(const std::string& doctor_id) const {
  return eventstore::kafka_partition_for(std::string(kDoctorPrefix) + doctor_id,
                                         options_.log.partitions);
}

bool WriterGroup::owns(const std::string& doctor_id) const {
  const auto p = static_cast<std::size_t>(partition_of(doctor_id));
  const std::lock_guard lock(mu_);
  return p < ready_.size() && ready_[p];
}

std::string WriterGroup::owner_address(const std::string& doctor_id, bool refresh) {
  if (!ownership_) return {};
  return ownership_->owner_of(partition_of(doctor_id), refresh);
}

std::vector<std::int32_t> WriterGroup::ready_partitions() const {
  const std::lock_guard lock(mu_);
  std::vector<std::int32_t> out;
  for (std::size_t p = 0; p < ready_.size(); ++p) {
    if (ready_[p]) out.push_back(static_cast<std::int32_t>(p));
  }
  return out;
}

std::string WriterGroup::start(eventstore::EventLog& log, api::CommandService& service,
                               api::IdempotencyStore& idempotency, api::Scheduler* scheduler,
                               const std::string& address) {
  log_ = &log;
  service_ = &service;
  idempotency_ = &idempotency;
  scheduler_ = scheduler;
  eventstore::OwnershipOptions options;
  options.group = options_.group;
  options.advertised_address = address;
  options.session_timeout = options_.session_timeout;
  eventstore::OwnershipListener listener;
  listener.assigned = [this](const std::vector<std::int32_t>& p) { on_assigned(p); };
  listener.revoked = [this](const std::vector<std::int32_t>& p) { on_revoked(p); };
  listener.note = [](const std::string& text) { spdlog::info("writer group: {}", text); };
  auto ownership = eventstore::KafkaOwnership::start(options_.log, options, std::move(listener));
  if (!ownership.ok()) return ownership.error().message;
  ownership_ = std::move(ownership).value();
  spdlog::info("writer group joined group={} address={}", options_.group, address);
  return {};
}

void WriterGroup::stop() {
  if (ownership_) ownership_->stop();
}

void WriterGroup::on_assigned(const std::vector<std::int32_t>& partitions) {
  // Leftovers of an earlier ownership (a revocation that could not wait for everything) are
  // stale now: another writer may have decided there since.
  drain(partitions);
  for (const std::int32_t p : partitions) {
    bool caught_up = false;
    for (int attempt = 0; attempt < kCatchUpAttempts && !caught_up; ++attempt) {
      auto r = eventstore::catch_up_writer(*log_, p);
      caught_up = r.ok();
      if (!caught_up) {
        spdlog::warn("writer group: catching up partition {} failed: {}", p, r.error().message);
      }
    }
    if (!caught_up) continue;  // stays not ready: its commands get 503 until the next assignment
    if (const std::string failed = adopt(p); !failed.empty()) {
      spdlog::warn("writer group: taking over partition {} failed: {}", p, failed);
      continue;
    }
    const std::lock_guard lock(mu_);
    ready_[static_cast<std::size_t>(p)] = true;
  }
  spdlog::info("writer group: ready partitions {}", ready_partitions().size());
  if (scheduler_ != nullptr) scheduler_->wake();
}

std::string WriterGroup::adopt(std::int32_t partition) {
  // Reads the partition from its start up to its end as of now; the other partitions are left
  // where they are (their components start at the head).
  auto head = log_->head();
  if (!head) return head.error().message;
  const std::uint64_t end = head->at(static_cast<std::size_t>(partition));
  eventstore::Position from = *head;
  from.set(static_cast<std::size_t>(partition), 0);
  std::set<std::string> doctors;
  while (from.at(static_cast<std::size_t>(partition)) < end) {
    auto batch = log_->read_all(from, 1024);
    if (!batch) return batch.error().message;
    for (const eventstore::Commit& c : batch->commits) {
      if (eventstore::kafka_partition_for(c.stream, options_.log.partitions) != partition) {
        continue;
      }
      if (c.stream.rfind(kDoctorPrefix, 0) == 0)
        doctors.insert(c.stream.substr(kDoctorPrefix.size()));
      if (auto r = idempotency_->adopt(c); !r) return r.error().message;
    }
    if (batch->next == from) break;
    from = batch->next;
  }
  service_->deadlines().mark_due(std::vector<std::string>(doctors.begin(), doctors.end()));
  return {};
}

void WriterGroup::on_revoked(const std::vector<std::int32_t>& partitions) {
  {
    const std::lock_guard lock(mu_);
    for (const std::int32_t p : partitions)
      ready_[static_cast<std::size_t>(p)] = false;
  }
  drain(partitions);
}

void WriterGroup::drain(const std::vector<std::int32_t>& partitions) {
  const std::set<std::int32_t> set(partitions.begin(), partitions.end());
  const auto selected = [&](const std::string& doctor_id) {
    return set.contains(partition_of(doctor_id));
  };
  // A command in flight ends within the log's append timeout plus a read-back.
  const auto deadline = std::chrono::steady_clock::now() + options_.log.append_timeout +
                        options_.log.read_timeout + std::chrono::seconds(1);
  std::size_t busy = service_->forget(selected);
  while (busy > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    busy = service_->forget(selected);
  }
  if (busy > 0) {
    // Whatever they still decide is checked by the log: a commit behind the next owner's is void.
    spdlog::warn("writer group: {} doctor(s) still busy when giving their partition up", busy);
  }
}

}  // namespace docket::app
