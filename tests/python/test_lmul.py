"""lmul.multiply / dot / matmul / product against the independent NumPy L-Mul of reference.py
(written from docs/spec.md section 3; nothing in it calls lmul)."""

from __future__ import annotations

import math
import threading
import time

import numpy as np
import pytest

import lmul
from reference import NAMED, LMUL_8BIT, LMUL_16BIT, decode, exact_sum_to_float32, is_nan_code
from reference import lmul_product, lmul_wide

EIGHT_BIT = ["e4m3fn", "e5m2", "e2m3fn", "e3m2fn", "e2m1fn"] + LMUL_8BIT
WIDE = ["float32", "bf16", "fp16"] + LMUL_16BIT
GAMMA_U = 2.0**-24


def all_codes(f):
    return np.arange(1 << f.bits, dtype=np.uint32).astype(f.storage)


def as_format(codes, name):
    """Codes as the array lmul returns for the format (ml_dtypes' dtype where there is one)."""
    return np.ascontiguousarray(codes.astype(NAMED[name].storage)).view(lmul.format_of(name).dtype)


def fmt_arg(name):
    """format= for lmul's calls: None where the arrays' dtype names the format (ml_dtypes,
    float16, float32), the name for plain uint8 / uint16 codes (formats ml_dtypes lacks)."""
    fmt = lmul.format_of(name)
    return None if fmt.dtype != fmt.storage else name


def interesting_codes(f, rng, n):
    """n random codes plus every zero, subnormal edge, normal edge, max, inf and NaN code."""
    if f.bits == 32:
        rand = rng.integers(0, 1 << 32, size=n, dtype=np.uint64).astype(np.uint32)
    else:
        rand = rng.integers(0, 1 << f.bits, size=n).astype(f.storage)
    m = f.M
    edges = [0, 1, 2, (1 << m) - 1, 1 << m, (1 << m) + 1, f.max_code - 1, f.max_code,
             f.max_code + 1, f.mag_mask, f.bias << m, (f.bias << m) + 1, (f.bias + 1) << m]
    edges = [e for e in edges if e <= f.mag_mask]
    edges += [e | f.sign_bit for e in edges]
    return np.concatenate([rand, np.array(edges, dtype=np.uint64).astype(f.storage)])


def check_codes(got, want, f, what):
    g = got.view(f.storage).astype(np.int64)
    nan = is_nan_code(want, f)
    assert np.array_equal(is_nan_code(g, f), nan), f"{what}: NaN results differ"
    bad = np.flatnonzero((g != want) & ~nan)
    assert bad.size == 0, f"{what}: {bad.size} products differ, e.g. got {g[bad[:4]]} want {want[bad[:4]]}"


@pytest.mark.parametrize("name", EIGHT_BIT)
def test_multiply_every_pair_of_8bit_codes(name):
    f = NAMED[name]
    codes = all_codes(f)
    a = np.repeat(codes, codes.size)
    b = np.tile(codes, codes.size)
    want = lmul_product(a, b, f)
    got = lmul.multiply(as_format(a, name), as_format(b, name), format=fmt_arg(name))
    assert got.dtype == lmul.format_of(name).dtype
    check_codes(got, want, f, name)
    # uint8 codes with format= give the same
    check_codes(lmul.multiply(a, b, format=name), want, f, name + " (uint8 codes)")


@pytest.mark.parametrize("name", WIDE)
def test_multiply_random_and_boundary_codes(name):
    f = NAMED[name]
    rng = np.random.default_rng(5)
    a = interesting_codes(f, rng, 1 << 18)
    b = interesting_codes(f, rng, 1 << 18)
    aa = np.concatenate([a, np.repeat(a[-26:], 26)])  # every pair of the edge codes too
    bb = np.concatenate([b, np.tile(b[-26:], 26)])
    want = lmul_product(aa, bb, f)
    x, y = as_format(aa, name), as_format(bb, name)
    check_codes(lmul.multiply(x, y, format=fmt_arg(name)), want, f, name)


