#include "eventstore/envelope.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <random>
#include <stdexcept>

#include "eventstore/envelope_codec.hpp"

namespace docket::eventstore {
namespace {

using json = nlohmann::json;

constexpr char kHexDigits[] = "0123456789abcdef";

std::string to_hex(const unsigned char* bytes, std::size_t n) {
  std::string out(n * 2, '0');
  for (std::size_t i = 0; i < n; ++i) {
    out[2 * i] = kHexDigits[bytes[i] >> 4];
    out[2 * i + 1] = kHexDigits[bytes[i] & 0x0f];
  }
  return out;
}

const std::string* string_at(const json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return nullptr;
  return it->get_ptr<const std::string*>();
}

// Optional attributes: absent and empty mean the same; present with a wrong type is malformed.
bool optional_string(const json& j, const char* key, std::string& out) {
  const auto it = j.find(key);
  if (it == j.end()) return true;
  if (!it->is_string()) return false;
  out = it->get<std::string>();
  return true;
}

}  // namespace

json to_cloudevent(const RecordedEvent& e) {
  json j = json::object();
  j["specversion"] = "1.0";
  j["id"] = e.id;
  j["source"] = e.source;
  j["type"] = e.type;
  if (!e.subject.empty()) j["subject"] = e.subject;
  j["time"] = e.time;
  j["datacontenttype"] = "application/json";
  j["data"] = e.data;
  j["stream"] = e.stream;
  j["streamversion"] = e.version;
  j["actorsub"] = e.actor.sub;
  j["actorrole"] = e.actor.role;
  if (!e.correlation_id.empty()) j["correlationid"] = e.correlation_id;
  if (!e.causation_id.empty()) j["causationid"] = e.causation_id;
  j["prevhash"] = e.prevhash;
  j["hash"] = e.hash;
  return j;
}

std::optional<RecordedEvent> from_cloudevent(const json& j) {
  if (!j.is_object()) return std::nullopt;
  const std::string* spec = string_at(j, "specversion");
  if (spec == nullptr || *spec != "1.0") return std::nullopt;

  RecordedEvent e;
  const std::pair<const char*, std::string*> required[] = {
      {"id", &e.id},
      {"source", &e.source},
      {"type", &e.type},
      {"time", &e.time},
      {"stream", &e.stream},
      {"actorsub", &e.actor.sub},
      {"actorrole", &e.actor.role},
      {"prevhash", &e.prevhash},
      {"hash", &e.hash},
  };
  for (const auto& [key, out] : required) {
    const std::string* s = string_at(j, key);
    if (s == nullptr) return std::nullopt;
    *out = *s;
  }
  if (e.id.empty() || e.type.empty() || e.stream.empty()) return std::nullopt;

  const auto version = j.find("streamversion");
  if (version == j.end()) return std::nullopt;
  if (version->is_number_unsigned()) {
    e.version = version->get<std::uint64_t>();
  } else if (version->is_number_integer() && version->get<std::int64_t>() > 0) {
    e.version = static_cast<std::uint64_t>(version->get<std::int64_t>());
  } else {
    return std::nullopt;
  }
  if (e.version == 0) return std::nullopt;

  if (!optional_string(j, "subject", e.subject) ||
      !optional_string(j, "correlationid", e.correlation_id) ||
      !optional_string(j, "causationid", e.causation_id)) {
    return std::nullopt;
  }
  if (const auto ct = j.find("datacontenttype"); ct != j.end() && !ct->is_string()) {
    return std::nullopt;
  }
  if (const auto data = j.find("data"); data != j.end()) e.data = *data;
  return e;
}

std::string compute_hash(const RecordedEvent& e) {
  // Byte for byte the compact dump of to_cloudevent(e) without `hash` (keys sorted), written
  // without building the tree.
  return sha256_hex(envelope_text(e, /*with_hash=*/false));
}

std::string sha256_hex(std::string_view bytes) {
  // Fetched once: handing EVP_Digest the legacy EVP_sha256() makes OpenSSL 3 look the algorithm
  // up in its provider store, under a lock, on every call.
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (sha256 == nullptr ||
      EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, sha256, nullptr) != 1) {
    // Only a broken OpenSSL installation gets here: a programmer/deployment error, not a value.
    throw std::runtime_error("SHA-256 is unavailable");
  }
  return to_hex(digest.data(), length);
}

std::string new_uuid() {
  std::array<unsigned char, 16> b{};
  if (RAND_bytes(b.data(), static_cast<int>(b.size())) != 1) {
    // The OS entropy source failed; ids must still be unique, so fall back to a seeded engine.
    thread_local std::mt19937_64 engine{std::random_device{}()};
    for (std::size_t i = 0; i < b.size(); i += 8) {
      const std::uint64_t r = engine();
      for (std::size_t k = 0; k < 8; ++k)
        b[i + k] = static_cast<unsigned char>(r >> (8 * k));
    }
  }
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  // 8-4-4-4-12 hex digits.
  std::string out(36, '-');
  std::size_t at = 0;
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) ++at;
    out[at++] = kHexDigits[b[i] >> 4];
    out[at++] = kHexDigits[b[i] & 0x0f];
  }
  return out;
}

}  // namespace docket::eventstore
