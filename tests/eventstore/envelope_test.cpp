#include "eventstore/envelope.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <algorithm>
#include <set>
#include <string_view>

namespace docket::eventstore {
namespace {

// std::regex is avoided on purpose: g++ 12 reports false maybe-uninitialized warnings inside it
// under the sanitizer preset, which -Werror turns into build failures.
bool is_lower_alnum(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  });
}

bool is_lower_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

// xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx in lowercase hex.
bool is_uuid_v4(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !is_lower_hex(s[i])) return false;
  }
  return s[14] == '4' && (s[19] == '8' || s[19] == '9' || s[19] == 'a' || s[19] == 'b');
}

RecordedEvent sample_event() {
  RecordedEvent e;
  e.id = "6f1c2c34-5a8e-4c1b-9d7e-0b1f2a3c4d5e";
  e.source = "docket";
  e.type = "docket.appointment.booked.v1";
  e.subject = "apt-1";
  e.time = "2027-03-01T09:00:00Z";
  e.data = {{"slot", "2027-03-02T10:00:00Z"}, {"capacity", 2}, {"ratio", 0.25}};
  e.stream = "doctor-7";
  e.version = 3;
  e.actor = {"u-1", "patient"};
  e.correlation_id = "req-9";
  e.causation_id = "cmd-9";
  e.prevhash = std::string(kGenesisHash);
  e.hash = compute_hash(e);
  return e;
}

TEST(Envelope, IsStructuredCloudEvent) {
  const auto j = to_cloudevent(sample_event());
  EXPECT_EQ(j.at("specversion"), "1.0");
  EXPECT_EQ(j.at("datacontenttype"), "application/json");
  EXPECT_EQ(j.at("streamversion"), 3);
  EXPECT_EQ(j.at("actorsub"), "u-1");
  EXPECT_EQ(j.at("actorrole"), "patient");
  EXPECT_EQ(j.at("correlationid"), "req-9");
  EXPECT_EQ(j.at("causationid"), "cmd-9");
  // CloudEvents extension names: lowercase letters and digits only, flat values.
  for (const auto& [key, value] : j.items()) {
    EXPECT_TRUE(is_lower_alnum(key)) << key;
    if (key != "data") {
      EXPECT_FALSE(value.is_structured()) << key;
    }
  }
}

TEST(Envelope, RoundTripsThroughText) {
  const RecordedEvent e = sample_event();
  const auto parsed = from_cloudevent(nlohmann::json::parse(to_cloudevent(e).dump()));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->id, e.id);
  EXPECT_EQ(parsed->type, e.type);
  EXPECT_EQ(parsed->subject, e.subject);
  EXPECT_EQ(parsed->data, e.data);
  EXPECT_EQ(parsed->version, e.version);
  EXPECT_EQ(parsed->actor, e.actor);
  EXPECT_EQ(parsed->correlation_id, e.correlation_id);
  EXPECT_EQ(parsed->hash, e.hash);
  EXPECT_EQ(compute_hash(*parsed), e.hash);
}

TEST(Envelope, OmitsEmptyOptionalAttributes) {
  RecordedEvent e = sample_event();
  e.subject.clear();
  e.correlation_id.clear();
  e.causation_id.clear();
  const auto j = to_cloudevent(e);
  EXPECT_FALSE(j.contains("subject"));
  EXPECT_FALSE(j.contains("correlationid"));
  EXPECT_FALSE(j.contains("causationid"));
  const auto parsed = from_cloudevent(j);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_TRUE(parsed->subject.empty());
}

TEST(Envelope, RejectsMissingOrMistypedAttributes) {
  const auto good = to_cloudevent(sample_event());
  for (const char* key : {"specversion", "id", "type", "stream", "streamversion", "hash"}) {
    auto j = good;
    j.erase(key);
    EXPECT_FALSE(from_cloudevent(j).has_value()) << key;
  }
  auto j = good;
  j["streamversion"] = "3";
  EXPECT_FALSE(from_cloudevent(j).has_value());
  j = good;
  j["streamversion"] = 0;
  EXPECT_FALSE(from_cloudevent(j).has_value());
  j = good;
  j["specversion"] = "0.3";
  EXPECT_FALSE(from_cloudevent(j).has_value());
  j = good;
  j["subject"] = 5;
  EXPECT_FALSE(from_cloudevent(j).has_value());
  EXPECT_FALSE(from_cloudevent(nlohmann::json::array()).has_value());
}

TEST(Envelope, HashCoversEveryAttributeButItself) {
  const RecordedEvent e = sample_event();
  EXPECT_EQ(e.hash.size(), 64u);
  RecordedEvent changed = e;
  changed.hash = "whatever";
  EXPECT_EQ(compute_hash(changed), e.hash);
  std::set<std::string> seen{e.hash};
  auto expect_new = [&](RecordedEvent x, const char* what) {
    EXPECT_TRUE(seen.insert(compute_hash(x)).second) << what;
  };
  {
    auto x = e;
    x.data["capacity"] = 3;
    expect_new(x, "data");
  }
  {
    auto x = e;
    x.version = 4;
    expect_new(x, "version");
  }
  {
    auto x = e;
    x.prevhash[0] = '1';
    expect_new(x, "prevhash");
  }
  {
    auto x = e;
    x.actor.role = "admin";
    expect_new(x, "actor");
  }
  {
    auto x = e;
    x.causation_id.clear();
    expect_new(x, "causation");
  }
}

TEST(Envelope, HashIsSha256OfSortedCompactFormWithoutHash) {
  // The definition every backend and auditor must agree on (envelope.hpp), recomputed here from
  // the text form directly rather than through compute_hash.
  const RecordedEvent e = sample_event();
  auto canonical = to_cloudevent(e);
  canonical.erase("hash");
  const std::string text = canonical.dump();
  EXPECT_EQ(text.find(' '), std::string::npos);
  EXPECT_LT(text.find("\"actorrole\""), text.find("\"actorsub\""));
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  ASSERT_EQ(EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr), 1);
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    static constexpr char kDigits[] = "0123456789abcdef";
    hex += kDigits[digest[i] >> 4];
    hex += kDigits[digest[i] & 0x0f];
  }
  EXPECT_EQ(hex, e.hash);
}

TEST(Uuid, ShapeCheckRejectsOtherShapes) {
  EXPECT_TRUE(is_uuid_v4("6f1c2c34-5a8e-4c1b-9d7e-0b1f2a3c4d5e"));
  EXPECT_FALSE(is_uuid_v4("6f1c2c34-5a8e-3c1b-9d7e-0b1f2a3c4d5e"));  // version 3
  EXPECT_FALSE(is_uuid_v4("6f1c2c34-5a8e-4c1b-7d7e-0b1f2a3c4d5e"));  // wrong variant
  EXPECT_FALSE(is_uuid_v4("6F1C2C34-5A8E-4C1B-9D7E-0B1F2A3C4D5E"));  // uppercase
  EXPECT_FALSE(is_uuid_v4("6f1c2c345a8e4c1b9d7e0b1f2a3c4d5e"));      // no dashes
}

TEST(Uuid, IsVersion4AndUnique) {
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = new_uuid();
    EXPECT_TRUE(is_uuid_v4(id)) << id;
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 1000u);
}

}  // namespace
}  // namespace docket::eventstore
