"""Independent NumPy references for the lmul tests, written from docs/spec.md.

Nothing here calls the lmul package: the tests compare lmul's results with these functions and
with ml_dtypes. Codes are int64 arrays; values float64 (every value involved is exact in float64).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Fmt:
    """A sign / exponent / fraction format (spec section 1)."""

    M: int
    E: int
    specials: str  # "ieee", "finite_only" (e4m3fn) or "none" (FP6 / FP4)

    @property
    def bits(self) -> int:
        return 1 + self.E + self.M

    @property
    def bias(self) -> int:
        return (1 << (self.E - 1)) - 1

    @property
    def mag_mask(self) -> int:
        return (1 << (self.E + self.M)) - 1

    @property
    def sign_bit(self) -> int:
        return 1 << (self.E + self.M)

    @property
    def max_code(self) -> int:
        """The largest finite magnitude code."""
        if self.specials == "ieee":
            return (((1 << self.E) - 1) << self.M) - 1
        if self.specials == "finite_only":
            return self.mag_mask - 1
        return self.mag_mask

    @property
    def storage(self):
        return np.uint8 if self.bits <= 8 else (np.uint16 if self.bits <= 16 else np.uint32)


# The formats of the package by name (lmul<M,E> are IEEE-style).
NAMED = {
    "float32": Fmt(23, 8, "ieee"),
    "e4m3fn": Fmt(3, 4, "finite_only"),
    "e5m2": Fmt(2, 5, "ieee"),
    "e2m3fn": Fmt(3, 2, "none"),
    "e3m2fn": Fmt(2, 3, "none"),
    "e2m1fn": Fmt(1, 2, "none"),
    "bf16": Fmt(7, 8, "ieee"),
    "fp16": Fmt(10, 5, "ieee"),
}
LMUL_8BIT = [f"lmul<{m},{7 - m}>" for m in (1, 3, 4, 5)]  # lmul<2,5> is e5m2
LMUL_16BIT = [f"lmul<{m},{15 - m}>" for m in (8, 9, 11, 12, 13)]  # 7,8 = bf16; 10,5 = fp16
for _name in LMUL_8BIT + LMUL_16BIT:
    _m, _e = (int(v) for v in _name[5:-1].split(","))
    NAMED[_name] = Fmt(_m, _e, "ieee")


def fields(codes, f: Fmt):
    c = np.asarray(codes).astype(np.int64)
    sign = (c >> (f.E + f.M)) & 1
    mag = c & f.mag_mask
    field = mag >> f.M
    frac = mag & ((1 << f.M) - 1)
    if f.specials == "ieee":
        top = field == (1 << f.E) - 1
        is_nan, is_inf = top & (frac != 0), top & (frac == 0)
    elif f.specials == "finite_only":
        is_nan, is_inf = mag == f.mag_mask, np.zeros(c.shape, bool)
    else:
        is_nan = is_inf = np.zeros(c.shape, bool)
    return sign, mag, field, frac, is_nan, is_inf


def decode(codes, f: Fmt) -> np.ndarray:
    """Exact values of codes (float64): spec section 1."""
    sign, mag, field, frac, is_nan, is_inf = fields(codes, f)
    sub = np.ldexp(frac.astype(np.float64), 1 - f.bias - f.M)
    nor = np.ldexp((frac + (1 << f.M)).astype(np.float64), (field - f.bias - f.M).astype(np.int32))
    v = np.where(field == 0, sub, nor)
    v = np.where(is_inf, np.inf, v)
    v = np.where(is_nan, np.nan, v)
    return np.where(sign == 1, -v, v)


def is_nan_code(codes, f: Fmt) -> np.ndarray:
    return fields(codes, f)[4]


def l_of(m: int) -> int:
    """The paper's offset exponent l(M) (spec section 3)."""
    return m if m <= 3 else (3 if m == 4 else 4)


def _rne_shift(v: np.ndarray, s: np.ndarray) -> np.ndarray:
    """v >> s rounded to nearest, ties to even (v >= 0, s >= 1)."""
    s = np.minimum(s, 62)
    kept = v >> s
    rest = v & ((np.int64(1) << s) - 1)
    half = np.int64(1) << (s - 1)
    up = (rest > half) | ((rest == half) & ((kept & 1) == 1))
    return kept + up


