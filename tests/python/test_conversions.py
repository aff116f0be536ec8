"""lmul.quantize / lmul.dequantize against ml_dtypes (an independent implementation) and against
the by-value reference of tests/python/reference.py for the formats ml_dtypes lacks.

Where ml_dtypes' rules differ from docs/spec.md the difference is tested explicitly:
  * FP6 / FP4 (e2m3fn, e3m2fn, e2m1fn) have no NaN: lmul gives +0 for NaN (spec section 2);
    ml_dtypes gives a zero whose sign is the opposite of the NaN's sign bit.
  * e8m0fnu: a value exactly halfway between two powers of two (1.5 * 2^k) goes to the even
    code in lmul (spec section 7); ml_dtypes rounds it up. Everything else agrees.
  * Saturating mode and truncation (rounding="toward_zero") exist only in lmul: they are checked
    against ml_dtypes' round-to-nearest result, corrected by the spec's rules.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

import lmul
from reference import NAMED, LMUL_8BIT, LMUL_16BIT, decode, quantize_by_value
from shared_dtypes import shared_dtypes

ml = pytest.importorskip("ml_dtypes")

# lmul format -> ml_dtypes dtype (np.float16 for fp16)
SHARED = shared_dtypes(ml)
NARROW = {"e2m3fn", "e3m2fn", "e2m1fn"}


def uint_of(dtype) -> type:
    return np.uint8 if np.dtype(dtype).itemsize == 1 else np.uint16


def e8m0_ties(x: np.ndarray) -> np.ndarray:
    """float32 values exactly 1.5 * 2^k (k >= -127): the ties of e8m0fnu's nearest power of two."""
    bits = x.view(np.uint32)
    normal_tie = ((bits & 0x7FFFFF) == 0x400000) & ((bits >> 23) & 0xFF != 0)
    return normal_tie & (x > 0) | (x == np.float32(1.5 * 2.0**-127))


def compare_with_ml(x: np.ndarray, name: str) -> None:
    """lmul.quantize(x, name) must equal x.astype(ml dtype) bit for bit (NaN: any NaN), except
    where the spec differs (tested in their own tests below)."""
    dt = SHARED[name]
    got = lmul.quantize(x, name)
    assert got.dtype == np.dtype(dt)
    with np.errstate(all="ignore"):
        want = x.astype(dt)
    g, w = got.view(uint_of(dt)), want.view(uint_of(dt))
    keep = np.ones(x.shape, bool)
    if name in NARROW:
        keep &= ~np.isnan(x)
    if name == "e8m0fnu":
        keep &= ~e8m0_ties(x)
    w_nan = np.isnan(want.astype(np.float32))
    g_nan = np.isnan(got.astype(np.float32))
    assert np.array_equal(g_nan[keep], w_nan[keep]), f"{name}: NaN results differ"
    same = (g == w) | w_nan
    bad = np.flatnonzero(keep & ~same)
    assert bad.size == 0, (
        f"{name}: {bad.size} values differ from ml_dtypes, e.g. x={x[bad[:5]]!r} "
        f"lmul={g[bad[:5]]} ml_dtypes={w[bad[:5]]}"
    )


def all_bf16_as_float32() -> np.ndarray:
    return (np.arange(1 << 16, dtype=np.uint32) << 16).view(np.float32)


def random_floats(n: int = 10**7, seed: int = 20241001) -> np.ndarray:
    """A third random bit patterns (every exponent), two thirds magnitudes between 2^-30 and
    2^20 with random 23-bit fractions and signs (the range of the small formats)."""
    rng = np.random.default_rng(seed)
    third = n // 3
    raw = rng.integers(0, 1 << 32, size=third, dtype=np.uint64).astype(np.uint32)
    m = n - third
    exponent = rng.integers(127 - 30, 127 + 21, size=m, dtype=np.uint32)
    frac = rng.integers(0, 1 << 23, size=m, dtype=np.uint32)
    sign = rng.integers(0, 2, size=m, dtype=np.uint32)
    ranged = (sign << 31) | (exponent << 23) | frac
    return np.concatenate([raw, ranged]).view(np.float32)


