"""OCP MX: lmul.mx_quantize / mx_dequantize / mx_dot / mx_matmul against the spec section 7
reference of reference.py, with element rounding by ml_dtypes."""

from __future__ import annotations

import math

import numpy as np
import pytest

import lmul
from reference import MX_MAX, NAMED, lmul_wide, mx_dot_exact, mx_shared
from shared_dtypes import shared_dtypes

ml = pytest.importorskip("ml_dtypes")

ELEM_DTYPES = {e: dt for e, dt in shared_dtypes(ml).items()
               if e in ("e4m3fn", "e5m2", "e2m3fn", "e3m2fn", "e2m1fn")}
GAMMA_U = 2.0**-24


def reference_quantize_row(row: np.ndarray, elem: str, rule: str, block: int):
    """(scale codes, element codes, shared exponents or None) of one row, from the spec."""
    dt = ELEM_DTYPES[elem]
    scales, codes, shared_list = [], [], []
    for first in range(0, row.size, block):
        v = row[first:first + block]
        shared = mx_shared(v, elem, rule)
        shared_list.append(shared)
        if shared is None:
            scales.append(255)
            codes.extend([0] * v.size)
            continue
        scales.append(shared + 127)
        q = np.ldexp(v.astype(np.float64), -shared)  # exact
        q = np.clip(q, -MX_MAX[elem], MX_MAX[elem])  # saturating (same as rounding, then clamp)
        codes.extend(q.astype(np.float32).astype(dt).view(np.uint8).tolist())
    return np.array(scales, np.uint8), np.array(codes, np.uint8), shared_list


def mx_inputs(rng, rows, k):
    x = (rng.standard_normal((rows, k)) * np.exp2(rng.integers(-20, 20, (rows, 1)))).astype(np.float32)
    x[0, :5] = [0.0, -0.0, 1e-40, -3e38, 2.0**-149]
    if rows > 2:
        x[1, 3] = np.nan
        x[2, :] = 0.0
        x[2, 1] = -0.0
    if rows > 3:
        x[3, 7] = -np.inf
    return x


