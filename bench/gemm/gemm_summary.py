#!/usr/bin/env python3
"""Ratio and limit tables of lmul_gemm from one lmul-bench-gemm JSON file (python3 stdlib only).

    build/report/bench/gemm/lmul-bench-gemm --benchmark_out=gemm.json --benchmark_out_format=json \
        [--benchmark_repetitions=5]
    python3 bench/gemm/gemm_summary.py gemm.json [--summary-json out.json]

Prints Markdown: the machine and BLAS cores, products/s of every benchmark, and the ratios of
lmul_gemm against the fastest fp32 sgemm measured (OpenBLAS or BLIS, named per size), the fastest
exact fp8 GEMM (fp8 decoded to fp32, then the faster sgemm) and the naive scalar L-Mul loop, with
each side's fraction of the fp32 FMA peak of the core (peak/fp32_fma, same run). With repetitions
the median of each benchmark is used. The naive loop is measured at 256 only; its per-product rate
does not depend on the size (no blocking or reuse), so the 256 rate is used for every size
(extrapolated). Writes the ratio table as JSON (default: <input>_summary.json).
"""
import argparse
import json
import os
import statistics
from collections import defaultdict

SGEMM = ["sgemm", "sgemm_blis"]
TYPES = ["float", "e4m3fn", "e5m2", "lmul<3,4>", "lmul<7,8>", "lmul<10,5>"]
SIXTEEN_BIT = {"lmul<7,8>": "bf16", "lmul<10,5>": "fp16"}  # lmul_gemm<T> vs sgemm and the exact 16-bit GEMM


def load_rates(path):
    """{(name, size): median products/s over repetitions} and the run's context."""
    with open(path) as f:
        data = json.load(f)
    reps = defaultdict(list)
    for b in data["benchmarks"]:
        rate = b.get("products/s")
        if rate is None or b.get("run_type") == "aggregate":
            continue
        # run_name looks like "lmul_gemm/e4m3fn/1024" or "naive_lmul/e4m3fn/256/iterations:1"
        parts = [p for p in b["run_name"].split("/") if p != "real_time" and not p.startswith("iterations:")]
        if parts[0] == "lmul_gemm_threads":  # lmul_gemm_threads/<type>/<size>/<threads>: own table
            name, size = "/".join(parts[:-1]), -int(parts[-1])  # negative: a thread count
        elif parts[-1].isdigit():
            name, size = "/".join(parts[:-1]), int(parts[-1])
        else:
            name, size = "/".join(parts), 0
        reps[(name, size)].append(rate)
    return {k: statistics.median(v) for k, v in reps.items()}, data.get("context", {})


