#pragma once
// On-disk layout of the embedded log (one RocksDB database, default column family, key prefixes).
//
//   'e' be64(seq)                      -> 0x01 be64(first) be64(last) <envelope JSON>
//       One key per event; seq is the event's 1-based global sequence, so big-endian keys iterate
//       in log order and the log position after an event is its seq. `first`/`last` are the seqs
//       of the first and last event of the event's commit: readers regroup commits from them
//       without a second keyspace, and a position inside a commit is recognisable.
//   's' be16(len) stream be64(version) -> be64(seq)
//       Per-stream index. The length prefix keeps "a" from being a key prefix of "ab".
//   'm' stream                         -> be64(version) <64 hex digits of the last event's hash>
//       Stream metadata, rewritten (once) by every group commit that advances the stream, so that
//       opening the log loads every stream's version and chain tip without decoding any event.
//
// All keys of one commit (its events, their index entries, the stream's metadata) go into one
// WriteBatch, so a commit is on disk entirely or not at all. The head (number of events) is the
// seq of the last 'e' key.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace docket::eventstore::embedded {

inline constexpr char kEventPrefix = 'e';
inline constexpr char kIndexPrefix = 's';
inline constexpr char kMetaPrefix = 'm';
inline constexpr unsigned char kValueFormat = 0x01;
inline constexpr std::size_t kValueHeaderSize = 17;
inline constexpr std::size_t kHashHexSize = 64;

inline void put_be64(std::string& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>(v >> shift));
}

inline std::uint64_t get_be64(std::string_view in) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i)
    v = (v << 8) | static_cast<unsigned char>(in[i]);
  return v;
}

inline std::string event_key(std::uint64_t seq) {
  std::string k(1, kEventPrefix);
  put_be64(k, seq);
  return k;
}

// The keys of every index entry of `stream` start with this.
inline std::string index_prefix(std::string_view stream) {
  std::string k(1, kIndexPrefix);
  k.push_back(static_cast<char>(stream.size() >> 8));
  k.push_back(static_cast<char>(stream.size() & 0xff));
  k.append(stream);
  return k;
}

inline std::string index_key(std::string_view stream, std::uint64_t version) {
  std::string k = index_prefix(stream);
  put_be64(k, version);
  return k;
}

inline std::string meta_key(std::string_view stream) {
  std::string k(1, kMetaPrefix);
  k.append(stream);
  return k;
}

struct EventValue {
  std::uint64_t first = 0;  // seq of the commit's first event
  std::uint64_t last = 0;   // seq of the commit's last event
  std::string_view envelope;
};

inline std::string encode_event_value(std::uint64_t first, std::uint64_t last,
                                      std::string_view envelope) {
  std::string v;
  v.reserve(kValueHeaderSize + envelope.size());
  v.push_back(static_cast<char>(kValueFormat));
  put_be64(v, first);
  put_be64(v, last);
  v.append(envelope);
  return v;
}

// nullopt when the header is malformed.
inline std::optional<EventValue> decode_event_value(std::string_view v) {
  if (v.size() < kValueHeaderSize || static_cast<unsigned char>(v[0]) != kValueFormat) {
    return std::nullopt;
  }
  EventValue out{get_be64(v.substr(1)), get_be64(v.substr(9)), v.substr(kValueHeaderSize)};
  if (out.first == 0 || out.first > out.last) return std::nullopt;
  return out;
}

inline std::string encode_meta(std::uint64_t version, std::string_view hash) {
  std::string v;
  put_be64(v, version);
  v.append(hash);
  return v;
}

struct StreamMeta {
  std::uint64_t version = 0;
  std::string last_hash;
};

inline std::optional<StreamMeta> decode_meta(std::string_view v) {
  if (v.size() != 8 + kHashHexSize) return std::nullopt;
  return StreamMeta{get_be64(v), std::string(v.substr(8))};
}

}  // namespace docket::eventstore::embedded