def test_multiply_float32_is_the_papers_integer_add():
    """For normal operands and a normal result fp32 L-Mul is bits(|x|) + bits(|y|) - 0x3F780000
    with the sign XOR (spec section 3)."""
    rng = np.random.default_rng(9)
    x = rng.uniform(0.5, 2, 10000).astype(np.float32) * rng.choice([-1, 1], 10000).astype(np.float32)
    y = rng.uniform(0.5, 2, 10000).astype(np.float32)
    bx, by = x.view(np.uint32).astype(np.int64), y.view(np.uint32).astype(np.int64)
    want = ((bx & 0x7FFFFFFF) + (by & 0x7FFFFFFF) - 0x3F780000) | ((bx ^ by) & 0x80000000)
    assert np.array_equal(lmul.multiply(x, y).view(np.uint32).astype(np.int64), want)


def test_multiply_broadcast_in_place_and_out():
    x = lmul.quantize(np.linspace(-3, 3, 12, dtype=np.float32).reshape(3, 4), "e4m3fn")
    row = lmul.quantize(np.array([0.5, 1.0, -2.0, 3.0], np.float32), "e4m3fn")
    f = NAMED["e4m3fn"]
    xc, rc = x.view(np.uint8), row.view(np.uint8)
    want = lmul_product(xc, np.broadcast_to(rc, (3, 4)), f)
    check_codes(lmul.multiply(x, row, format="e4m3fn"), want, f, "broadcast")
    check_codes(lmul.multiply(x[:, ::2], row[::2], format="e4m3fn"), want[:, ::2], f, "strided")
    y = x.copy()
    assert lmul.multiply(y, np.broadcast_to(row, (3, 4)).copy(), out=y, format="e4m3fn") is y  # in place
    check_codes(y, want, f, "in place")


@pytest.mark.parametrize("name", ["float32", "e4m3fn", "e5m2", "bf16", "fp16", "e2m1fn", "lmul<4,3>"])
@pytest.mark.parametrize("n", [0, 1, 7, 1000, 4097])
def test_dot_within_bound_of_exact_sum(name, n):
    """Spec section 4: |dot - exact sum of the wide products| <= gamma_n sum |p_i|."""
    f = NAMED[name]
    rng = np.random.default_rng(n + 3)
    x = rng.standard_normal(n).astype(np.float32)
    y = rng.standard_normal(n).astype(np.float32)
    a, b = lmul.quantize(x, name), lmul.quantize(y, name)
    p = lmul_wide(a.view(f.storage), b.view(f.storage), f).astype(np.float64)
    exact = math.fsum(p)
    gamma = n * GAMMA_U / (1 - n * GAMMA_U)
    got = lmul.dot(a, b, format=fmt_arg(name))
    assert isinstance(got, np.float32)
    assert abs(float(got) - exact) <= gamma * np.sum(np.abs(p)) + 1e-45
    if n >= 7:  # the exact L-Mul products differ from the true ones: the test can tell them apart
        true = math.fsum(decode(a.view(f.storage), f) * decode(b.view(f.storage), f))
        assert true != exact


@pytest.mark.parametrize("name", ["e4m3fn", "e5m2"] + LMUL_8BIT)
def test_dot_exact_is_the_correctly_rounded_sum(name):
    f = NAMED[name]
    rng = np.random.default_rng(17)
    a = rng.integers(0, 1 << 8, 3000).astype(np.uint8)
    b = rng.integers(0, 1 << 8, 3000).astype(np.uint8)
    p = lmul_wide(a, b, f)
    finite = np.isfinite(p)
    a, b, p = a[finite], b[finite], p[finite]
    got = lmul.dot(as_format(a, name), as_format(b, name), exact=True, format=fmt_arg(name))
    assert got.view(np.uint32) == exact_sum_to_float32(p).view(np.uint32)
    rev = lmul.dot(as_format(a[::-1], name), as_format(b[::-1], name), exact=True,
                   format=fmt_arg(name))
    assert rev.view(np.uint32) == got.view(np.uint32)


