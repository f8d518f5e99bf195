// The EventLog contract. Backends instantiate it (see log_factory.hpp); nothing here knows which
// backend runs, so positions are only compared through covers()/==, never by their components, and
// only commits of one stream are expected in a fixed order (a partitioned log has no global one).

#include <atomic>
#include <future>
#include <map>
#include <set>
#include <thread>

#include "eventstore/verify.hpp"
#include "tests/eventstore/contract_helpers.hpp"
#include "tests/eventstore/log_factory.hpp"

namespace docket::eventstore::testing {
namespace {

using namespace std::chrono_literals;

#define ASSERT_OK(r) \
  ASSERT_TRUE((r).ok()) << to_string((r).error().code) << ": " << (r).error().message

std::vector<std::string> tags_of(const std::vector<Commit>& commits, const std::string& stream) {
  std::vector<std::string> out;
  for (const Commit& c : commits) {
    if (c.stream == stream) out.push_back(c.events.front().data.at("tag").get<std::string>());
  }
  return out;
}

// Collects at least `want` commits from `sub`, waiting at most `timeout` overall.
std::vector<Commit> collect(Subscription& sub, std::size_t want,
                            std::chrono::milliseconds timeout) {
  std::vector<Commit> out;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (out.size() < want && std::chrono::steady_clock::now() < deadline) {
    auto got = sub.next(std::chrono::duration_cast<std::chrono::milliseconds>(
                            deadline - std::chrono::steady_clock::now()),
                        want - out.size());
    if (!got.ok()) {
      ADD_FAILURE() << "next: " << to_string(got.error().code) << " " << got.error().message;
      break;
    }
    for (auto& c : *got)
      out.push_back(std::move(c));
  }
  return out;
}

TEST_P(EventLogContract, AppendsAndReadsAStreamInOrder) {
  auto a = log_->append(make_append("doctor-a", 0, 1, "one"));
  ASSERT_OK(a);
  EXPECT_EQ(a->first_version, 1u);
  EXPECT_EQ(a->last_version, 1u);
  auto b = log_->append(make_append("doctor-a", 1, 2, "two"));
  ASSERT_OK(b);
  EXPECT_EQ(b->first_version, 2u);
  EXPECT_EQ(b->last_version, 3u);
  ASSERT_EQ(b->events.size(), 2u);
  EXPECT_TRUE(b->position.covers(a->position));
  EXPECT_FALSE(a->position.covers(b->position));

  auto events = log_->read_stream("doctor-a");
  ASSERT_OK(events);
  ASSERT_EQ(events->size(), 3u);
  for (std::uint64_t i = 0; i < 3; ++i)
    EXPECT_EQ((*events)[i].version, i + 1);
  EXPECT_EQ((*events)[0].data.at("tag"), "one");
  EXPECT_EQ((*events)[1].data.at("index"), 0);
  EXPECT_EQ((*events)[2].data.at("index"), 1);
  EXPECT_EQ((*events)[2].id, b->events[1].id);
  EXPECT_EQ((*events)[2].hash, b->events[1].hash);

  auto tail = log_->read_stream("doctor-a", 3);
  ASSERT_OK(tail);
  ASSERT_EQ(tail->size(), 1u);
  EXPECT_EQ(tail->front().version, 3u);

  auto version = log_->stream_version("doctor-a");
  ASSERT_OK(version);
  EXPECT_EQ(*version, 3u);
  auto none = log_->stream_version("doctor-none");
  ASSERT_OK(none);
  EXPECT_EQ(*none, 0u);
  auto empty = log_->read_stream("doctor-none");
  ASSERT_OK(empty);
  EXPECT_TRUE(empty->empty());
}

TEST_P(EventLogContract, StoresTheCloudEventsEnvelope) {
  AppendRequest request = make_append("doctor-env", 0, 1, "env");
  request.events[0].subject = "apt-42";
  auto appended = log_->append(request);
  ASSERT_OK(appended);
  auto events = log_->read_stream("doctor-env");
  ASSERT_OK(events);
  ASSERT_EQ(events->size(), 1u);
  const RecordedEvent& e = events->front();
  EXPECT_EQ(e.id.size(), 36u);
  EXPECT_EQ(e.source, "docket");
  EXPECT_EQ(e.type, "docket.test.happened.v1");
  EXPECT_EQ(e.subject, "apt-42");
  EXPECT_EQ(e.time, "2027-01-15T08:00:00Z");
  EXPECT_EQ(e.data, request.events[0].data);
  EXPECT_EQ(e.stream, "doctor-env");
  EXPECT_EQ(e.actor, (Actor{"user-1", "receptionist"}));
  EXPECT_EQ(e.correlation_id, "corr-1");
  EXPECT_EQ(e.causation_id, "cause-1");
  EXPECT_EQ(e.prevhash, kGenesisHash);
  EXPECT_EQ(e.hash, compute_hash(e));
  EXPECT_TRUE(e.position.covers(appended->position));
}

TEST_P(EventLogContract, ReadAllKeepsAppendOrderWithinEveryStream) {
  std::map<std::string, std::uint64_t> versions;
  std::map<std::string, std::vector<std::string>> expected;
  std::vector<Position> appended_positions;
  std::map<std::string, Position> appended_by_first_id;
  const std::vector<std::string> streams = {"doctor-x", "doctor-y", "doctor-z"};
  for (int i = 0; i < 30; ++i) {
    const std::string& s = streams[(i * 7) % 3];
    const std::string tag = "c" + std::to_string(i);
    auto r = log_->append(make_append(s, versions[s], 1 + i % 3, tag));
    ASSERT_OK(r);
    versions[s] = r->last_version;
    expected[s].push_back(tag);
    appended_positions.push_back(r->position);
    appended_by_first_id[r->events.front().id] = r->position;
  }
  const auto commits = read_everything(*log_, 7);
  ASSERT_EQ(commits.size(), 30u);
  for (const auto& s : streams)
    EXPECT_EQ(tags_of(commits, s), expected[s]) << s;
  auto head = log_->head();
  ASSERT_OK(head);
  for (const auto& p : appended_positions)
    EXPECT_TRUE(head->covers(p));
  // A commit's position read back covers the one its append reported.
  for (const Commit& c : commits) {
    const auto it = appended_by_first_id.find(c.events.front().id);
    ASSERT_NE(it, appended_by_first_id.end());
    EXPECT_TRUE(c.position.covers(it->second));
  }
  std::map<std::string, Position> positions_by_stream;
  for (const Commit& c : commits) {
    Position& last = positions_by_stream[c.stream];
    EXPECT_TRUE(c.position.covers(last)) << "positions go backwards in " << c.stream;
    last = c.position;
  }
}

TEST_P(EventLogContract, MultiEventAppendIsOneCommit) {
  auto r = log_->append(make_append("doctor-m", 0, 5, "five"));
  ASSERT_OK(r);
  ASSERT_EQ(r->events.size(), 5u);
  auto commits = read_everything(*log_);
  ASSERT_EQ(commits.size(), 1u);
  ASSERT_EQ(commits[0].events.size(), 5u);
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(commits[0].events[i].version, i + 1);
    EXPECT_EQ(commits[0].events[i].data.at("index"), i);
    EXPECT_EQ(commits[0].events[i].position, commits[0].position);
    if (i > 0) {
      EXPECT_EQ(commits[0].events[i].prevhash, commits[0].events[i - 1].hash);
    }
  }
  // A rejected multi-event append leaves no trace.
  auto rejected = log_->append(make_append("doctor-m", 2, 4, "stale"));
  ASSERT_FALSE(rejected.ok());
  auto events = log_->read_stream("doctor-m");
  ASSERT_OK(events);
  EXPECT_EQ(events->size(), 5u);
  EXPECT_EQ(read_everything(*log_).size(), 1u);
}

TEST_P(EventLogContract, WrongExpectedVersionIsAConflictWithTheActualVersion) {
  ASSERT_OK(log_->append(make_append("doctor-c", 0, 3)));
  for (std::uint64_t wrong : {0u, 2u, 4u, 9u}) {
    auto r = log_->append(make_append("doctor-c", wrong, 1, "wrong"));
    ASSERT_FALSE(r.ok()) << wrong;
    EXPECT_EQ(r.error().code, errc::version_conflict);
    EXPECT_EQ(r.error().actual_version, 3u);
  }
  auto fresh = log_->append(make_append("doctor-new", 1));
  ASSERT_FALSE(fresh.ok());
  EXPECT_EQ(fresh.error().code, errc::version_conflict);
  EXPECT_EQ(fresh.error().actual_version, 0u);
  auto version = log_->stream_version("doctor-c");
  ASSERT_OK(version);
  EXPECT_EQ(*version, 3u);
  EXPECT_EQ(read_everything(*log_).size(), 1u);
}

TEST_P(EventLogContract, RacingAppendersWinExactlyOncePerVersion) {
  constexpr int kThreads = 16;
  constexpr std::uint64_t kTarget = 40;
  std::mutex mutex;
  std::multiset<std::uint64_t> won;
  std::atomic<int> conflicts{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      while (true) {
        auto v = log_->stream_version("doctor-race");
        if (!v.ok()) {
          ++failures;
          return;
        }
        if (*v >= kTarget) return;
        auto r = log_->append(make_append("doctor-race", *v, 1 + t % 2, "t" + std::to_string(t)));
        if (r.ok()) {
          std::lock_guard lock(mutex);
          for (std::uint64_t x = r->first_version; x <= r->last_version; ++x)
            won.insert(x);
        } else if (r.error().code == errc::version_conflict && r.error().actual_version != *v) {
          ++conflicts;
        } else {
          ++failures;
          return;
        }
      }
    });
  }
  for (auto& th : threads)
    th.join();
  EXPECT_EQ(failures.load(), 0);
  auto events = log_->read_stream("doctor-race");
  ASSERT_OK(events);
  ASSERT_GE(events->size(), kTarget);
  EXPECT_EQ(won.size(), events->size());
  std::uint64_t expect = 1;
  for (const auto& e : *events) {
    EXPECT_EQ(e.version, expect);
    EXPECT_EQ(won.count(expect), 1u) << "version " << expect << " acknowledged twice or never";
    ++expect;
  }
  auto report = verify_log(*log_);
  ASSERT_OK(report);
  EXPECT_TRUE(report->ok()) << report->broken->reason;
}

