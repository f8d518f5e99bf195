// Crash safety of the read side: a child process projects (or rebuilds) a real log and is
// killed with SIGKILL at a random point of its progress (fixed seed); after every kill, a
// restarted projector must end with read models equal to a rebuild from zero, because read-model
// changes and checkpoint are written in one WriteBatch.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <random>
#include <stdexcept>

#include "projections/rebuild.hpp"
#include "tests/projections/fixture.hpp"

namespace docket::projections::testing {
namespace {

// A running crash child whose stdout is read line by line.
class Child {
 public:
  Child(const char* mode, const std::filesystem::path& log, const std::filesystem::path& store) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(fds[1], STDOUT_FILENO);
      ::execl(DOCKET_PROJECTIONS_CRASH_CHILD, DOCKET_PROJECTIONS_CRASH_CHILD, mode, log.c_str(),
              store.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(fds[1]);
    out_ = fds[0];
  }
  ~Child() {
    kill_and_reap();
    ::close(out_);
  }
  // The next line, or "" at end of output or after 20 s without one.
  std::string next_line() {
    for (;;) {
      if (const auto nl = buf_.find('\n'); nl != std::string::npos) {
        std::string line = buf_.substr(0, nl);
        buf_.erase(0, nl + 1);
        return line;
      }
      pollfd p{out_, POLLIN, 0};
      if (::poll(&p, 1, 20'000) <= 0) return {};
      char chunk[4096];
      const ssize_t n = ::read(out_, chunk, sizeof chunk);
      if (n <= 0) return {};
      buf_.append(chunk, static_cast<std::size_t>(n));
    }
  }
  void kill_and_reap() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  std::string buf_;
};

// Runs the child in `mode` and kills it as soon as it reports a position at or past `target`
// events; true when the kill came before the child finished.
bool run_and_kill(const char* mode, const std::filesystem::path& log,
                  const std::filesystem::path& store, std::uint64_t target) {
  Child child(mode, log, store);
  for (;;) {
    const std::string line = child.next_line();
    if (line.empty() || line == "done") return false;
    const auto at = eventstore::Position::from_token(line.substr(3));
    if (at && at->at(0) >= target) break;
  }
  child.kill_and_reap();
  return true;
}

TEST(Crash, KilledProjectorRestartsToTheSameModelsAsARebuild) {
  TempDir dir;
  const auto log_dir = dir.path() / "log";
  const auto store_dir = dir.path() / "models";
  eventstore::Position head;
  {
    auto log = open_log(log_dir);
    Workload workload(31);
    workload.run(*log, 4000);
    head = *log->head();
  }
  std::mt19937 rng(4242);
  int killed_mid_way = 0;
  // Each round restarts from the checkpoint of the previous one's last flush (the child flushes
  // every 100 events; what came after is lost with the process), so the targets climb: a random
  // point in each eighth of the log up to three quarters.
  const std::uint64_t eighth = head.at(0) / 8;
  for (std::uint64_t round = 0; round < 6; ++round) {
    const std::uint64_t target =
        round * eighth + std::uniform_int_distribution<std::uint64_t>(1, eighth)(rng);
    killed_mid_way += run_and_kill("project", log_dir, store_dir, target);
  }
  EXPECT_GE(killed_mid_way, 3) << "kills should land while the child is projecting";
  // Killed while rebuilding into a new generation: the serving one stays as it was.
  std::string serving_before;
  {
    auto store = open_store(store_dir);
    serving_before = store->current()->dump(ModelSet::all());
  }
  EXPECT_TRUE(run_and_kill("rebuild", log_dir, store_dir, 1));

  auto log = open_log(log_dir);
  auto store = open_store(store_dir);
  EXPECT_TRUE(store->current()->dump(ModelSet::all()) == serving_before);
  int generations = 0;
  for (const auto& e : std::filesystem::directory_iterator(store_dir))
    generations += e.path().filename().string().rfind("gen-", 0) == 0;
  EXPECT_EQ(generations, 1) << "the unfinished generation is removed on open";

  EXPECT_FALSE(store->current()->checkpoint().covers(head)) << "the kills left work to do";
  EXPECT_GT(store->current()->checkpoint().at(0), eighth) << "flushed batches survive the kills";
  Projector projector(*log, *store);
  ASSERT_TRUE(projector.start().ok());
  ASSERT_TRUE(projector.wait_for(head, std::chrono::seconds(30)));
  TempDir fresh_dir;
  auto fresh = open_store(fresh_dir.path());
  ASSERT_TRUE(rebuild(*log, *fresh, {}).ok());
  for (const Model m : ModelSet::all().list()) {
    const std::string a = store->current()->dump(ModelSet::of(m));
    const std::string b = fresh->current()->dump(ModelSet::of(m));
    EXPECT_TRUE(a == b) << to_string(m) << ": " << first_difference(a, b);
  }
}

}  // namespace
}  // namespace docket::projections::testing
