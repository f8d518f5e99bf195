#pragma once
// Text measures for the domain's limits, which count Unicode characters, not bytes.

#include <cstddef>
#include <string_view>

namespace docket::domain {

// The number of Unicode code points in UTF-8 `text` (continuation bytes are not counted; input
// is assumed valid UTF-8, which the API layer guarantees). Thread-safe, pure.
std::size_t utf8_length(std::string_view text) noexcept;

}  // namespace docket::domain
