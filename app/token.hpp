#pragma once
// `docket token`: mints a bearer token for the API, and the secret lookup `docket serve` shares.

#include <chrono>
#include <optional>
#include <ostream>
#include <string>

namespace docket::app {

// The JWT secret: the contents of `secret_file` (trailing whitespace trimmed) when given, else
// the DOCKET_JWT_SECRET environment variable; nullopt when neither is set, or an error text
// (no secret value in it) when the file cannot be read or is empty.
struct SecretLookup {
  std::optional<std::string> secret;
  std::string error;  // non-empty when the configured source failed
};
SecretLookup resolve_secret(const std::string& secret_file);

// A fresh random secret (256 bits, hex) for demo runs.
std::string random_secret();

struct TokenOptions {
  std::string sub;
  std::string role;  // patient, doctor, receptionist, admin
  std::chrono::seconds ttl{3600};
  std::string secret_file;
};

// Prints the token on `out` (one line) and returns 0; on a bad role, a missing secret or a
// failure to sign prints why on `err` and returns 2. Reads the system clock.
int run_token(const TokenOptions& options, std::ostream& out, std::ostream& err);

}  // namespace docket::app
