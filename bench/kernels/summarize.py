#!/usr/bin/env python3
"""Ratio summary of the kernels' speed targets from one run of lmul-bench-kernels.

Runs the benchmark once (with repetitions) and prints, as a Markdown table, the median over
repetitions of each ratio of elements/s that a target names, with its verdict. Every ratio uses
numbers from the same repetition of the same run. Energy figures printed are MODEL ESTIMATES
(spec section 5), not measurements.

  bench/kernels/summarize.py build-kernels/bench/kernels/lmul-bench-kernels
  bench/kernels/summarize.py --json results.json        # summarise an earlier run instead
Standard library only.
"""
import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict

SIZES = [4096, 65536, 1 << 20, 1 << 25]
SIZE_NAMES = {4096: "4096", 65536: "65536", 1 << 20: "2^20", 1 << 25: "2^25"}
BYTE_TYPES = ["e4m3fn", "e5m2", "lmul<1,6>", "lmul<2,5>", "lmul<3,4>", "lmul<4,3>", "lmul<5,2>"]
HEADLINE = ["e4m3fn", "e5m2"]  # the 8-bit types a target verdict is judged on


def run_benchmark(binary, repetitions, min_time):
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out:
        path = out.name
    cmd = [binary, f"--benchmark_repetitions={repetitions}", f"--benchmark_min_time={min_time}",
           "--benchmark_out_format=json", f"--benchmark_out={path}"]
    print("running:", " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return path


def load(path):
    """{(benchmark, n): {repetition: items_per_second}} and {(benchmark, n): model pJ}."""
    with open(path) as f:
        doc = json.load(f)
    rates, energy = defaultdict(dict), {}
    for b in doc["benchmarks"]:
        if b.get("run_type", "iteration") != "iteration" or "error_occurred" in b:
            continue
        name, n = b["run_name"].rsplit("/", 1)
        rates[(name, int(n))][b.get("repetition_index", 0)] = b["items_per_second"]
        energy[(name, int(n))] = b.get("model_pJ_per_elem")
    return rates, energy, doc.get("context", {})


def median_ratio(rates, num, den, n):
    a, b = rates.get((num, n)), rates.get((den, n))
    if not a or not b:
        return None
    return statistics.median(a[r] / b[r] for r in a if r in b)


def fmt(x):
    return "n/a" if x is None else f"{x:.2f}x"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("binary", nargs="?", default="build-kernels/bench/kernels/lmul-bench-kernels")
    parser.add_argument("--json", help="summarise this benchmark JSON instead of running")
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--min-time", default="0.1")
    args = parser.parse_args()
    path = args.json or run_benchmark(args.binary, args.repetitions, args.min_time)
    rates, energy, context = load(path)

    print(f"lmul kernels, one run ({context.get('date', '?')}, {context.get('num_cpus', '?')} CPUs at "
          f"{context.get('mhz_per_cpu', '?')} MHz, single thread); medians over repetitions of "
          f"per-repetition ratios of elements/s. JSON: {path}\n")

    # (target text, numerator, denominator, size, required ratio)
    checks = []
    for t in HEADLINE:
        for n, need in [(4096, 1.0), (65536, 1.0), (1 << 25, 3.0)]:
            checks.append((f"lmul_dot {t} vs cblas_sdot", f"dot/lmul/{t}", "dot/cblas_sdot/float", n, need))
    for t in HEADLINE:
        for n, need in [(65536, 4.0), (1 << 25, 3.5)]:
            checks.append((f"lmul_multiply {t} vs fp32 multiply", f"multiply/lmul/{t}",
                           "multiply/fp32/float", n, need))
    for t in HEADLINE:
        for n in SIZES:
            checks.append((f"lmul_dot {t} vs emulated fp8 dot", f"dot/lmul/{t}",
                           f"dot/fp8_emulated/{t}", n, 1.5))
        for n in SIZES:
            checks.append((f"lmul_multiply {t} vs emulated fp8 multiply", f"multiply/lmul/{t}",
                           f"multiply/fp8_emulated/{t}", n, 5.0))
    for n, need in [(65536, 0.7), (1 << 25, 0.9)]:
        checks.append(("lmul_dot float vs cblas_sdot", "dot/lmul/float", "dot/cblas_sdot/float", n, need))

    print("| target | n | measured | required | verdict |")
    print("|---|---|---|---|---|")
    met = 0
    for text, num, den, n, need in checks:
        r = median_ratio(rates, num, den, n)
        ok = r is not None and r >= need
        met += ok
        print(f"| {text} | {SIZE_NAMES[n]} | {fmt(r)} | >= {need:.1f}x | {'met' if ok else 'MISSED'} |")
    print(f"\n{met} of {len(checks)} target checks met.\n")

    print("All 8-bit types (ratios of elements/s; exact = lmul_dot_exact / lmul_dot):\n")
    print("| type | n | dot / sdot | multiply / fp32 mul | exact / fast dot |")
    print("|---|---|---|---|---|")
    for t in BYTE_TYPES:
        for n in SIZES:
            print(f"| {t} | {SIZE_NAMES[n]} | {fmt(median_ratio(rates, f'dot/lmul/{t}', 'dot/cblas_sdot/float', n))} | "
                  f"{fmt(median_ratio(rates, f'multiply/lmul/{t}', 'multiply/fp32/float', n))} | "
                  f"{fmt(median_ratio(rates, f'dot/lmul_exact/{t}', f'dot/lmul/{t}', n))} |")

    print("\nAbsolute rates (median over repetitions, G elements/s) and the MODEL-ESTIMATE energy "
          "per element (spec 5, Horowitz 45 nm: not measured):\n")
    print("| benchmark | " + " | ".join(SIZE_NAMES[n] for n in SIZES) + " | model pJ/elem (estimate) |")
    print("|---|" + "---|" * (len(SIZES) + 1))
    for name in sorted({k[0] for k in rates}):
        cells = []
        for n in SIZES:
            reps = rates.get((name, n))
            cells.append(f"{statistics.median(reps.values()) / 1e9:.2f}" if reps else "n/a")
        pj = energy.get((name, SIZES[0]))
        print(f"| {name} | " + " | ".join(cells) + f" | {format(pj, '.3g') if pj is not None else 'n/a'} |")


if __name__ == "__main__":
    main()
