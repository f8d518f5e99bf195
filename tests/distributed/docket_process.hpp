#pragma once
// A real `docket` executable as a child process for the distributed tests: started with its
// arguments and environment prepared before fork() (the parent runs librdkafka threads, so the
// child does nothing but redirect and exec), its port read from the "listening" line within a
// bound, and stopped with SIGTERM (bounded) or SIGKILL. The destructor kills what is still running.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace docket::distributed_test {

class DocketProcess {
 public:
  // Runs DOCKET_BINARY with `args` (without argv[0]) and `env` ("NAME=value") added to this
  // process's environment. Waits at most `limit` for a line of its standard output holding
  // `marker`; throws when it does not come. With the default marker the line ends in the HTTP
  // address, and port() is its port; otherwise port() is 0.
  DocketProcess(const std::vector<std::string>& args, const std::vector<std::string>& env,
                std::chrono::seconds limit = std::chrono::seconds(60),
                const std::string& marker = "listening on http://") {
    std::vector<std::string> owned_env = env;
    for (char** e = environ; *e != nullptr; ++e)
      owned_env.emplace_back(*e);
    std::vector<char*> argv{const_cast<char*>("docket")};
    for (const auto& a : args)
      argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (auto& e : owned_env)
      envp.push_back(e.data());
    envp.push_back(nullptr);
    int fds[2];
    if (::pipe(fds) != 0) throw std::runtime_error("pipe");
    const int devnull = ::open("/dev/null", O_WRONLY);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(fds[1], STDOUT_FILENO);
      if (devnull >= 0) ::dup2(devnull, STDERR_FILENO);
      ::close(fds[0]);
      ::close(fds[1]);
      ::execve(DOCKET_BINARY, argv.data(), envp.data());
      ::_exit(127);
    }
    if (devnull >= 0) ::close(devnull);
    ::close(fds[1]);
    out_ = fds[0];
    if (pid_ < 0) throw std::runtime_error("fork");
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{out_, POLLIN, 0};
      if (::poll(&p, 1, 200) <= 0) continue;
      char buf[512];
      const auto n = ::read(out_, buf, sizeof buf);
      if (n <= 0) break;
      seen_.append(buf, static_cast<std::size_t>(n));
      const auto at = seen_.find(marker);
      if (at == std::string::npos) continue;
      const auto end = seen_.find('\n', at);
      if (end == std::string::npos) continue;
      if (marker != "listening on http://") return;
      const std::string address = seen_.substr(at + marker.size(), end - at - marker.size());
      port_ = std::stoi(address.substr(address.rfind(':') + 1));
      return;
    }
    kill_hard();
    throw std::runtime_error("docket did not print \"" + marker + "\": " + seen_);
  }
  ~DocketProcess() {
    kill_hard();
    if (out_ >= 0) ::close(out_);
  }
  DocketProcess(const DocketProcess&) = delete;
  DocketProcess& operator=(const DocketProcess&) = delete;

  int port() const { return port_; }
  pid_t pid() const { return pid_; }

  void kill_hard() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

  // SIGTERM, then waits at most `limit` for the exit: its status, or -1 on timeout (the process
  // is then killed).
  int terminate(std::chrono::seconds limit) {
    if (pid_ <= 0) return -1;
    ::kill(pid_, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    kill_hard();
    return -1;
  }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  int port_ = 0;
  std::string seen_;
};

}  // namespace docket::distributed_test