def boundary_values(dt) -> np.ndarray:
    """Every finite value of the format, every midpoint between neighbours (and above max and
    below the smallest subnormal), the floats next to each, both signs, plus inf, NaN, float32
    extremes."""
    with np.errstate(invalid="ignore"):
        vals = all_codes(dt).view(dt).astype(np.float64)
    vals = np.unique(vals[np.isfinite(vals) & (vals >= 0)])
    top = vals[-1] + (vals[-1] - vals[-2])
    ext = np.concatenate([vals, [top]])
    mids = (ext[:-1] + ext[1:]) / 2
    exact = np.concatenate([vals, mids, [top]])
    with np.errstate(over="ignore"):
        base = exact.astype(np.float32)  # bf16's top (2^128) becomes inf, which is wanted anyway
    fits = np.isfinite(base)
    assert np.array_equal(base[fits].astype(np.float64), exact[fits])  # every other one exact
    with np.errstate(over="ignore"):
        near = np.concatenate([base, np.nextafter(base, np.float32(np.inf)),
                               np.nextafter(base, np.float32(0))])
    f32 = np.finfo(np.float32)
    extra = np.array([np.inf, np.nan, f32.max, f32.tiny, f32.smallest_subnormal, 1.0], np.float32)
    allv = np.concatenate([near, extra])
    return np.concatenate([allv, -allv])


@pytest.mark.parametrize("name", list(SHARED))
def test_all_bf16_patterns_match_ml_dtypes(name):
    compare_with_ml(all_bf16_as_float32(), name)


@pytest.fixture(scope="module")
def random_inputs():
    return random_floats()


@pytest.mark.parametrize("name", list(SHARED))
def test_random_floats_match_ml_dtypes(name, random_inputs):
    compare_with_ml(random_inputs, name)


@pytest.mark.parametrize("name", list(SHARED))
def test_boundary_values_match_ml_dtypes(name):
    compare_with_ml(boundary_values(SHARED[name]), name)


@pytest.mark.exhaustive
@pytest.mark.skipif(os.environ.get("LMUL_EXHAUSTIVE") != "1", reason="set LMUL_EXHAUSTIVE=1")
@pytest.mark.parametrize("name", list(SHARED))
def test_all_float32_match_ml_dtypes(name):
    chunk = 1 << 24
    for start in range(0, 1 << 32, chunk):
        compare_with_ml(np.arange(start, start + chunk, dtype=np.uint64).astype(np.uint32)
                        .view(np.float32), name)


@pytest.mark.parametrize("name", list(SHARED))
def test_dequantize_every_code_matches_ml_dtypes(name):
    dt = SHARED[name]
    codes = all_codes(dt)
    x = codes.view(dt)
    got = lmul.dequantize(x)
    want = x.astype(np.float32)
    assert got.dtype == np.float32
    nan = np.isnan(want)
    assert np.array_equal(np.isnan(got), nan)
    assert np.array_equal(got[~nan].view(np.uint32), want[~nan].view(np.uint32))
    # The same codes as uint8 / uint16 with format=
    again = lmul.dequantize(codes, format=name)
    assert np.array_equal(again.view(np.uint32)[~nan], want.view(np.uint32)[~nan])


# ---- where lmul's rules differ from ml_dtypes, or ml_dtypes has no counterpart -------------------


@pytest.mark.parametrize("name", sorted(NARROW))
def test_narrow_formats_nan_gives_plus_zero(name):
    """Spec section 2: FP6/FP4 have no NaN, so NaN -> +0 (ml_dtypes: a signed zero)."""
    x = np.array([np.nan, -np.nan, np.float32(np.nan) * -1], np.float32)
    got = lmul.quantize(x, name).view(np.uint8)
    assert got.tolist() == [0, 0, 0]
    theirs = x.astype(SHARED[name]).view(np.uint8)
    # The documented difference: ml_dtypes does not give +0 for both NaN signs.
    assert set(theirs.tolist()) != {0}


def test_e8m0_ties_go_to_even_code():
    """Spec section 7: 1.5 * 2^k is the tie between 2^k and 2^(k+1); lmul picks the even code,
    ml_dtypes rounds up."""
    k = np.arange(-127, 128)
    x = (1.5 * np.ldexp(1.0, k)).astype(np.float32)
    got = lmul.quantize(x, "e8m0fnu").view(np.uint8).astype(np.int64)
    low, high = k + 127, k + 128  # codes of 2^k and 2^(k+1); 255 (k = 127) is NaN
    want = np.where(low % 2 == 0, low, high)
    assert np.array_equal(got, want)
    theirs = x.astype(ml.float8_e8m0fnu).view(np.uint8).astype(np.int64)
    assert np.array_equal(theirs, high)  # documented difference: ml_dtypes rounds ties up


