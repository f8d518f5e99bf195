#include <gtest/gtest.h>

#include <condition_variable>
#include <latch>
#include <mutex>
#include <thread>
#include <vector>

#include "api/entity_id.hpp"
#include "faulty_log.hpp"
#include "service_fixture.hpp"

namespace docket::api::testing {
namespace {

using namespace std::chrono_literals;

// Collects asynchronous replies in the order they arrive.
class Replies {
 public:
  CommandCallback callback(int index) {
    return [this, index](CommandResult r) {
      std::lock_guard lock(mutex_);
      order_.push_back(index);
      results_.emplace(index, std::move(r));
      cv_.notify_all();
    };
  }
  // Waits (bounded) for `n` replies.
  bool wait_for(std::size_t n) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, 30s, [&] { return results_.size() >= n; });
  }
  const CommandResult& at(int index) { return results_.at(index); }
  const std::vector<int>& order() { return order_; }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<int> order_;
  std::map<int, CommandResult> results_;
};

// Runs with replies answered on a worker (the default) and on the log's completion thread.
void decide_in_order(bool answer_on_log_thread) {
  TempDir dir;
  CommandServiceOptions options;
  options.answer_on_log_thread = answer_on_log_thread;
  WriteSide ws(dir.path(), options);
  ws.add_doctor("dr-ada");
  constexpr int n = 150;
  Replies replies;
  for (int i = 0; i < n; ++i) {
    ws.service().submit("dr-ada",
                        book(new_entity_id("dr-ada"), slot(i), "pat-" + std::to_string(i)), {},
                        replies.callback(i));
  }
  ASSERT_TRUE(replies.wait_for(n));
  for (int i = 0; i < n; ++i) {
    ASSERT_TRUE(replies.at(i).ok()) << i << ": " << describe(replies.at(i));
    EXPECT_EQ(replies.at(i)->version, 3u + static_cast<unsigned>(i));  // after register + schedule
    ASSERT_EQ(replies.at(i)->events.size(), 1u);
  }
  std::vector<int> expected(n);
  for (int i = 0; i < n; ++i)
    expected[i] = i;
  EXPECT_EQ(replies.order(), expected);
  auto version = ws.log().stream_version("doctor-dr-ada");
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(*version, 2u + n);
}

TEST(CommandService, DecidesOneDoctorsCommandsInOrderAndAllSucceed) {
  decide_in_order(false);
}

TEST(CommandService, AnswersInOrderFromTheLogsCompletionThread) {
  decide_in_order(true);
}

TEST(CommandService, HundredThreadsOnOneSlotGiveExactlyOneBooking) {
  TempDir dir;
  WriteSide ws(dir.path());
  ws.add_doctor("dr-ada");
  constexpr int n = 100;
  std::latch start(n);
  std::vector<CommandResult> results(n, fail(CommandError{}));
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      results[i] = ws.service().execute(
          "dr-ada", book(new_entity_id("dr-ada"), slot(0), "pat-" + std::to_string(i)));
    });
  }
  for (auto& t : threads)
    t.join();
  int booked = 0;
  for (const CommandResult& r : results) {
    if (r.ok()) {
      ++booked;
    } else {
      EXPECT_EQ(r.error().code, command_errc::rejected) << describe(r);
      EXPECT_EQ(r.error().domain.code, domain::errc::slot_taken) << describe(r);
    }
  }
  EXPECT_EQ(booked, 1);
  EXPECT_EQ(*ws.log().stream_version("doctor-dr-ada"), 3u);
}

TEST(CommandService, DecidesDistinctDoctorsInParallel) {
  TempDir dir;
  CommandServiceOptions options;
  options.workers = 4;
  WriteSide ws(dir.path(), options);
  constexpr int doctors = 8;
  constexpr int per_doctor = 25;
  for (int d = 0; d < doctors; ++d)
    ws.add_doctor("dr-" + std::to_string(d));
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int d = 0; d < doctors; ++d) {
    threads.emplace_back([&, d] {
      const std::string doctor = "dr-" + std::to_string(d);
      Replies replies;
      for (int i = 0; i < per_doctor; ++i)
        ws.service().submit(doctor, book(new_entity_id(doctor), slot(i), "p" + std::to_string(i)),
                            {}, replies.callback(i));
      if (!replies.wait_for(per_doctor)) return;
      for (int i = 0; i < per_doctor; ++i) {
        if (replies.at(i).ok() && replies.at(i)->version == 3u + static_cast<unsigned>(i)) ++ok;
      }
    });
  }
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(ok.load(), doctors * per_doctor);
  for (int d = 0; d < doctors; ++d)
    EXPECT_EQ(*ws.log().stream_version("doctor-dr-" + std::to_string(d)), 2u + per_doctor);
  const CommandMetrics& m = ws.service().metrics();
  std::uint64_t batches = 0;
  for (const auto& b : m.append_batch)
    batches += b.load();
  EXPECT_EQ(batches, m.appends.load());
  EXPECT_EQ(m.commands[8][static_cast<int>(command_outcome::ok)].load(),
            static_cast<std::uint64_t>(doctors * per_doctor));
  EXPECT_EQ(command_kind_name(8), "book_appointment");
}

