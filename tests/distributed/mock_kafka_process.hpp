#pragma once
// docket_mock_kafka as a child process: a mock Kafka cluster several `docket` processes share.
// Started with a bound on its life; stopped by closing its stdin (it exits at once), or killed.

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>

namespace docket::distributed_test {

class MockKafkaProcess {
 public:
  MockKafkaProcess(int brokers, int partitions, const std::string& topic = "docket.events",
                   int max_seconds = 300) {
    const std::string b = std::to_string(brokers);
    const std::string p = std::to_string(partitions);
    const std::string m = std::to_string(max_seconds);
    const char* argv[] = {"docket_mock_kafka", "--brokers", b.c_str(),     "--partitions",
                          p.c_str(),           "--topic",   topic.c_str(), "--max-seconds",
                          m.c_str(),           nullptr};
    int in[2];
    int out[2];
    if (::pipe(in) != 0 || ::pipe(out) != 0) throw std::runtime_error("pipe");
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(in[0], STDIN_FILENO);
      ::dup2(out[1], STDOUT_FILENO);
      ::close(in[0]);
      ::close(in[1]);
      ::close(out[0]);
      ::close(out[1]);
      ::execv(DOCKET_MOCK_KAFKA, const_cast<char* const*>(argv));
      ::_exit(127);
    }
    ::close(in[0]);
    ::close(out[1]);
    stdin_ = in[1];
    stdout_ = out[0];
    if (pid_ < 0) throw std::runtime_error("fork");
    std::string seen;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd pfd{stdout_, POLLIN, 0};
      if (::poll(&pfd, 1, 200) <= 0) continue;
      char buf[256];
      const auto n = ::read(stdout_, buf, sizeof buf);
      if (n <= 0) break;
      seen.append(buf, static_cast<std::size_t>(n));
      const auto at = seen.find("bootstrap=");
      const auto end = seen.find('\n', at == std::string::npos ? 0 : at);
      if (at != std::string::npos && end != std::string::npos) {
        bootstraps_ = seen.substr(at + 10, end - at - 10);
        return;
      }
    }
    stop();
    throw std::runtime_error("docket_mock_kafka did not start: " + seen);
  }
  ~MockKafkaProcess() { stop(); }
  MockKafkaProcess(const MockKafkaProcess&) = delete;
  MockKafkaProcess& operator=(const MockKafkaProcess&) = delete;

  const std::string& bootstraps() const { return bootstraps_; }

  // Closes its stdin and waits up to 10 s for it to exit, then kills it.
  void stop() {
    if (stdin_ >= 0) ::close(stdin_);
    stdin_ = -1;
    if (pid_ > 0) {
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
      while (std::chrono::steady_clock::now() < deadline) {
        if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
          pid_ = -1;
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      if (pid_ > 0) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        pid_ = -1;
      }
    }
    if (stdout_ >= 0) ::close(stdout_);
    stdout_ = -1;
  }

 private:
  pid_t pid_ = -1;
  int stdin_ = -1;
  int stdout_ = -1;
  std::string bootstraps_;
};

}  // namespace docket::distributed_test
