#include "api/deadline_index.hpp"

#include <charconv>

namespace docket::api {
namespace {

constexpr std::string_view kPrefix = "d/";

std::string key_of(const std::string& doctor_id) {
  return std::string(kPrefix) + doctor_id;
}

}  // namespace

void DeadlineIndex::set_listener(std::function<void()> on_earlier) {
  std::lock_guard lock(mutex_);
  on_earlier_ =
      on_earlier ? std::make_shared<std::function<void()>>(std::move(on_earlier)) : nullptr;
}

docket::Status<SideStoreError> DeadlineIndex::load() {
  if (store_ == nullptr) return unit;
  std::lock_guard lock(mutex_);
  return store_->scan(kPrefix, [&](std::string_view key, std::string_view value) {
    std::int64_t seconds = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec == std::errc() && end == value.data() + value.size()) {
      // Loading happens before the scheduler runs: nobody to tell about earlier deadlines.
      static_cast<void>(set_locked(std::string(key.substr(kPrefix.size())),
                                   domain::Instant(std::chrono::seconds(seconds))));
    }
    return true;
  });
}

bool DeadlineIndex::set_locked(const std::string& doctor_id,
                               std::optional<domain::Instant> deadline) {
  const auto it = by_doctor_.find(doctor_id);
  const std::optional<domain::Instant> before_earliest =
      by_time_.empty() ? std::nullopt : std::optional(by_time_.begin()->first);
  if (it != by_doctor_.end()) {
    by_time_.erase({it->second, doctor_id});
    if (!deadline) {
      by_doctor_.erase(it);
      return false;
    }
    it->second = *deadline;
  } else {
    if (!deadline) return false;
    by_doctor_.emplace(doctor_id, *deadline);
  }
  by_time_.insert({*deadline, doctor_id});
  return !before_earliest || *deadline < *before_earliest;
}

docket::Status<SideStoreError> DeadlineIndex::update(const std::string& doctor_id,
                                                     std::optional<domain::Instant> deadline) {
  bool earlier = false;
  std::shared_ptr<std::function<void()>> listener;
  {
    std::lock_guard lock(mutex_);
    listener = on_earlier_;
    const auto it = by_doctor_.find(doctor_id);
    const std::optional<domain::Instant> current =
        it == by_doctor_.end() ? std::nullopt : std::optional(it->second);
    if (current == deadline) return unit;
    earlier = set_locked(doctor_id, deadline);
  }
  if (earlier && listener) (*listener)();
  if (store_ == nullptr) return unit;
  if (!deadline) return store_->erase(key_of(doctor_id));
  return store_->put(key_of(doctor_id), std::to_string(deadline->time_since_epoch().count()));
}

void DeadlineIndex::mark_due(const std::vector<std::string>& doctor_ids) {
  bool earlier = false;
  std::shared_ptr<std::function<void()>> listener;
  {
    std::lock_guard lock(mutex_);
    listener = on_earlier_;
    for (const std::string& id : doctor_ids)
      earlier = set_locked(id, domain::Instant{}) || earlier;
  }
  if (earlier && listener) (*listener)();
}

std::vector<std::string> DeadlineIndex::due(domain::Instant now, std::size_t max) const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const auto& [at, doctor] : by_time_) {
    if (at > now || out.size() >= max) break;
    out.push_back(doctor);
  }
  return out;
}

std::optional<domain::Instant> DeadlineIndex::earliest() const {
  std::lock_guard lock(mutex_);
  if (by_time_.empty()) return std::nullopt;
  return by_time_.begin()->first;
}

std::optional<domain::Instant> DeadlineIndex::deadline_of(const std::string& doctor_id) const {
  std::lock_guard lock(mutex_);
  const auto it = by_doctor_.find(doctor_id);
  if (it == by_doctor_.end()) return std::nullopt;
  return it->second;
}

std::size_t DeadlineIndex::size() const {
  std::lock_guard lock(mutex_);
  return by_doctor_.size();
}

}  // namespace docket::api