def test_e8m0_edge_cases():
    x = np.array([0.0, -0.0, -1.0, np.inf, np.nan, 2.0**-127, 2.0**-130, 1e-45, 2.0**127,
                  1.75 * 2.0**127, 1.0, 2.0], np.float32)
    got = lmul.quantize(x, "e8m0fnu").view(np.uint8).tolist()
    assert got == [255, 255, 255, 255, 255, 0, 0, 0, 254, 255, 127, 128]
    assert np.isnan(lmul.dequantize(np.array([255], np.uint8), "e8m0fnu")[0])
    assert lmul.dequantize(np.array([0], np.uint8), "e8m0fnu")[0] == np.float32(2.0**-127)


OVERFLOWING = ["e4m3fn", "e5m2", "lmul<3,4>", "lmul<4,3>", "bf16", "fp16"]


def all_codes(dt) -> np.ndarray:
    count = {ml.float6_e2m3fn: 64, ml.float6_e3m2fn: 64, ml.float4_e2m1fn: 16}.get(dt)
    count = count or 1 << (8 * np.dtype(dt).itemsize)
    return np.arange(count, dtype=np.uint32).astype(uint_of(dt))


def max_code(dt) -> int:
    finite = all_codes(dt)
    with np.errstate(invalid="ignore"):
        vals = finite.view(dt).astype(np.float64)
    ok = np.isfinite(vals) & (vals > 0)
    return int(finite[ok][np.argmax(vals[ok])])


@pytest.mark.parametrize("name", OVERFLOWING + sorted(NARROW))
def test_saturating_mode(name):
    """saturate=True: what ml_dtypes rounds to +-inf (or NaN from a finite / infinite input, as
    e4m3fn does) becomes +-max finite; everything else is unchanged."""
    dt = SHARED[name]
    x = np.concatenate([boundary_values(dt), all_bf16_as_float32()])
    x = x[~np.isnan(x)]
    got = lmul.quantize(x, name, saturate=True).view(uint_of(dt))
    with np.errstate(all="ignore"):
        want = x.astype(dt)
    w = want.view(uint_of(dt)).copy()
    overflow = ~np.isfinite(want.astype(np.float32))
    sign = np.where(np.signbit(x), 1 << (8 * np.dtype(dt).itemsize - 1), 0)
    if name in NARROW:
        sign = np.where(np.signbit(x), 0x20 if name != "e2m1fn" else 0x08, 0)
    w[overflow] = (sign[overflow] | max_code(dt)).astype(w.dtype)
    assert np.array_equal(got, w)


@pytest.mark.parametrize("name", OVERFLOWING + sorted(NARROW))
def test_toward_zero(name):
    """rounding='toward_zero': ml_dtypes' nearest value, moved one code toward zero where it lies
    above |x|; finite overflow gives max finite (truncation never reaches inf); inf stays inf
    (NaN for e4m3fn, max for FP6/FP4)."""
    dt = SHARED[name]
    x = np.concatenate([boundary_values(dt), all_bf16_as_float32(), random_floats(10**6, 7)])
    x = x[~np.isnan(x)]
    got = lmul.quantize(x, name, rounding="toward_zero").view(uint_of(dt))
    with np.errstate(all="ignore"):
        nearest = x.astype(dt)
    w = nearest.view(uint_of(dt)).astype(np.int64)
    value = nearest.astype(np.float64)
    finite = np.isfinite(x)
    overflow = finite & ~np.isfinite(value)
    above = finite & np.isfinite(value) & (np.abs(value) > np.abs(x.astype(np.float64)))
    w[above] -= 1  # magnitude codes are ordered by value; the sign bit stays
    bits = 8 * np.dtype(dt).itemsize if name not in NARROW else (6 if name != "e2m1fn" else 4)
    sign = np.where(np.signbit(x), 1 << (bits - 1), 0)
    w[overflow] = sign[overflow] | max_code(dt)
    assert np.array_equal(got.astype(np.int64), w)


