#!/usr/bin/env python3
"""The README's speed tables, from the JSON summaries of one report run (python3 stdlib only).

    bash scripts/report.sh            # writes build/report/kernels_summary.json, gemm_summary.json
    python3 bench/readme_table.py build/report/kernels_summary.json build/report/gemm_summary.json

Prints the machine line and two Markdown tables (kernels, GEMM) with the ratio of each L-Mul kernel
to the fastest baseline measured at each size, the baseline named in brackets; ratios below 1
(L-Mul loses) in bold.
"""
import json
import sys

KERNEL_ROWS = [
    ("`lmul_dot` e4m3fn / fastest fp32 dot", "lmul_dot e4m3fn vs fp32 dot"),
    ("`lmul_dot` e4m3fn / exact e4m3fn dot", "lmul_dot e4m3fn vs exact e4m3fn dot"),
    ("`lmul_dot` e5m2 / exact e5m2 dot", "lmul_dot e5m2 vs exact e5m2 dot"),
    ("`lmul_multiply` e4m3fn / fp32 multiply", "lmul_multiply e4m3fn vs fp32 multiply"),
    ("`lmul_multiply` e4m3fn / exact e4m3fn multiply", "lmul_multiply e4m3fn vs exact e4m3fn multiply"),
    ("`lmul_dot<lmul<7,8>>` / exact bf16 dot", "lmul_dot<lmul<7,8>> vs exact bf16 dot"),
    ("`lmul_dot<lmul<7,8>>` / fastest fp32 dot", "lmul_dot<lmul<7,8>> vs fp32 dot (same n)"),
    ("`lmul_multiply<lmul<7,8>>` / exact bf16 multiply", "lmul_multiply<lmul<7,8>> vs exact bf16 multiply"),
    ("`lmul_dot<lmul<10,5>>` / exact fp16 dot", "lmul_dot<lmul<10,5>> vs exact fp16 dot"),
    ("`lmul_multiply<lmul<10,5>>` / exact fp16 multiply", "lmul_multiply<lmul<10,5>> vs exact fp16 multiply"),
    ("`lmul_dot` float / fastest fp32 dot", "lmul_dot float vs fp32 dot"),
    ("`lmul_multiply` float / fp32 multiply", "lmul_multiply float vs fp32 multiply"),
]
GEMM_ROWS = [
    ("`lmul_gemm` e4m3fn / fastest sgemm", "lmul_gemm e4m3fn vs fp32 sgemm"),
    ("`lmul_gemm` e4m3fn / exact e4m3fn GEMM", "lmul_gemm e4m3fn vs exact e4m3fn GEMM"),
    ("`lmul_gemm<lmul<7,8>>` (bf16) / fastest sgemm", "lmul_gemm lmul<7,8> vs fp32 sgemm"),
    ("`lmul_gemm<lmul<7,8>>` (bf16) / exact bf16 GEMM", "lmul_gemm lmul<7,8> vs exact bf16 GEMM"),
    ("`lmul_gemm<lmul<10,5>>` (fp16) / fastest sgemm", "lmul_gemm lmul<10,5> vs fp32 sgemm"),
    ("`lmul_gemm` float / fastest sgemm", "lmul_gemm float vs fp32 sgemm"),
]
SIZE_NAMES = {4096: "4096", 65536: "65536", 1 << 20: "2^20", 1 << 25: "2^25"}


GEMM_NAMES = {"sgemm": "OpenBLAS sgemm", "sgemm_blis": "BLIS sgemm",
              "emulated_fp8_sgemm": "decode + OpenBLAS sgemm", "emulated_fp8_sgemm_blis": "decode + BLIS sgemm",
              "emulated_fp8_bf16": "bf16 + vdpbf16ps GEMM",
              "emulated_16bit_sgemm": "widen + OpenBLAS sgemm", "emulated_16bit_sgemm_blis": "widen + BLIS sgemm",
              "emulated_16bit_bf16": "bf16 vdpbf16ps GEMM"}


def short(name, methods):
    """A baseline's benchmark name as the reader should see it."""
    parts = (name or "n/a").split("/")
    if len(parts) == 3:  # dot/<impl>/<type>
        op, impl, t = parts
        if impl == "fp8_emulated":
            return methods.get(f"fp8_{op}_method/{t}", impl)
        return impl.removeprefix("fp8_emulated_")
    return GEMM_NAMES.get(parts[0], parts[0])


def table(rows, summary, size_key, names):
    by = {(r["comparison"], r[size_key]): r for r in summary["rows"]}
    sizes = sorted({r[size_key] for r in summary["rows"]})
    print("| comparison | " + " | ".join(names.get(s, str(s)) for s in sizes) + " |")
    print("|---|" + "---|" * len(sizes))
    for label, key in rows:
        cells = []
        for s in sizes:
            r = by.get((key, s))
            if not r or r["ratio"] is None:
                cells.append("n/a")
                continue
            ratio = f"{r['ratio']:.2f}x"
            if r["ratio"] < 1.0:
                ratio = f"**{ratio}**"  # L-Mul loses
            cells.append(f"{ratio} ({short(r['baseline'], summary.get('fp8_methods', {}))})")
        print(f"| {label} | " + " | ".join(cells) + " |")


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with open(sys.argv[1]) as f:
        kernels = json.load(f)
    with open(sys.argv[2]) as f:
        gemm = json.load(f)
    c = kernels["context"]
    load = c.get("load_avg")
    print(f"Machine: {c.get('cpu_model')}, {c.get('num_cpus')} CPUs, {c.get('cpu_isa')}; "
          f"BLAS: OpenBLAS core {c.get('openblas_core')}, {c.get('blis_config') or c.get('blis')}; run {c.get('date')}, "
          f"load average {', '.join(f'{x:.1f}' for x in load) if load else '?'}.\n")
    table(KERNEL_ROWS, kernels, "n", SIZE_NAMES)
    print()
    table(GEMM_ROWS, gemm, "size", {})


if __name__ == "__main__":
    main()
