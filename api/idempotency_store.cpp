#include "api/idempotency_store.hpp"

#include <openssl/evp.h>

#include <nlohmann/json.hpp>
#include <set>

namespace docket::api {
namespace {

constexpr std::string_view kPrefix = "i/";
constexpr std::string_view kCheckpointKey = "m/idempotency-checkpoint";
constexpr std::string_view kTokenPrefix = "idem:";
constexpr std::string_view kUnknownHash = "*";  // the request of a recovered key is not known

std::string hex_sha256(std::initializer_list<std::string_view> parts) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  for (const std::string_view p : parts) {
    // Length-prefixed so that ("ab", "c") and ("a", "bc") differ.
    const std::string len = std::to_string(p.size()) + ":";
    EVP_DigestUpdate(ctx, len.data(), len.size());
    EVP_DigestUpdate(ctx, p.data(), p.size());
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_DigestFinal_ex(ctx, digest, &n);
  EVP_MD_CTX_free(ctx);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < n; ++i) {
    out.push_back(hex[digest[i] >> 4]);
    out.push_back(hex[digest[i] & 0xf]);
  }
  return out;
}

std::string key_of(std::string_view token) {
  return std::string(kPrefix) + std::string(token);
}

// The component-wise minimum: everything before it is before both.
eventstore::Position earlier_of(const eventstore::Position& a, const eventstore::Position& b) {
  const std::size_t n = std::max(a.offsets().size(), b.offsets().size());
  std::vector<std::uint64_t> out(n);
  for (std::size_t i = 0; i < n; ++i)
    out[i] = std::min(a.at(i), b.at(i));
  return eventstore::Position(std::move(out));
}

std::string encode_record(std::string_view state, std::string_view hash, std::int64_t created,
                          const StoredReply& reply) {
  return nlohmann::json{{"state", state},     {"hash", hash},
                        {"created", created}, {"status", reply.status},
                        {"body", reply.body}, {"position", reply.position}}
      .dump();
}

struct Record {
  std::string state;  // "pending", "done", "applied"
  std::string hash;
  std::int64_t created = 0;
  StoredReply reply;
};

std::optional<Record> decode_record(std::string_view value) {
  const nlohmann::json j = nlohmann::json::parse(value, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  Record r;
  try {
    r.state = j.at("state").get<std::string>();
    r.hash = j.at("hash").get<std::string>();
    r.created = j.at("created").get<std::int64_t>();
    r.reply.status = j.at("status").get<int>();
    r.reply.body = j.at("body").get<std::string>();
    r.reply.position = j.at("position").get<std::string>();
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;  // a damaged record is treated as absent
  }
  return r;
}

}  // namespace

IdempotencyStore::IdempotencyStore(SideStore& store, eventstore::EventLog& log,
                                   IdempotencyOptions options)
    : store_(store), log_(log), options_(options) {}

std::string IdempotencyStore::token_of(std::string_view sub, std::string_view key) {
  return std::string(kTokenPrefix) + hex_sha256({"idempotency-key", sub, key}).substr(0, 32);
}

std::string IdempotencyStore::request_hash(std::string_view method, std::string_view path,
                                           std::string_view body) {
  return hex_sha256({method, path, body});
}

SideResult<IdempotencyBegin> IdempotencyStore::begin(std::string_view sub, std::string_view key,
                                                     std::string_view request_hash,
                                                     domain::Instant now,
                                                     std::chrono::milliseconds wait) {
  const std::string token = token_of(sub, key);
  std::unique_lock lock(mutex_);
  // A duplicate of a request still running: wait for its reply.
  if (auto it = in_flight_.find(token); it != in_flight_.end()) {
    if (it->second.hash != request_hash) {
      return IdempotencyBegin{idempotency_outcome::reused, token, {}};
    }
    const bool settled = cv_.wait_for(lock, wait, [&] {
      const auto f = in_flight_.find(token);
      return f == in_flight_.end() || f->second.done || f->second.abandoned;
    });
    if (!settled) return IdempotencyBegin{idempotency_outcome::busy, token, {}};
    it = in_flight_.find(token);
    if (it != in_flight_.end() && it->second.done) {
      return IdempotencyBegin{idempotency_outcome::replay, token, it->second.reply};
    }
    // Abandoned (or completed and already forgotten): fall through to the stored record.
  }

  auto stored = store_.get(key_of(token));
  if (!stored) return fail(stored.error());
  if (*stored) {
    const std::optional<Record> r = decode_record(**stored);
    const bool expired = !r || r->created + options_.ttl.count() <= now.time_since_epoch().count();
    if (!expired && r->state != "pending") {
      if (r->hash != request_hash && r->hash != kUnknownHash) {
        return IdempotencyBegin{idempotency_outcome::reused, token, {}};
      }
      return IdempotencyBegin{r->state == "done" ? idempotency_outcome::replay
                                                 : idempotency_outcome::applied_reply_lost,
                              token, r->reply};
    }
  }

  auto head = log_.head();
  if (!head) return fail(SideStoreError{"the log is unavailable: " + head.error().message});
  InFlight f;
  f.hash = std::string(request_hash);
  f.begin_head = head->to_token();
  if (auto put = store_.put(key_of(token), encode_record("pending", request_hash,
                                                         now.time_since_epoch().count(), {}));
      !put) {
    return fail(put.error());
  }
  in_flight_[token] = std::move(f);
  return IdempotencyBegin{idempotency_outcome::execute, token, {}};
}

docket::Status<SideStoreError> IdempotencyStore::complete(const std::string& token,
                                                          StoredReply reply) {
  std::string hash;
  std::int64_t created = 0;
  {
    std::lock_guard lock(mutex_);
    const auto it = in_flight_.find(token);
    if (it == in_flight_.end()) return unit;  // not begun here (or already settled)
    hash = it->second.hash;
  }
  auto stored = store_.get(key_of(token));
  if (stored && *stored) {
    if (const auto r = decode_record(**stored)) created = r->created;
  }
  auto put = store_.put(key_of(token), encode_record("done", hash, created, reply));
  {
    std::lock_guard lock(mutex_);
    const auto it = in_flight_.find(token);
    if (it != in_flight_.end()) {
      it->second.done = true;
      it->second.reply = std::move(reply);
      // Waiters find the reply in the record from now on (it is written above); keeping the
      // entry a little longer would only delay the checkpoint.
      in_flight_.erase(it);
    }
  }
  cv_.notify_all();
  return put;
}

void IdempotencyStore::abandon(const std::string& token) {
  {
    std::lock_guard lock(mutex_);
    in_flight_.erase(token);
  }
  // The pending record is removed so that a retry executes; losing this delete is harmless
  // (recover() forgets pending keys the log does not know).
  permit_unchecked(store_.erase(key_of(token)));
  cv_.notify_all();
}

docket::Status<SideStoreError> IdempotencyStore::checkpoint() {
  auto head = log_.head();
  if (!head) return fail(SideStoreError{"the log is unavailable: " + head.error().message});
  eventstore::Position from = *head;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [token, f] : in_flight_) {
      if (const auto p = eventstore::Position::from_token(f.begin_head))
        from = earlier_of(from, *p);
    }
  }
  // Every key that finished before `from` has its record written; make those durable first.
  if (auto s = store_.sync(); !s) return s;
  return store_.put(kCheckpointKey, from.to_token(), true);
}