TEST(CommandService, IfMatchMismatchIsItsOwnError) {
  TempDir dir;
  WriteSide ws(dir.path());
  ws.add_doctor("dr-ada");
  CommandOptions stale;
  stale.expected_version = 1;
  const CommandResult r = ws.service().execute("dr-ada", book("dr-ada.a", slot(0), "p1"), stale);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, command_errc::version_mismatch);
  EXPECT_EQ(r.error().current_version, 2u);
  CommandOptions current;
  current.expected_version = 2;
  const CommandResult ok = ws.service().execute("dr-ada", book("dr-ada.a", slot(0), "p1"), current);
  ASSERT_TRUE(ok.ok()) << describe(ok);
  EXPECT_EQ(ok->version, 3u);
}

TEST(CommandService, AnswersUnknownAndInvalidDoctors) {
  TempDir dir;
  WriteSide ws(dir.path());
  const CommandResult unknown = ws.service().execute("dr-nobody", book("x", slot(0), "p1"));
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().domain.code, domain::errc::doctor_not_found) << describe(unknown);
  const CommandResult invalid = ws.service().execute("Dr.Bad", book("x", slot(0), "p1"));
  ASSERT_FALSE(invalid.ok());
  EXPECT_EQ(invalid.error().domain.code, domain::errc::doctor_not_found);
  const CommandResult bad_register = ws.service().execute("Dr.Bad", register_doctor("Dr.Bad"));
  ASSERT_FALSE(bad_register.ok());
  EXPECT_EQ(bad_register.error().domain.code, domain::errc::invalid_id);
  EXPECT_EQ(*ws.log().stream_version("doctor-dr-nobody"), 0u);
}

TEST(CommandService, BuildsTheReplyFromTheStateAfterTheCommand) {
  TempDir dir;
  WriteSide ws(dir.path());
  ws.add_doctor("dr-ada");
  CommandOptions options;
  options.view = [](const domain::DoctorState& after, const std::vector<domain::Event>& events) {
    const auto& booked = std::get<domain::AppointmentBooked>(events.at(0));
    return nlohmann::json{{"number", after.find_appointment(booked.appointment_id)->number},
                          {"version", after.version()}};
  };
  const CommandResult r = ws.service().execute("dr-ada", book("dr-ada.a", slot(0), "p1"), options);
  ASSERT_TRUE(r.ok()) << describe(r);
  EXPECT_EQ(r->view["number"], "APT-20270301-0001");
  EXPECT_EQ(r->view["version"], 3);
  EXPECT_FALSE(r->position.offsets().empty());
  // A command that changes nothing answers with the position its decision was based on.
  domain::ReleaseHold release;
  release.actor = patient("p1");
  release.hold_id = "dr-ada.never-placed";
  const CommandResult noop = ws.service().execute("dr-ada", release);
  if (noop.ok()) {
    EXPECT_TRUE(noop->events.empty());
    EXPECT_EQ(noop->position, r->position);
    EXPECT_EQ(noop->version, 3u);
  } else {
    EXPECT_EQ(noop.error().code, command_errc::rejected) << describe(noop);
  }
}

TEST(CommandService, ConflictWithAnotherWriterIsDecidedAgainOnce) {
  TempDir dir;
  auto opened = eventstore::open_embedded_log({dir.path() / "log", 1024});
  ASSERT_TRUE(opened.ok());
  eventstore::EventLog& log = **opened;
  ManualClock clock(kStart);
  CommandServiceOptions options;
  options.clock = clock.function();
  CommandService a(log, nullptr, options);
  CommandService b(log, nullptr, options);
  ASSERT_TRUE(a.execute("dr-ada", register_doctor("dr-ada")).ok());
  ASSERT_TRUE(a.execute("dr-ada", weekday_schedule()).ok());
  ASSERT_TRUE(b.state_of("dr-ada").ok());  // b caches the doctor at version 2

  ASSERT_TRUE(a.execute("dr-ada", book("dr-ada.a0", slot(0), "p0")).ok());  // version 3
  // b decides against version 2, loses the append, reloads and succeeds on the second try.
  const CommandResult b1 = b.execute("dr-ada", book("dr-ada.b1", slot(1), "p1"));
  ASSERT_TRUE(b1.ok()) << describe(b1);
  EXPECT_EQ(b1->version, 4u);
  EXPECT_EQ(b.metrics().conflicts.load(), 1u);

  // a is now stale (version 3): its booking of slot 2 conflicts once, then succeeds.
  const CommandResult a2 = a.execute("dr-ada", book("dr-ada.a2", slot(2), "p2"));
  ASSERT_TRUE(a2.ok()) << describe(a2);
  EXPECT_EQ(a2->version, 5u);
  // b is stale again; re-deciding against fresh state finds the slot taken.
  const CommandResult b2 = b.execute("dr-ada", book("dr-ada.b2", slot(2), "p3"));
  ASSERT_FALSE(b2.ok());
  EXPECT_EQ(b2.error().code, command_errc::rejected) << describe(b2);
  EXPECT_EQ(b2.error().domain.code, domain::errc::slot_taken);
  EXPECT_EQ(*log.stream_version("doctor-dr-ada"), 5u);
  a.close();
  b.close();
}

