#!/usr/bin/env bash
# Installs lmul's build dependencies from Debian's packages (bookworm). Uses sudo when not root.
set -euo pipefail
# qemu-user and g++-aarch64-linux-gnu: the ODR check (qemu-x86_64 with older CPUs) and the aarch64
# cross build whose tests run under qemu-aarch64 (.ci/run). clang: the Clang compile checks (tests/).
# python3-venv, python3-dev: the Python package's virtual environment and extension build (for a
# Debian python3; scripts/test.sh uses whichever python3 is first on PATH). ninja-build: the
# generator scikit-build-core prefers (it falls back to make without it).
packages=(cmake g++ make libgtest-dev libbenchmark-dev libxsimd-dev libopenblas-dev libblis-dev python3
          python3-venv python3-dev ninja-build qemu-user g++-aarch64-linux-gnu clang)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi
as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
echo "install-deps: installing ${missing[*]}"
"${as_root[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