def best_of(rates, names, size):
    measured = [(rates[(n, size)], n) for n in names if (n, size) in rates]
    return (None, None) if not measured else max(measured)[::-1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("json_file")
    parser.add_argument("--summary-json")
    args = parser.parse_args()
    rates, context = load_rates(args.json_file)
    sizes = sorted({s for (_, s) in rates if s > 0 and not _.startswith("naive")})
    peak = rates.get(("peak/fp32_fma", 0))
    bf16_peak = rates.get(("peak/bf16_dot", 0))
    load_avg = context.get("load_avg")

    print("## lmul_gemm: ratios and limits, one run\n")
    print(f"- Machine: {context.get('cpu_model', '?')}, {context.get('num_cpus', '?')} CPUs; "
          f"instruction sets: {context.get('cpu_isa', '?')}")
    print(f"- BLAS: {context.get('openblas', '?')}")
    print(f"- BLAS 2: {context.get('blis', 'n/a')}")
    print(f"- BLAS checks: {context.get('blas_checks', 'n/a')}")
    print(f"- Run: {context.get('date', '?')}, load average at start "
          f"{', '.join(f'{x:.1f}' for x in load_avg) if load_avg else '?'}; one thread; JSON: {args.json_file}")
    if peak:
        print(f"- fp32 FMA peak of one core (register-only loop, same run): {peak / 1e9:.1f} G products/s")
    if bf16_peak:
        print(f"- vdpbf16ps peak of one core (register-only loop, same run): {bf16_peak / 1e9:.1f} G products/s "
              "(the ceiling of the bf16 exact fp8 GEMM)")

    print("\nProducts/s (G = 1e9), one thread, median over repetitions; "
          "'of peak' = products/s / the fp32 FMA peak:\n")
    print("| benchmark | " + " | ".join(str(s) for s in sizes) + " |")
    print("|---|" + "---|" * len(sizes))
    names = sorted({n for (n, s) in rates if s > 0})
    for name in names:
        cells = []
        for s in sizes:
            r = rates.get((name, s))
            if r is None and name.startswith("naive") and s != 256:
                cells.append("")
                continue
            cells.append("-" if r is None else f"{r / 1e9:.2f} G" + (f" ({100 * r / peak:.0f}% of peak)" if peak else ""))
        print(f"| {name} | " + " | ".join(cells) + " |")

    summary = {"context": {k: context.get(k) for k in ("date", "cpu_model", "cpu_isa", "openblas", "blis", "blis_config", "blas_checks", "load_avg")},
               "fp32_fma_peak_products_per_s": peak,
               "bf16_dot_peak_products_per_s": bf16_peak, "rows": []}
    print("\n### Ratio table\n")
    print("| comparison | size | L-Mul G products/s | baseline | baseline G products/s | ratio | "
          "L-Mul of FMA peak | baseline of FMA peak |")
    print("|---|---|---|---|---|---|---|---|")
    for t in TYPES:
        comparisons = [(f"lmul_gemm {t} vs fp32 sgemm", SGEMM)]
        if t in ("e4m3fn", "e5m2"):
            comparisons.append((f"lmul_gemm {t} vs exact {t} GEMM",
                                [f"emulated_fp8_sgemm/{t}", f"emulated_fp8_sgemm_blis/{t}",
                                 f"emulated_fp8_bf16/{t}"]))
        if t in SIXTEEN_BIT:
            comparisons.append((f"lmul_gemm {t} vs exact {SIXTEEN_BIT[t]} GEMM",
                                [f"emulated_16bit_sgemm/{t}", f"emulated_16bit_sgemm_blis/{t}",
                                 f"emulated_16bit_bf16/{t}"]))
        if t in ("float", "e4m3fn"):
            comparisons.append((f"lmul_gemm {t} vs naive scalar L-Mul loop (*)", [f"naive_lmul/{t}"]))
        for label, candidates in comparisons:
            for s in sizes:
                rate = rates.get((f"lmul_gemm/{t}", s))
                base, base_rate = best_of(rates, candidates, s)
                if base is None and candidates[0].startswith("naive"):
                    base, base_rate = best_of(rates, candidates, 256)  # extrapolated, see (*)
                ratio = rate / base_rate if rate and base_rate else None
                print(f"| {label} | {s} | {rate / 1e9 if rate else float('nan'):.1f} | {base or 'n/a'} | "
                      f"{base_rate / 1e9 if base_rate else float('nan'):.2f} | "
                      f"**{'n/a' if ratio is None else f'{ratio:.2f}x'}** | "
                      f"{f'{100 * rate / peak:.0f}%' if rate and peak else 'n/a'} | "
                      f"{f'{100 * base_rate / peak:.0f}%' if base_rate and peak else 'n/a'} |")
                summary["rows"].append({"comparison": label, "size": s, "kernel": f"lmul_gemm/{t}",
                                        "kernel_products_per_s": rate, "baseline": base,
                                        "baseline_products_per_s": base_rate, "ratio": ratio,
                                        "kernel_fraction_of_fma_peak": rate / peak if rate and peak else None,
                                        "baseline_fraction_of_fma_peak": base_rate / peak if base_rate and peak else None})
    print("\n(*) naive loop measured at 256 only; its rate is used for every size.")
    pinned = context.get("openblas_pinned_core")
    if pinned:
        cells = []
        for s in sizes:
            if rates.get(("sgemm_pinned", s)) and rates.get(("sgemm", s)):
                cells.append(f"{s}: {rates[('sgemm_pinned', s)] / rates[('sgemm', s)]:.2f}x")
        print(f"\nThe environment pinned the OpenBLAS core {pinned}; the baseline above is the best core "
              f"({context.get('openblas_core', '?')}). Pinned core / best core, sgemm: " + (", ".join(cells) or "n/a"))
        summary["openblas_pinned_core"] = pinned
    scaling = {}
    for (name, s), rate in rates.items():
        if s < 0:
            scaling.setdefault(name, {})[-s] = rate
    for name, by_threads in sorted(scaling.items()):
        if 1 in by_threads and 2 in by_threads:
            ratio = by_threads[2] / by_threads[1]
            print(f"\nThread scaling, {name} (wall-time products/s): 2 threads / 1 thread = "
                  f"**{ratio:.2f}x** (a machine loaded by other work cannot show it)")
            summary["thread_scaling"] = {"benchmark": name, "ratio_2_over_1": ratio}
    print("\nInner loops (counted from the code): on AVX-512 BF16 the 8-bit lmul_gemm micro-kernel "
          "issues one masked vpaddw (32 bf16 wide products) and one vdpbf16ps (a widening adder: "
          "its second operand is 1.0 or 0.0) per 32 products, plus the broadcast of A; without BF16 "
          "one masked vpaddd and one masked vaddps per 16 products; an FMA sgemm micro-kernel issues "
          "one vfmadd per 16 products (plus its share of loads).")

    out = args.summary_json or os.path.splitext(args.json_file)[0] + "_summary.json"
    with open(out, "w") as f:
        json.dump(summary, f, indent=1)
    print(f"\nRatio table as JSON: {out}")


if __name__ == "__main__":
    main()
