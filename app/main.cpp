// The `docket` executable: one binary with a subcommand per role (DESIGN.md, Interfaces).
// Exceptions stop here: anything thrown below is reported on stderr with exit status 1.

#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "app/demo.hpp"

int main(int argc, char** argv) {
  CLI::App app{"Docket: event-sourced appointment booking for clinics", "docket"};
  app.require_subcommand(1);
  CLI::App* demo = app.add_subcommand(
      "demo", "Run a scripted clinic day through the domain and print every decision");
  CLI11_PARSE(app, argc, argv);
  try {
    if (*demo) return docket::app::run_demo(std::cout);
  } catch (const std::exception& e) {
    std::cerr << "docket: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