def lmul_k(a, b, f: Fmt):
    """Specials and the integer k of spec section 3, step 2, for code arrays a and b."""
    sa, _, fa, ra, na, ia = fields(a, f)
    sb, _, fb, rb, nb, ib = fields(b, f)
    za = (fa == 0) & (ra == 0)
    zb = (fb == 0) & (rb == 0)

    def big_k(field, frac):
        # Normalise subnormals: frac = 2^p (1 + r / 2^p) -> e = p - M + 1, fraction (r << (M - p)).
        p = np.frexp(np.maximum(frac, 1).astype(np.float64))[1].astype(np.int64) - 1
        sub_k = (p - f.M + 1) * (1 << f.M) + ((frac - (np.int64(1) << p)) << (f.M - p))
        return np.where(field == 0, sub_k, field * (1 << f.M) + frac)

    k = big_k(fa, ra) + big_k(fb, rb) - f.bias * (1 << f.M) + (1 << (f.M - l_of(f.M)))
    sign = sa ^ sb
    nan = na | nb | (ia & zb) | (za & ib)
    inf = (ia | ib) & ~nan
    zero = (za | zb) & ~nan & ~inf
    return k, sign, nan, inf, zero


def lmul_product(a, b, f: Fmt) -> np.ndarray:
    """L-Mul of code arrays a and b rounded to the format (codes; NaN as one NaN code)."""
    k, sign, nan, inf, zero = lmul_k(a, b, f)
    field = k >> f.M  # floor division
    frac = k & ((1 << f.M) - 1)
    over = {"ieee": ((1 << f.E) - 1) << f.M, "finite_only": f.mag_mask, "none": f.max_code}[f.specials]
    normal = np.where(k > f.max_code, over, k)
    shift = np.maximum(1 - field, 1)
    tiny = _rne_shift(frac + (1 << f.M), shift)
    mag = np.where(field >= 1, normal, tiny)
    nan_code = {"ieee": (((1 << f.E) - 1) << f.M) | (1 << (f.M - 1)), "finite_only": f.mag_mask,
                "none": 0}[f.specials]
    inf_code = {"ieee": ((1 << f.E) - 1) << f.M, "finite_only": f.mag_mask, "none": f.max_code}[
        f.specials]
    mag = np.where(zero, 0, mag)
    mag = np.where(inf, inf_code, mag)
    out = (sign << (f.E + f.M)) | mag
    return np.where(nan, nan_code, out)


def lmul_wide(a, b, f: Fmt) -> np.ndarray:
    """The wide L-Mul products of code arrays (the value V(k) rounded once to float32)."""
    k, sign, nan, inf, zero = lmul_k(a, b, f)
    field = k >> f.M
    frac = k & ((1 << f.M) - 1)
    v = np.ldexp((frac + (1 << f.M)).astype(np.float64), (field - f.bias - f.M).astype(np.int32))
    v = np.where(zero, 0.0, v)
    v = np.where(inf, np.inf, v)
    v = np.where(sign == 1, -v, v)
    v = np.where(nan, np.nan, v)
    with np.errstate(over="ignore"):
        return v.astype(np.float32)  # one rounding: float64 -> float32 is IEEE round to nearest


def positive_values(f: Fmt) -> np.ndarray:
    """Every finite non-negative value of the format, ascending (its magnitude codes 0..max)."""
    return decode(np.arange(f.max_code + 1), f)


