#!/usr/bin/env bash
# Installs what is missing, builds, and runs every Docket test suite through ctest.
#   ./test.sh          the dev preset (RelWithDebInfo)
#   ./test.sh --asan   the same suites under AddressSanitizer + UndefinedBehaviorSanitizer
set -euo pipefail
cd "$(dirname "$0")"

preset=dev
for arg in "$@"; do
  case "$arg" in
    --asan) preset=asan ;;
    -h | --help) sed -n '2,4p' "$0"; exit 0 ;;
    *) echo "test.sh: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

./scripts/deps.sh
# Under CI every warning is an error.
if [[ "${CI:-}" == "true" ]]; then export DOCKET_WERROR=ON; fi

jobs=$(nproc)
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$jobs"
ctest --preset "$preset" -j "$jobs"
