// The consumers' configuration: which consumers run, reminder offsets, destinations, and the
// webhook secret taken from a file or the environment and never repeated in an error.

#include "app/consumers_options.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <fstream>

namespace docket::app {
namespace {

// Unsets DOCKET_WEBHOOK_SECRET for the test's duration, restoring nothing (tests set their own).
struct NoSecretInEnvironment {
  NoSecretInEnvironment() { ::unsetenv("DOCKET_WEBHOOK_SECRET"); }
  ~NoSecretInEnvironment() { ::unsetenv("DOCKET_WEBHOOK_SECRET"); }
};

TEST(ConsumersOptions, DefaultsRunBothWithRemindersADayAndAnHourBefore) {
  NoSecretInEnvironment env;
  const auto r = resolve_consumers({});
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_TRUE(r.config.notifications);
  EXPECT_TRUE(r.config.analytics);
  EXPECT_EQ(r.config.notification.reminders,
            (std::vector<std::chrono::minutes>{std::chrono::hours(24), std::chrono::hours(1)}));
  EXPECT_TRUE(r.config.notification.destinations.empty());
  EXPECT_TRUE(r.config.transport.smtp_url.empty()) << "e-mail is off by default";
  EXPECT_EQ(r.config.delivery.max_attempts, 8);
}

TEST(ConsumersOptions, SelectsConsumersByName) {
  NoSecretInEnvironment env;
  ConsumersOptions o;
  o.consumers = "none";
  auto r = resolve_consumers(o);
  EXPECT_FALSE(r.config.notifications || r.config.analytics);
  o.consumers = "analytics";
  r = resolve_consumers(o);
  EXPECT_FALSE(r.config.notifications);
  EXPECT_TRUE(r.config.analytics);
  o.consumers = "notifications, analytics";
  r = resolve_consumers(o);
  EXPECT_TRUE(r.config.notifications && r.config.analytics);
  o.consumers = "billing";
  EXPECT_FALSE(resolve_consumers(o).error.empty());
}

TEST(ConsumersOptions, ReminderOffsetsTakeDaysHoursAndMinutes) {
  std::vector<std::chrono::minutes> out;
  ASSERT_TRUE(parse_reminder_offsets("2d,90m,1h", out));
  EXPECT_EQ(out, (std::vector<std::chrono::minutes>{
                     std::chrono::hours(48), std::chrono::minutes(90), std::chrono::hours(1)}));
  for (const char* bad : {"1w", "h", "-1h", "0m", "1.5h", "24h,,x"}) {
    EXPECT_FALSE(parse_reminder_offsets(bad, out)) << bad;
  }
}

TEST(ConsumersOptions, WebhooksNeedASecretThatNoErrorRepeats) {
  NoSecretInEnvironment env;
  ConsumersOptions o;
  o.webhook_urls = "https://hooks.example.org/a,http://127.0.0.1:9000/b";
  auto r = resolve_consumers(o);
  EXPECT_NE(r.error.find("secret"), std::string::npos) << r.error;

  ASSERT_EQ(::setenv("DOCKET_WEBHOOK_SECRET", "from-the-environment", 1), 0);
  r = resolve_consumers(o);
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.config.delivery.secret, "from-the-environment");
  EXPECT_EQ(r.config.notification.destinations.size(), 2u);

  char path[] = "/tmp/docket-webhook-secret-XXXXXX";
  const int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  ::close(fd);
  std::ofstream(path) << "from-a-file\n";
  o.webhook_secret_file = path;
  r = resolve_consumers(o);
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.config.delivery.secret, "from-a-file") << "the file wins, trailing newline trimmed";

  o.webhook_urls = "ftp://x";
  r = resolve_consumers(o);
  EXPECT_FALSE(r.error.empty());
  EXPECT_EQ(r.error.find("from-a-file"), std::string::npos);
  std::ofstream(path, std::ios::trunc) << "\n";
  o.webhook_urls = "https://hooks.example.org/a";
  r = resolve_consumers(o);
  EXPECT_NE(r.error.find("empty"), std::string::npos) << r.error;
  ::unlink(path);
}

TEST(ConsumersOptions, EmailNeedsAnSmtpUrlAndAttemptsAreBounded) {
  NoSecretInEnvironment env;
  ConsumersOptions o;
  o.notify_emails = "desk@example.org";
  EXPECT_NE(resolve_consumers(o).error.find("smtp"), std::string::npos);
  o.smtp_url = "smtp://127.0.0.1:2525";
  auto r = resolve_consumers(o);
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_EQ(r.config.notification.destinations,
            std::vector<std::string>{"mailto:desk@example.org"});
  o.max_attempts = 0;
  EXPECT_FALSE(resolve_consumers(o).error.empty());
  o.max_attempts = 101;
  EXPECT_FALSE(resolve_consumers(o).error.empty());
}

}  // namespace
}  // namespace docket::app
