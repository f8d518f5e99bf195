#pragma once
// Byte encodings of the read models' keys and values.
//
// Keys sort the way the queries scan them: unsigned integers big-endian, signed ones with the
// sign bit flipped (so that negative instants sort first), strings length-prefixed (two bytes)
// so that no id can run into the next component whatever characters it holds. Values are a
// compact varint form: deterministic (the same record always gives the same bytes), which is
// what lets an incremental build and a rebuild be compared byte for byte.
// Thread safety: plain values and free functions.

#include <cstdint>
#include <string>
#include <string_view>

namespace docket::projections {

// Key building.
void key_u8(std::string& key, std::uint8_t v);
void key_u32(std::string& key, std::uint32_t v);
void key_u64(std::string& key, std::uint64_t v);
void key_i64(std::string& key, std::int64_t v);
void key_str(std::string& key, std::string_view s);

// Reads key components back; every read fails (ok() false) once the key is exhausted.
class KeyReader {
 public:
  explicit KeyReader(std::string_view key) : in_(key) {}
  std::uint8_t u8();
  std::uint32_t u32();
  std::uint64_t u64();
  std::int64_t i64();
  std::string_view str();
  void skip(std::size_t n);
  bool ok() const { return ok_; }

 private:
  std::string_view in_;
  bool ok_ = true;
};

// Value building: varints (signed ones zigzag) and length-prefixed strings.
class Writer {
 public:
  Writer& u64(std::uint64_t v);
  Writer& i64(std::int64_t v);
  Writer& str(std::string_view s);
  Writer& flag(bool b) { return u64(b ? 1 : 0); }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

// Reads a value back; once anything is malformed every read returns zero and ok() is false.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  std::uint64_t u64();
  std::int64_t i64();
  std::string str();
  bool flag() { return u64() != 0; }
  int int32() { return static_cast<int>(i64()); }
  bool ok() const { return ok_; }
  bool done() const { return in_.empty(); }

 private:
  std::string_view in_;
  bool ok_ = true;
};

// An 8-byte counter value.
std::string encode_count(std::int64_t v);
std::int64_t decode_count(std::string_view bytes);

}  // namespace docket::projections
