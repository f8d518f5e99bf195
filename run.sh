#!/usr/bin/env bash
# Installs what is missing, builds Docket, and runs it.
# Today that is `docket demo`: a scripted clinic day decided by the domain and printed as events.
set -euo pipefail
cd "$(dirname "$0")"

./scripts/deps.sh
cmake --preset dev >/dev/null
cmake --build --preset dev -j "$(nproc)" --target docket
exec ./build/dev/app/docket demo "$@"
