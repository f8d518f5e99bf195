#!/usr/bin/env bash
# Installs the Debian 12 packages Docket builds, tests and runs with, only those missing.
# Runs `apt-get update` once, and only when something has to be installed.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates tzdata
  nlohmann-json3-dev libhowardhinnant-date-dev librocksdb-dev librdkafka-dev
  libcpp-httplib-dev libspdlog-dev libcli11-dev libjwt-dev libssl-dev libcurl4-openssl-dev
  libgoogle-perftools-dev libgtest-dev libgmock-dev libbenchmark-dev
  kcat wrk curl clang-format
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "docket: installing missing Debian packages: ${missing[*]}"
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