def test_dot_specials():
    nan = lmul.quantize(np.array([1.0, np.nan], np.float32), "bf16")
    one = lmul.quantize(np.array([1.0, 1.0], np.float32), "bf16")
    assert np.isnan(lmul.dot(nan, one, format="bf16"))
    inf0 = lmul.quantize(np.array([np.inf, 0.0], np.float32), "bf16")
    zero_inf = lmul.quantize(np.array([0.0, np.inf], np.float32), "bf16")
    assert np.isnan(lmul.dot(inf0, zero_inf, format="bf16"))  # inf * 0 and 0 * inf are NaN
    assert lmul.dot(inf0, one, format="bf16") == np.inf


def gemm_reference_bound(a_codes, b_codes, f):
    """Exact sums (float64 of the wide products) and the gamma_k bound per entry."""
    p = lmul_wide(a_codes[:, :, None], b_codes[None, :, :], f).astype(np.float64)
    k = a_codes.shape[1]
    gamma = k * GAMMA_U / (1 - k * GAMMA_U)
    return p.sum(axis=1), gamma * np.abs(p).sum(axis=1) + 2.0**-140 * k


@pytest.mark.parametrize("name", ["float32", "e4m3fn", "e5m2", "bf16", "fp16", "e2m3fn", "e2m1fn",
                                  "lmul<3,4>", "lmul<12,3>"])
def test_matmul_within_bound(name):
    f = NAMED[name]
    rng = np.random.default_rng(21)
    m, k, n = 37, 300, 29
    x = rng.standard_normal((m, k)).astype(np.float32)
    y = rng.standard_normal((k, n)).astype(np.float32)
    a, b = lmul.quantize(x, name), lmul.quantize(y, name)
    want, bound = gemm_reference_bound(a.view(f.storage), b.view(f.storage), f)
    for threads in (1, 2, 0):
        c = lmul.matmul(a, b, threads=threads, format=fmt_arg(name))
        assert c.shape == (m, n) and c.dtype == np.float32
        assert np.all(np.abs(c - want) <= bound), name
    # exact products instead of L-Mul would miss the bound: the test can fail
    true = decode(a.view(f.storage), f) @ decode(b.view(f.storage), f)
    assert not np.all(np.abs(true - want) <= bound)


def test_matmul_layouts():
    """Transposed-contiguous b (lmul_gemm_bt), row slices, Fortran order (copied) and out= all give
    results within the bound, and the copy-free layouts read the arrays in place."""
    f = NAMED["bf16"]
    rng = np.random.default_rng(2)
    x = lmul.quantize(rng.standard_normal((40, 64)).astype(np.float32), "bf16")
    bt = lmul.quantize(rng.standard_normal((24, 64)).astype(np.float32), "bf16")
    want, bound = gemm_reference_bound(x.view(np.uint16), bt.T.view(np.uint16), f)
    ref = lmul.matmul(x, np.ascontiguousarray(bt.T), format="bf16")
    assert np.all(np.abs(ref - want) <= bound)
    for a, b in [(x, bt.T), (np.asfortranarray(x), bt.T), (x, np.asfortranarray(bt.T)),
                 (np.ascontiguousarray(x[:, ::-1])[:, ::-1], bt.T)]:
        c = lmul.matmul(a, b, format="bf16")
        assert np.all(np.abs(c - want) <= bound)
    big = lmul.quantize(rng.standard_normal((40, 100)).astype(np.float32), "bf16")
    big[:, :64] = x
    c = lmul.matmul(big[:, :64], bt.T, format="bf16")  # rows of stride 100, in place
    assert np.all(np.abs(c - want) <= bound)
    out = np.full((40, 30), np.float32(7))
    r = lmul.matmul(x, bt.T, out=out[:, 3:27], format="bf16")
    assert r.base is out or r is out[:, 3:27] or np.shares_memory(r, out)
    assert np.all(np.abs(out[:, 3:27] - want) <= bound)
    assert np.all(out[:, :3] == 7) and np.all(out[:, 27:] == 7)


