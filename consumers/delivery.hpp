#pragma once
// Delivery of the notification outbox: signed webhooks over libcurl, retries with exponential
// backoff and jitter, dead letters after the last attempt.
//
// A webhook is `POST <url>` with the message JSON as body, `Content-Type: application/json` and
// `Docket-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`, so a receiver
// can check both origin and freshness. 2xx delivers; 5xx, 408, 429, timeouts and connection
// failures are retried; any other status is a dead letter at once. "mailto:" destinations go
// through SMTP (email.hpp) when it is configured, and are dead letters otherwise.
//
// Delivery is at least once and unordered across messages (a retried message may arrive after a
// later one): receivers dedupe by the message `id` and order by `occurred_at`.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <random>
#include <string>
#include <string_view>
#include <thread>

#include "consumers/consumer_store.hpp"

namespace docket::consumers {

// "t=<unix>,v1=<hex>" for `body` signed at `unix_seconds`. Thread-safe.
std::string webhook_signature(std::string_view secret, std::int64_t unix_seconds,
                              std::string_view body);

struct PostOutcome {
  long status = 0;  // HTTP status; 0 when no response arrived
  bool timed_out = false;
  std::string error;  // transport error text when status is 0
};

// How a message leaves the process. The real one is libcurl; tests may substitute.
class Transport {
 public:
  virtual ~Transport() = default;
  // Sends `body` to `destination` with `signature` (webhooks). Must be thread-safe.
  virtual PostOutcome send(const std::string& destination, const std::string& body,
                           const std::string& signature) = 0;
};

// libcurl: HTTP(S) POST for http(s):// destinations, SMTP for mailto: when `smtp_url` is set.
struct CurlTransportConfig {
  std::chrono::milliseconds timeout{5000};
  std::string smtp_url;   // e.g. "smtp://127.0.0.1:25"; empty: e-mail is off
  std::string mail_from;  // envelope and header sender
};
std::unique_ptr<Transport> make_curl_transport(CurlTransportConfig config);

struct DeliveryConfig {
  std::string secret;  // HMAC key of the signature; never logged
  int max_attempts = 8;
  std::chrono::milliseconds base_backoff{1000};
  std::chrono::milliseconds max_backoff{std::chrono::minutes(10)};
  // Wall clock for signatures and retry schedules; injectable for tests.
  std::function<std::chrono::system_clock::time_point()> now = [] {
    return std::chrono::system_clock::now();
  };
};

// The delay before attempt `attempts + 1` after `attempts` failures: base * 2^(attempts-1),
// capped, times a random factor in [0.5, 1] so that many failing messages spread out.
std::chrono::milliseconds backoff_delay(const DeliveryConfig& config, int attempts,
                                        std::mt19937_64& random);

// One thread posting due outbox entries. Thread-safe: wake/stop from any thread.
class DeliveryWorker {
 public:
  // `store` and `transport` must outlive the worker.
  DeliveryWorker(ConsumerStore& store, Transport& transport, DeliveryConfig config);
  ~DeliveryWorker();  // stop()
  DeliveryWorker(const DeliveryWorker&) = delete;
  DeliveryWorker& operator=(const DeliveryWorker&) = delete;

  void start();
  // Wakes the thread (new entries). Never blocks.
  void wake();
  // Stops after the attempt in flight; idempotent.
  void stop();

  // Attempts every entry due now once; returns how many were delivered. Errors when the store
  // fails. Called by the thread; tests may call it directly when the thread is not running.
  StoreResult<std::size_t> deliver_due();

 private:
  void run();

  ConsumerStore& store_;
  Transport& transport_;
  DeliveryConfig config_;
  std::mt19937_64 random_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool woken_ = false;
  bool stopping_ = false;
};

}  // namespace docket::consumers
