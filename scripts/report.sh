#!/usr/bin/env bash
# The main job: installs the dependencies, builds the accuracy/energy report and runs it.
# Usage: bash scripts/report.sh [report options, e.g. --quick, --csv]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build/report -DCMAKE_BUILD_TYPE=Release -DLMUL_BUILD_TESTS=OFF \
  -DLMUL_BUILD_BENCHMARKS=OFF -DLMUL_BUILD_EXAMPLES=ON > build-report.log 2>&1 ||
  { cat build-report.log; exit 1; }
cmake --build build/report --target lmul-report -j"$(nproc)" >> build-report.log 2>&1 ||
  { cat build-report.log; exit 1; }
rm -f build-report.log
./build/report/examples/report/lmul-report "$@"
