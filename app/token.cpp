#include "app/token.hpp"

#include <sys/random.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "api/auth.hpp"

namespace docket::app {

SecretLookup resolve_secret(const std::string& secret_file) {
  SecretLookup out;
  if (!secret_file.empty()) {
    std::ifstream in(secret_file);
    if (!in) {
      out.error = "cannot read the secret file " + secret_file;
      return out;
    }
    std::stringstream text;
    text << in.rdbuf();
    std::string secret = text.str();
    while (!secret.empty() && std::isspace(static_cast<unsigned char>(secret.back()))) {
      secret.pop_back();
    }
    if (secret.empty()) {
      out.error = "the secret file " + secret_file + " is empty";
      return out;
    }
    out.secret = std::move(secret);
    return out;
  }
  if (const char* env = std::getenv("DOCKET_JWT_SECRET"); env != nullptr && *env != '\0') {
    out.secret = env;
  }
  return out;
}

std::string random_secret() {
  std::array<unsigned char, 32> bytes{};
  std::size_t got = 0;
  while (got < bytes.size()) {
    const auto n = ::getrandom(bytes.data() + got, bytes.size() - got, 0);
    if (n > 0) got += static_cast<std::size_t>(n);
  }
  std::string hex;
  for (auto b : bytes) {
    char two[3];
    std::snprintf(two, sizeof two, "%02x", b);
    hex += two;
  }
  return hex;
}

int run_token(const TokenOptions& options, std::ostream& out, std::ostream& err) {
  const auto role = api::parse_role(options.role);
  if (!role) {
    err << "docket token: --role must be patient, doctor, receptionist or admin\n";
    return 2;
  }
  if (options.sub.empty()) {
    err << "docket token: --sub must not be empty\n";
    return 2;
  }
  const auto secret = resolve_secret(options.secret_file);
  if (!secret.error.empty()) {
    err << "docket token: " << secret.error << "\n";
    return 2;
  }
  if (!secret.secret) {
    err << "docket token: no secret; set DOCKET_JWT_SECRET or pass --secret-file\n";
    return 2;
  }
  const auto exp =
      std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) + options.ttl;
  auto token = api::mint_token(*secret.secret, options.sub, *role, exp);
  if (!token) {
    err << "docket token: cannot sign: " << api::to_string(token.error()) << "\n";
    return 2;
  }
  out << token.value() << "\n";
  return 0;
}

}  // namespace docket::app