def quantize_by_value(x, f: Fmt) -> np.ndarray:
    """float -> format by the definition: nearest value, ties to the even code, overflow judged
    after rounding (spec section 2); non-saturating. A reference for the formats ml_dtypes lacks.
    """
    with np.errstate(invalid="ignore"):
        x = np.asarray(x, dtype=np.float64)
    vals = positive_values(f)
    top = vals[-1] + (vals[-1] - vals[-2])  # the next value of the top binade, beyond max
    ext = np.append(vals, top)
    ax = np.abs(x)
    finite = np.isfinite(ax)
    axf = np.where(finite, ax, 0.0)
    hi = np.clip(np.searchsorted(ext, axf, side="left"), 1, len(ext) - 1)
    lo = hi - 1
    exact = ext[hi] == axf
    d_lo, d_hi = axf - ext[lo], ext[hi] - axf
    pick_hi = exact | (d_hi < d_lo) | ((d_hi == d_lo) & (hi % 2 == 0))
    mag = np.where(pick_hi, hi, lo)
    mag = np.where(axf == 0, 0, mag)
    overflow = (mag > f.max_code) | (finite & (axf > top)) | np.isinf(ax)
    over_code = {"ieee": ((1 << f.E) - 1) << f.M, "finite_only": f.mag_mask, "none": f.max_code}[
        f.specials]
    mag = np.where(overflow, over_code, mag)
    nan_code = (((1 << f.E) - 1) << f.M) | (1 << (f.M - 1)) if f.specials == "ieee" else f.mag_mask
    sign = np.signbit(x).astype(np.int64)
    out = (sign << (f.E + f.M)) | mag
    return np.where(np.isnan(x), nan_code, out)


def exact_sum_to_float32(values) -> np.float32:
    """The exact sum of float values rounded once to float32 (nearest even), without floats."""
    total = 0
    scale = 1100  # every float32 / float64 value here is a multiple of 2^-1074 * 2^-26
    for v in values:
        num, den = float(v).as_integer_ratio()  # den is a power of two
        total += num << (scale - (den.bit_length() - 1))
    if total == 0:
        return np.float32(0.0)
    neg = total < 0
    mag = -total if neg else total
    # value = mag * 2^-scale; fp32 quantum at binade b is 2^(max(b, -126) - 23)
    b = mag.bit_length() - 1 - scale
    q = max(b, -126) - 23
    shift = q + scale
    if shift > 0:
        kept, rest = mag >> shift, mag & ((1 << shift) - 1)
        half = 1 << (shift - 1)
        if rest > half or (rest == half and kept & 1):
            kept += 1
    else:
        kept = mag << -shift
    result = math.ldexp(kept, q) if q < 1000 else math.inf
    if result > float(np.finfo(np.float32).max):
        result = math.inf
    return np.float32(-result if neg else result)


# ---- OCP MX (spec section 7) -------------------------------------------------------------------

MX_MAX = {"e4m3fn": 448.0, "e5m2": 57344.0, "e2m3fn": 7.5, "e3m2fn": 28.0, "e2m1fn": 6.0}
MX_EMAX = {"e4m3fn": 8, "e5m2": 15, "e2m3fn": 2, "e3m2fn": 4, "e2m1fn": 2}


def mx_shared(block: np.ndarray, elem: str, rule: str):
    """The shared exponent of one block of float32 values, or None for a NaN scale."""
    v = block.astype(np.float64)
    if not np.all(np.isfinite(v)):
        return None
    amax = float(np.max(np.abs(v))) if v.size else 0.0
    if amax == 0.0:
        return -127
    floor_log2 = math.frexp(amax)[1] - 1
    if rule == "floor":
        shared = floor_log2 - MX_EMAX[elem]
    else:  # smallest s with amax <= max_elem * 2^s, decided exactly
        shared = floor_log2 - MX_EMAX[elem] - 1
        while amax > math.ldexp(MX_MAX[elem], shared):
            shared += 1
    if shared > 127:
        return None
    return max(shared, -127)


def mx_dot_exact(sa, a_vals, sb, b_vals, block: int, products=None) -> np.float32:
    """The MX dot of spec section 7 with the given element products (default: exact a * b),
    each block summed in fp32 in element order, scaled once, the blocks summed in fp32 in order.
    sa, sb: scale exponents (None = NaN scale); a_vals, b_vals: element values (float64)."""
    n = len(a_vals)
    if products is None:
        products = (np.asarray(a_vals, np.float64) * np.asarray(b_vals, np.float64)).astype(np.float32)
    if any(s is None for s in sa) or any(s is None for s in sb):
        return np.float32(np.nan)
    total = np.float32(0.0)
    with np.errstate(over="ignore", invalid="ignore"):
        for j, first in enumerate(range(0, n, block)):
            s = np.float32(0.0)
            for p in products[first:first + block]:
                s = np.float32(s + p)
            scaled = np.float32(np.ldexp(np.float64(s), sa[j] + sb[j]))  # one rounding
            total = np.float32(total + scaled)
    return total
