#!/usr/bin/env python3
"""Ratios and the issue-5 targets from one lmul-bench-gemm JSON file (python3 stdlib only).

    build/bench/gemm/lmul-bench-gemm --benchmark_out=gemm.json --benchmark_out_format=json \
        [--benchmark_repetitions=5]
    python3 bench/gemm/gemm_summary.py gemm.json

With repetitions the median of each benchmark is used, otherwise its single result.
Targets: lmul_gemm on 8-bit data >= 0.8x cblas_sgemm products/s at 1024 (stretch 1.0x), and
>= 20x the naive loop of scalar L-Mul; lmul_gemm with 2 threads >= 1.8x 1 thread (wall time) at
1024. The context line says which OpenBLAS core ran (set OPENBLAS_CORETYPE on CPUs newer than it). The naive loop is measured at 256 only; its per-product rate does not depend
on the size (no blocking or reuse), so the 256 rate is used for every size (extrapolated).
"""
import json
import sys
from collections import defaultdict


def load_rates(path):
    """{(name, size): products/s}, medians when the run has repetitions."""
    with open(path) as f:
        data = json.load(f)
    single = {}
    medians = {}
    threads = {}
    for b in data["benchmarks"]:
        rate = b.get("products/s")
        if rate is None:
            continue
        # run_name looks like "lmul_gemm/e4m3fn/1024/real_time" or ".../256/iterations:1/real_time"
        parts = [p for p in b["run_name"].split("/") if p != "real_time" and not p.startswith("iterations:")]
        if parts[0] == "lmul_gemm_threads":  # lmul_gemm_threads/<type>/<size>/<threads>
            parts = ["%s/%s/threads" % (parts[0], parts[1]), parts[3] + "x" + parts[2]]
            name, size = parts[0], parts[1]
            threads.setdefault(name, {})[size] = None
        else:
            name, size = "/".join(parts[:-1]), int(parts[-1])
        if b.get("run_type") == "aggregate":
            if b.get("aggregate_name") == "median":
                medians[(name, size)] = rate
        else:
            single.setdefault((name, size), []).append(rate)
    rates = {key: sorted(v)[len(v) // 2] for key, v in single.items()}
    rates.update(medians)
    thread_rates = {(name, size): rates.pop((name, size)) for name in threads for size in threads[name]
                    if (name, size) in rates}
    return rates, thread_rates, data.get("context", {})


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: gemm_summary.py result.json")
    rates, thread_rates, context = load_rates(sys.argv[1])
    sizes = sorted({size for (_, size) in rates})
    names = sorted({name for (name, _) in rates})
    print("host: %s, %s CPUs at %s MHz, load %s, OpenBLAS core %s" % (
        context.get("host_name", "?"), context.get("num_cpus", "?"), context.get("mhz_per_cpu", "?"),
        context.get("load_avg", "?"), context.get("openblas_core", "?")))
    print("\nproducts/s (G = 1e9), one thread:")
    print("%-28s" % "benchmark" + "".join("%12d" % s for s in sizes))
    for name in names:
        row = "".join("%12s" % ("%.2fG" % (rates[(name, s)] / 1e9) if (name, s) in rates else "-") for s in sizes)
        print("%-28s%s" % (name, row))

    def ratio_row(label, num, den, den_any_size=False):
        cells = []
        for s in sizes:
            d = rates.get((den, s))
            if d is None and den_any_size:
                known = [rates[(den, t)] for t in sizes if (den, t) in rates]
                d = known[0] if known else None
            n = rates.get((num, s))
            cells.append("%12s" % ("%.2fx" % (n / d) if n and d else "-"))
        print("%-44s%s" % (label, "".join(cells)))

    print("\nratios" + " " * 38 + "".join("%12d" % s for s in sizes))
    for t in ("float", "e4m3fn", "e5m2", "lmul<3,4>"):
        ratio_row("lmul_gemm/%s : sgemm" % t, "lmul_gemm/" + t, "sgemm")
    for t in ("e4m3fn", "e5m2"):
        ratio_row("lmul_gemm/%s : emulated_fp8_sgemm/%s" % (t, t), "lmul_gemm/" + t, "emulated_fp8_sgemm/" + t)
    ratio_row("lmul_gemm/float : naive_lmul/float (*)", "lmul_gemm/float", "naive_lmul/float", True)
    ratio_row("lmul_gemm/e4m3fn : naive_lmul/e4m3fn (*)", "lmul_gemm/e4m3fn", "naive_lmul/e4m3fn", True)
    print("(*) naive loop measured at 256 only; its rate is used for every size")

    for (name, size), rate in sorted(thread_rates.items()):
        print("%-28s %-10s %.2fG products per wall second" % (name, size, rate / 1e9))
    for name in sorted({n for (n, _) in thread_rates}):
        one = thread_rates.get((name, "1x1024"))
        two = thread_rates.get((name, "2x1024"))
        if one and two:
            r = two / one
            print("  %s at 1024: 2 threads / 1 thread = %.2fx (target >= 1.8x; wall time, so only"
                  " meaningful on an idle machine)  %s" % (name, r, "met" if r >= 1.8 else "NOT met"))

    print("\ntargets (8-bit = e4m3fn, e5m2, lmul<3,4>):")
    sgemm = rates.get(("sgemm", 1024))
    naive = rates.get(("naive_lmul/e4m3fn", 256))
    for t in ("e4m3fn", "e5m2", "lmul<3,4>"):
        rate = rates.get(("lmul_gemm/" + t, 1024))
        if rate and sgemm:
            r = rate / sgemm
            print("  lmul_gemm/%-10s at 1024 : %.2fx sgemm      (target >= 0.8x, stretch 1.0x)  %s" % (
                t, r, "stretch met" if r >= 1.0 else ("met" if r >= 0.8 else "NOT met")))
        if rate and naive:
            r = rate / naive
            print("  lmul_gemm/%-10s at 1024 : %.0fx naive loop (target >= 20x)   %s" % (t, r, "met" if r >= 20 else "NOT met"))


if __name__ == "__main__":
    main()
