#pragma once
// Idempotency-Key support (API.md): the first reply to a keyed POST is kept for 24 h, scoped by
// the caller's `sub`, and a retry with the same key and the same request gets that reply again
// while nothing is appended; the same key with another request is `idempotency_key_reused`.
//
// Use from a handler:
//   auto b = store.begin(sub, key, IdempotencyStore::request_hash(method, path, body), now, wait);
//   execute   -> run the command with CommandOptions::idempotency_token = b->token, then
//                complete(b->token, reply) for any reply worth repeating (2xx, 4xx), or
//                abandon(b->token) when the request failed in a way a retry should redo (5xx);
//   replay    -> answer b->reply as it is (status, body, Docket-Position);
//   reused    -> 422 idempotency_key_reused;
//   busy      -> the first request with this key is still running after `wait` (409 or 503);
//   applied_reply_lost -> the command was applied (b->reply.position says where) but the process
//                stopped before its reply was stored; nothing is applied again.
//
// Concurrent duplicates: the second begin() of an in-flight key waits (up to `wait`) for the
// first's complete() and then replays it, so the command runs once.
//
// Durability: records live in the side store ("i/<token>"). The token is also written as the
// commit's causation id, so recover() can tell, after a crash, which begun keys were applied: it
// reads the log from the idempotency checkpoint (the log head before the oldest key still in
// flight when the checkpoint was taken) and marks every key found there without a stored reply
// as applied_reply_lost; keys begun but never appended are forgotten, so their retry executes.
// checkpoint() must be called periodically (the Scheduler does).

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "api/side_store.hpp"
#include "domain/time.hpp"
#include "eventstore/event_log.hpp"

namespace docket::api {

struct StoredReply {
  int status = 0;        // HTTP status
  std::string body;      // the reply body as sent
  std::string position;  // Docket-Position token; empty when the reply had none
  bool operator==(const StoredReply&) const = default;
};

enum class idempotency_outcome { execute, replay, reused, busy, applied_reply_lost };

struct IdempotencyBegin {
  idempotency_outcome outcome = idempotency_outcome::execute;
  std::string token;  // with execute: pass to the command and to complete()/abandon()
  StoredReply reply;  // with replay (and the position with applied_reply_lost)
};

struct IdempotencyOptions {
  std::chrono::seconds ttl{24 * 3600};
};

// Thread-safe.
class IdempotencyStore {
 public:
  // `store` and `log` must outlive this object.
  IdempotencyStore(SideStore& store, eventstore::EventLog& log, IdempotencyOptions options = {});

  // The scoped token of a key: "idem:" + 32 hex digits of SHA-256(sub, key). Never contains the
  // key itself.
  static std::string token_of(std::string_view sub, std::string_view key);
  // The hash of a request (method, path and body), hex.
  static std::string request_hash(std::string_view method, std::string_view path,
                                  std::string_view body);

  // See the header comment. Errors when the side store or the log fails.
  SideResult<IdempotencyBegin> begin(std::string_view sub, std::string_view key,
                                     std::string_view request_hash, domain::Instant now,
                                     std::chrono::milliseconds wait);
  // Stores the reply of an executing key and wakes its waiting duplicates.
  docket::Status<SideStoreError> complete(const std::string& token, StoredReply reply);
  // Forgets an executing key (its retry executes again) and wakes its duplicates, which then
  // execute themselves.
  void abandon(const std::string& token);

  // Call once at startup, before begin(): resolves keys begun before a crash (see above).
  docket::Status<SideStoreError> recover();
  // Records how far recover() must read the log next time; syncs the side store.
  docket::Status<SideStoreError> checkpoint();
  // For a writer taking over doctors another process wrote: when `commit` was made for an
  // Idempotency-Key this store does not know, records the key as applied at the commit's
  // position, so that a retry arriving here is told it was applied instead of running again.
  // Keys it already knows are left alone. Errors when the side store fails.
  docket::Status<SideStoreError> adopt(const eventstore::Commit& commit);

  // Deletes records older than the ttl; returns how many.
  SideResult<std::size_t> purge(domain::Instant now);

 private:
  struct InFlight {
    std::string hash;
    std::string begin_head;  // log head token when it began
    bool done = false;
    bool abandoned = false;
    StoredReply reply;
  };

  SideStore& store_;
  eventstore::EventLog& log_;
  IdempotencyOptions options_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::map<std::string, InFlight> in_flight_;  // guarded by mutex_
};

}  // namespace docket::api
