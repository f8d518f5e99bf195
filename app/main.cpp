// The `docket` executable: one binary with a subcommand per role (DESIGN.md, Interfaces).
// Exceptions stop here: anything thrown below is reported on stderr with exit status 1.

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdint>
#include <exception>
#include <iostream>

#include "app/demo.hpp"
#include "app/serve.hpp"
#include "app/token.hpp"

int main(int argc, char** argv) {
  CLI::App app{"Docket: event-sourced appointment booking for clinics", "docket"};
  app.require_subcommand(1);
  CLI::App* demo = app.add_subcommand(
      "demo", "Run a scripted clinic day through the domain and print every decision");
  docket::app::ServeOptions serve_options;
  std::string serve_data = serve_options.data.string();
  CLI::App* serve = app.add_subcommand(
      "serve", "Run the HTTP API with the write side and its scheduler on the embedded log");
  serve->add_option("--data", serve_data, "Data directory")
      ->envname("DOCKET_DATA")
      ->capture_default_str();
  serve->add_option("--host", serve_options.host, "Address to listen on")
      ->envname("DOCKET_HOST")
      ->capture_default_str();
  serve->add_option("--port", serve_options.port, "Port (0: any free port, printed)")
      ->envname("DOCKET_PORT")
      ->capture_default_str();
  serve->add_option("--log", serve_options.log, "embedded, or kafka://host:port,...")
      ->envname("DOCKET_LOG")
      ->capture_default_str();
  serve
      ->add_option("--secret-file", serve_options.secret_file,
                   "File holding the JWT secret (else DOCKET_JWT_SECRET)")
      ->envname("DOCKET_SECRET_FILE");
  serve->add_option("--threads", serve_options.threads, "HTTP connection threads")
      ->envname("DOCKET_THREADS")
      ->capture_default_str();
  serve
      ->add_option("--role", serve_options.role,
                   "all (everything here) or command (one writer of a group; Kafka log only)")
      ->envname("DOCKET_ROLE")
      ->capture_default_str();
  serve
      ->add_option("--advertise", serve_options.advertise,
                   "Address other writers forward commands to (default http://HOST:PORT)")
      ->envname("DOCKET_ADVERTISE");
  serve->add_option("--writer-group", serve_options.writer_group, "Consumer group of the writers")
      ->envname("DOCKET_WRITER_GROUP")
      ->capture_default_str();
  serve
      ->add_option("--group-session-timeout-ms", serve_options.group_session_timeout_ms,
                   "A writer silent this long loses its partitions")
      ->envname("DOCKET_GROUP_SESSION_TIMEOUT_MS")
      ->capture_default_str();
  serve
      ->add_flag("--demo", serve_options.demo,
                 "Seed a demo clinic once and print example tokens and curl commands")
      ->envname("DOCKET_DEMO");

  docket::app::TokenOptions token_options;
  std::int64_t token_ttl = 3600;
  CLI::App* token = app.add_subcommand("token", "Print a bearer token for the HTTP API");
  token->add_option("--sub", token_options.sub, "Subject: the user id")->required();
  token->add_option("--role", token_options.role, "patient, doctor, receptionist or admin")
      ->required();
  token->add_option("--ttl", token_ttl, "Seconds until it expires")->capture_default_str();
  token
      ->add_option("--secret-file", token_options.secret_file,
                   "File holding the JWT secret (else DOCKET_JWT_SECRET)")
      ->envname("DOCKET_SECRET_FILE");
  CLI11_PARSE(app, argc, argv);
  try {
    if (*demo) return docket::app::run_demo(std::cout);
    if (*serve) {
      serve_options.data = serve_data;
      return docket::app::run_serve(serve_options, std::cout);
    }
    if (*token) {
      token_options.ttl = std::chrono::seconds(token_ttl);
      return docket::app::run_token(token_options, std::cout, std::cerr);
    }
  } catch (const std::exception& e) {
    std::cerr << "docket: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
