#!/usr/bin/env python3
"""Ratio and limit tables of the span kernels from one run of lmul-bench-kernels.

Runs the benchmark once (with repetitions), or reads an earlier run's JSON, and prints Markdown:

  1. the machine: CPU model, instruction sets, BLAS cores (from the benchmark's context);
  2. each baseline against its alternatives (is it the fastest we have?);
  3. the ratio table: every L-Mul kernel against the fastest fp32 and the fastest exact fp8
     implementation measured (named per size), with the bandwidth-bound limit of each side at that
     size (from stream/read and stream/triad at the same footprint) and the fraction reached;
  4. vector instructions per 64 elements of each kernel's inner loop (counted from the code);
  5. all 8-bit types, and absolute rates.
The 16-bit rows (lmul<7,8> = bf16 layout, lmul<10,5> = fp16 layout) are in the ratio table: lmul_dot
and lmul_multiply against the exact bf16 / fp16 baselines (bench/baselines/half.hpp) and fp32.

Every ratio is the median over repetitions of per-repetition ratios from the same run. Energy
figures are MODEL ESTIMATES (spec section 5), not measurements. --summary-json writes the ratio
table as JSON (default: next to the benchmark JSON, *_summary.json).

  bench/kernels/summarize.py build/report/bench/kernels/lmul-bench-kernels
  bench/kernels/summarize.py --json results.json        # summarise an earlier run instead
Standard library only.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict

SIZES = [4096, 65536, 1 << 20, 1 << 25]
SIZE_NAMES = {4096: "4096", 65536: "65536", 1 << 20: "2^20", 1 << 25: "2^25"}
BYTE_TYPES = ["e4m3fn", "e5m2", "lmul<1,6>", "lmul<2,5>", "lmul<3,4>", "lmul<4,3>", "lmul<5,2>"]
FP8 = ["e4m3fn", "e5m2"]
ELEMENT_BYTES = {"float": 4, "lmul<7,8>": 2, "lmul<10,5>": 2}  # every other type here is one byte
# 16-bit formats: (type, what it is, exact baseline implementation name in the benchmark).
SIXTEEN_BIT = [("lmul<7,8>", "bf16", "bf16_exact"), ("lmul<10,5>", "fp16", "fp16_exact")]

# Candidates of each baseline: the summary uses the fastest one measured at each size and names it.
FP32_DOT = ["dot/cblas_sdot/float", "dot/blis_sdot/float", "dot/fp32_fma/float",
            "dot/fp32_fma_4acc/float", "dot/fp32_fma_12acc/float"]
FP32_MULTIPLY = ["multiply/fp32/float", "multiply/fp32_plain/float"]


def half_candidates(op, impl, t, rates):
    """<op>/<impl>/<t> (the 16-bit method chosen for this CPU) and its alternatives <impl>_<method>."""
    return sorted({name for (name, _) in rates if name.startswith(f"{op}/{impl}") and name.endswith("/" + t)})


def fp8_candidates(op, t, rates):
    """dot/fp8_emulated/<t> (the method chosen for this CPU) and its alternatives."""
    prefix = f"{op}/fp8_emulated"
    return sorted({name for (name, _) in rates if name.startswith(prefix) and name.endswith("/" + t)})


# Vector instructions per 64 elements in each inner loop, counted by hand from the code at this
# commit (AVX-512 builds; k-mask logic counted apart; the lmul 8-bit rows from GCC 12's code for
# the avx512_vbmi unit: objdump of kernels_avx512_vbmi.cpp.o, dot_codes_vbmi_pass and
# multiply_codes_vbmi of e4m3fn). Sources:
# include/lmul/kernels/avx512_vbmi.hpp, avx512_float.hpp, multiply.hpp; bench/baselines/*.hpp.
INSTRUCTIONS_PER_64 = {
    "dot/lmul/<8-bit>": ("16 + 5 loads", "2 vpermi2b, 2 vptestmb, 2 vpmaxub, 4 vpunpck, 2 vpmaddubsw, "
                         "vpternlogd, masked vpaddb, 2 vdpbf16ps; GCC 12 loads each 64-byte operand 2-3 "
                         "times (the same lines: reloading measured no slower)"),
    "dot/fp8_emulated (bf16_dpbf16)": ("12 + 2 loads", "4 vpermt2b, 2 vpternlogd, 4 vpunpck, 2 vdpbf16ps"),
    "dot/fp8_emulated_vbmi_fp32fma": ("26", "2 loads, 4 vpermt2b, 2 vpternlogd, 4 vpunpck, 4 vpslld, "
                                      "4 vpandd, 4 vfmadd, (acc. in registers)"),
    "dot/fp8_emulated_decode_fp32fma": ("~100", "per 16: 2 x (vpmovzxbd, 2 vpandd, vpslld, vpaddd, "
                                        "vcvtdq2ps, vmulps, 2 vpcmpud, blend, vpslld, vpord) + vfmadd"),
    "dot/fp32 (cblas_sdot, fp32_fma)": ("8", "8 loads (4 folded into vfmadd), 4 vfmadd: the minimum"),
    "dot/lmul/float": ("40 + ~16 mask, 8 prefetch", "8 loads, 4 vpaddd, 4 vpsubd, 4 vpternlogd, "
                       "12 vfpclassps, 4 vpmovd2m, 4 vaddps; k-ors, kortest"),
    "multiply/lmul/<8-bit>": ("11 + 2 copies, 2 loads, 1 store", "2 vpermt2b (class indices), vpaddsb, "
                              "vpmovb2m, 2 masked vpermi2b (the 256-entry product table as two halves), "
                              "vpxord + vpternlogd (sign), 1.5 vpmaxsb + 0.5 vpcmpeqb (NaN/inf check); "
                              "knotq, kortestq"),
    "multiply/fp8_emulated (vbmi_fp32)": ("74 (e4m3fn), 82 (e5m2)", "2 loads, 4 vpermt2b, 4 vpunpck, 4 vpslld + "
                                          "4 vpandd (widen), 4 vmulps, 4 x 11 encode (+2 for e5m2's NaN), "
                                          "2 vpslld + 2 vpord, vpackuswb, vpxord, vpternlogd, store"),
    "multiply/fp8_emulated_decode_fp32": ("~180", "per 16: 2 x 12 decode, vmulps, ~18 encode, vpmovdb, store"),
    "multiply/fp8_emulated_table_gather": ("36 + 64 gathered loads", "per 16: 2 vpmovzxbd, vpslld, "
                                           "vpternlogd, vpgatherdd, vpxord, vpternlogd, vpmovdb, store"),
    "multiply/fp32": ("12", "8 loads (4 folded into vmulps), 4 vmulps, 4 stores: the minimum"),
    "multiply/lmul/float": ("~64", "per 16: 2 loads, 2 vpandd, vpminsd + vpmaxsd, 3 vpaddd, 4 vpcmpd "
                            "(into k-masks), vpternlogd (sign), 2 vmovdqa32 (one masked: zero lanes), "
                            "store; korw, kandnw, 2 kmovw"),
}


def run_benchmark(binary, repetitions, min_time, out_path):
    cmd = [binary, f"--benchmark_repetitions={repetitions}", f"--benchmark_min_time={min_time}",
           "--benchmark_out_format=json", f"--benchmark_out={out_path}"]
    print("running:", " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return out_path


def load(path):
    """{(name, n): {repetition: rate}} for items/s, bytes/s and products/s, plus energies and context."""
    with open(path) as f:
        doc = json.load(f)
    items, byte_rates, products, energy = defaultdict(dict), defaultdict(dict), defaultdict(dict), {}
    errors = {}
    for b in doc["benchmarks"]:
        if b.get("run_type", "iteration") != "iteration":
            continue
        parts = b["run_name"].split("/")
        if parts[-1].isdigit():
            name, n = "/".join(parts[:-1]), int(parts[-1])
        else:
            name, n = b["run_name"], 0
        if "error_occurred" in b and b["error_occurred"]:
            errors[(name, n)] = b.get("error_message", "error")
            continue
        rep = b.get("repetition_index", 0)
        if "items_per_second" in b:
            items[(name, n)][rep] = b["items_per_second"]
        if "bytes_per_second" in b:
            byte_rates[(name, n)][rep] = b["bytes_per_second"]
        if "products/s" in b:
            products[(name, n)][rep] = b["products/s"]
        if "model_pJ_per_elem" in b:
            energy[(name, n)] = b["model_pJ_per_elem"]
    return items, byte_rates, products, energy, errors, doc.get("context", {})


def median(values):
    return statistics.median(values) if values else None


def median_rate(rates, name, n):
    reps = rates.get((name, n))
    return median(list(reps.values())) if reps else None


def best_of(rates, names, n):
    """(name, median rate) of the fastest candidate measured at n, or (None, None)."""
    measured = [(median_rate(rates, c, n), c) for c in names if (c, n) in rates]
    if not measured:
        return None, None
    rate, name = max(measured)
    return name, rate


def median_ratio(rates, num, den, n):
    a, b = rates.get((num, n)), rates.get((den, n))
    if not a or not b:
        return None
    return median([a[r] / b[r] for r in a if r in b])


def fmt_ratio(x):
    return "n/a" if x is None else f"{x:.2f}x"


def fmt_g(x):
    return "n/a" if x is None else f"{x / 1e9:.1f}"


def fmt_pct(x):
    return "n/a" if x is None else f"{100 * x:.0f}%"


def short(name):
    """'dot/cblas_sdot/float' -> 'cblas_sdot'."""
    return name.split("/")[1] if name else "n/a"


def element_bytes(name):
    return ELEMENT_BYTES.get(name.rsplit("/", 1)[-1], 1)


def bandwidth_limit(byte_rates, op, name, n):
    """Elements/s a kernel could reach if only memory bandwidth limited it: stream/read (dot: two
    arrays read) or stream/triad (multiply: two read, one written) at the same footprint, divided
    by the kernel's bytes per element."""
    size = element_bytes(name)
    stream = "stream/read" if op == "dot" else "stream/triad"
    bw = median_rate(byte_rates, stream, n * size)
    per_element = (2 if op == "dot" else 3) * size
    return None if bw is None else bw / per_element


