#pragma once
// Bearer tokens (API.md, "Auth"): HS256 JWTs with `sub`, `role` and `exp`, signed with the
// server's secret. libjwt 1.10 validates no claims and accepts anything when given no key
// (DESIGN.md, "Known traps"), so every check that matters is made here.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "api/problem.hpp"
#include "domain/result.hpp"

namespace docket::api {

enum class Role { patient, doctor, receptionist, admin };

// "patient", "doctor", "receptionist", "admin". Pure.
std::string_view to_string(Role role) noexcept;
// The inverse of to_string; nullopt for anything else (case-sensitive). Pure.
std::optional<Role> parse_role(std::string_view text) noexcept;

// Who is calling, as a verified token says.
struct Principal {
  std::string sub;  // the user id (a doctor's id, a patient's id, ...)
  Role role = Role::patient;
  std::int64_t exp = 0;  // seconds since the epoch; the token is valid while now < exp
};

// Why a token was refused. Every kind is 401 unauthenticated to the caller; the kind is for logs
// and tests, and deliberately not told to the client beyond a generic detail.
enum class auth_errc {
  missing,          // no Authorization header
  not_bearer,       // the header is not "Bearer <token>"
  no_secret,        // the server has no secret configured; nothing can be verified
  malformed,        // not a decodable JWT
  bad_signature,    // the signature does not verify with the server's secret (or alg is none)
  wrong_algorithm,  // signed with something other than HS256
  bad_claims,       // sub, role or exp missing or of the wrong type, or an unknown role
  expired,          // now >= exp
};

std::string_view to_string(auth_errc e) noexcept;

// The 401 unauthenticated problem for a refused token. Pure.
Problem to_problem(auth_errc e);

// Verifies `token` (the compact JWS, without "Bearer ") against `secret` at time `now`: it must
// be signed HS256 with `secret` (never decoded without the key: an unsigned "alg": "none" token
// is bad_signature, HS384/HS512 with the same secret is wrong_algorithm), carry `sub` (non-empty
// string), `role` (one of the four roles) and `exp` (integer seconds), and now < exp (a token
// expires at exactly `exp`). An empty secret refuses every token (no_secret). Reads no clock.
// Thread-safe (libjwt keeps no shared state).
docket::Result<Principal, auth_errc> verify_token(std::string_view token, std::string_view secret,
                                                  std::chrono::sys_seconds now);

// verify_token on the value of an Authorization header ("" when absent): missing when empty,
// not_bearer unless it is "Bearer <token>" (scheme case-insensitive). Thread-safe.
docket::Result<Principal, auth_errc> authenticate(std::string_view authorization,
                                                  std::string_view secret,
                                                  std::chrono::sys_seconds now);

// A compact HS256 JWT with claims {"sub", "role", "exp"}, for `docket token` and tests.
// Fails with no_secret for an empty secret, bad_claims for an empty sub, malformed if libjwt
// cannot encode. Thread-safe.
docket::Result<std::string, auth_errc> mint_token(std::string_view secret, std::string_view sub,
                                                  Role role, std::chrono::sys_seconds exp);

}  // namespace docket::api