def test_float64_rounds_once():
    """Spec section 2: double -> format rounds once: 1.0625 + 2^-40 -> e4m3fn 0x39 (through
    float32 it would be the tie 1.0625 -> 0x38)."""
    x = np.array([1.0625 + 2.0**-40], np.float64)
    assert lmul.quantize(x, "e4m3fn").view(np.uint8)[0] == 0x39
    assert lmul.quantize(x.astype(np.float32), "e4m3fn").view(np.uint8)[0] == 0x38


@pytest.mark.parametrize("x, code", [
    (2.0**-10, 0x00), (3 * 2.0**-10, 0x02), (5 * 2.0**-10, 0x02), (7 * 2.0**-10, 0x04),
    (15 * 2.0**-10, 0x08), (1.0625, 0x38), (1.1875, 0x3A), (464.0, 0x7E), (-0.0, 0x80)])
def test_spec_tricky_cases_e4m3fn(x, code):
    assert lmul.quantize(np.float32(x), "e4m3fn").view(np.uint8) == code


def test_spec_tricky_cases_overflow():
    assert np.isnan(lmul.dequantize(lmul.quantize(np.float32(479), "e4m3fn")))
    assert lmul.quantize(np.float32(479), "e4m3fn", saturate=True).view(np.uint8) == 0x7E
    assert lmul.quantize(np.float32(61439), "e5m2").view(np.uint8) == 0x7B
    assert lmul.quantize(np.float32(61440), "e5m2").view(np.uint8) == 0x7C
    assert lmul.quantize(np.float32(61440), "e5m2", saturate=True).view(np.uint8) == 0x7B
    assert lmul.quantize(np.float32(2.0**-17), "e5m2").view(np.uint8) == 0x00


@pytest.mark.parametrize("name", LMUL_8BIT + LMUL_16BIT)
def test_formats_without_ml_dtypes_by_value(name):
    """The lmul<M,E> formats ml_dtypes lacks, against the by-value reference (nearest value,
    ties to the even code, overflow after rounding), and their decoding against reference.decode."""
    f = NAMED[name]
    vals = np.unique(np.abs(decode(np.arange(1 << f.bits), f)))
    vals = vals[np.isfinite(vals)]
    top = vals[-1] + (vals[-1] - vals[-2])
    ext = np.append(vals, top)
    mids = (ext[:-1] + ext[1:]) / 2
    base = np.concatenate([vals, mids, [top]]).astype(np.float32)
    near = np.concatenate([base, np.nextafter(base, np.float32(np.inf)), np.nextafter(base, np.float32(0))])
    x = np.concatenate([near, -near, all_bf16_as_float32(), random_floats(10**6, 11)])
    got = lmul.quantize(x, name)
    want = quantize_by_value(x, f)
    nan = np.isnan(x)
    assert np.array_equal(got.view(f.storage)[~nan].astype(np.int64), want[~nan])
    assert np.all(np.isnan(lmul.dequantize(got[nan], name if got.dtype == f.storage else None)))
    codes = np.arange(1 << f.bits, dtype=np.uint32).astype(f.storage)
    dec = lmul.dequantize(codes, name)
    ref = decode(codes, f)
    assert np.array_equal(np.isnan(dec), np.isnan(ref))
    ok = ~np.isnan(ref)
    assert np.array_equal(dec[ok].astype(np.float64), ref[ok])


def test_quantize_shapes_and_inputs():
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    q = lmul.quantize(x, "bf16")
    assert q.shape == (2, 3, 4) and q.dtype == ml.bfloat16
    assert np.array_equal(lmul.dequantize(q), x)
    assert np.array_equal(lmul.dequantize(lmul.quantize(x[:, ::2, ::-1], "fp16")), x[:, ::2, ::-1])
    assert lmul.quantize([1, 2, 3], "e4m3fn").dtype == ml.float8_e4m3fn  # a list, via float64
    assert lmul.quantize(np.arange(3, dtype=np.int32), "e4m3fn").astype(np.float32).tolist() == [0, 1, 2]
    assert lmul.quantize(np.float32(3.0), "fp16").dtype == np.float16
    assert lmul.quantize(np.zeros(0, np.float32), "e5m2").shape == (0,)
