#include "api/auth.hpp"

#include <jwt.h>

#include <array>
#include <cctype>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "api/error_map.hpp"

namespace docket::api {
namespace {

struct JwtFree {
  void operator()(jwt_t* j) const noexcept { jwt_free(j); }
};
struct CFree {
  void operator()(char* p) const noexcept { std::free(p); }  // libjwt 1.10 allocates with malloc
};
using JwtPtr = std::unique_ptr<jwt_t, JwtFree>;
using CString = std::unique_ptr<char, CFree>;

// Decodes unpadded base64url (RFC 7515 §2); nullopt on any other character or a bad length.
std::optional<std::string> base64url_decode(std::string_view in) {
  static constexpr std::string_view alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  if (in.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(in.size() * 3 / 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    const auto pos = alphabet.find(c);
    if (pos == std::string_view::npos) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(pos);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

// The "alg" of a compact JWS header; nullopt when the token is not three base64url parts with a
// JSON object header. Only classifies: nothing is trusted before jwt_decode checks the signature.
std::optional<std::string> header_alg(std::string_view token) {
  const auto first = token.find('.');
  if (first == std::string_view::npos) return std::nullopt;
  const auto second = token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  const auto header = base64url_decode(token.substr(0, first));
  if (!header) return std::nullopt;
  const auto parsed = nlohmann::json::parse(*header, nullptr, false);
  if (!parsed.is_object()) return std::nullopt;
  const auto alg = parsed.find("alg");
  if (alg == parsed.end() || !alg->is_string()) return std::string{};
  return alg->get<std::string>();
}

bool iequals_ascii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string_view to_string(Role role) noexcept {
  switch (role) {
    case Role::patient:
      return "patient";
    case Role::doctor:
      return "doctor";
    case Role::receptionist:
      return "receptionist";
    case Role::admin:
      return "admin";
  }
  return "patient";
}

std::optional<Role> parse_role(std::string_view text) noexcept {
  for (Role r : {Role::patient, Role::doctor, Role::receptionist, Role::admin}) {
    if (text == to_string(r)) return r;
  }
  return std::nullopt;
}

std::string_view to_string(auth_errc e) noexcept {
  switch (e) {
    case auth_errc::missing:
      return "missing";
    case auth_errc::not_bearer:
      return "not_bearer";
    case auth_errc::no_secret:
      return "no_secret";
    case auth_errc::malformed:
      return "malformed";
    case auth_errc::bad_signature:
      return "bad_signature";
    case auth_errc::wrong_algorithm:
      return "wrong_algorithm";
    case auth_errc::bad_claims:
      return "bad_claims";
    case auth_errc::expired:
      return "expired";
  }
  return "malformed";
}

Problem to_problem(auth_errc e) {
  return make_problem(api_errc::unauthenticated,
                      e == auth_errc::missing   ? "A bearer token is required."
                      : e == auth_errc::expired ? "The token has expired."
                                                : "The bearer token is not valid.");
}

docket::Result<Principal, auth_errc> verify_token(std::string_view token, std::string_view secret,
                                                  std::chrono::sys_seconds now) {
  // A zero-length key makes libjwt skip verification: refuse rather than accept anything.
  if (secret.empty()) return fail(auth_errc::no_secret);
  const auto alg = header_alg(token);
  if (!alg) return fail(auth_errc::malformed);
  if (*alg != "HS256") return fail(auth_errc::wrong_algorithm);

  const std::string token_z(token);
  jwt_t* raw = nullptr;
  const int rc =
      jwt_decode(&raw, token_z.c_str(), reinterpret_cast<const unsigned char*>(secret.data()),
                 static_cast<int>(secret.size()));
  JwtPtr jwt(raw);
  if (rc != 0 || !jwt) return fail(auth_errc::bad_signature);
  if (jwt_get_alg(jwt.get()) != JWT_ALG_HS256) return fail(auth_errc::wrong_algorithm);

  const CString grants(jwt_get_grants_json(jwt.get(), nullptr));
  if (!grants) return fail(auth_errc::bad_claims);
  const auto claims = nlohmann::json::parse(grants.get(), nullptr, false);
  if (!claims.is_object()) return fail(auth_errc::bad_claims);

  const auto sub = claims.find("sub");
  const auto role = claims.find("role");
  const auto exp = claims.find("exp");
  if (sub == claims.end() || !sub->is_string() || sub->get_ref<const std::string&>().empty()) {
    return fail(auth_errc::bad_claims);
  }
  if (role == claims.end() || !role->is_string()) return fail(auth_errc::bad_claims);
  const auto parsed_role = parse_role(role->get_ref<const std::string&>());
  if (!parsed_role) return fail(auth_errc::bad_claims);
  if (exp == claims.end() || !exp->is_number_integer()) return fail(auth_errc::bad_claims);
  if (exp->is_number_unsigned() &&
      exp->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
    return fail(auth_errc::bad_claims);
  }
  const auto exp_seconds = exp->get<std::int64_t>();
  if (now.time_since_epoch().count() >= exp_seconds) return fail(auth_errc::expired);

  return Principal{sub->get<std::string>(), *parsed_role, exp_seconds};
}

docket::Result<Principal, auth_errc> authenticate(std::string_view authorization,
                                                  std::string_view secret,
                                                  std::chrono::sys_seconds now) {
  if (authorization.empty()) return fail(auth_errc::missing);
  constexpr std::string_view scheme = "Bearer ";
  if (authorization.size() <= scheme.size() ||
      !iequals_ascii(authorization.substr(0, scheme.size()), scheme)) {
    return fail(auth_errc::not_bearer);
  }
  std::string_view token = authorization.substr(scheme.size());
  while (!token.empty() && token.front() == ' ')
    token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ')
    token.remove_suffix(1);
  if (token.empty()) return fail(auth_errc::not_bearer);
  return verify_token(token, secret, now);
}

docket::Result<std::string, auth_errc> mint_token(std::string_view secret, std::string_view sub,
                                                  Role role, std::chrono::sys_seconds exp) {
  if (secret.empty()) return fail(auth_errc::no_secret);
  if (sub.empty()) return fail(auth_errc::bad_claims);
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) return fail(auth_errc::malformed);
  JwtPtr jwt(raw);
  const std::string sub_z(sub);
  const std::string role_z(to_string(role));
  if (jwt_set_alg(jwt.get(), JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(secret.data()),
                  static_cast<int>(secret.size())) != 0 ||
      jwt_add_grant(jwt.get(), "sub", sub_z.c_str()) != 0 ||
      jwt_add_grant(jwt.get(), "role", role_z.c_str()) != 0 ||
      jwt_add_grant_int(jwt.get(), "exp", static_cast<long>(exp.time_since_epoch().count())) != 0) {
    return fail(auth_errc::malformed);
  }
  const CString encoded(jwt_encode_str(jwt.get()));
  if (!encoded) return fail(auth_errc::malformed);
  return std::string(encoded.get());
}

}  // namespace docket::api
