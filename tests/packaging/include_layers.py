#!/usr/bin/env python3
"""Checks that every #include "..." inside include/lmul points down the layers (README, Layout):

  5 api       lmul.hpp, kernels.hpp, gemm.hpp, mx.hpp, mx/      public functions
  4 dispatch  dispatch/                                         header-only or runtime dispatch
  3 gemm      gemm/                                             the GEMM
  2 kernels   kernels/, detail/simd_select.hpp                  span kernels per instruction set
  1 core      the other top-level headers, detail/              formats, conversions, L-Mul, checks
  0 runtime   runtime/                                          the kernel-table interface (no deps)

A header may include its own layer or a lower one. Exit 1, listing the arrows that run up.
Usage: include_layers.py <include dir>"""
import os
import re
import sys

API = {"lmul.hpp", "kernels.hpp", "gemm.hpp", "mx.hpp"}


def layer(rel):
    if rel.startswith("runtime/"):
        return 0, "runtime"
    if rel.startswith("kernels/") or rel == "detail/simd_select.hpp":
        return 2, "kernels"
    if rel.startswith("gemm/"):
        return 3, "gemm"
    if rel.startswith("dispatch/"):
        return 4, "dispatch"
    if rel.startswith("mx/") or rel in API:
        return 5, "api"
    return 1, "core"


def main(include_dir):
    root = os.path.join(include_dir, "lmul")
    up, count = [], 0
    for folder, _, files in os.walk(root):
        for name in files:
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, root)
            for target in re.findall(r'^#include "([^"]+)"', open(path).read(), re.M):
                target_rel = os.path.relpath(os.path.normpath(os.path.join(folder, target)), root)
                count += 1
                if layer(target_rel)[0] > layer(rel)[0]:
                    up.append(f"{rel} ({layer(rel)[1]}) -> {target_rel} ({layer(target_rel)[1]})")
    print(f"{count} includes checked; {len(up)} run up the layers")
    for arrow in up:
        print("  up:", arrow)
    return 1 if up or count < 100 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
