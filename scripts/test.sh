#!/usr/bin/env bash
# Installs the dependencies, builds lmul with warnings as errors, and runs the whole test suite.
# Usage: bash scripts/test.sh [extra cmake arguments, e.g. -DLMUL_EXHAUSTIVE=ON]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
jobs=$(nproc)
cmake -S . -B build/test -DCMAKE_BUILD_TYPE=Release -DLMUL_WERROR=ON "$@"
cmake --build build/test -j"$jobs"
ctest --test-dir build/test --output-on-failure -j"$jobs"
