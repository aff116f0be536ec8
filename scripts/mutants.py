#!/usr/bin/env python3
"""Mutation check of the test suite: are deliberate kernel bugs caught?

Copies the working tree (without build/ and .git) to a scratch directory, builds the `dispatched`
tests there once, then for each mutant below: applies it (one exact text replacement in a header,
which must match exactly once: a mutant whose text has moved is reported STALE, never silently
skipped), rebuilds, runs `ctest -L dispatched` (every compiled table the CPU runs, through the
public functions: tests/kernels/dispatched_test.cpp) and reports CAUGHT (some test failed) or
MISSED. A mutant of a table this CPU cannot run (AVX-512 VBMI on an AVX2 machine) is reported
NOT RUN. Exit status 1 if any mutant that ran was missed or any mutant is stale.

Usage: python3 scripts/mutants.py [--only NAME ...] [--keep] [--label LABEL]
  --label unit    runs the unit label instead (the whole C++ suite; much slower).
Time on 2 cores (AMD EPYC Zen 3, AVX2, a full build running beside it): 4.4 minutes for the first
build and tests, then about 2 minutes per mutant (the kernel library's units and the test are
rebuilt): 24 minutes in all for the 10 mutants this CPU runs.
Run it before resolving kernel work; it is not part of CI.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# name, file, original text, mutated text, table it needs (None: every SIMD table), what it models
MUTANTS = [
    ("sign-bytes", "include/lmul/kernels/multiply.hpp",
     "return magnitude | ((a ^ b) & detail::opaque(bytes(std::uint8_t(F::sign_mask))));",
     "return magnitude | ((a | b) & detail::opaque(bytes(std::uint8_t(F::sign_mask))));",
     None, "8-bit multiply (pshufb / tbl kernels): OR instead of XOR for the product's sign"),
    ("sign-linear", "include/lmul/kernels/multiply.hpp",
     "const codes sign = (a ^ b) & opaque(codes(S(F::sign_mask)));",
     "const codes sign = (a | b) & opaque(codes(S(F::sign_mask)));",
     None, "16-bit / fp32 multiply and dot fast path: OR instead of XOR for the sign (zero products; formats narrower than their storage)"),
    ("multiply-nan-bytes", "include/lmul/kernels/multiply.hpp",
     "if (!any_special_byte<F, A>(va, vb)) [[likely]] {",
     "if (true) {",
     None, "8-bit multiply: registers holding NaN/inf codes take the fast path (no NaN path)"),
    ("offset", "include/lmul/kernels/multiply.hpp",
     "k_signed = (a + b) + opaque(codes(lane(add_k)));",
     "k_signed = (a + b) + opaque(codes(lane(add_k + 1)));",
     None, "16-bit fast path (formats that fill their storage: bf16, fp16): L-Mul offset constant off by one unit"),
    ("multiply-tail", "include/lmul/kernels/multiply.hpp",
     "std::memcpy(out + i, to.data(), (n - i) * sizeof(S));",
     "if (n - i > 1) std::memcpy(out + i, to.data(), (n - i - 1) * sizeof(S));",
     None, "multiply: the last element of a partial register is not written"),
    ("dot-tail", "include/lmul/kernels/dot.hpp",
     "return acc.total() + dot_codes_scalar<F>(a + i, b + i, n - i);",
     "return acc.total();",
     None, "dot: the scalar tail after the last full register is dropped"),
    ("dot-nan-bytes", "include/lmul/kernels/dot.hpp",
     "if (any_special_byte<F, A>(va, vb)) {",
     "if (false) {",
     None, "8-bit dot: registers holding NaN/inf codes summed by the fast path (no NaN path)"),
    ("dot-patch-linear", "include/lmul/kernels/dot.hpp",
     "if (!exact[j]) acc.scalar += detail::lmul_wide<F>(pa[j], pb[j]);",
     "if (!exact[j] && false) acc.scalar += detail::lmul_wide<F>(pa[j], pb[j]);",
     None, "16-bit / fp32 dot: lanes outside the fast path (specials, subnormals) dropped"),
    ("window-test", "include/lmul/kernels/block_tests.hpp",
     "return xsimd::any((seen & test) != B(typename B::value_type(0)));",
     "return false;",
     None, "bf16 multiply and dot: the exponent window test always passes"),
    ("window-width", "include/lmul/kernels/block_tests.hpp",
     "static constexpr long long test_bits = (0xFF ^ (width - 1)) << M;",
     "static constexpr long long test_bits = (0xFF ^ (2 * width - 1)) << M;",
     None, "bf16 multiply and dot: an exponent window twice as wide (products overflow)"),
    ("dot-window-restore", "include/lmul/kernels/dot.hpp",
     "acc = saved;  // drop the block's sums",
     "",
     None, "bf16 dot: a block that fails the exponent window keeps its sums"),
    ("gemm-edge-tile", "include/lmul/gemm/driver.hpp",
     "std::min(NR, nc - jr), first_block};",
     "std::min(NR, nc - jr) - (nc - jr < NR ? 1 : 0), first_block};",
     None, "GEMM: an edge tile writes one column too few"),
    ("exact-rounding", "include/lmul/kernels/exact_dot.hpp",
     "sig = (sig << 1) | (sticky ? 1 : 0);",
     "sig = (sig << 1);",
     None, "exact dot: the sticky bit lost before the final rounding"),
    ("sign-vbmi", "include/lmul/kernels/avx512_vbmi.hpp",
     "return _mm512_ternarylogic_epi32(result, _mm512_xor_si512(a, b),",
     "return _mm512_ternarylogic_epi32(result, _mm512_or_si512(a, b),",
     "avx512_vbmi", "AVX-512 VBMI multiply: OR instead of XOR for the sign"),
    ("dot-nan-vbmi", "include/lmul/kernels/avx512_vbmi.hpp",
     "return special ? dot_of_special_products_vbmi<F>(a, b, n) : sum;",
     "return sum;",
     "avx512_vbmi", "AVX-512 VBMI dot: the NaN/inf re-sum skipped"),
    ("dot-scan-vbmi", "include/lmul/kernels/avx512_vbmi.hpp",
     "special = special_lanes_vbmi<F>(va, vb);",
     "special = special_lanes_vbmi<F>(va, va);",
     "avx512_vbmi", "AVX-512 VBMI dot: products whose NaN / inf is in b only left out of the re-sum"),
    ("exact-carry-vbmi", "include/lmul/kernels/exact_dot_vbmi.hpp",
     "t = _mm512_mask_add_epi8(t, _mm512_movepi8_mask(r), t, c.one);",
     "t = _mm512_mask_add_epi8(t, _mm512_movepi8_mask(r) & 0x5555555555555555, t, c.one);",
     "avx512_vbmi", "AVX-512 VBMI exact dot: the carry of r(x) + r(y) into t lost in every other element"),
    ("exact-zero-vbmi", "include/lmul/kernels/exact_dot_vbmi.hpp",
     "A = _mm512_maskz_permutexvar_epi8(nonzero, r, c.a_table[0]);",
     "A = _mm512_permutexvar_epi8(r, c.a_table[0]);",
     "avx512_vbmi", "AVX-512 VBMI exact dot: products with a zero operand not dropped (masked-A formats)"),
    ("exact-sign-vbmi", "include/lmul/kernels/exact_dot_vbmi.hpp",
     "_mm512_movepi8_mask(_mm512_xor_si512(a, b));",
     "_mm512_movepi8_mask(_mm512_or_si512(a, b));",
     "avx512_vbmi", "AVX-512 VBMI exact dot: OR instead of XOR for the product's sign"),
    ("exact-span-vbmi", "include/lmul/kernels/exact_dot_vbmi.hpp",
     "    if (!active.holds(seen.need)) {",
     "    if (false) {",
     "avx512_vbmi", "AVX-512 VBMI exact dot: a group needing a window outside its span is kept (products lost)"),
    ("exact-bounds-vbmi", "include/lmul/kernels/exact_dot_vbmi.hpp",
     "  x = pick(x, _mm_srli_si128(x, 1));\n",
     "",
     "avx512_vbmi", "AVX-512 VBMI exact dot: a group's t bounds miss the odd bytes (a too narrow span)"),
    ("exact-span-xsimd", "include/lmul/kernels/exact_dot_xsimd.hpp",
     "if (!active.holds(need)) {",
     "if (false) {",
     None, "xsimd exact dot: a group needing a window outside its span is kept (products in the wrong window)"),
    ("exact-bounds-xsimd", "include/lmul/kernels/exact_dot_xsimd.hpp",
     "top = xsimd::max(top, xsimd::max(even_magnitude, odd_magnitude));",
     "top = xsimd::max(top, even_magnitude);",
     None, "xsimd exact dot: a group's largest magnitude misses the odd words (a too narrow span)"),
    ("exact-nan-vbmi", "include/lmul/kernels/exact_dot_vbmi.hpp",
     "if (seen.special) return",
     "if (false) return",
     "avx512_vbmi", "AVX-512 VBMI exact dot: a flush group with NaN / inf summed as if finite"),
    ("exact-scan-vbmi", "include/lmul/kernels/exact_dot_vbmi.hpp",
     "if (special_lanes_vbmi<F>(va, vb) == 0) continue;",
     "if (special_lanes_vbmi<F>(va, va) == 0) continue;",
     "avx512_vbmi", "AVX-512 VBMI exact dot: after a NaN / inf, blocks whose NaN / inf is in b only are skipped"),
]


def run(cmd, cwd, log):
    with open(log, "a") as out:
        out.write("$ " + " ".join(cmd) + "\n")
        out.flush()
        return subprocess.run(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT).returncode


def runnable_tables(build):
    """The tables ctest registered as runnable (not `not_on_this_cpu`)."""
    listing = subprocess.run(["ctest", "-N", "-L", "dispatched"], cwd=build, capture_output=True,
                             text=True).stdout
    tables = set()
    for line in listing.splitlines():
        if "dispatched." in line and "not_on_this_cpu" not in line:
            tables.add(line.split("dispatched.", 1)[1].split(".", 1)[0])
    return tables


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="*", help="run only these mutants")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    parser.add_argument("--label", default="dispatched", help="ctest label to run (default dispatched)")
    args = parser.parse_args()
    mutants = [m for m in MUTANTS if not args.only or m[0] in args.only]
    jobs = str(os.cpu_count() or 2)

    scratch = tempfile.mkdtemp(prefix="lmul-mutants-")
    src, build, log = os.path.join(scratch, "src"), os.path.join(scratch, "build"), os.path.join(scratch, "log.txt")
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns("build", ".git", "__pycache__"))
    print(f"scratch tree: {scratch} (log: {log})", flush=True)
    target = "lmul_dispatched_test" if args.label == "dispatched" else "all"
    start = time.time()
    if run(["cmake", "-S", src, "-B", build, "-DCMAKE_BUILD_TYPE=Release", "-DLMUL_BUILD_BENCHMARKS=OFF",
            "-DLMUL_BUILD_EXAMPLES=OFF", "-DLMUL_EXHAUSTIVE=OFF"], src, log) != 0 or \
       run(["cmake", "--build", build, "-j", jobs, "--target", target], src, log) != 0:
        print("the unmutated tree does not build: see the log")
        return 2
    if run(["ctest", "--test-dir", build, "-j", jobs, "-L", args.label], src, log) != 0:
        print("the unmutated tree fails its tests: see the log")
        return 2
    tables = runnable_tables(build)
    print(f"unmutated build and tests pass ({time.time() - start:.0f} s); tables run here: "
          f"{', '.join(sorted(tables))}", flush=True)

    results = []
    for name, path, original, mutated, table, what in mutants:
        file = os.path.join(src, path)
        text = open(file).read()
        if text.count(original) != 1:
            results.append((name, "STALE", f"the original text occurs {text.count(original)} times in {path}"))
            print(f"{name:18} STALE", flush=True)
            continue
        if table is not None and table not in tables:
            results.append((name, "NOT RUN", f"this CPU lacks the {table} table"))
            print(f"{name:18} NOT RUN ({table})", flush=True)
            continue
        t0 = time.time()
        open(file, "w").write(text.replace(original, mutated))
        try:
            with open(log, "a") as out:
                out.write(f"\n==== mutant {name}: {what}\n")
            if run(["cmake", "--build", build, "-j", jobs, "--target", target], src, log) != 0:
                verdict, detail = "CAUGHT", "does not compile"
            elif run(["ctest", "--test-dir", build, "-j", jobs, "-L", args.label], src, log) != 0:
                failed = os.path.join(build, "Testing", "Temporary", "LastTestsFailed.log")
                count = sum(1 for _ in open(failed)) if os.path.exists(failed) else 0
                verdict, detail = "CAUGHT", f"{count} tests failed"
            else:
                verdict, detail = "MISSED", "every test passed"
        finally:
            open(file, "w").write(text)
        results.append((name, verdict, detail))
        print(f"{name:18} {verdict:8} {detail} ({time.time() - t0:.0f} s)", flush=True)

    print(f"\nmutation check, label '{args.label}', {time.time() - start:.0f} s in all:")
    for (name, verdict, detail), mutant in zip(results, mutants):
        print(f"  {name:18} {verdict:8} {mutant[5]}: {detail}")
    if not args.keep:
        shutil.rmtree(scratch, ignore_errors=True)
    bad = [r for r in results if r[1] in ("MISSED", "STALE")]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
