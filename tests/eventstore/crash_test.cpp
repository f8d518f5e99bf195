// Crash safety of the embedded log: a child process appends from several threads and is killed
// with SIGKILL at a random moment (fixed seed); after each kill the log must hold every append the
// child acknowledged, no part of any commit it did not, contiguous versions and an intact chain.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "eventstore/embedded_log.hpp"
#include "eventstore/verify.hpp"
#include "tests/eventstore/contract_helpers.hpp"
#include "tests/eventstore/temp_dir.hpp"

namespace docket::eventstore::testing {
namespace {

struct Ack {
  std::string stream;
  std::uint64_t first = 0;
  std::uint64_t last = 0;
  std::string position;
  std::string commit;
};

// A running crash_appender whose stdout we read line by line.
class Child {
 public:
  Child(const std::filesystem::path& dir, int threads, unsigned seed) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(fds[1], STDOUT_FILENO);
      const std::string dir_arg = dir.string();
      const std::string threads_arg = std::to_string(threads);
      const std::string seed_arg = std::to_string(seed);
      ::execl(DOCKET_CRASH_APPENDER, DOCKET_CRASH_APPENDER, dir_arg.c_str(), threads_arg.c_str(),
              seed_arg.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(fds[1]);
    out_ = fds[0];
  }
  ~Child() {
    kill_and_reap();
    if (out_ >= 0) ::close(out_);
  }

  // The next complete line, or nullopt at EOF or when `deadline` passes.
  std::optional<std::string> line(std::chrono::steady_clock::time_point deadline) {
    while (true) {
      if (const auto nl = buffer_.find('\n'); nl != std::string::npos) {
        std::string l = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        return l;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      pollfd p{out_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char chunk[4096];
      const ssize_t n = ::read(out_, chunk, sizeof chunk);
      if (n <= 0) return std::nullopt;  // EOF: the child is gone
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }

  // SIGKILL, then wait until it is gone. Returns the wait status.
  int kill_and_reap() {
    if (pid_ <= 0) return 0;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
  }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  std::string buffer_;
};

std::optional<Ack> parse_ack(const std::string& line) {
  std::istringstream in(line);
  std::string word;
  Ack a;
  if (!(in >> word) || word != "ack") return std::nullopt;
  if (!(in >> a.stream >> a.first >> a.last >> a.position >> a.commit)) return std::nullopt;
  return a;
}

// Everything the log must show after a crash, given every acknowledgement so far.
void check_log(const std::filesystem::path& dir, const std::vector<Ack>& acks) {
  auto opened = open_embedded_log({dir});
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  EventLog& log = **opened;

  // No commit is partly present: every stored commit holds all of its events, in order.
  std::map<std::string, std::size_t> commit_sizes;
  for (const Commit& c : read_everything(log, 1000)) {
    const auto& first = c.events.front().data;
    const std::string id = first.at("commit").get<std::string>();
    ASSERT_EQ(c.events.size(), first.at("of").get<std::size_t>()) << "partial commit " << id;
    for (std::size_t i = 0; i < c.events.size(); ++i) {
      ASSERT_EQ(c.events[i].data.at("commit"), id);
      ASSERT_EQ(c.events[i].data.at("index"), i);
    }
    ASSERT_TRUE(commit_sizes.emplace(id, c.events.size()).second) << "commit stored twice " << id;
  }

  // Every acknowledged commit is there, at the versions and position it was acknowledged with.
  std::map<std::string, std::vector<RecordedEvent>> streams;
  for (const Ack& a : acks) {
    auto [it, inserted] = streams.try_emplace(a.stream);
    if (inserted) {
      auto events = log.read_stream(a.stream);
      ASSERT_TRUE(events.ok()) << events.error().message;
      it->second = std::move(*events);
    }
    const auto& events = it->second;
    ASSERT_GE(events.size(), a.last) << "lost acknowledged commit " << a.commit;
    for (std::uint64_t v = a.first; v <= a.last; ++v) {
      const RecordedEvent& e = events[v - 1];
      ASSERT_EQ(e.version, v);
      ASSERT_EQ(e.data.at("commit"), a.commit) << a.stream << " v" << v;
      ASSERT_EQ(e.position.to_token(), a.position);
    }
  }

  // Versions contiguous and every chain intact.
  auto report = verify_log(log);
  ASSERT_TRUE(report.ok()) << report.error().message;
  ASSERT_TRUE(report->ok()) << report->broken->stream << " v" << report->broken->version << ": "
                            << report->broken->reason;
}

TEST(EmbeddedLogCrash, KilledAppenderLosesNothingAcknowledgedAndLeavesNoPartialCommit) {
  constexpr int kRounds = 20;
  constexpr int kThreads = 4;
  TempDir dir;
  const auto log_dir = dir.path() / "log";
  std::mt19937 rng(20261122);
  std::vector<Ack> acks;
  for (int round = 0; round < kRounds; ++round) {
    const int kill_after = 1 + static_cast<int>(rng() % 300);
    Child child(log_dir, kThreads, static_cast<unsigned>(round + 1));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    auto ready = child.line(deadline);
    ASSERT_TRUE(ready.has_value() && *ready == "ready") << "round " << round;
    int seen = 0;
    while (seen < kill_after) {
      auto l = child.line(deadline);
      ASSERT_TRUE(l.has_value()) << "round " << round << ": child stopped after " << seen;
      auto ack = parse_ack(*l);
      ASSERT_TRUE(ack.has_value()) << *l;
      acks.push_back(std::move(*ack));
      ++seen;
    }
    const int status = child.kill_and_reap();
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "round " << round;
    // Acknowledgements written before the kill count too.
    while (auto l = child.line(std::chrono::steady_clock::now() + std::chrono::seconds(5))) {
      if (auto ack = parse_ack(*l)) acks.push_back(std::move(*ack));
    }
    check_log(log_dir, acks);
    if (HasFatalFailure()) return;
  }
  EXPECT_GT(acks.size(), static_cast<std::size_t>(kRounds));
}

}  // namespace
}  // namespace docket::eventstore::testing
