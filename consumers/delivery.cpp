#include "consumers/delivery.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "consumers/message_history.hpp"
#include "consumers/outbox.hpp"

namespace docket::consumers {
namespace {

std::int64_t to_ms(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

bool retryable(const PostOutcome& o) {
  return o.status == 0 || o.timed_out || o.status >= 500 || o.status == 408 || o.status == 429;
}

}  // namespace

std::string webhook_signature(std::string_view secret, std::int64_t unix_seconds,
                              std::string_view body) {
  const std::string t = std::to_string(unix_seconds);
  std::string signed_text = t + "." + std::string(body);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(signed_text.data()), signed_text.size(), mac,
       &mac_len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < mac_len; ++i) {
    hex.push_back(kHex[mac[i] >> 4]);
    hex.push_back(kHex[mac[i] & 0xf]);
  }
  return "t=" + t + ",v1=" + hex;
}

std::chrono::milliseconds backoff_delay(const DeliveryConfig& config, int attempts,
                                        std::mt19937_64& random) {
  const int doublings = std::clamp(attempts - 1, 0, 30);
  const double raw = static_cast<double>(config.base_backoff.count()) * (1ll << doublings);
  const double capped = std::min(raw, static_cast<double>(config.max_backoff.count()));
  std::uniform_real_distribution<double> jitter(0.5, 1.0);
  return std::chrono::milliseconds(static_cast<std::int64_t>(capped * jitter(random)));
}

DeliveryWorker::DeliveryWorker(ConsumerStore& store, Transport& transport, DeliveryConfig config)
    : store_(store),
      transport_(transport),
      config_(std::move(config)),
      random_(std::random_device{}()) {}

DeliveryWorker::~DeliveryWorker() {
  stop();
}

void DeliveryWorker::start() {
  if (thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stopping_ = false;
  }
  thread_ = std::thread([this] { run(); });
}

void DeliveryWorker::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  cv_.notify_all();
}

void DeliveryWorker::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

StoreResult<std::size_t> DeliveryWorker::deliver_due() {
  auto pending = list_outbox(store_);
  if (!pending) return fail(pending.error());
  std::size_t delivered = 0;
  for (auto& entry : *pending) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) break;
    }
    const auto now = config_.now();
    if (entry.next_attempt_ms > to_ms(now)) continue;
    const auto unix_now = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch());
    const auto outcome =
        transport_.send(entry.destination, entry.body,
                        webhook_signature(config_.secret, unix_now.count(), entry.body));
    ++entry.attempts;
    auto lock = store_.lock();
    Effects effects(store_);
    effects.del(outbox_key(entry.seq));
    std::string_view state = "delivered";
    if (outcome.status >= 200 && outcome.status < 300) {
      ++delivered;
    } else {
      entry.last_error = outcome.status != 0 ? "status " + std::to_string(outcome.status)
                                             : (outcome.timed_out ? "timeout" : outcome.error);
      if (retryable(outcome) && entry.attempts < config_.max_attempts) {
        entry.next_attempt_ms =
            to_ms(config_.now()) + backoff_delay(config_, entry.attempts, random_).count();
        effects.put(outbox_key(entry.seq), entry_json(entry).dump());
        state = "pending";
      } else {
        effects.put(dead_letter_key(entry.seq), entry_json(entry).dump());
        state = "dead";
      }
    }
    auto recorded = record_delivery(effects, entry.history_seq, entry.seq, state, entry.attempts,
                                    entry.last_error);
    if (!recorded) return fail(recorded.error());
    auto written = store_.write(effects);
    if (!written) return fail(written.error());
  }
  return delivered;
}

void DeliveryWorker::run() {
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      woken_ = false;
    }
    auto delivered = deliver_due();
    permit_unchecked(delivered);  // a store failure is retried on the next wake-up
    // Sleep until the earliest retry is due, or a new entry or stop() wakes the thread.
    auto pending = list_outbox(store_);
    std::int64_t next_ms = -1;
    if (pending) {
      for (const auto& e : *pending) {
        if (next_ms < 0 || e.next_attempt_ms < next_ms) next_ms = e.next_attempt_ms;
      }
    }
    std::unique_lock lock(mutex_);
    const auto ready = [this] { return stopping_ || woken_; };
    if (next_ms < 0) {
      cv_.wait(lock, ready);
    } else {
      const auto wait =
          std::chrono::milliseconds(std::max<std::int64_t>(0, next_ms - to_ms(config_.now())));
      cv_.wait_for(lock, wait, ready);
    }
  }
}

}  // namespace docket::consumers