def machine_lines(context, path):
    load_avg = context.get("load_avg")
    load_text = ", ".join(f"{x:.1f}" for x in load_avg) if load_avg else "?"
    return [
        f"Machine: {context.get('cpu_model', '?')}, {context.get('num_cpus', '?')} CPUs at "
        f"{context.get('mhz_per_cpu', '?')} MHz (as the OS reports); instruction sets: {context.get('cpu_isa', '?')}",
        f"BLAS: {context.get('openblas', context.get('openblas_core', '?'))}",
        f"BLAS 2: {context.get('blis', 'n/a')}",
        f"BLAS checks: {context.get('blas_checks', 'n/a')}",
        f"Run: {context.get('date', '?')}, load average at start {load_text} (1, 5, 15 min); single thread; "
        f"JSON: {path}",
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("binary", nargs="?", default="build/report/bench/kernels/lmul-bench-kernels")
    parser.add_argument("--json", help="summarise this benchmark JSON instead of running")
    parser.add_argument("--out", help="where the run writes its benchmark JSON (default: a temp file)")
    parser.add_argument("--summary-json", help="write the ratio table here (default: <benchmark json>_summary.json)")
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--min-time", default="0.1")
    args = parser.parse_args()
    if args.json:
        path = args.json
    else:
        out = args.out or tempfile.NamedTemporaryFile(suffix=".json", delete=False).name
        path = run_benchmark(args.binary, args.repetitions, args.min_time, out)
    items, byte_rates, products, energy, errors, context = load(path)

    print("## lmul kernels: ratios and limits, one run\n")
    for line in machine_lines(context, path):
        print(f"- {line}")
    print("\nMedians over repetitions of per-repetition ratios of elements/s. Each baseline is the "
          "fastest implementation measured at that size (named). Limit = elements/s if memory "
          "bandwidth alone limited the kernel (stream/read for a dot, stream/triad for a multiply, "
          "same footprint, same run); reached = rate / limit. Below ~50% a kernel is compute-bound: "
          "see the instruction counts.\n")
    if errors:
        print("**Benchmarks that reported errors (their rates are missing):** " +
              "; ".join(f"{k[0]}/{k[1]}: {v}" for k, v in sorted(errors.items())) + "\n")

    # ---- 2. baselines against their alternatives -----------------------------------------------
    print("### Baselines against their alternatives (G elements/s; fastest in bold)\n")
    groups = [("fp32 dot", FP32_DOT), ("fp32 multiply", FP32_MULTIPLY)]
    for t in FP8:
        groups.append((f"exact {t} dot", fp8_candidates("dot", t, items)))
        groups.append((f"exact {t} multiply", fp8_candidates("multiply", t, items)))
    for t, fmt, impl in SIXTEEN_BIT:
        groups.append((f"exact {fmt} dot", half_candidates("dot", impl, t, items)))
        groups.append((f"exact {fmt} multiply", half_candidates("multiply", impl, t, items)))
    print("| baseline | implementation | " + " | ".join(SIZE_NAMES[n] for n in SIZES) + " |")
    print("|---|---|" + "---|" * len(SIZES))
    for label, names in groups:
        for name in names:
            if not any((name, n) in items for n in SIZES):
                continue
            cells = []
            for n in SIZES:
                rate = median_rate(items, name, n)
                best = best_of(items, names, n)[0]
                text = fmt_g(rate)
                cells.append(f"**{text}**" if name == best else text)
            print(f"| {label} | {short(name)} | " + " | ".join(cells) + " |")
    methods = {k: v for k, v in context.items() if k.startswith("fp8_") or k.startswith("half_")}
    if methods:
        print("\nfp8 / 16-bit baseline methods chosen for this CPU (`fp8_emulated`, `bf16_exact`, `fp16_exact`): " +
              ", ".join(f"{k} = {v}" for k, v in sorted(methods.items())))

    # ---- 3. the ratio table ----------------------------------------------------------------------
    rows = []  # (label, op, L-Mul benchmark, baseline candidates)
    for t in FP8:
        rows.append((f"lmul_dot {t} vs fp32 dot", "dot", f"dot/lmul/{t}", FP32_DOT))
        rows.append((f"lmul_dot {t} vs exact {t} dot", "dot", f"dot/lmul/{t}", fp8_candidates("dot", t, items)))
        rows.append((f"lmul_multiply {t} vs fp32 multiply", "multiply", f"multiply/lmul/{t}", FP32_MULTIPLY))
        rows.append((f"lmul_multiply {t} vs exact {t} multiply", "multiply", f"multiply/lmul/{t}",
                     fp8_candidates("multiply", t, items)))
    for t, fmt, impl in SIXTEEN_BIT:
        rows.append((f"lmul_dot<{t}> vs exact {fmt} dot", "dot", f"dot/lmul/{t}", half_candidates("dot", impl, t, items)))
        rows.append((f"lmul_dot<{t}> vs fp32 dot (same n)", "dot", f"dot/lmul/{t}", FP32_DOT))
        rows.append((f"lmul_multiply<{t}> vs exact {fmt} multiply", "multiply", f"multiply/lmul/{t}",
                     half_candidates("multiply", impl, t, items)))
        rows.append((f"lmul_multiply<{t}> vs fp32 multiply", "multiply", f"multiply/lmul/{t}", FP32_MULTIPLY))
    rows.append(("lmul_dot float vs fp32 dot", "dot", "dot/lmul/float", FP32_DOT))
    rows.append(("lmul_multiply float vs fp32 multiply", "multiply", "multiply/lmul/float", FP32_MULTIPLY))

    summary = {"context": {k: context.get(k) for k in ("date", "host_name", "cpu_model", "cpu_isa", "openblas",
                                                        "openblas_core", "blis", "blis_config", "blas_checks", "load_avg", "num_cpus",
                                                        "mhz_per_cpu")},
               "fp8_methods": {k: v for k, v in context.items() if k.startswith("fp8_")},
               "half_methods": {k: v for k, v in context.items() if k.startswith("half_")},
               "benchmark_json": path, "rows": []}
    print("\n### Ratio table\n")
    print("| comparison | n | L-Mul G/s | baseline | baseline G/s | ratio | L-Mul limit G/s | L-Mul reached "
          "| baseline limit G/s | baseline reached |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for label, op, num, candidates in rows:
        for n in SIZES:
            base, base_rate = best_of(items, candidates, n)
            rate = median_rate(items, num, n)
            ratio = median_ratio(items, num, base, n) if base else None
            limit = bandwidth_limit(byte_rates, op, num, n)
            base_limit = bandwidth_limit(byte_rates, op, base, n) if base else None
            reached = rate / limit if rate and limit else None
            base_reached = base_rate / base_limit if base_rate and base_limit else None
            print(f"| {label} | {SIZE_NAMES[n]} | {fmt_g(rate)} | {short(base)} | {fmt_g(base_rate)} | "
                  f"**{fmt_ratio(ratio)}** | {fmt_g(limit)} | {fmt_pct(reached)} | {fmt_g(base_limit)} | "
                  f"{fmt_pct(base_reached)} |")
            summary["rows"].append({
                "comparison": label, "n": n, "kernel": num, "kernel_elements_per_s": rate,
                "baseline": base, "baseline_elements_per_s": base_rate, "ratio": ratio,
                "kernel_bandwidth_limit_elements_per_s": limit, "kernel_fraction_of_limit": reached,
                "baseline_bandwidth_limit_elements_per_s": base_limit, "baseline_fraction_of_limit": base_reached})

    print("\nMemory bandwidth measured in this run (GB/s, STREAM counting: bytes read + written):\n")
    footprints = sorted({n for (name, n) in byte_rates if name.startswith("stream/")})
    print("| kernel | " + " | ".join(f"{b // 1024} KiB/array" for b in footprints) + " |")
    print("|---|" + "---|" * len(footprints))
    for stream in ("stream/read", "stream/triad", "stream/copy"):
        print(f"| {stream} | " + " | ".join(fmt_g(median_rate(byte_rates, stream, b)) for b in footprints) + " |")
    peak = median_rate(products, "peak/fp32_fma", 0)
    if peak:
        print(f"\nfp32 FMA peak (register-only loop, 12 chains): {peak / 1e9:.1f} G multiply-adds/s.")
    summary["bandwidth_bytes_per_s"] = {s: {str(b): median_rate(byte_rates, s, b) for b in footprints}
                                        for s in ("stream/read", "stream/triad", "stream/copy")}
    summary["fp32_fma_peak_per_s"] = peak

    # ---- 4. instruction counts ------------------------------------------------------------------
    print("\n### Vector instructions per 64 elements (inner loops, counted from the code)\n")
    print("| kernel | instructions / 64 elements | which |")
    print("|---|---|---|")
    for name, (count, which) in INSTRUCTIONS_PER_64.items():
        print(f"| {name} | {count} | {which} |")
    summary["instructions_per_64_elements"] = {k: v[0] for k, v in INSTRUCTIONS_PER_64.items()}

    # ---- 5. all 8-bit types and absolute rates --------------------------------------------------
    print("\n### All 8-bit types (ratios; baselines as above; exact / fast = lmul_dot_exact / lmul_dot)\n")
    print("Operands: uniform finite codes (every exponent alike: the exact dot's worst case) and, in the "
          "last column, N(0, 1)-like values (the exact dot pays only for the exponent windows the data "
          "spans; not run at 2^25).\n")
    print("| type | n | dot / fp32 dot | multiply / fp32 multiply | exact / fast dot | exact / fast dot, N(0, 1)-like |")
    print("|---|---|---|---|---|---|")
    exact_normal = {}
    for t in BYTE_TYPES:
        for n in SIZES:
            dot_base = best_of(items, FP32_DOT, n)[0]
            mul_base = best_of(items, FP32_MULTIPLY, n)[0]
            normal = median_ratio(items, f'dot/lmul_exact_normal/{t}', f'dot/lmul_normal/{t}', n)
            exact_normal.setdefault(t, {})[str(n)] = normal
            print(f"| {t} | {SIZE_NAMES[n]} | {fmt_ratio(median_ratio(items, f'dot/lmul/{t}', dot_base, n))} | "
                  f"{fmt_ratio(median_ratio(items, f'multiply/lmul/{t}', mul_base, n))} | "
                  f"{fmt_ratio(median_ratio(items, f'dot/lmul_exact/{t}', f'dot/lmul/{t}', n))} | "
                  f"{fmt_ratio(normal)} |")
    summary["exact_over_fast_dot_normal_like"] = exact_normal

    print("\n### Absolute rates (median, G elements/s) and the MODEL-ESTIMATE energy per element "
          "(spec 5, Horowitz 45 nm: not measured)\n")
    print("| benchmark | " + " | ".join(SIZE_NAMES[n] for n in SIZES) + " | model pJ/elem (estimate) |")
    print("|---|" + "---|" * (len(SIZES) + 1))
    for name in sorted({k[0] for k in items}):
        pj = energy.get((name, SIZES[0]))
        print(f"| {name} | " + " | ".join(fmt_g(median_rate(items, name, n)) for n in SIZES) +
              f" | {format(pj, '.3g') if pj is not None else 'n/a'} |")

    summary_path = args.summary_json or os.path.splitext(path)[0] + "_summary.json"
    with open(summary_path, "w") as f:
        json.dump(summary, f, indent=1)
    print(f"\nRatio table as JSON: {summary_path}")


if __name__ == "__main__":
    main()
