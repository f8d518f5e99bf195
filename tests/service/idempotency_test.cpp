#include <gtest/gtest.h>

#include <latch>
#include <thread>

#include "api/idempotency_store.hpp"
#include "service_fixture.hpp"

namespace docket::api::testing {
namespace {

using namespace std::chrono_literals;

const std::string kHash = IdempotencyStore::request_hash("POST", "/v1/appointments", "{\"a\":1}");

// What a handler does for an executing key: run the command, store its reply.
StoredReply run_booking(WriteSide& ws, IdempotencyStore& store, const std::string& token,
                        const std::string& appointment_id) {
  CommandOptions options;
  options.idempotency_token = token;
  const CommandResult r =
      ws.service().execute("dr-ada", book(appointment_id, slot(0), "p1"), options);
  EXPECT_TRUE(r.ok()) << describe(r);
  StoredReply reply{201, "{\"id\":\"" + appointment_id + "\"}",
                    r.ok() ? r->position.to_token() : ""};
  EXPECT_TRUE(store.complete(token, reply).ok());
  return reply;
}

TEST(Idempotency, SameKeyAndRequestReplaysTheFirstReplyAndAppendsNothing) {
  TempDir dir;
  WriteSide ws(dir.path());
  ws.add_doctor("dr-ada");
  IdempotencyStore store(ws.side(), ws.log());
  ASSERT_TRUE(store.recover().ok());
  auto first = store.begin("p1", "key-1", kHash, kStart, 1s);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->outcome, idempotency_outcome::execute);
  EXPECT_EQ(first->token.find("key-1"), std::string::npos);
  const StoredReply reply = run_booking(ws, store, first->token, "dr-ada.a1");

  auto again = store.begin("p1", "key-1", kHash, kStart + 1h, 1s);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->outcome, idempotency_outcome::replay);
  EXPECT_EQ(again->reply, reply);
  EXPECT_EQ(*ws.log().stream_version("doctor-dr-ada"), 3u);
  // The token travels in the commit, scoped and hashed.
  auto events = ws.log().read_stream("doctor-dr-ada", 3);
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(events->at(0).causation_id, first->token);
}

TEST(Idempotency, SameKeyWithAnotherRequestIsReused) {
  TempDir dir;
  WriteSide ws(dir.path());
  ws.add_doctor("dr-ada");
  IdempotencyStore store(ws.side(), ws.log());
  auto first = store.begin("p1", "key-1", kHash, kStart, 1s);
  ASSERT_TRUE(first.ok());
  run_booking(ws, store, first->token, "dr-ada.a1");
  const std::string other = IdempotencyStore::request_hash("POST", "/v1/appointments", "{}");
  auto reused = store.begin("p1", "key-1", other, kStart, 1s);
  ASSERT_TRUE(reused.ok());
  EXPECT_EQ(reused->outcome, idempotency_outcome::reused);
  // Another caller's key of the same name is its own.
  auto scoped = store.begin("p2", "key-1", other, kStart, 1s);
  ASSERT_TRUE(scoped.ok());
  EXPECT_EQ(scoped->outcome, idempotency_outcome::execute);
  EXPECT_NE(scoped->token, first->token);
}

TEST(Idempotency, RepliesSurviveARestart) {
  TempDir dir;
  WriteSide ws(dir.path());
  ws.add_doctor("dr-ada");
  StoredReply reply;
  {
    IdempotencyStore store(ws.side(), ws.log());
    auto first = store.begin("p1", "key-1", kHash, kStart, 1s);
    ASSERT_TRUE(first.ok());
    reply = run_booking(ws, store, first->token, "dr-ada.a1");
  }
  ws.reopen();
  IdempotencyStore store(ws.side(), ws.log());
  ASSERT_TRUE(store.recover().ok());
  auto again = store.begin("p1", "key-1", kHash, kStart, 1s);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->outcome, idempotency_outcome::replay);
  EXPECT_EQ(again->reply, reply);
}

