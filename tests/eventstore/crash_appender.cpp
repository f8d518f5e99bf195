// Child process of the crash-safety test: appends to the embedded log from several threads until it
// is killed, and reports every acknowledged append on stdout only after append() has returned:
//   ack <stream> <first_version> <last_version> <position token> <commit id>
// Each line is one write(2) of less than PIPE_BUF bytes, so lines from different threads never
// interleave. Usage: crash_appender <directory> <threads> <seed>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "eventstore/embedded_log.hpp"

namespace {

using docket::eventstore::AppendRequest;
using docket::eventstore::EventLog;

void say(const std::string& line) {
  const ssize_t n = ::write(STDOUT_FILENO, line.data(), line.size());
  if (n != static_cast<ssize_t>(line.size())) std::_Exit(3);
}

void append_forever(EventLog& log, int thread, unsigned seed) {
  std::mt19937 rng(seed * 7919u + static_cast<unsigned>(thread));
  // Two streams of its own and one every thread races on.
  const std::vector<std::string> streams = {"crash-" + std::to_string(thread) + "-a",
                                            "crash-" + std::to_string(thread) + "-b",
                                            "crash-shared"};
  for (std::uint64_t serial = 0;; ++serial) {
    const std::string& stream = streams[rng() % streams.size()];
    auto version = log.stream_version(stream);
    if (!version.ok()) std::_Exit(4);
    const std::size_t count = 1 + rng() % 4;
    const std::string commit_id =
        std::to_string(seed) + "-" + std::to_string(thread) + "-" + std::to_string(serial);
    AppendRequest request;
    request.stream = stream;
    request.expected_version = *version;
    for (std::size_t i = 0; i < count; ++i) {
      request.events.push_back(
          {"docket.test.crashed.v1", "", {{"commit", commit_id}, {"index", i}, {"of", count}}});
    }
    request.metadata.actor = {"crash", "system"};
    auto result = log.append(std::move(request));
    if (!result.ok()) {
      if (result.error().code == docket::eventstore::errc::version_conflict) continue;
      std::_Exit(5);
    }
    say("ack " + stream + " " + std::to_string(result->first_version) + " " +
        std::to_string(result->last_version) + " " + result->position.to_token() + " " + commit_id +
        "\n");
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: crash_appender <directory> <threads> <seed>\n");
    return 2;
  }
  auto log = docket::eventstore::open_embedded_log({argv[1]});
  if (!log.ok()) {
    std::fprintf(stderr, "open: %s\n", log.error().message.c_str());
    return 1;
  }
  const int threads = std::atoi(argv[2]);
  const unsigned seed = static_cast<unsigned>(std::strtoul(argv[3], nullptr, 10));
  say("ready\n");
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] { append_forever(**log, t, seed); });
  }
  for (auto& w : workers)
    w.join();  // never: the test kills this process
  return 0;
}
