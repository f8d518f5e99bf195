#include "api/entity_id.hpp"

#include <sys/random.h>

#include <array>
#include <cerrno>
#include <cstdlib>

namespace docket::api {
namespace {

constexpr std::size_t kRandomBytes = 16;
constexpr std::size_t kRandomChars = 22;  // ceil(128 / 6)
constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

bool is_url_safe(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

void fill_random(std::array<unsigned char, kRandomBytes>& out) {
  std::size_t got = 0;
  while (got < out.size()) {
    const ssize_t n = ::getrandom(out.data() + got, out.size() - got, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      std::abort();  // no entropy source: nothing safe to fall back on
    }
    got += static_cast<std::size_t>(n);
  }
}

}  // namespace

bool is_doctor_id(std::string_view id) noexcept {
  if (id.empty() || id.size() > 64) return false;
  for (const char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

std::string new_entity_id(std::string_view doctor_id) {
  std::array<unsigned char, kRandomBytes> bytes{};
  fill_random(bytes);
  std::string id;
  id.reserve(doctor_id.size() + 1 + kRandomChars);
  id.append(doctor_id);
  id.push_back('.');
  // Base64url without padding: 6 bits per character, the last one carrying the 2 leftover bits.
  std::uint32_t acc = 0;
  int bits = 0;
  for (const unsigned char b : bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      id.push_back(kAlphabet[(acc >> bits) & 0x3f]);
    }
  }
  if (bits > 0) id.push_back(kAlphabet[(acc << (6 - bits)) & 0x3f]);
  return id;
}

std::optional<std::string> doctor_of(std::string_view entity_id) {
  const std::size_t dot = entity_id.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const std::string_view doctor = entity_id.substr(0, dot);
  const std::string_view random = entity_id.substr(dot + 1);
  if (!is_doctor_id(doctor) || random.size() != kRandomChars) return std::nullopt;
  for (const char c : random) {
    if (!is_url_safe(c)) return std::nullopt;
  }
  return std::string(doctor);
}

}  // namespace docket::api
