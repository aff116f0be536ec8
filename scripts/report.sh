#!/usr/bin/env bash
# The main job: installs the dependencies, builds the accuracy / energy report and the benchmarks,
# prints the report, then measures the kernels' and the GEMM's speed against fp32, OpenBLAS and
# emulated fp8 and prints the ratios (all ratios come from one run on this machine).
# Usage: bash scripts/report.sh [--quick] [--csv] [--no-speed] [--update-docs] [other lmul-report options]
#   --quick        small samples, and the speed section is skipped
#   --no-speed     the report only
#   --update-docs  write the accuracy picture to docs/accuracy.svg (the committed one) instead of
#                  the build tree (build/report/examples/report/accuracy.svg); not with --quick
#   --svg PATH     write the picture to PATH
set -euo pipefail
cd "$(dirname "$0")/.."
speed=1
quick=0
update_docs=0
report_args=()
for arg in "$@"; do
  case "$arg" in
    --no-speed) speed=0 ;;
    --quick) speed=0; quick=1; report_args+=("$arg") ;;
    --update-docs) update_docs=1 ;;
    *) report_args+=("$arg") ;;
  esac
done
if [ "$update_docs" -eq 1 ]; then
  if [ "$quick" -eq 1 ]; then
    echo "report.sh: --update-docs needs the full samples, not --quick" >&2
    exit 2
  fi
  report_args+=(--svg docs/accuracy.svg)
fi
bash scripts/install-deps.sh >&2
log=build/report-build.log
mkdir -p build
targets=(lmul-report)
[ "$speed" -eq 0 ] || targets+=(lmul-bench-kernels lmul-bench-gemm)
echo "report.sh: building ${targets[*]} (log: $log)" >&2
{ cmake -S . -B build/report -DCMAKE_BUILD_TYPE=Release -DLMUL_BUILD_TESTS=OFF \
    -DLMUL_BUILD_BENCHMARKS=ON -DLMUL_BUILD_EXAMPLES=ON &&
  cmake --build build/report --target "${targets[@]}" -j"$(nproc)"; } > "$log" 2>&1 ||
  { cat "$log"; exit 1; }
./build/report/examples/report/lmul-report "${report_args[@]}"
[ "$speed" -eq 1 ] || exit 0

echo
echo "== 8. Speed: measured now on this machine, single thread; each ratio from one run =="
echo "-- kernels (bench/kernels/summarize.py: lmul_multiply / lmul_dot vs fp32, cblas_sdot, emulated fp8) --"
python3 bench/kernels/summarize.py --repetitions 3 build/report/bench/kernels/lmul-bench-kernels
echo
echo "-- GEMM (bench/gemm/gemm_summary.py: lmul_gemm vs cblas_sgemm, emulated fp8, naive loop) --"
./build/report/bench/gemm/lmul-bench-gemm --benchmark_repetitions=3 \
  --benchmark_out=build/report/gemm.json --benchmark_out_format=json > /dev/null 2>&1
python3 bench/gemm/gemm_summary.py build/report/gemm.json