TEST(Idempotency, ConcurrentDuplicatesExecuteOnce) {
  TempDir dir;
  WriteSide ws(dir.path());
  ws.add_doctor("dr-ada");
  IdempotencyStore store(ws.side(), ws.log());
  constexpr int n = 16;
  std::latch start(n);
  std::atomic<int> executed{0};
  std::atomic<int> replayed{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      auto b = store.begin("p1", "key-1", kHash, kStart, 10s);
      ASSERT_TRUE(b.ok());
      if (b->outcome == idempotency_outcome::execute) {
        ++executed;
        run_booking(ws, store, b->token, "dr-ada.t" + std::to_string(i));
      } else if (b->outcome == idempotency_outcome::replay) {
        ++replayed;
      }
    });
  }
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(executed.load(), 1);
  EXPECT_EQ(replayed.load(), n - 1);
  EXPECT_EQ(*ws.log().stream_version("doctor-dr-ada"), 3u);
}

TEST(Idempotency, ACrashBeforeTheReplyIsStoredDoesNotApplyTwice) {
  TempDir dir;
  WriteSide ws(dir.path());
  ws.add_doctor("dr-ada");
  std::string applied_position;
  {
    IdempotencyStore store(ws.side(), ws.log());
    ASSERT_TRUE(store.recover().ok());
    auto applied = store.begin("p1", "applied", kHash, kStart, 1s);
    ASSERT_TRUE(applied.ok());
    CommandOptions options;
    options.idempotency_token = applied->token;
    const CommandResult r =
        ws.service().execute("dr-ada", book("dr-ada.a1", slot(0), "p1"), options);
    ASSERT_TRUE(r.ok()) << describe(r);
    applied_position = r->position.to_token();
    // Begun, never executed.
    auto idle = store.begin("p1", "never-ran", kHash, kStart, 1s);
    ASSERT_TRUE(idle.ok());
    // The process stops here: neither key's reply is stored.
  }
  ws.reopen();
  IdempotencyStore store(ws.side(), ws.log());
  ASSERT_TRUE(store.recover().ok());
  auto retry = store.begin("p1", "applied", kHash, kStart, 1s);
  ASSERT_TRUE(retry.ok());
  EXPECT_EQ(retry->outcome, idempotency_outcome::applied_reply_lost);
  EXPECT_EQ(retry->reply.position, applied_position);
  auto fresh = store.begin("p1", "never-ran", kHash, kStart, 1s);
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(fresh->outcome, idempotency_outcome::execute);
  EXPECT_EQ(*ws.log().stream_version("doctor-dr-ada"), 3u);
}

TEST(Idempotency, KeysExpireAfterTheirTtl) {
  TempDir dir;
  WriteSide ws(dir.path());
  ws.add_doctor("dr-ada");
  IdempotencyStore store(ws.side(), ws.log());
  auto first = store.begin("p1", "key-1", kHash, kStart, 1s);
  ASSERT_TRUE(first.ok());
  run_booking(ws, store, first->token, "dr-ada.a1");
  auto within = store.begin("p1", "key-1", kHash, kStart + 24h - 1s, 1s);
  ASSERT_TRUE(within.ok());
  EXPECT_EQ(within->outcome, idempotency_outcome::replay);
  auto purged = store.purge(kStart + 24h);
  ASSERT_TRUE(purged.ok());
  EXPECT_EQ(*purged, 1u);
  auto after = store.begin("p1", "key-1", kHash, kStart + 24h, 1s);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->outcome, idempotency_outcome::execute);
}

TEST(Idempotency, AnAbandonedKeyExecutesAgain) {
  TempDir dir;
  WriteSide ws(dir.path());
  IdempotencyStore store(ws.side(), ws.log());
  auto first = store.begin("p1", "key-1", kHash, kStart, 1s);
  ASSERT_TRUE(first.ok());
  store.abandon(first->token);
  auto again = store.begin("p1", "key-1", kHash, kStart, 1s);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->outcome, idempotency_outcome::execute);
}

}  // namespace
}  // namespace docket::api::testing
