// The real `docket serve` as a child process: killed with SIGKILL in the middle of a booking load,
// then started again on the same data directory. Every booking that was answered 201 must still
// be there and no slot may hold more than its capacity. A SIGTERM then stops it with status 0.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "tests/http/http_fixture.hpp"

namespace docket::http_test {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

class Child {
 public:
  // Starts `docket serve` on an ephemeral port and waits (bounded) for its port line.
  explicit Child(const std::filesystem::path& data) {
    int fds[2];
    if (::pipe(fds) != 0) throw std::runtime_error("pipe");
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(fds[1], STDOUT_FILENO);
      ::close(fds[0]);
      ::close(fds[1]);
      const int devnull = ::open("/dev/null", O_WRONLY);
      if (devnull >= 0) ::dup2(devnull, STDERR_FILENO);
      ::setenv("DOCKET_JWT_SECRET", kSecret, 1);
      const std::string dir = data.string();
      ::execl(DOCKET_BINARY, "docket", "serve", "--data", dir.c_str(), "--host", "127.0.0.1",
              "--port", "0", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(fds[1]);
    out_ = fds[0];
    const std::string marker = "listening on http://127.0.0.1:";
    std::string seen;
    const auto deadline = Clock::now() + std::chrono::seconds(30);
    while (Clock::now() < deadline) {
      pollfd p{out_, POLLIN, 0};
      if (::poll(&p, 1, 200) <= 0) continue;
      char buf[256];
      const auto n = ::read(out_, buf, sizeof buf);
      if (n <= 0) break;
      seen.append(buf, static_cast<std::size_t>(n));
      const auto at = seen.find(marker);
      if (at != std::string::npos && seen.find('\n', at) != std::string::npos) {
        port_ = std::stoi(seen.substr(at + marker.size()));
        return;
      }
    }
    throw std::runtime_error("docket serve did not report its port: " + seen);
  }
  ~Child() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (out_ >= 0) ::close(out_);
  }
  int port() const { return port_; }
  void kill_hard() {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  // SIGTERM, then waits at most `limit` for the exit; the exit status, or -1 on timeout.
  int terminate(std::chrono::seconds limit) {
    ::kill(pid_, SIGTERM);
    const auto deadline = Clock::now() + limit;
    while (Clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return -1;
  }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  int port_ = 0;
};

json request(int port, const std::string& method, const std::string& path,
             const std::string& bearer, const json& body, int* status) {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(10, 0);
  const httplib::Headers headers{{"Authorization", "Bearer " + bearer}};
  auto r = method == "GET"   ? client.Get(path, headers)
           : method == "PUT" ? client.Put(path, headers, body.dump(), "application/json")
                             : client.Post(path, headers, body.dump(), "application/json");
  *status = r ? r->status : 0;
  return r ? json::parse(r->body, nullptr, false) : json();
}

TEST(CrashRecovery, AcknowledgedBookingsSurviveSigkill) {
  TempDir dir;
  const std::string admin = token("root", api::Role::admin);
  const auto today = date::floor<date::days>(std::chrono::system_clock::now());
  const auto tomorrow = domain::LocalDate((today + date::days(1)).time_since_epoch());

  std::mutex mutex;
  std::vector<std::string> acknowledged;
  {
    Child first(dir.path());
    int status = 0;
    request(first.port(), "POST", "/v1/doctors", admin,
            {{"id", "dr-crash"},
             {"name", "Dr Crash"},
             {"specialty", "gp"},
             {"timezone", "UTC"},
             {"consultation_fee", 10}},
            &status);
    ASSERT_EQ(status, 201);
    request(first.port(), "PUT", "/v1/doctors/dr-crash/schedule", admin,
            {{"rules",
              {{{"weekdays", {1, 2, 3, 4, 5, 6, 7}},
                {"start", "00:00"},
                {"end", "24:00"},
                {"slot_minutes", 10},
                {"capacity", 1}}}},
             {"effective_from", domain::format_local_date(tomorrow)}},
            &status);
    ASSERT_EQ(status, 200);

    // Eight clients book slots from a shared list (half of them contended by two clients) until
    // the server dies under them.
    std::atomic<bool> stop{false};
    std::atomic<int> ok{0};
    std::vector<std::thread> clients;
    for (int c = 0; c < 8; ++c) {
      clients.emplace_back([&, c] {
        httplib::Client client("127.0.0.1", first.port());
        client.set_read_timeout(5, 0);
        client.set_connection_timeout(2, 0);
        const httplib::Headers headers{
            {"Authorization",
             "Bearer " + token("patient-" + std::to_string(c), api::Role::patient)}};
        for (int i = 0; i < 2000 && !stop.load(); ++i) {
          const int slot = (i * 8 + c) / 2;  // two clients per slot
          const auto start =
              domain::Instant(tomorrow.time_since_epoch()) + std::chrono::minutes(10 * slot);
          const json body = {{"doctor_id", "dr-crash"},
                             {"start", domain::format_rfc3339(start)},
                             {"consultation_type", "in_person"}};
          auto r = client.Post("/v1/appointments", headers, body.dump(), "application/json");
          if (!r) break;
          if (r->status == 201) {
            const std::lock_guard lock(mutex);
            acknowledged.push_back(json::parse(r->body)["id"]);
            ok.fetch_add(1);
          }
        }
      });
    }
    const auto deadline = Clock::now() + std::chrono::seconds(20);
    while (ok.load() < 150 && Clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    first.kill_hard();
    stop.store(true);
    for (auto& t : clients)
      t.join();
  }
  ASSERT_GE(acknowledged.size(), 150u);

  Child second(dir.path());
  int status = 0;
  const json state =
      request(second.port(), "GET", "/v1/doctors/dr-crash/state", admin, {}, &status);
  ASSERT_EQ(status, 200);
  std::set<std::string> present;
  std::map<std::string, int> per_slot;
  for (const auto& a : state["state"]["appointments"]) {
    present.insert(a["id"].get<std::string>());
    if (a["status"] != "cancelled") ++per_slot[a["start"].get<std::string>()];
  }
  for (const auto& id : acknowledged)
    EXPECT_TRUE(present.count(id)) << id;
  for (const auto& [start, n] : per_slot)
    EXPECT_LE(n, 1) << start;

  // The restarted service still takes bookings, and stops cleanly on SIGTERM.
  // 80 days out: beyond every slot the load could reach (at most 8,000 slots of 10 minutes).
  const auto free_slot = domain::Instant(tomorrow.time_since_epoch()) + date::days(80);
  request(second.port(), "POST", "/v1/appointments", token("late", api::Role::patient),
          {{"doctor_id", "dr-crash"},
           {"start", domain::format_rfc3339(free_slot)},
           {"consultation_type", "in_person"}},
          &status);
  EXPECT_EQ(status, 201);
  EXPECT_EQ(second.terminate(std::chrono::seconds(20)), 0);
}

}  // namespace
}  // namespace docket::http_test
