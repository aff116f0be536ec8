#!/usr/bin/env python3
"""Speed of the Python package against the same C++ calls and against ml_dtypes.

  lmul.matmul at 512^3 and lmul.dot at 2^20 (float32, e4m3fn, bf16), one thread, against
  bench/python/bench_cpp.cpp: the same lmul_gemm / lmul_dot calls from C++ (built here with g++
  against the kernel library of the pip build, build/python/<wheel tag>/src/liblmul_kernels.a);
  lmul.quantize of 2^24 float32 values against ml_dtypes' astype (e4m3fn, bf16, e2m1fn).

Every figure is the best of several repetitions (the machine's noise only adds time).
Usage: python bench/python/bench_python.py [--reps N]   (after `pip install .`)
This is a benchmark, not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import glob
import os
import platform
import subprocess
import sys
import tempfile
import time

import numpy as np

import lmul

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def best_of(reps, f):
    best = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        f()
        best = min(best, time.perf_counter() - t0)
    return best


def cpp_times(reps):
    libs = sorted(glob.glob(os.path.join(ROOT, "build", "python", "*", "src", "liblmul_kernels.a")))
    if not libs:
        print("no build/python/*/src/liblmul_kernels.a: run `pip install .` from the repository first")
        return {}
    exe = os.path.join(tempfile.mkdtemp(), "bench_cpp")
    cmd = ["g++", "-O2", "-std=c++20", "-I" + os.path.join(ROOT, "include"),
           os.path.join(ROOT, "bench", "python", "bench_cpp.cpp"), libs[-1], "-o", exe, "-pthread"]
    subprocess.run(cmd, check=True)
    out = subprocess.run([exe, str(reps)], check=True, capture_output=True, text=True).stdout
    times = {}
    for line in out.splitlines():
        parts = line.split()
        if parts[0] == "arch":
            print(f"C++ kernels: {parts[1]}")
        else:
            times[(parts[0], parts[1])] = float(parts[2])
    return times


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=10)
    args = parser.parse_args()
    reps = args.reps
    print(f"machine: {cpu_name()}, {os.cpu_count()} logical CPUs; Python kernels: "
          f"{lmul.selected_arch()}; numpy {np.__version__}, Python {sys.version.split()[0]}")
    cpp = cpp_times(reps)
    rng = np.random.default_rng(0)
    print(f"\n{'operation':<28}{'Python':>12}{'C++':>12}{'Python / C++':>14}")
    for name in ("float32", "e4m3fn", "bf16"):
        a = lmul.quantize(rng.standard_normal((512, 512)).astype(np.float32), name)
        b = lmul.quantize(rng.standard_normal((512, 512)).astype(np.float32), name)
        t = best_of(reps, lambda: lmul.matmul(a, b))
        c = cpp.get(("matmul", name))
        print(f"{'matmul 512^3 ' + name:<28}{t * 1e3:>10.2f}ms"
              + (f"{c * 1e3:>10.2f}ms{t / c:>14.3f}" if c else ""))
        x = lmul.quantize(rng.standard_normal(1 << 20).astype(np.float32), name)
        y = lmul.quantize(rng.standard_normal(1 << 20).astype(np.float32), name)
        t = best_of(reps * 10, lambda: lmul.dot(x, y))
        c = cpp.get(("dot", name))
        print(f"{'dot 2^20 ' + name:<28}{t * 1e6:>10.1f}us"
              + (f"{c * 1e6:>10.1f}us{t / c:>14.3f}" if c else ""))
    try:
        import ml_dtypes
    except ImportError:
        print("\nml_dtypes not installed: no quantize comparison")
        return
    print(f"\n{'quantize 2^24 float32 to':<28}{'lmul':>12}{'ml_dtypes':>12}{'lmul / ml':>14}")
    x = rng.standard_normal(1 << 24).astype(np.float32)
    for name, dt in (("e4m3fn", ml_dtypes.float8_e4m3fn), ("bf16", ml_dtypes.bfloat16),
                     ("e2m1fn", ml_dtypes.float4_e2m1fn)):
        t = best_of(max(reps // 2, 3), lambda: lmul.quantize(x, name))
        m = best_of(max(reps // 2, 3), lambda: x.astype(dt))
        print(f"{name:<28}{t * 1e3:>10.1f}ms{m * 1e3:>10.1f}ms{t / m:>14.3f}")


if __name__ == "__main__":
    main()
