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
    """(best wall seconds, best CPU seconds of this thread) over reps calls of f."""
    wall = cpu = float("inf")
    for _ in range(reps):
        c0, t0 = time.thread_time(), time.perf_counter()
        f()
        t1, c1 = time.perf_counter(), time.thread_time()
        wall, cpu = min(wall, t1 - t0), min(cpu, c1 - c0)
    return wall, cpu


def build_cpp():
    libs = sorted(glob.glob(os.path.join(ROOT, "build", "python", "*", "src", "liblmul_kernels.a")))
    if not libs:
        print("no build/python/*/src/liblmul_kernels.a: run `pip install .` from the repository first")
        return None
    exe = os.path.join(tempfile.mkdtemp(), "bench_cpp")
    cmd = ["g++", "-O2", "-std=c++20", "-I" + os.path.join(ROOT, "include"),
           os.path.join(ROOT, "bench", "python", "bench_cpp.cpp"), libs[-1], "-o", exe, "-pthread"]
    subprocess.run(cmd, check=True)
    return exe


def cpp_times(exe, reps, best):
    """Runs the C++ program once; keeps the best (wall, cpu) per case in `best`."""
    out = subprocess.run([exe, str(reps)], check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        parts = line.split()
        if parts[0] == "arch":
            best["arch"] = parts[1]
        else:
            key, wall, cpu = (parts[0], parts[1]), float(parts[2]), float(parts[3])
            old = best.get(key, (float("inf"), float("inf")))
            best[key] = (min(old[0], wall), min(old[1], cpu))


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def merge(best, key, t):
    old = best.get(key, (float("inf"), float("inf")))
    best[key] = (min(old[0], t[0]), min(old[1], t[1]))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=10, help="repetitions per round")
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds, each running the C++ program and then the Python calls")
    args = parser.parse_args()
    reps = args.reps
    print(f"machine: {cpu_name()}, {os.cpu_count()} logical CPUs; Python kernels: "
          f"{lmul.selected_arch()}; numpy {np.__version__}, Python {sys.version.split()[0]}")
    exe = build_cpp()
    rng = np.random.default_rng(0)
    names = ("float32", "e4m3fn", "bf16")
    data = {}
    for name in names:
        data[name] = [lmul.quantize(rng.standard_normal(shape).astype(np.float32), name)
                      for shape in ((512, 512), (512, 512), (1 << 20,), (1 << 20,))]
    cpp, py = {}, {}
    for _ in range(args.rounds):
        if exe:
            cpp_times(exe, reps, cpp)
        for name in names:
            a, b, x, y = data[name]
            merge(py, ("matmul", name), best_of(reps, lambda: lmul.matmul(a, b)))
            merge(py, ("dot", name), best_of(reps * 10, lambda: lmul.dot(x, y)))
    if "arch" in cpp:
        print(f"C++ kernels: {cpp['arch']}")
    print("\nbest of {} x {} calls; wall time and (in brackets) the thread's CPU time".format(
        args.rounds, reps))
    print(f"{'operation':<24}{'Python':>22}{'C++':>22}{'Python / C++':>20}")
    for op, label, unit, scale in (("matmul", "matmul 512^3", "ms", 1e3), ("dot", "dot 2^20", "us", 1e6)):
        for name in names:
            p = py[(op, name)]
            c = cpp.get((op, name))
            line = f"{label + ' ' + name:<24}{p[0] * scale:>9.2f}{unit} ({p[1] * scale:7.2f}{unit})"
            if c:
                line += f"{c[0] * scale:>9.2f}{unit} ({c[1] * scale:7.2f}{unit})"
                line += f"{p[0] / c[0]:>10.3f} ({p[1] / c[1]:.3f})"
            print(line)
    try:
        import ml_dtypes
    except ImportError:
        print("\nml_dtypes not installed: no quantize comparison")
        return
    print(f"\n{'quantize 2^24 float32 to':<24}{'lmul':>22}{'ml_dtypes astype':>22}{'lmul / ml_dtypes':>20}")
    x = rng.standard_normal(1 << 24).astype(np.float32)
    for name, dt in (("e4m3fn", ml_dtypes.float8_e4m3fn), ("bf16", ml_dtypes.bfloat16),
                     ("e2m1fn", ml_dtypes.float4_e2m1fn)):
        t, m = (float("inf"),) * 2, (float("inf"),) * 2
        for _ in range(args.rounds):
            t = min(t, best_of(max(reps // 2, 2), lambda: lmul.quantize(x, name)))
            m = min(m, best_of(max(reps // 2, 2), lambda: x.astype(dt)))
        print(f"{name:<24}{t[0] * 1e3:>9.1f}ms ({t[1] * 1e3:7.1f}ms){m[0] * 1e3:>9.1f}ms "
              f"({m[1] * 1e3:7.1f}ms){t[0] / m[0]:>10.3f} ({t[1] / m[1]:.3f})")


if __name__ == "__main__":
    main()
