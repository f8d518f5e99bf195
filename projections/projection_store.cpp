#include "projections/projection_store.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <system_error>

namespace docket::projections {

namespace {

constexpr std::string_view kGenPrefix = "gen-";

std::string generation_name(unsigned n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "gen-%06u", n);
  return buf;
}

bool fsync_path(const std::filesystem::path& p, bool directory) {
  const int fd = ::open(p.c_str(), directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

// Replaces CURRENT with `name`: a crash leaves the old or the new content, never a torn one.
Status write_current(const std::filesystem::path& dir, const std::string& name) {
  const auto tmp = dir / "CURRENT.tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << name << '\n';
    if (!out.flush()) return error(errc::io_error, "cannot write " + tmp.string());
  }
  std::error_code ec;
  if (!fsync_path(tmp, false)) return error(errc::io_error, "cannot sync " + tmp.string());
  std::filesystem::rename(tmp, dir / "CURRENT", ec);
  if (ec) return error(errc::io_error, "cannot replace CURRENT: " + ec.message());
  if (!fsync_path(dir, true)) return error(errc::io_error, "cannot sync " + dir.string());
  return unit;
}

unsigned number_of(const std::string& name) {
  return static_cast<unsigned>(std::stoul(name.substr(kGenPrefix.size())));
}

}  // namespace

ProjectionStore::ProjectionStore(std::filesystem::path directory,
                                 std::shared_ptr<ModelStore> current, unsigned next_generation,
                                 int lock_fd)
    : directory_(std::move(directory)),
      current_(std::move(current)),
      next_generation_(next_generation),
      lock_fd_(lock_fd) {}

ProjectionStore::~ProjectionStore() {
  current_.reset();
  ::close(lock_fd_);  // releases the flock
}

Result<std::unique_ptr<ProjectionStore>> ProjectionStore::open(
    const std::filesystem::path& directory) {
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  if (ec) return error(errc::io_error, "cannot create " + directory.string() + ": " + ec.message());
  const int lock_fd = ::open((directory / "LOCK").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd < 0) return error(errc::io_error, "cannot open " + (directory / "LOCK").string());
  if (::flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(lock_fd);
    return error(errc::io_error, "read models in use by another process");
  }
  auto opened = open_locked(directory, lock_fd);
  if (!opened.ok()) ::close(lock_fd);
  return opened;
}

Result<std::unique_ptr<ProjectionStore>> ProjectionStore::open_locked(
    const std::filesystem::path& directory, int lock_fd) {
  std::error_code ec;
  std::string name;
  {
    std::ifstream in(directory / "CURRENT");
    if (in) std::getline(in, name);
  }
  if (name.empty()) {
    name = generation_name(1);
    Status written = write_current(directory, name);
    if (!written.ok()) return fail(written.error());
  }
  if (name.substr(0, kGenPrefix.size()) != kGenPrefix || name.size() != kGenPrefix.size() + 6) {
    return error(errc::corrupt, "CURRENT does not name a generation");
  }
  unsigned highest = number_of(name);
  for (const auto& entry : std::filesystem::directory_iterator(directory, ec)) {
    const std::string other = entry.path().filename().string();
    if (other.substr(0, kGenPrefix.size()) != kGenPrefix || other == name) continue;
    if (other.size() == kGenPrefix.size() + 6) highest = std::max(highest, number_of(other));
    std::filesystem::remove_all(entry.path(), ec);  // an unfinished rebuild
  }
  auto store = ModelStore::open(directory / name);
  if (!store.ok()) return fail(store.error());
  std::shared_ptr<ModelStore> current(std::move(store).value());
  return std::unique_ptr<ProjectionStore>(
      new ProjectionStore(directory, std::move(current), highest + 1, lock_fd));
}

std::shared_ptr<ModelStore> ProjectionStore::current() const {
  std::lock_guard lock(mu_);
  return current_;
}

Result<std::shared_ptr<ModelStore>> ProjectionStore::create_generation() {
  unsigned n = 0;
  {
    std::lock_guard lock(mu_);
    n = next_generation_++;
  }
  const auto dir = directory_ / generation_name(n);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  auto store = ModelStore::open(dir);
  if (!store.ok()) return fail(store.error());
  std::shared_ptr<ModelStore> out(std::move(store).value());
  return out;
}

Status ProjectionStore::switch_to(std::shared_ptr<ModelStore> next) {
  std::lock_guard lock(mu_);
  Status written = write_current(directory_, next->directory().filename().string());
  if (!written.ok()) return written;
  next->drop_on_close(false);
  current_->drop_on_close();
  current_ = std::move(next);
  return unit;
}

}  // namespace docket::projections
