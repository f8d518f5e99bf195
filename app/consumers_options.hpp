#pragma once
// The configuration of the downstream consumers shared by `docket serve` (in-process consumers)
// and `docket consume`: the raw flag values (each with a DOCKET_ environment variable in main.cpp)
// and their checked, resolved form.
//
// The webhook signing secret comes from --webhook-secret-file or DOCKET_WEBHOOK_SECRET; it is
// never a flag value (flags show up in process listings) and never logged.

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "consumers/delivery.hpp"
#include "consumers/notifications.hpp"
#include "domain/time.hpp"

namespace docket::app {

struct ConsumersOptions {
  std::string consumers = "all";  // none, all, or a comma list of notifications,analytics
  std::string webhook_urls;       // comma-separated http(s) URLs
  std::string webhook_secret_file;
  std::string reminders = "24h,1h";  // offsets before the start: Nd, Nh or Nm, comma-separated
  std::string smtp_url;              // e.g. smtp://127.0.0.1:25; empty: e-mail is off
  std::string mail_from;
  std::string notify_emails;  // comma-separated addresses; needs smtp_url
  int max_attempts = 8;       // deliveries before a dead letter
};

// Everything a consumer runtime needs, checked.
struct ConsumersConfig {
  bool notifications = true;
  bool analytics = true;
  consumers::NotificationConfig notification;  // destinations and reminder offsets
  consumers::DeliveryConfig delivery;          // secret, attempts
  consumers::CurlTransportConfig transport;    // timeouts, SMTP
  // Start the delivery and reminder threads; `docket consume --once` works without them
  // (ConsumersRuntime::deliver_due_now).
  bool workers = true;
  // The clock reminders are checked against; the system clock unless a test injects one.
  std::function<domain::Instant()> clock = [] {
    return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  };
};

struct ConsumersConfigResult {
  ConsumersConfig config;
  std::string error;  // non-empty when the options are not usable; never holds the secret
};

// Checks and resolves `options`. Errors: an unknown consumer name, a malformed reminder offset,
// a webhook URL that is not http(s), webhooks without a secret, e-mail addresses without an SMTP
// URL, max attempts outside 1..100, an unreadable or empty secret file. Reads the secret file
// and the DOCKET_WEBHOOK_SECRET environment variable.
ConsumersConfigResult resolve_consumers(const ConsumersOptions& options);

// "24h,1h" -> {1440 min, 60 min}. Empty result and false for anything malformed. Pure.
bool parse_reminder_offsets(std::string_view text, std::vector<std::chrono::minutes>& out);

}  // namespace docket::app
