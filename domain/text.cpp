#include "domain/text.hpp"

namespace docket::domain {

std::size_t utf8_length(std::string_view text) noexcept {
  std::size_t n = 0;
  for (const char c : text) {
    // Every code point has exactly one byte that is not a continuation byte (10xxxxxx).
    if ((static_cast<unsigned char>(c) & 0xC0u) != 0x80u) ++n;
  }
  return n;
}

}  // namespace docket::domain