@pytest.mark.parametrize("elem", list(ELEM_DTYPES))
@pytest.mark.parametrize("rule", ["floor", "rceil"])
@pytest.mark.parametrize("block", [32, 7, 128])
def test_mx_quantize_matches_reference(elem, rule, block):
    rng = np.random.default_rng(block)
    x = mx_inputs(rng, 6, 150)
    scales, codes = lmul.mx_quantize(x, elem, rule=rule, block=block)
    nb = -(-150 // block)
    assert scales.shape == (6, nb) and scales.dtype == ml.float8_e8m0fnu
    assert codes.shape == x.shape and codes.dtype == ELEM_DTYPES[elem]
    for i in range(6):
        s, c, _ = reference_quantize_row(x[i], elem, rule, block)
        assert np.array_equal(scales[i].view(np.uint8), s), (i, scales[i].view(np.uint8), s)
        assert np.array_equal(codes[i].view(np.uint8), c), i
    # 1-D: the same as one row
    s1, c1 = lmul.mx_quantize(x[4], elem, rule=rule, block=block)
    assert s1.shape == (nb,)
    assert np.array_equal(s1.view(np.uint8), scales[4].view(np.uint8))
    assert np.array_equal(c1.view(np.uint8), codes[4].view(np.uint8))


@pytest.mark.parametrize("elem", list(ELEM_DTYPES))
def test_mx_dequantize_matches_reference(elem):
    rng = np.random.default_rng(4)
    x = mx_inputs(rng, 5, 100)
    scales, codes = lmul.mx_quantize(x, elem, block=32)
    scales.view(np.uint8)[4, 1] = 0   # the smallest scale 2^-127: subnormal results
    scales.view(np.uint8)[4, 2] = 254  # the largest 2^127: overflow to inf
    got = lmul.mx_dequantize(scales, codes, block=32)
    sc = scales.view(np.uint8).astype(np.int64)
    elems = codes.astype(np.float64)
    exps = np.repeat(sc - 127, 32, axis=1)[:, :100]
    with np.errstate(over="ignore"):
        want = np.ldexp(elems, exps).astype(np.float32)  # exact, then one rounding
    want[np.repeat(sc == 255, 32, axis=1)[:, :100]] = np.nan
    nan = np.isnan(want)
    assert np.array_equal(np.isnan(got), nan)
    assert np.array_equal(got[~nan].view(np.uint32), want[~nan].view(np.uint32))


def mx_pair(elem, rows_a, rows_b, k, block, seed):
    rng = np.random.default_rng(seed)
    xa = rng.standard_normal((rows_a, k)).astype(np.float32)
    xb = rng.standard_normal((rows_b, k)).astype(np.float32)
    xa[0] *= 1e6
    return lmul.mx_quantize(xa, elem, block=block), lmul.mx_quantize(xb, elem, block=block)


def shared_of(scales_row):
    return [None if c == 255 else int(c) - 127 for c in scales_row.view(np.uint8)]


@pytest.mark.parametrize("elem", list(ELEM_DTYPES))
def test_mx_matmul_exact_is_mx_dot_reference_bit_for_bit(elem):
    block = 32
    (sa, a), (sb, bt) = mx_pair(elem, 5, 4, 100, block, 1)
    sb.view(np.uint8)[3, 2] = 255  # a NaN scale: column 3 is NaN
    c = lmul.mx_matmul(sa, a, sb, bt, lmul=False, block=block)
    c2 = lmul.mx_matmul(sa, a, sb, bt, lmul=False, block=block, threads=2)
    assert np.array_equal(c.view(np.uint32), c2.view(np.uint32))
    for i in range(5):
        for j in range(4):
            want = mx_dot_exact(shared_of(sa[i]), a[i].astype(np.float64), shared_of(sb[j]),
                                bt[j].astype(np.float64), block)
            got = c[i, j]
            assert (np.isnan(want) and np.isnan(got)) or got.view(np.uint32) == want.view(np.uint32)
            d = lmul.mx_dot(sa[i], a[i], sb[j], bt[j], lmul=False, block=block)
            assert (np.isnan(want) and np.isnan(d)) or d.view(np.uint32) == want.view(np.uint32)


@pytest.mark.parametrize("elem", list(ELEM_DTYPES))
@pytest.mark.parametrize("block", [32, 10])
def test_mx_matmul_lmul_within_bound(elem, block):
    """Spec section 7: |result - T| <= gamma_(n+B) sum |t_i| + B 2^-149, T the exact sum of the
    scaled wide L-Mul products."""
    m, n, k = 6, 5, 130
    (sa, a), (sb, bt) = mx_pair(elem, m, n, k, block, 2)
    f = NAMED[elem]
    blocks = -(-k // block)
    gamma = (k + blocks) * GAMMA_U / (1 - (k + blocks) * GAMMA_U)
    c = lmul.mx_matmul(sa, a, sb, bt, block=block)
    c_threads = lmul.mx_matmul(sa, a, sb, bt, block=block, threads=3)
    assert np.array_equal(c.view(np.uint32), c_threads.view(np.uint32))
    exact_differs = False
    for i in range(m):
        for j in range(n):
            p = lmul_wide(a[i].view(np.uint8), bt[j].view(np.uint8), f).astype(np.float64)
            e = np.repeat(np.array(shared_of(sa[i])) + np.array(shared_of(sb[j])), block)[:k]
            t = np.ldexp(p, e)
            exact = math.fsum(t)
            bound = gamma * np.sum(np.abs(t)) + blocks * 2.0**-149
            assert abs(float(c[i, j]) - exact) <= bound, (i, j)
            d = lmul.mx_dot(sa[i], a[i], sb[j], bt[j], block=block)
            assert abs(float(d) - exact) <= bound
            true = math.fsum(np.ldexp(a[i].astype(np.float64) * bt[j].astype(np.float64), e))
            exact_differs |= abs(true - exact) > bound
    assert exact_differs  # exact products would miss the bound somewhere: the test can fail


def test_mx_round_trip_close():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((8, 64)).astype(np.float32)
    s, c = lmul.mx_quantize(x, "e4m3fn", rule="rceil")
    back = lmul.mx_dequantize(s, c)
    assert np.all(np.abs(back - x) <= np.abs(x) * 2.0**-4 + 1e-30 + 2.0**-9 * np.abs(x).max())


def test_mx_uint8_inputs_and_shapes():
    x = np.arange(64, dtype=np.float32).reshape(2, 32)
    s, c = lmul.mx_quantize(x, "e2m1fn")
    back = lmul.mx_dequantize(s.view(np.uint8), c.view(np.uint8), elem="e2m1fn")
    assert np.array_equal(back, lmul.mx_dequantize(s, c))
    r = lmul.mx_matmul(s.view(np.uint8), c.view(np.uint8), s.view(np.uint8), c.view(np.uint8),
                       elem="e2m1fn")
    assert np.array_equal(r, lmul.mx_matmul(s, c, s, c))
