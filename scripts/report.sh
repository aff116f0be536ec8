#!/usr/bin/env bash
# The main job: installs the dependencies, builds the accuracy / energy report and the benchmarks,
# prints the report, then measures the kernels' and the GEMM's speed against the fastest fp32
# (OpenBLAS on its best core for this CPU and BLIS on its best configuration, even where the
# environment pins weaker ones, both checked against a reference first; hand-written loops) and
# exact fp8, bf16 and fp16 baselines found (16-bit rows: lmul<7,8> = bf16, lmul<10,5> = fp16),
# with the memory-bandwidth and FMA limits of this machine, and prints the ratio tables (Markdown;
# all ratios come from one run on this machine). Ratio tables as JSON: build/report/*_summary.json;
# `python3 bench/update_docs.py "<load note>"` then writes them into README.md and docs/.
# Then section 10: L-Mul in a real pretrained transformer (all-MiniLM-L6-v2, scripts/minilm.sh),
# on the first 200 sentences of its 1,000-sentence corpus (30 with --quick); it says so and goes on
# when the model package cannot be installed.
# Usage: bash scripts/report.sh [--quick] [--csv] [--no-speed] [--update-docs] [--minilm-full]
#        [--no-minilm] [other lmul-report options]
#   --quick        small samples, and the speed section is skipped
#   --no-speed     the report only
#   --minilm-full  section 10 on all 1,000 sentences (the README's numbers; about 30-40 minutes)
#   --no-minilm    no section 10
#   --update-docs  write the accuracy picture to docs/accuracy.svg (the committed one) instead of
#                  the build tree (build/report/examples/report/accuracy.svg); not with --quick
#   --svg PATH     write the picture to PATH
set -euo pipefail
cd "$(dirname "$0")/.."
speed=1
quick=0
update_docs=0
minilm_args=(--limit 200)
report_args=()
for arg in "$@"; do
  case "$arg" in
    --no-speed) speed=0 ;;
    --minilm-full) minilm_args=() ;;
    --no-minilm) minilm_args=(none) ;;
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

# Section 10: a real model. Runs after the speed section (when there is one) so that it does not
# load the machine while the speed is measured.
minilm_section() {
  [ "${minilm_args[*]-}" != "none" ] || return 0
  [ "$quick" -eq 0 ] || minilm_args=(--limit 30)
  echo
  echo "== 10. L-Mul in a real pretrained transformer: all-MiniLM-L6-v2, every matmul, against fp32 =="
  echo "(examples/minilm/lmul_eval; full evaluation: bash scripts/minilm.sh; method and numbers: docs/minilm.md)"
  echo
  bash scripts/minilm.sh --skip-missing --out build/report/minilm "${minilm_args[@]}" ||
    echo "L-Mul model evaluation skipped: scripts/minilm.sh failed (see the messages above)"
}
if [ "$speed" -eq 0 ]; then
  minilm_section
  exit 0
fi

echo
echo "== 9. Speed: measured now on this machine, single thread; each ratio from one run =="
echo "Machine: $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//'), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
echo "(the benchmark programs print the BLAS cores they run, what the environment pinned, the BLAS checks"
echo " and the instruction sets below; 16-bit rows: lmul<7,8> = bf16 layout, lmul<10,5> = fp16 layout)"
echo
# The commit measured, for bench/update_docs.py (which writes these tables into the docs).
git describe --always --dirty > build/report/commit.txt 2>/dev/null || echo unknown > build/report/commit.txt
python3 bench/kernels/summarize.py --repetitions 3 --out build/report/kernels.json \
  build/report/bench/kernels/lmul-bench-kernels
echo
./build/report/bench/gemm/lmul-bench-gemm --benchmark_repetitions=3 \
  --benchmark_out=build/report/gemm.json --benchmark_out_format=json > /dev/null
python3 bench/gemm/gemm_summary.py build/report/gemm.json
minilm_section
