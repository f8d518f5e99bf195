#include "projections/codec.hpp"

namespace docket::projections {

void key_u8(std::string& key, std::uint8_t v) {
  key.push_back(static_cast<char>(v));
}

void key_u32(std::string& key, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8)
    key.push_back(static_cast<char>((v >> shift) & 0xFF));
}

void key_u64(std::string& key, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8)
    key.push_back(static_cast<char>((v >> shift) & 0xFF));
}

void key_i64(std::string& key, std::int64_t v) {
  key_u64(key, static_cast<std::uint64_t>(v) ^ (std::uint64_t{1} << 63));
}

void key_str(std::string& key, std::string_view s) {
  const std::size_t n = s.size() > 0xFFFF ? 0xFFFF : s.size();
  key.push_back(static_cast<char>((n >> 8) & 0xFF));
  key.push_back(static_cast<char>(n & 0xFF));
  key.append(s.substr(0, n));
}

namespace {

std::uint64_t read_be(std::string_view& in, std::size_t n, bool& ok) {
  if (!ok || in.size() < n) {
    ok = false;
    return 0;
  }
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i)
    v = (v << 8) | static_cast<unsigned char>(in[i]);
  in.remove_prefix(n);
  return v;
}

}  // namespace

std::uint8_t KeyReader::u8() {
  return static_cast<std::uint8_t>(read_be(in_, 1, ok_));
}
std::uint32_t KeyReader::u32() {
  return static_cast<std::uint32_t>(read_be(in_, 4, ok_));
}
std::uint64_t KeyReader::u64() {
  return read_be(in_, 8, ok_);
}
std::int64_t KeyReader::i64() {
  return static_cast<std::int64_t>(read_be(in_, 8, ok_) ^ (std::uint64_t{1} << 63));
}
std::string_view KeyReader::str() {
  const std::size_t n = read_be(in_, 2, ok_);
  if (!ok_ || in_.size() < n) {
    ok_ = false;
    return {};
  }
  const std::string_view s = in_.substr(0, n);
  in_.remove_prefix(n);
  return s;
}
void KeyReader::skip(std::size_t n) {
  if (in_.size() < n) {
    ok_ = false;
    return;
  }
  in_.remove_prefix(n);
}

Writer& Writer::u64(std::uint64_t v) {
  while (v >= 0x80) {
    out_.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out_.push_back(static_cast<char>(v));
  return *this;
}

Writer& Writer::i64(std::int64_t v) {
  return u64((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
}

Writer& Writer::str(std::string_view s) {
  u64(s.size());
  out_.append(s);
  return *this;
}

std::uint64_t Reader::u64() {
  std::uint64_t v = 0;
  for (int shift = 0; ok_; shift += 7) {
    if (in_.empty() || shift > 63) {
      ok_ = false;
      break;
    }
    const auto byte = static_cast<unsigned char>(in_.front());
    in_.remove_prefix(1);
    v |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) return v;
  }
  return 0;
}

std::int64_t Reader::i64() {
  const std::uint64_t z = u64();
  return static_cast<std::int64_t>((z >> 1) ^ (~(z & 1) + 1));
}

std::string Reader::str() {
  const std::uint64_t n = u64();
  if (!ok_ || in_.size() < n) {
    ok_ = false;
    return {};
  }
  std::string s(in_.substr(0, n));
  in_.remove_prefix(n);
  return s;
}

std::string encode_count(std::int64_t v) {
  std::string out;
  key_i64(out, v);
  return out;
}

std::int64_t decode_count(std::string_view bytes) {
  KeyReader r(bytes);
  const std::int64_t v = r.i64();
  return r.ok() ? v : 0;
}

}  // namespace docket::projections
