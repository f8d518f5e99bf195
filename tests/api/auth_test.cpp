#include "api/auth.hpp"

#include <gtest/gtest.h>
#include <jwt.h>

#include <cstdlib>
#include <string>

namespace docket::api {
namespace {

using std::chrono::seconds;
using std::chrono::sys_seconds;

constexpr std::string_view secret = "test-secret-with-enough-entropy-0123456789";
const sys_seconds now{seconds{1'800'000'000}};
const sys_seconds later = now + seconds{3600};

std::string b64url(std::string_view in) {
  static constexpr char table[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : in) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += table[(acc >> bits) & 0x3F];
    }
  }
  if (bits > 0) out += table[(acc << (6 - bits)) & 0x3F];
  return out;
}

// A token signed by libjwt with any algorithm and any claims (as a JSON object text).
std::string sign(jwt_alg_t alg, std::string_view key, const std::string& claims_json) {
  jwt_t* jwt = nullptr;
  EXPECT_EQ(jwt_new(&jwt), 0);
  EXPECT_EQ(jwt_add_grants_json(jwt, claims_json.c_str()), 0);
  const bool none = alg == JWT_ALG_NONE;  // libjwt wants no key at all for "none"
  EXPECT_EQ(
      jwt_set_alg(jwt, alg, none ? nullptr : reinterpret_cast<const unsigned char*>(key.data()),
                  none ? 0 : static_cast<int>(key.size())),
      0);
  char* out = jwt_encode_str(jwt);
  std::string token = out != nullptr ? out : "";
  std::free(out);
  jwt_free(jwt);
  return token;
}

std::string claims(std::string_view sub, std::string_view role, std::int64_t exp) {
  return nlohmann::json{{"sub", sub}, {"role", role}, {"exp", exp}}.dump();
}

TEST(Auth, MintedTokenVerifies) {
  const auto token = mint_token(secret, "doc-1", Role::doctor, later);
  ASSERT_TRUE(token.ok());
  const auto who = verify_token(*token, secret, now);
  ASSERT_TRUE(who.ok()) << to_string(who.error());
  EXPECT_EQ(who->sub, "doc-1");
  EXPECT_EQ(who->role, Role::doctor);
  EXPECT_EQ(who->exp, later.time_since_epoch().count());
}

TEST(Auth, EveryRoleRoundTrips) {
  for (Role r : {Role::patient, Role::doctor, Role::receptionist, Role::admin}) {
    const auto who = verify_token(*mint_token(secret, "u", r, later), secret, now);
    ASSERT_TRUE(who.ok());
    EXPECT_EQ(who->role, r);
  }
}

TEST(Auth, RejectsWrongSignature) {
  const auto token = mint_token("another-secret", "p-1", Role::patient, later);
  ASSERT_TRUE(token.ok());
  const auto who = verify_token(*token, secret, now);
  ASSERT_FALSE(who.ok());
  EXPECT_EQ(who.error(), auth_errc::bad_signature);
}

TEST(Auth, RejectsTamperedPayload) {
  const std::string token = *mint_token(secret, "p-1", Role::patient, later);
  const auto first = token.find('.');
  const auto second = token.find('.', first + 1);
  const std::string forged = token.substr(0, first + 1) +
                             b64url(claims("p-1", "admin", 2'000'000'000)) + token.substr(second);
  EXPECT_EQ(verify_token(forged, secret, now).error(), auth_errc::bad_signature);
}

TEST(Auth, RejectsAlgNone) {
  const std::string header = b64url(R"({"alg":"none","typ":"JWT"})");
  const std::string payload = b64url(claims("p-1", "admin", 2'000'000'000));
  for (const std::string& token : {header + "." + payload + ".", header + "." + payload + ".x"}) {
    const auto who = verify_token(token, secret, now);
    ASSERT_FALSE(who.ok()) << token;
    EXPECT_EQ(who.error(), auth_errc::wrong_algorithm);
  }
  // libjwt's own unsigned tokens too.
  const std::string unsigned_token = sign(JWT_ALG_NONE, "", claims("p-1", "admin", 2'000'000'000));
  ASSERT_FALSE(unsigned_token.empty());
  EXPECT_FALSE(verify_token(unsigned_token, secret, now).ok());
}

TEST(Auth, RejectsOtherHmacAlgorithmsEvenWithTheRightKey) {
  for (jwt_alg_t alg : {JWT_ALG_HS384, JWT_ALG_HS512}) {
    const std::string token =
        sign(alg, secret, claims("p-1", "patient", later.time_since_epoch().count()));
    const auto who = verify_token(token, secret, now);
    ASSERT_FALSE(who.ok());
    EXPECT_EQ(who.error(), auth_errc::wrong_algorithm);
  }
}

TEST(Auth, TokenIsValidWhileNowIsBeforeExp) {
  const auto token = *mint_token(secret, "p-1", Role::patient, now + seconds{1});
  EXPECT_TRUE(verify_token(token, secret, now).ok());
  EXPECT_EQ(verify_token(token, secret, now + seconds{1}).error(), auth_errc::expired);
  EXPECT_EQ(verify_token(token, secret, now + seconds{2}).error(), auth_errc::expired);
}

TEST(Auth, RejectsMissingOrMistypedClaims) {
  const std::int64_t exp = later.time_since_epoch().count();
  const std::vector<nlohmann::json> bad = {
      {{"role", "patient"}, {"exp", exp}},                   // no sub
      {{"sub", ""}, {"role", "patient"}, {"exp", exp}},      // empty sub
      {{"sub", 7}, {"role", "patient"}, {"exp", exp}},       // sub not a string
      {{"sub", "p"}, {"exp", exp}},                          // no role
      {{"sub", "p"}, {"role", "patient"}},                   // no exp
      {{"sub", "p"}, {"role", "patient"}, {"exp", "soon"}},  // exp not an integer
      {{"sub", "p"}, {"role", "patient"}, {"exp", 1.9e9}},   // exp a fraction
      {{"sub", "p"}, {"role", "superuser"}, {"exp", exp}},   // unknown role
      {{"sub", "p"}, {"role", "Admin"}, {"exp", exp}},       // roles are case-sensitive
      {{"sub", "p"}, {"role", 3}, {"exp", exp}},             // role not a string
  };
  for (const auto& c : bad) {
    const auto who = verify_token(sign(JWT_ALG_HS256, secret, c.dump()), secret, now);
    ASSERT_FALSE(who.ok()) << c.dump();
    EXPECT_EQ(who.error(), auth_errc::bad_claims) << c.dump();
  }
}

TEST(Auth, RejectsGarbage) {
  for (const char* token : {"", "abc", "a.b.c", "a.b", "....", "eyJhbGciOiJIUzI1NiJ9.e30",
                            "eyJhbGciOiJIUzI1NiJ9.!!!.sig", "e30.e30.e30"}) {
    const auto who = verify_token(token, secret, now);
    EXPECT_FALSE(who.ok()) << token;
  }
}

TEST(Auth, EmptySecretRefusesEverything) {
  const auto token = *mint_token(secret, "p-1", Role::patient, later);
  EXPECT_EQ(verify_token(token, "", now).error(), auth_errc::no_secret);
  EXPECT_EQ(mint_token("", "p-1", Role::patient, later).error(), auth_errc::no_secret);
}

TEST(Auth, ReadsBearerHeader) {
  const auto token = *mint_token(secret, "r-1", Role::receptionist, later);
  EXPECT_TRUE(authenticate("Bearer " + token, secret, now).ok());
  EXPECT_TRUE(authenticate("bearer " + token, secret, now).ok());
  EXPECT_EQ(authenticate("", secret, now).error(), auth_errc::missing);
  EXPECT_EQ(authenticate("Basic dXNlcjpwYXNz", secret, now).error(), auth_errc::not_bearer);
  EXPECT_EQ(authenticate("Bearer ", secret, now).error(), auth_errc::not_bearer);
  EXPECT_EQ(authenticate(token, secret, now).error(), auth_errc::not_bearer);
}

TEST(Auth, EveryRefusalIs401Unauthenticated) {
  for (auth_errc e : {auth_errc::missing, auth_errc::not_bearer, auth_errc::no_secret,
                      auth_errc::malformed, auth_errc::bad_signature, auth_errc::wrong_algorithm,
                      auth_errc::bad_claims, auth_errc::expired}) {
    const Problem p = to_problem(e);
    EXPECT_EQ(p.status, 401) << to_string(e);
    EXPECT_EQ(p.code, "unauthenticated");
  }
}

}  // namespace
}  // namespace docket::api