TEST_P(EventLogContract, ReadAllPagesThroughEverything) {
  std::map<std::string, std::uint64_t> versions;
  for (int i = 0; i < 25; ++i) {
    const std::string s = "doctor-p" + std::to_string(i % 4);
    auto r = log_->append(make_append(s, versions[s], 1 + i % 2));
    ASSERT_OK(r);
    versions[s] = r->last_version;
  }
  const auto all = read_everything(*log_, 1000);
  ASSERT_EQ(all.size(), 25u);
  std::vector<std::string> paged_ids;
  Position at;
  int pages = 0;
  while (true) {
    auto batch = log_->read_all(at, 4);
    ASSERT_OK(batch);
    EXPECT_LE(batch->commits.size(), 4u);
    if (batch->commits.empty()) {
      EXPECT_EQ(batch->next, at);
      break;
    }
    for (const auto& c : batch->commits)
      paged_ids.push_back(c.events.front().id);
    EXPECT_TRUE(batch->next.covers(at));
    at = batch->next;
    ASSERT_LT(++pages, 100);
  }
  ASSERT_EQ(paged_ids.size(), all.size());
  std::multiset<std::string> a(paged_ids.begin(), paged_ids.end());
  std::multiset<std::string> b;
  for (const auto& c : all)
    b.insert(c.events.front().id);
  EXPECT_EQ(a, b);
  auto head = log_->head();
  ASSERT_OK(head);
  EXPECT_EQ(at, *head);
}

