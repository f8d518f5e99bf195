#!/usr/bin/env bash
# Installs what is missing, builds Docket, and runs it.
# That is `docket serve --demo`: the HTTP API on 127.0.0.1:8080 over a local data directory,
# seeded once with a demo clinic; it prints example tokens and curl commands. Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")"

./scripts/deps.sh
cmake --preset dev >/dev/null
cmake --build --preset dev -j "$(nproc)" --target docket
exec ./build/dev/app/docket serve --demo "$@"