TEST(CommandService, ASecondConflictAnswersConflict) {
  TempDir dir;
  auto opened = eventstore::open_embedded_log({dir.path() / "log", 1024});
  ASSERT_TRUE(opened.ok());
  FaultyLog log(**opened);
  ManualClock clock(kStart);
  CommandServiceOptions options;
  options.clock = clock.function();
  CommandService service(log, nullptr, options);
  ASSERT_TRUE(service.execute("dr-ada", register_doctor("dr-ada")).ok());
  ASSERT_TRUE(service.execute("dr-ada", weekday_schedule()).ok());
  log.fail_next(eventstore::errc::version_conflict, 2);
  const CommandResult r = service.execute("dr-ada", book("dr-ada.a", slot(0), "p0"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, command_errc::conflict) << describe(r);
  EXPECT_EQ(r.error().current_version, 2u);
  EXPECT_EQ(log.appends_seen(), 4);  // two setup appends, the first try, one re-decision
  const CommandResult next = service.execute("dr-ada", book("dr-ada.b", slot(0), "p0"));
  ASSERT_TRUE(next.ok()) << describe(next);
  EXPECT_EQ(next->version, 3u);
  service.close();
}

TEST(CommandService, AFailedAppendAcknowledgesNothingBuiltOnIt) {
  TempDir dir;
  auto opened = eventstore::open_embedded_log({dir.path() / "log", 1024});
  ASSERT_TRUE(opened.ok());
  FaultyLog log(**opened);
  ManualClock clock(kStart);
  CommandServiceOptions options;
  options.clock = clock.function();
  CommandService service(log, nullptr, options);
  ASSERT_TRUE(service.execute("dr-ada", register_doctor("dr-ada")).ok());
  ASSERT_TRUE(service.execute("dr-ada", weekday_schedule()).ok());

  // Three decisions pile up on one another while the first append is held back: the first books
  // slot 0, the second slot 1, the third is decided as slot_taken against the first's booking.
  log.hold();
  Replies replies;
  service.submit("dr-ada", book("dr-ada.first", slot(0), "p0"), {}, replies.callback(0));
  service.submit("dr-ada", book("dr-ada.second", slot(1), "p1"), {}, replies.callback(1));
  service.submit("dr-ada", book("dr-ada.third", slot(0), "p2"), {}, replies.callback(2));
  // Wait (bounded) until both appends are held: the third decision needs no append.
  ASSERT_EQ(log.wait_held(2, 10s), 2u);
  log.fail_next(eventstore::errc::io_error);
  log.release();
  ASSERT_TRUE(replies.wait_for(3));

  ASSERT_FALSE(replies.at(0).ok());
  EXPECT_EQ(replies.at(0).error().code, command_errc::unavailable);
  // Decided again against the state without the failed booking.
  ASSERT_TRUE(replies.at(1).ok()) << describe(replies.at(1));
  ASSERT_TRUE(replies.at(2).ok()) << describe(replies.at(2));
  EXPECT_EQ(replies.order(), (std::vector<int>{0, 1, 2}));
  auto state = service.state_of("dr-ada");
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->find_appointment("dr-ada.first"), nullptr);
  ASSERT_NE(state->find_appointment("dr-ada.third"), nullptr);
  EXPECT_EQ(state->find_appointment("dr-ada.third")->start, slot(0));
  EXPECT_EQ(state->version(), 4u);
  EXPECT_EQ(*log.stream_version("doctor-dr-ada"), 4u);
  EXPECT_GE(service.metrics().redecisions.load(), 2u);
  EXPECT_EQ(service.metrics().pipeline_hazards.load(), 0u);

  const CommandResult next = service.execute("dr-ada", book("dr-ada.fourth", slot(0), "p3"));
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.error().domain.code, domain::errc::slot_taken);
  service.close();
}

TEST(CommandService, EvictsIdleDoctorsAndReloadsThem) {
  TempDir dir;
  CommandServiceOptions options;
  options.max_cached_doctors = 2;
  WriteSide ws(dir.path(), options);
  for (int d = 0; d < 5; ++d)
    ws.add_doctor("dr-" + std::to_string(d));
  EXPECT_LE(ws.service().metrics().cached_doctors.load(), 2u);
  EXPECT_GE(ws.service().metrics().evictions.load(), 3u);
  const CommandResult r = ws.service().execute("dr-0", book("dr-0.a", slot(0), "p"));
  ASSERT_TRUE(r.ok()) << describe(r);
  EXPECT_EQ(r->version, 3u);
  EXPECT_GE(ws.service().metrics().rehydrations.load(), 6u);
}

}  // namespace
}  // namespace docket::api::testing