TEST_P(EventLogContract, SubscriptionFromStartCatchesUpThenFollows) {
  for (int i = 0; i < 10; ++i)
    ASSERT_OK(log_->append(make_append("doctor-s", i, 1)));
  auto sub = log_->subscribe(Position());
  ASSERT_OK(sub);
  auto caught_up = collect(**sub, 10, factory_->live_timeout());
  ASSERT_EQ(caught_up.size(), 10u);
  for (std::size_t i = 0; i < 10; ++i)
    EXPECT_EQ(caught_up[i].events.front().version, i + 1);

  // Live: appended from another thread while this one waits in next().
  std::thread writer([&] {
    for (int i = 10; i < 13; ++i) {
      auto r = log_->append(make_append("doctor-s", i, 1));
      EXPECT_TRUE(r.ok());
    }
  });
  auto live = collect(**sub, 3, factory_->live_timeout());
  writer.join();
  ASSERT_EQ(live.size(), 3u);
  EXPECT_EQ(live[0].events.front().version, 11u);
  EXPECT_EQ(live[2].events.front().version, 13u);
  EXPECT_EQ((*sub)->position(), live[2].position);
}

TEST_P(EventLogContract, SubscriptionFromTheMiddleSkipsWhatCameBefore) {
  for (int i = 0; i < 6; ++i) {
    ASSERT_OK(log_->append(make_append("doctor-q" + std::to_string(i % 2), i / 2, 1)));
  }
  auto first = log_->read_all(Position(), 4);
  ASSERT_OK(first);
  ASSERT_EQ(first->commits.size(), 4u);
  auto rest = log_->read_all(first->next, 100);
  ASSERT_OK(rest);
  ASSERT_EQ(rest->commits.size(), 2u);

  auto sub = log_->subscribe(first->next);
  ASSERT_OK(sub);
  auto got = collect(**sub, 2, factory_->live_timeout());
  ASSERT_EQ(got.size(), 2u);
  // Exactly the rest; commits of different streams may come in another interleaving.
  auto ids = [](const std::vector<Commit>& commits) {
    std::multiset<std::string> out;
    for (const Commit& c : commits)
      out.insert(c.events.front().id);
    return out;
  };
  EXPECT_EQ(ids(got), ids(rest->commits));

  ASSERT_OK(log_->append(make_append("doctor-q0", 3, 2)));
  auto live = collect(**sub, 1, factory_->live_timeout());
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(live[0].events.size(), 2u);
  EXPECT_EQ(live[0].events[0].version, 4u);
}

