#include "app/consumers_runtime.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "consumers/analytics.hpp"
#include "consumers/message_history.hpp"
#include "consumers/notifications.hpp"
#include "consumers/outbox.hpp"

namespace docket::app {

struct ConsumersRuntime::Notifications {
  consumers::NotificationConfig config;
  std::function<domain::Instant()> clock;
  std::unique_ptr<consumers::ConsumerStore> store;
  std::unique_ptr<consumers::Transport> transport;
  std::unique_ptr<consumers::DeliveryWorker> delivery;
  std::unique_ptr<consumers::ReminderWorker> reminders;
  std::unique_ptr<consumers::NotificationHandler> handler;
  std::unique_ptr<consumers::ConsumerRunner> runner;
  // Starts the reminder worker once the runner has caught up (see the header).
  std::thread reminder_starter;
  std::atomic<bool> stopping{false};
};

struct ConsumersRuntime::Analytics {
  std::unique_ptr<consumers::ConsumerStore> store;
  consumers::AnalyticsHandler handler;
  std::unique_ptr<consumers::ConsumerRunner> runner;
};

namespace {

using nlohmann::json;

std::shared_ptr<spdlog::logger> logger() {
  auto l = spdlog::get("docket");
  return l ? l : spdlog::default_logger();
}

std::string channel_of(const std::string& destination) {
  return destination.starts_with("mailto:") ? "email" : "webhook";
}

api::DownstreamError not_running(std::string_view name) {
  return {"The " + std::string(name) + " consumer does not run in this process."};
}

api::DownstreamError store_failed(std::string_view name) {
  return {"The " + std::string(name) + " consumer's store cannot be read."};
}

}  // namespace

docket::Result<std::unique_ptr<ConsumersRuntime>, std::string> ConsumersRuntime::start(
    eventstore::EventLog& log, const std::filesystem::path& data_dir, ConsumersConfig config) {
  std::unique_ptr<ConsumersRuntime> rt(new ConsumersRuntime(log));
  const auto root = data_dir / "consumers";
  if (config.notifications) {
    auto n = std::make_unique<Notifications>();
    n->config = config.notification;
    n->clock = config.clock;
    auto store = consumers::ConsumerStore::open(root / "notifications");
    if (!store) return fail("notifications: " + store.error().message);
    n->store = std::move(store).value();
    n->transport = consumers::make_curl_transport(config.transport);
    n->delivery =
        std::make_unique<consumers::DeliveryWorker>(*n->store, *n->transport, config.delivery);
    auto* delivery = n->delivery.get();
    n->reminders = std::make_unique<consumers::ReminderWorker>(
        *n->store, config.notification, config.clock, [delivery] { delivery->wake(); });
    auto* reminders = n->reminders.get();
    n->handler = std::make_unique<consumers::NotificationHandler>(config.notification,
                                                                  [delivery, reminders] {
                                                                    delivery->wake();
                                                                    reminders->wake();
                                                                  });
    n->runner = std::make_unique<consumers::ConsumerRunner>(log, *n->store, *n->handler);
    if (config.workers) n->delivery->start();
    if (auto started = n->runner->start(); !started) {
      return fail("notifications: " + started.error().message);
    }
    if (config.workers) {
      auto head = log.head();
      const eventstore::Position target = head ? *head : eventstore::Position();
      n->reminder_starter = std::thread([state = n.get(), target] {
        while (!state->stopping) {
          if (state->runner->wait_for(target, std::chrono::milliseconds(100))) {
            state->reminders->start();
            return;
          }
          if (state->runner->failure()) return;
        }
      });
    }
    logger()->info("consumer started name=notifications destinations={} reminders={} position={}",
                   config.notification.destinations.size(), config.notification.reminders.size(),
                   n->runner->position().to_token());
    rt->notifications_ = std::move(n);
  }
  if (config.analytics) {
    auto a = std::make_unique<Analytics>();
    auto store = consumers::ConsumerStore::open(root / "analytics");
    if (!store) return fail("analytics: " + store.error().message);
    a->store = std::move(store).value();
    a->runner = std::make_unique<consumers::ConsumerRunner>(log, *a->store, a->handler);
    if (auto started = a->runner->start(); !started) {
      return fail("analytics: " + started.error().message);
    }
    logger()->info("consumer started name=analytics position={}", a->runner->position().to_token());
    rt->analytics_ = std::move(a);
  }
  return rt;
}

ConsumersRuntime::ConsumersRuntime(eventstore::EventLog& log) : log_(log) {}

ConsumersRuntime::~ConsumersRuntime() {
  stop();
}

void ConsumersRuntime::stop() {
  if (notifications_) {
    notifications_->stopping = true;
    if (notifications_->reminder_starter.joinable()) notifications_->reminder_starter.join();
    notifications_->runner->stop();
    notifications_->reminders->stop();
    notifications_->delivery->stop();
  }
  if (analytics_) analytics_->runner->stop();
}

bool ConsumersRuntime::catch_up(std::chrono::milliseconds timeout) {
  auto head = log_.head();
  if (!head) return false;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (auto* runner : {notifications_ ? notifications_->runner.get() : nullptr,
                       analytics_ ? analytics_->runner.get() : nullptr}) {
    if (runner == nullptr) continue;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (!runner->wait_for(*head, std::max(left, std::chrono::milliseconds(0)))) return false;
  }
  return true;
}

std::size_t ConsumersRuntime::deliver_due_now() {
  if (!notifications_) return 0;
  auto queued = consumers::fire_due_reminders(*notifications_->store, notifications_->config,
                                              notifications_->clock());
  permit_unchecked(queued);  // a store failure shows again in the delivery pass below
  auto delivered = notifications_->delivery->deliver_due();
  return delivered ? *delivered : 0;
}

std::optional<std::string> ConsumersRuntime::failure() const {
  if (notifications_) {
    if (auto f = notifications_->runner->failure()) return "notifications: " + *f;
  }
  if (analytics_) {
    if (auto f = analytics_->runner->failure()) return "analytics: " + *f;
  }
  return std::nullopt;
}

std::vector<api::ConsumerProgress> ConsumersRuntime::progress() {
  std::vector<api::ConsumerProgress> out;
  const auto add = [&out](std::string name, const consumers::ConsumerRunner& runner) {
    out.push_back({std::move(name), runner.lag(), runner.failure().has_value()});
  };
  if (notifications_) add("notifications", *notifications_->runner);
  if (analytics_) add("analytics", *analytics_->runner);
  return out;
}

api::DownstreamResult<api::PageOf<api::NotificationView>> ConsumersRuntime::notifications(
    const std::optional<std::string>& patient_id, std::uint64_t offset, std::uint64_t limit) {
  if (!notifications_) return fail(not_running("notifications"));
  auto page = consumers::list_messages(*notifications_->store, patient_id, offset, limit);
  if (!page) return fail(store_failed("notifications"));
  api::PageOf<api::NotificationView> out;
  out.total = page->total;
  for (const auto& m : page->items) {
    api::NotificationView v{m.seq,     m.id,         m.type, m.occurred_at, m.patient_id, m.data,
                            m.state(), m.attempts(), {}};
    for (const auto& d : m.deliveries) {
      v.deliveries.push_back({channel_of(d.destination), d.state, d.attempts, d.last_error});
    }
    out.items.push_back(std::move(v));
  }
  return out;
}

api::DownstreamResult<api::PageOf<api::DeadLetterView>> ConsumersRuntime::dead_letters(
    std::uint64_t offset, std::uint64_t limit) {
  if (!notifications_) return fail(not_running("notifications"));
  auto dead = consumers::list_dead_letters(*notifications_->store);
  if (!dead) return fail(store_failed("notifications"));
  api::PageOf<api::DeadLetterView> out;
  out.total = dead->size();
  for (std::uint64_t i = offset; i < dead->size() && out.items.size() < limit; ++i) {
    const auto& e = (*dead)[i];
    const json body = json::parse(e.body, nullptr, false);
    api::DeadLetterView v;
    v.seq = e.seq;
    v.message_id = e.message_id;
    if (body.is_object()) {
      v.type = body.value("type", "");
      const json data = body.value("data", json::object());
      if (data.contains("patient_id") && data["patient_id"].is_string()) {
        v.patient_id = data["patient_id"].get<std::string>();
      }
    }
    v.destination = consumers::redact_destination(e.destination);
    v.attempts = e.attempts;
    v.last_error = e.last_error;
    out.items.push_back(std::move(v));
  }
  return out;
}

api::DownstreamResult<bool> ConsumersRuntime::retry_dead_letter(std::uint64_t seq) {
  if (!notifications_) return fail(not_running("notifications"));
  auto retried = consumers::retry_dead_letter(*notifications_->store, seq);
  if (!retried) return fail(store_failed("notifications"));
  if (*retried) {
    logger()->info("dead letter requeued seq={}", seq);
    notifications_->delivery->wake();
  }
  return *retried;
}

api::DownstreamResult<std::vector<consumers::FactRow>> ConsumersRuntime::analytics_rows(
    domain::LocalDate from, domain::LocalDate to, consumers::GroupBy by) {
  if (!analytics_) return fail(not_running("analytics"));
  auto rows = consumers::query_facts(*analytics_->store, from, to, by);
  if (!rows) return fail(store_failed("analytics"));
  return std::move(rows).value();
}

api::DownstreamResult<std::vector<api::DailyFacts>> ConsumersRuntime::analytics_daily(
    domain::LocalDate from, domain::LocalDate to, api::FactGrouping by) {
  if (!analytics_) return fail(not_running("analytics"));
  const auto grouping =
      by == api::FactGrouping::doctor ? consumers::GroupBy::doctor : consumers::GroupBy::specialty;
  std::vector<api::DailyFacts> out;
  for (auto day = from; day <= to; day += date::days(1)) {
    auto rows = consumers::query_facts(*analytics_->store, day, day, grouping);
    if (!rows) return fail(store_failed("analytics"));
    if (rows->empty()) continue;
    api::DailyFacts facts{day, {}};
    for (auto& row : *rows)
      facts.groups.push_back({std::move(row.group), std::move(row.counts)});
    out.push_back(std::move(facts));
  }
  return out;
}

}  // namespace docket::app