docket::Status<SideStoreError> IdempotencyStore::recover() {
  auto stored = store_.get(kCheckpointKey);
  if (!stored) return fail(stored.error());
  eventstore::Position from;
  if (*stored) {
    if (const auto p = eventstore::Position::from_token(**stored)) from = *p;
  }
  // Keys whose command reached the log since the checkpoint.
  struct Applied {
    std::string position;   // of its commit
    std::int64_t time = 0;  // when it was decided
  };
  std::map<std::string, Applied> applied;
  while (true) {
    auto batch = log_.read_all(from, 1024);
    if (!batch) return fail(SideStoreError{"the log is unavailable: " + batch.error().message});
    for (const eventstore::Commit& c : batch->commits) {
      const std::string& cause = c.events.front().causation_id;
      if (cause.rfind(kTokenPrefix, 0) == 0) {
        const auto t = domain::parse_rfc3339(c.events.front().time);
        applied[cause] = Applied{c.position.to_token(), t ? t->time_since_epoch().count() : 0};
      }
    }
    if (batch->commits.empty() || batch->next == from) break;
    from = batch->next;
  }
  // Pending keys: applied ones keep their position, the others are forgotten.
  std::vector<std::pair<std::string, Record>> pending;
  std::set<std::string> known;
  auto scanned = store_.scan(kPrefix, [&](std::string_view key, std::string_view value) {
    std::string token(key.substr(kPrefix.size()));
    if (auto r = decode_record(value); r && r->state == "pending") {
      pending.emplace_back(token, std::move(*r));
    }
    known.insert(std::move(token));
    return true;
  });
  if (!scanned) return scanned;
  // A key applied whose record was lost altogether (an unsynced write in a power failure): the
  // request is unknown, so any retry with that key is told it was applied.
  for (const auto& [token, a] : applied) {
    if (known.contains(token)) continue;
    Record r;
    r.hash = std::string(kUnknownHash);
    r.created = a.time;
    r.reply.position = a.position;
    if (auto p = store_.put(key_of(token), encode_record("applied", r.hash, r.created, r.reply));
        !p) {
      return p;
    }
  }
  for (auto& [token, r] : pending) {
    const auto a = applied.find(token);
    if (a == applied.end()) {
      if (auto e = store_.erase(key_of(token)); !e) return e;
      continue;
    }
    r.reply.position = a->second.position;
    if (auto p = store_.put(key_of(token), encode_record("applied", r.hash, r.created, r.reply));
        !p) {
      return p;
    }
  }
  return checkpoint();
}

docket::Status<SideStoreError> IdempotencyStore::adopt(const eventstore::Commit& commit) {
  if (commit.events.empty()) return unit;
  const std::string& token = commit.events.front().causation_id;
  if (token.rfind(kTokenPrefix, 0) != 0) return unit;
  auto stored = store_.get(key_of(token));
  if (!stored) return fail(stored.error());
  if (*stored) return unit;
  const auto t = domain::parse_rfc3339(commit.events.front().time);
  StoredReply reply;
  reply.position = commit.position.to_token();
  return store_.put(key_of(token), encode_record("applied", kUnknownHash,
                                                 t ? t->time_since_epoch().count() : 0, reply));
}

SideResult<std::size_t> IdempotencyStore::purge(domain::Instant now) {
  std::vector<std::string> old;
  auto scanned = store_.scan(kPrefix, [&](std::string_view key, std::string_view value) {
    const auto r = decode_record(value);
    if (!r || (r->state != "pending" &&
               r->created + options_.ttl.count() <= now.time_since_epoch().count())) {
      old.emplace_back(key);
    }
    return true;
  });
  if (!scanned) return fail(scanned.error());
  for (const std::string& k : old) {
    if (auto e = store_.erase(k); !e) return fail(e.error());
  }
  return old.size();
}

}  // namespace docket::api