TEST_P(EventLogContract, SubscriptionFromHeadSeesOnlyNewCommits) {
  for (int i = 0; i < 3; ++i)
    ASSERT_OK(log_->append(make_append("doctor-h", i, 1)));
  auto head = log_->head();
  ASSERT_OK(head);
  auto sub = log_->subscribe(*head);
  ASSERT_OK(sub);
  auto nothing = (*sub)->next(50ms, 10);
  ASSERT_OK(nothing);
  EXPECT_TRUE(nothing->empty());
  ASSERT_OK(log_->append(make_append("doctor-h", 3, 1, "new")));
  auto live = collect(**sub, 1, factory_->live_timeout());
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(live[0].events.front().data.at("tag"), "new");
  EXPECT_EQ(live[0].events.front().version, 4u);
}

TEST_P(EventLogContract, ClosingASubscriptionWakesABlockedNext) {
  auto sub = log_->subscribe(Position());
  ASSERT_OK(sub);
  Subscription& s = **sub;
  auto waiting = std::async(std::launch::async, [&] { return s.next(60s, 10); });
  s.close();
  ASSERT_EQ(waiting.wait_for(10s), std::future_status::ready);
  auto r = waiting.get();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, errc::closed);
  auto again = s.next(0ms, 1);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, errc::closed);
}

TEST_P(EventLogContract, ClosingTheLogWakesSubscriptionsAndRefusesAppends) {
  ASSERT_OK(log_->append(make_append("doctor-w", 0, 1)));
  auto sub = log_->subscribe(Position());
  ASSERT_OK(sub);
  Subscription& s = **sub;
  ASSERT_EQ(collect(s, 1, factory_->live_timeout()).size(), 1u);
  auto waiting = std::async(std::launch::async, [&] { return s.next(60s, 10); });
  log_->close();
  ASSERT_EQ(waiting.wait_for(10s), std::future_status::ready);
  auto r = waiting.get();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, errc::closed);

  auto append = log_->append(make_append("doctor-w", 1, 1));
  ASSERT_FALSE(append.ok());
  EXPECT_EQ(append.error().code, errc::closed);
  log_->close();  // idempotent
}

