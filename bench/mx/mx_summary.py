#!/usr/bin/env python3
"""Ratio table of lmul-bench-mx: L-Mul MX dot/GEMM against the exact MX emulation and OpenBLAS.

Every ratio divides two products/s figures of the same run (single thread). A ratio > 1 means the
L-Mul function is faster; < 1 means it loses.

  bench/mx/mx_summary.py result.json     (from lmul-bench-mx --benchmark_out=result.json)
Standard library only.
"""
import json
import sys
from collections import defaultdict


def load(path):
    rates = {}
    with open(path) as f:
        for b in json.load(f)["benchmarks"]:
            if b.get("run_type") == "aggregate":
                continue
            rates[b["name"]] = b["products/s"]
    return rates


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    rates = load(sys.argv[1])
    formats = sorted({name.split("/")[1] for name in rates}, key=lambda f: list(rates).index(
        next(n for n in rates if n.split("/")[1] == f)))
    print("| format | mx_dot: lmul / exact MX | lmul / sdot (dequantized) | lmul MX / lmul unscaled |"
          " size | mx_gemm: lmul / exact MX (dequantize + sgemm) | lmul / sgemm (dequantized) |"
          " lmul MX / lmul_gemm_bt unscaled |")
    print("|---|---|---|---|---|---|---|---|")
    for f in formats:
        d = rates[f"lmul_mx_dot/{f}"]
        dot = (d / rates[f"exact_mx_dot/{f}"], d / rates[f"sdot_dequantized/{f}"],
               d / rates[f"lmul_dot_unscaled/{f}"])
        sizes = sorted({int(n.split("/")[2]) for n in rates if n.startswith(f"lmul_mx_gemm/{f}/")})
        for k, size in enumerate(sizes):
            g = rates[f"lmul_mx_gemm/{f}/{size}"]
            gemm = (g / rates[f"exact_mx_gemm/{f}/{size}"], g / rates[f"sgemm_dequantized/{f}/{size}"],
                    g / rates[f"lmul_gemm_bt_unscaled/{f}/{size}"])
            left = [f, *(f"{r:.2f}" for r in dot)] if k == 0 else ["", "", "", ""]
            print("| " + " | ".join(left + [str(size)] + [f"{r:.2f}" for r in gemm]) + " |")
    # lmul_mx_dot (compiled per-block sums) against the header's table-word loop, same run.
    inline = [f"{f} {rates[f'lmul_mx_dot/{f}'] / rates[f'lmul_mx_dot_inline/{f}']:.2f}x"
              for f in formats if f"lmul_mx_dot_inline/{f}" in rates and f"lmul_mx_dot/{f}" in rates]
    if inline:
        print("\nlmul_mx_dot / inline table-word block sums: " + ", ".join(inline))


if __name__ == "__main__":
    main()
