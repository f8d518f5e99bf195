#include "app/consumers_options.hpp"

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace docket::app {
namespace {

std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const auto comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    while (!item.empty() && item.front() == ' ')
      item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ')
      item.remove_suffix(1);
    if (!item.empty()) out.emplace_back(item);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
  }
  return out;
}

// Reads the signing secret without ever putting it into an error text.
std::string read_secret(const std::string& file, std::string& secret) {
  if (!file.empty()) {
    std::ifstream in(file);
    if (!in) return "cannot read the webhook secret file " + file;
    std::stringstream text;
    text << in.rdbuf();
    secret = text.str();
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r' ||
                               secret.back() == ' ' || secret.back() == '\t')) {
      secret.pop_back();
    }
    if (secret.empty()) return "the webhook secret file " + file + " is empty";
    return {};
  }
  if (const char* env = std::getenv("DOCKET_WEBHOOK_SECRET"); env != nullptr) secret = env;
  return {};
}

}  // namespace

bool parse_reminder_offsets(std::string_view text, std::vector<std::chrono::minutes>& out) {
  out.clear();
  for (const auto& item : split_list(text)) {
    const char unit = item.back();
    long long n = 0;
    const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size() - 1, n);
    if (ec != std::errc{} || end != item.data() + item.size() - 1 || n <= 0 || n > 366 * 24 * 60) {
      out.clear();
      return false;
    }
    if (unit == 'm') {
      out.emplace_back(n);
    } else if (unit == 'h') {
      out.emplace_back(std::chrono::hours(n));
    } else if (unit == 'd') {
      out.emplace_back(std::chrono::hours(24 * n));
    } else {
      out.clear();
      return false;
    }
  }
  return true;
}

ConsumersConfigResult resolve_consumers(const ConsumersOptions& options) {
  ConsumersConfigResult out;
  auto& c = out.config;
  if (options.consumers == "none") {
    c.notifications = c.analytics = false;
  } else if (options.consumers != "all") {
    c.notifications = c.analytics = false;
    for (const auto& name : split_list(options.consumers)) {
      if (name == "notifications") {
        c.notifications = true;
      } else if (name == "analytics") {
        c.analytics = true;
      } else {
        out.error = "--consumers must be none, all, or a list of notifications,analytics";
        return out;
      }
    }
  }
  if (!parse_reminder_offsets(options.reminders, c.notification.reminders)) {
    out.error = "--reminders must be offsets like 24h,1h (units d, h, m)";
    return out;
  }
  if (options.max_attempts < 1 || options.max_attempts > 100) {
    out.error = "--max-attempts must be 1 to 100";
    return out;
  }
  c.delivery.max_attempts = options.max_attempts;
  const auto webhooks = split_list(options.webhook_urls);
  for (const auto& url : webhooks) {
    if (!url.starts_with("http://") && !url.starts_with("https://")) {
      out.error = "--webhook-urls takes http:// or https:// URLs";
      return out;
    }
    c.notification.destinations.push_back(url);
  }
  const auto emails = split_list(options.notify_emails);
  if (!emails.empty() && options.smtp_url.empty()) {
    out.error = "--notify-emails needs --smtp-url (e-mail is off by default)";
    return out;
  }
  for (const auto& address : emails)
    c.notification.destinations.push_back("mailto:" + address);
  c.transport.smtp_url = options.smtp_url;
  c.transport.mail_from = options.mail_from.empty() ? "docket@localhost" : options.mail_from;
  if (auto e = read_secret(options.webhook_secret_file, c.delivery.secret); !e.empty()) {
    out.error = e;
    return out;
  }
  if (!webhooks.empty() && c.delivery.secret.empty()) {
    out.error =
        "webhooks need a signing secret: set DOCKET_WEBHOOK_SECRET or --webhook-secret-file";
    return out;
  }
  return out;
}

}  // namespace docket::app