TEST_P(EventLogContract, ReopenedLogHasEverythingAndContinuesTheChain) {
  ASSERT_OK(log_->append(make_append("doctor-r1", 0, 2)));
  ASSERT_OK(log_->append(make_append("doctor-r2", 0, 1)));
  auto last = log_->append(make_append("doctor-r1", 2, 1));
  ASSERT_OK(last);
  const auto before = read_everything(*log_);
  auto head_before = log_->head();
  ASSERT_OK(head_before);

  reopen();

  // The same commits with the same events; commits of different streams may interleave
  // differently from one read to the next (Kafka partitions), each stream's never do.
  const auto after = read_everything(*log_);
  ASSERT_EQ(after.size(), before.size());
  auto by_stream = [](const std::vector<Commit>& commits) {
    std::map<std::string, std::vector<std::string>> out;  // stream -> "id hash" of every event
    for (const Commit& c : commits) {
      for (const RecordedEvent& e : c.events)
        out[c.stream].push_back(e.id + " " + e.hash);
    }
    return out;
  };
  EXPECT_EQ(by_stream(after), by_stream(before));
  auto head_after = log_->head();
  ASSERT_OK(head_after);
  EXPECT_EQ(*head_after, *head_before);
  auto version = log_->stream_version("doctor-r1");
  ASSERT_OK(version);
  EXPECT_EQ(*version, 3u);

  auto stale = log_->append(make_append("doctor-r1", 2, 1));
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, errc::version_conflict);
  auto next = log_->append(make_append("doctor-r1", 3, 1));
  ASSERT_OK(next);
  EXPECT_EQ(next->first_version, 4u);
  EXPECT_EQ(next->events[0].prevhash, last->events.back().hash);
  // What every backend promises about positions (a partitioned log has no global order, and a
  // position read back is the reader's, spanning every partition): a commit's position covers
  // those its stream's earlier appends reported; no position reported before it was made covers
  // it; and a reader resuming after the stream's last commit read before the reopen gets it.
  EXPECT_TRUE(next->position.covers(last->position));
  EXPECT_FALSE(head_before->covers(next->position));
  Position stream_before;
  for (const Commit& c : before) {
    if (c.stream == "doctor-r1") stream_before = c.position;
  }
  EXPECT_FALSE(stream_before.covers(next->position));
  std::vector<std::string> resumed;
  for (Position at = stream_before;;) {
    auto batch = log_->read_all(at, 100);
    ASSERT_OK(batch);
    for (const Commit& c : batch->commits) {
      if (c.stream == "doctor-r1") resumed.push_back(c.events.front().id);
    }
    if (batch->commits.empty()) break;
    at = batch->next;
  }
  EXPECT_EQ(resumed, std::vector<std::string>{next->events.front().id});
  auto head_now = log_->head();
  ASSERT_OK(head_now);
  EXPECT_TRUE(head_now->covers(*head_before));
  EXPECT_TRUE(head_now->covers(next->position));

  auto report = verify_log(*log_);
  ASSERT_OK(report);
  EXPECT_TRUE(report->ok()) << report->broken->reason;
  EXPECT_EQ(report->events, 5u);
}

TEST_P(EventLogContract, HashChainVerifies) {
  std::map<std::string, std::uint64_t> versions;
  for (int i = 0; i < 20; ++i) {
    const std::string s = "doctor-v" + std::to_string(i % 3);
    auto r = log_->append(make_append(s, versions[s], 1 + i % 4));
    ASSERT_OK(r);
    versions[s] = r->last_version;
  }
  auto report = verify_log(*log_, 3);
  ASSERT_OK(report);
  EXPECT_TRUE(report->ok()) << report->broken->reason;
  EXPECT_EQ(report->commits, 20u);
  EXPECT_EQ(report->streams, 3u);
  std::uint64_t events = 0;
  for (const auto& [s, v] : versions)
    events += v;
  EXPECT_EQ(report->events, events);

  for (const auto& [s, v] : versions) {
    auto stream = log_->read_stream(s);
    ASSERT_OK(stream);
    ASSERT_EQ(stream->size(), v);
    EXPECT_EQ(stream->front().prevhash, kGenesisHash);
    for (std::size_t i = 1; i < stream->size(); ++i) {
      EXPECT_EQ((*stream)[i].prevhash, (*stream)[i - 1].hash);
    }
  }
}

TEST_P(EventLogContract, RejectsInvalidAppends) {
  AppendRequest no_events = make_append("doctor-i", 0, 1);
  no_events.events.clear();
  AppendRequest no_stream = make_append("", 0, 1);
  AppendRequest no_type = make_append("doctor-i", 0, 2);
  no_type.events[1].type.clear();
  AppendRequest control = make_append("doctor\n-i", 0, 1);
  for (AppendRequest* r : {&no_events, &no_stream, &no_type, &control}) {
    auto result = log_->append(*r);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, errc::invalid_argument) << result.error().message;
  }
  EXPECT_TRUE(read_everything(*log_).empty());
  auto version = log_->stream_version("doctor-i");
  ASSERT_OK(version);
  EXPECT_EQ(*version, 0u);
}

TEST_P(EventLogContract, AsyncAppendsCompleteExactlyOnce) {
  constexpr int kStreams = 50;
  std::atomic<int> calls{0};
  std::atomic<int> ok{0};
  std::vector<std::promise<void>> done(kStreams);
  for (int i = 0; i < kStreams; ++i) {
    log_->append_async(make_append("doctor-async" + std::to_string(i), 0, 1),
                       [&, i](Result<AppendResult> r) {
                         ++calls;
                         if (r.ok()) ++ok;
                         done[i].set_value();
                       });
  }
  for (auto& d : done) {
    ASSERT_EQ(d.get_future().wait_for(30s), std::future_status::ready);
  }
  EXPECT_EQ(calls.load(), kStreams);
  EXPECT_EQ(ok.load(), kStreams);
  EXPECT_EQ(read_everything(*log_).size(), static_cast<std::size_t>(kStreams));
}

}  // namespace
}  // namespace docket::eventstore::testing
