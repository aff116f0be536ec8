"""The extension runs lmul's compiled kernels with runtime dispatch: every instruction set this
CPU can run (picked with LMUL_ARCH in a fresh process) gives the reference's bits."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

import lmul

SCRIPT = r"""
import sys, numpy as np, lmul
sys.path.insert(0, {here!r})
from reference import NAMED, is_nan_code, lmul_product
assert lmul.selected_arch() == {arch!r}, lmul.selected_arch()
rng = np.random.default_rng(1)
for name in ("bf16", "e4m3fn", "float32", "e2m1fn"):
    f = NAMED[name]
    hi = 1 << f.bits
    a = rng.integers(0, hi, 20000, dtype=np.uint64).astype(f.storage)
    b = rng.integers(0, hi, 20000, dtype=np.uint64).astype(f.storage)
    want = lmul_product(a, b, f)
    fmt = lmul.format_of(name)
    got = lmul.multiply(a.view(fmt.dtype) if fmt.dtype.itemsize == a.itemsize else a,
                        b.view(fmt.dtype) if fmt.dtype.itemsize == b.itemsize else b,
                        format=name if fmt.dtype == fmt.storage else None)
    g = got.view(f.storage).astype(np.int64)
    nan = is_nan_code(g, f)
    assert np.array_equal(nan, is_nan_code(want, f)), name
    assert np.array_equal(g[~nan], want[~nan]), name
print("ok")
"""


def test_available_archs_include_the_selected_one():
    archs = lmul.available_archs()
    assert archs and lmul.selected_arch() in archs


@pytest.mark.parametrize("arch", lmul.available_archs())
def test_every_instruction_set_gives_the_same_bits(arch):
    here = os.path.dirname(os.path.abspath(__file__))
    env = dict(os.environ, LMUL_ARCH=arch)
    result = subprocess.run([sys.executable, "-c", SCRIPT.format(here=here, arch=arch)],
                            env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
