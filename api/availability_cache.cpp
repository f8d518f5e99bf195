#include "api/availability_cache.hpp"

#include <functional>

namespace docket::api {

namespace {

std::int64_t range_key(domain::LocalDate from, domain::LocalDate to) {
  return static_cast<std::int64_t>(from.time_since_epoch().count()) * 65536 + (to - from).count();
}

constexpr std::string_view kDoctorStream = "doctor-";

}  // namespace

AvailabilityCache::AvailabilityCache(std::size_t max_entries)
    : max_per_shard_(std::max<std::size_t>(1, max_entries / kShards)),
      shards_(std::make_unique<Shard[]>(kShards)) {}

AvailabilityCache::Shard& AvailabilityCache::shard_of(std::string_view doctor_id) const {
  return shards_[std::hash<std::string_view>{}(doctor_id) % kShards];
}

std::uint64_t AvailabilityCache::version(std::string_view doctor_id) const {
  Shard& shard = shard_of(doctor_id);
  const std::lock_guard lock(shard.mu);
  const auto it = shard.doctors.find(std::string(doctor_id));
  return it == shard.doctors.end() ? 0 : it->second.version;
}

std::shared_ptr<const std::string> AvailabilityCache::find(std::string_view doctor_id,
                                                           domain::LocalDate from,
                                                           domain::LocalDate to,
                                                           domain::Instant now) const {
  Shard& shard = shard_of(doctor_id);
  const std::lock_guard lock(shard.mu);
  const auto doctor = shard.doctors.find(std::string(doctor_id));
  if (doctor == shard.doctors.end()) return nullptr;
  const auto entry = doctor->second.ranges.find(range_key(from, to));
  if (entry == doctor->second.ranges.end()) return nullptr;
  const Entry& e = entry->second;
  if (e.version != doctor->second.version || now >= e.valid_until) return nullptr;
  return e.body;
}

void AvailabilityCache::store(std::string_view doctor_id, domain::LocalDate from,
                              domain::LocalDate to, std::uint64_t version,
                              domain::Instant valid_until, std::string body) {
  Shard& shard = shard_of(doctor_id);
  const std::lock_guard lock(shard.mu);
  if (shard.entries >= max_per_shard_) {
    // Keep the change counts (they guard entries stored later), drop every body.
    for (auto& [id, d] : shard.doctors)
      d.ranges.clear();
    shard.entries = 0;
  }
  Doctor& d = shard.doctors[std::string(doctor_id)];
  if (d.version != version) return;  // changed while the body was computed
  auto [it, inserted] = d.ranges.insert_or_assign(
      range_key(from, to),
      Entry{version, valid_until, std::make_shared<const std::string>(std::move(body))});
  if (inserted) ++shard.entries;
}

void AvailabilityCache::invalidate(const std::vector<eventstore::Commit>& commits) {
  for (const eventstore::Commit& c : commits) {
    if (!c.stream.starts_with(kDoctorStream)) continue;
    const std::string_view doctor_id = std::string_view(c.stream).substr(kDoctorStream.size());
    Shard& shard = shard_of(doctor_id);
    const std::lock_guard lock(shard.mu);
    Doctor& d = shard.doctors[std::string(doctor_id)];
    ++d.version;
    shard.entries -= d.ranges.size();
    d.ranges.clear();
  }
}

void AvailabilityCache::clear() {
  for (std::size_t i = 0; i < kShards; ++i) {
    Shard& shard = shards_[i];
    const std::lock_guard lock(shard.mu);
    for (auto& [id, d] : shard.doctors) {
      ++d.version;
      d.ranges.clear();
    }
    shard.entries = 0;
  }
}

}  // namespace docket::api