def test_matmul_empty_and_k0():
    a = lmul.quantize(np.zeros((3, 0), np.float32), "e4m3fn")
    b = lmul.quantize(np.zeros((0, 4), np.float32), "e4m3fn")
    assert np.array_equal(lmul.matmul(a, b, format="e4m3fn"), np.zeros((3, 4), np.float32))
    assert lmul.matmul(lmul.quantize(np.zeros((0, 5), np.float32), "e4m3fn"),
                       lmul.quantize(np.zeros((5, 2), np.float32), "e4m3fn"),
                       format="e4m3fn").shape == (0, 2)


@pytest.mark.parametrize("x, y, name, want", [
    (1.5, 1.5, "float32", 2.125),     # 1 + 0.5 + 0.5 + 2^-4 with the carry: 2 * 1.0625
    (3.0, 5.0, "e4m3fn", 15.0),       # 2 * 1.5 and 4 * 1.25: 8 * (1 + .5 + .25 + 2^-3)
    (1.0, 1.0, "e4m3fn", 1.125),      # l(3) = 3
    (1.0, 1.0, "bf16", 1.0625),       # l(7) = 4
    (1.0, 1.0, "fp16", 1.0625),
    (-2.0, 0.0, "e5m2", -0.0),
    (1.0, 1.0, "e2m1fn", 1.5),        # l(1) = 1: 1 + 2^-1
])
def test_product_scalars(x, y, name, want):
    got = lmul.product(x, y, name)
    assert isinstance(got, float)
    assert got == want and math.copysign(1, got) == math.copysign(1, want)


def test_gil_released_during_matmul():
    """Another Python thread keeps running while one long matmul runs (the GIL is released): with
    the GIL held it could not run at all during the call, a gap as long as the call itself."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((1400, 1400)).astype(np.float32)
    done = threading.Event()
    span = {}

    def work():
        span["start"] = time.perf_counter()
        lmul.matmul(a, a)
        span["end"] = time.perf_counter()
        done.set()

    t = threading.Thread(target=work)
    ticks = []
    t.start()
    while not done.is_set():
        ticks.append(time.perf_counter())
    t.join()
    inside = np.array([s for s in ticks if span["start"] <= s <= span["end"]])
    duration = span["end"] - span["start"]
    assert duration > 0.05
    gaps = np.diff(np.concatenate([[span["start"]], inside, [span["end"]]]))
    assert gaps.max() < 0.5 * duration, (gaps.max(), duration)


def test_matmul_stacks_broadcast_like_numpy():
    """Stacked operands: each result matrix equals the 2-D matmul of its operands (bit for bit,
    the same call), with the leading axes broadcast as np.matmul does."""
    rng = np.random.default_rng(8)
    a = lmul.quantize(rng.standard_normal((2, 3, 5, 16)).astype(np.float32), "bf16")
    b = lmul.quantize(rng.standard_normal((3, 16, 4)).astype(np.float32), "bf16")
    c = lmul.matmul(a, b, format="bf16")
    assert c.shape == np.matmul(np.zeros((2, 3, 5, 16)), np.zeros((3, 16, 4))).shape
    for i in range(2):
        for j in range(3):
            want = lmul.matmul(a[i, j], b[j], format="bf16")
            assert np.array_equal(c[i, j].view(np.uint32), want.view(np.uint32))
    with pytest.raises(ValueError, match="do not broadcast"):
        lmul.matmul(a, lmul.quantize(np.ones((2, 16, 4), np.float32), "bf16"), format="bf16")
