#pragma once
// A fresh directory under the system's temporary directory, removed with everything in it when
// the object goes away. Tests put their RocksDB databases, logs and data directories there.

#include <stdlib.h>

#include <cerrno>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

namespace docket::testing {

class TempDir {
 public:
  // `prefix` names the directory ("<prefix>-XXXXXX"), so that a leftover one tells whose it was.
  explicit TempDir(std::string_view prefix = "docket-test") {
    std::string pattern =
        (std::filesystem::temp_directory_path() / (std::string(prefix) + "-XXXXXX")).string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw std::filesystem::filesystem_error("mkdtemp", pattern,
                                              std::error_code(errno, std::generic_category()));
    }
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace docket::testing
