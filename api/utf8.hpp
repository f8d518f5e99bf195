#pragma once
// UTF-8 validation and length in code points. API.md counts text lengths in Unicode characters
// and rejects invalid UTF-8, so both the body parser and the field reader need these.

#include <cstddef>
#include <optional>
#include <string_view>

namespace docket::api {

// True when `text` is well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates
// (U+D800..U+DFFF), nothing above U+10FFFF, no truncated sequence. Pure; thread-safe.
bool is_valid_utf8(std::string_view text) noexcept;

// The number of Unicode code points in `text`, or nullopt when it is not valid UTF-8.
// Pure; thread-safe.
std::optional<std::size_t> utf8_length(std::string_view text) noexcept;

}  // namespace docket::api
