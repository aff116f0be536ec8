"""The arithmetics a matrix product can run in: the registry the forward pass takes them from.

Each arithmetic has ``matmul(a, b, b_const=False)``: ``a @ b`` for a (..., m, k) and b (..., k, n)
(leading axes broadcast as one batch), returned as float32. ``b_const=True`` marks a weight
matrix: its rounded form is computed once and kept (keyed by the array's identity).

* ``fp32``: numpy float32 matmul, the reference.
* exact ``bf16``, ``e4m3fn``, ``e5m2``: both operands rounded once to the format (round to nearest
  even, non-saturating: a value beyond the largest finite one becomes NaN in e4m3fn and inf in
  e5m2/bf16, as ml_dtypes' ``astype`` and ``lmul.quantize`` do; ``stats`` counts such elements),
  then a float32 matmul: the product of two such values is exact in fp32 (at most 2 x 8
  significant bits), so this is "exact products, fp32 sums".
* ``mx_<elem>`` for elem in e4m3fn, e2m3fn, e2m1fn: OCP MX, blocks of 32 along k, the ``floor``
  scale rule (shared exponent floor(log2 amax) - emax_elem), elements rounded to nearest even and
  saturated; exact element products, fp32 sums (the dequantized operands multiplied in fp32 is the
  same: element products are exact, the scales are powers of two).
* ``lmul_fp32``, ``lmul_bf16``, ``lmul_e4m3fn``, ``lmul_e5m2``: the operands rounded as above, then
  ``lmul.matmul``: every product an L-Mul wide product, fp32 accumulation (lmul<23,8>, <7,8>,
  <3,4>, <2,5>).
* ``lmul_mx_<elem>``: ``lmul.mx_quantize`` and ``lmul.mx_matmul(lmul=True)``.
* ``mx_e3m4`` / ``lmul_mx_e3m4``: the paper's 4-bit mantissa, lmul<4,3> (ml_dtypes float8_e3m4)
  elements with MX block scales (see LMUL_NAMES below), exact and L-Mul products.

The rounding uses ``lmul.quantize`` / ``lmul.mx_quantize`` when the lmul Python package is
importable (one source of truth) and an equivalent ml_dtypes / numpy emulation otherwise; the tests
check that both agree. The L-Mul arithmetics need lmul (``LmulNotAvailable`` otherwise).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import ml_dtypes
import numpy as np

MX_BLOCK = 32

FORMAT_DTYPES = {
    "bf16": ml_dtypes.bfloat16,
    "e4m3fn": ml_dtypes.float8_e4m3fn,
    "e5m2": ml_dtypes.float8_e5m2,
    "e2m3fn": ml_dtypes.float6_e2m3fn,
    "e2m1fn": ml_dtypes.float4_e2m1fn,
    "e3m4": ml_dtypes.float8_e3m4,
}
# Not an OCP MX element: lmul<4,3> (4-bit mantissa, 3-bit exponent, IEEE-style, max 15.5), the
# paper's "4-bit mantissa" given a shared power-of-two scale per block of 32 like the MX formats
# (floor rule with emax 3, elements rounded to nearest even and saturated). lmul has no MX kernel
# for it: the L-Mul product is summed per block by lmul.matmul and the block scales applied in fp32
# (exact: powers of two), as lmul.mx_matmul does for the OCP elements.
LMUL_NAMES = {"e3m4": "lmul<4,3>"}
# emax of the element formats (exponent of the largest power of two below max finite).
MX_EMAX = {"e4m3fn": 8, "e5m2": 15, "e2m3fn": 2, "e3m2fn": 4, "e2m1fn": 2, "e3m4": 3}
# Fraction bits, for the tables.
MANTISSA_BITS = {"fp32": 23, "bf16": 7, "e4m3fn": 3, "e5m2": 2, "e2m3fn": 3, "e2m1fn": 1, "e3m4": 4}


class LmulNotAvailable(RuntimeError):
    """The lmul Python package is not importable."""


def lmul_module():
    """The lmul Python package, or None when it is not importable."""
    if os.environ.get("LMUL_EVAL_NO_LMUL") == "1":  # test hook: force the numpy emulation
        return None
    try:
        import lmul  # noqa: PLC0415
    except ImportError:
        return None
    if not hasattr(lmul, "matmul"):
        return None
    return lmul


def _require_lmul():
    m = lmul_module()
    if m is None:
        raise LmulNotAvailable(
            "the lmul Python package is not importable: pip install <lmul checkout> "
            "(the L-Mul arithmetics call lmul.matmul / lmul.mx_matmul)"
        )
    return m


def _lmul_mx_blocked(lm, sa, ca, sb, cb, elem: str) -> np.ndarray:
    """sum over blocks j of 2^(sa_j + sb_j) * (L-Mul block sum), for elements lmul has no MX
    kernel for: one lmul.matmul per block of 32 along k, the scales applied in fp32."""
    m, k = ca.shape
    n = cb.shape[0]
    out = np.zeros((m, n), dtype=np.float32)
    fa, fb = sa.astype(np.float32), sb.astype(np.float32)
    for j in range(sa.shape[1]):
        lo, hi = j * MX_BLOCK, min(k, (j + 1) * MX_BLOCK)
        p = lm.matmul(np.ascontiguousarray(ca[:, lo:hi]), np.ascontiguousarray(cb[:, lo:hi].T),
                      threads=_threads(), format=LMUL_NAMES.get(elem, elem))
        out += (fa[:, j, None] * fb[None, :, j]) * p
    return out


def _threads() -> int:
    return int(os.environ.get("LMUL_EVAL_THREADS", "1"))


# -- rounding -------------------------------------------------------------------------------------


def round_to(x: np.ndarray, fmt: str) -> np.ndarray:
    """x rounded once to the format (nearest even, non-saturating): an ml_dtypes array."""
    x = np.ascontiguousarray(x, dtype=np.float32)
    lm = lmul_module()
    if lm is not None:
        return lm.quantize(x, fmt)
    return x.astype(FORMAT_DTYPES[fmt])


def mx_quantize_numpy(x: np.ndarray, elem: str, block: int = MX_BLOCK):
    """OCP MX, floor rule, blocks along the last axis of a 2-D x: (scales as e8m0, codes).

    Emulation of lmul.mx_quantize for when lmul is not importable. Shared exponent
    floor(log2(amax)) - emax_elem, clamped to [-127, 127]; an all-zero block gets 2^-127;
    elements x / 2^shared rounded to nearest even and saturated to +-max_elem.
    """
    x = np.asarray(x, dtype=np.float32)
    rows, k = x.shape
    nb = -(-k // block)
    padded = np.zeros((rows, nb * block), dtype=np.float64)
    padded[:, :k] = x
    xb = padded.reshape(rows, nb, block)
    amax = np.abs(xb).max(axis=-1)
    with np.errstate(divide="ignore"):
        e = np.floor(np.log2(np.where(amax > 0, amax, 1.0))).astype(np.int64)
    shared = np.where(amax > 0, e - MX_EMAX[elem], -127)
    shared = np.clip(shared, -127, 127)
    dtype = FORMAT_DTYPES[elem]
    top = float(ml_dtypes.finfo(dtype).max)
    scaled = np.clip(xb / np.exp2(shared)[..., None], -top, top).astype(np.float32)
    lm = lmul_module()
    if elem in LMUL_NAMES and lm is not None:
        codes = lm.quantize(scaled, LMUL_NAMES[elem], saturate=True)
    else:
        codes = scaled.astype(dtype)
    codes = codes.reshape(rows, nb * block)[:, :k]
    scales = np.exp2(shared.astype(np.float64)).astype(np.float32).astype(ml_dtypes.float8_e8m0fnu)
    return scales, np.ascontiguousarray(codes)


def mx_dequantize_numpy(scales: np.ndarray, codes: np.ndarray, block: int = MX_BLOCK) -> np.ndarray:
    rows, k = codes.shape
    s = np.repeat(scales.astype(np.float64), block, axis=1)[:, :k]
    return (codes.astype(np.float64) * s).astype(np.float32)


def mx_quantize(x: np.ndarray, elem: str):
    x = np.ascontiguousarray(x, dtype=np.float32)
    lm = lmul_module()
    if lm is not None and elem not in LMUL_NAMES:
        return lm.mx_quantize(x, elem, rule="floor", block=MX_BLOCK)
    return mx_quantize_numpy(x, elem, MX_BLOCK)


def mx_dequantize(scales, codes) -> np.ndarray:
    lm = lmul_module()
    if lm is not None and codes.dtype != FORMAT_DTYPES["e3m4"]:
        return np.asarray(lm.mx_dequantize(scales, codes, block=MX_BLOCK), dtype=np.float32)
    return mx_dequantize_numpy(scales, codes, MX_BLOCK)


# -- the arithmetics ------------------------------------------------------------------------------


@dataclass
class Stats:
    """Operand elements rounded, and how many overflowed (to NaN/inf) or underflowed to zero."""

    elements: int = 0
    overflow: int = 0
    flushed: int = 0

    def add(self, x: np.ndarray, r: np.ndarray) -> None:
        rf = r.astype(np.float32)
        self.elements += x.size
        self.overflow += int(np.count_nonzero(~np.isfinite(rf) & np.isfinite(x)))
        self.flushed += int(np.count_nonzero((rf == 0) & (x != 0)))


@dataclass
class Arithmetic:
    name: str
    label: str
    kind: str  # "fp32", "exact", "lmul", "mx", "lmul_mx"
    fmt: str  # fp32, bf16, e4m3fn, e5m2, e2m3fn, e2m1fn
    stats: Stats = field(default_factory=Stats)
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def needs_lmul(self) -> bool:
        return self.kind in ("lmul", "lmul_mx")

    # Prepared operands -------------------------------------------------------------------------
    def _prep_rows(self, x2: np.ndarray):
        """A 2-D operand (rows, k) prepared for this arithmetic (k = the reduction axis for MX)."""
        if self.kind in ("mx", "lmul_mx"):
            return mx_quantize(x2, self.fmt)
        if self.fmt == "fp32":
            return np.ascontiguousarray(x2, dtype=np.float32)
        r = round_to(x2, self.fmt)
        self.stats.add(x2, r)
        return r

    def _prep_a(self, a2):
        return self._prep_rows(a2)

    def _prep_b(self, b2):
        # MX blocks along k: b (k, n) is quantized as bt = b^T (n, k).
        if self.kind in ("mx", "lmul_mx"):
            return self._prep_rows(np.ascontiguousarray(b2.T))
        return self._prep_rows(b2)

    def _mm2(self, pa, pb) -> np.ndarray:
        if self.kind == "fp32":
            return np.matmul(pa, pb)
        if self.kind == "exact":
            return np.matmul(pa.astype(np.float32), pb.astype(np.float32))
        if self.kind == "mx":
            # Dequantized operands multiplied in fp32: the element products are exact and the
            # scales powers of two, so this is lmul.mx_matmul(lmul=False) up to the order of the
            # fp32 sums (and much faster than its exact C++ loop).
            return np.matmul(mx_dequantize(*pa), mx_dequantize(*pb).T)
        lm = _require_lmul()
        if self.kind == "lmul":
            return np.asarray(lm.matmul(pa, pb, threads=_threads()), dtype=np.float32)
        if self.kind == "lmul_mx" and self.fmt in LMUL_NAMES:
            return _lmul_mx_blocked(lm, pa[0], pa[1], pb[0], pb[1], self.fmt)
        if self.kind == "lmul_mx":
            return np.asarray(
                lm.mx_matmul(pa[0], pa[1], pb[0], pb[1], lmul=True, block=MX_BLOCK),
                dtype=np.float32,
            )
        raise AssertionError(self.kind)

    def matmul(self, a: np.ndarray, b: np.ndarray, b_const: bool = False) -> np.ndarray:
        """a @ b in this arithmetic; a (..., m, k), b (..., k, n) with the same leading axes."""
        if self.needs_lmul:
            _require_lmul()
        a = np.asarray(a, dtype=np.float32)
        b = np.asarray(b, dtype=np.float32)
        if a.ndim == 2 and b.ndim == 2:
            pa = self._prep_a(a)
            if b_const:
                key = id(b)
                hit = self._cache.get(key)
                if hit is None or hit[0] is not b:
                    hit = (b, self._prep_b(b))
                    self._cache[key] = hit
                pb = hit[1]
            else:
                pb = self._prep_b(b)
            return np.ascontiguousarray(self._mm2(pa, pb), dtype=np.float32)
        if a.shape[:-2] != b.shape[:-2]:
            raise ValueError(f"batch shapes differ: {a.shape} @ {b.shape}")
        if self.kind == "fp32":
            return np.matmul(a, b)
        if self.kind == "exact":
            # Rounding is element-wise: round the whole batch at once, one batched fp32 matmul.
            ra = self._prep_rows(a.reshape(-1, a.shape[-1])).astype(np.float32).reshape(a.shape)
            rb = self._prep_rows(b.reshape(-1, b.shape[-1])).astype(np.float32).reshape(b.shape)
            return np.matmul(ra, rb)
        if self.kind == "mx":
            # Blocks along k are per row: quantize all rows of the batch at once, then multiply
            # the dequantized operands in fp32 (exact element products, power-of-two scales).
            qa = mx_dequantize(*self._prep_rows(a.reshape(-1, a.shape[-1]))).reshape(a.shape)
            bt = np.ascontiguousarray(np.swapaxes(b, -1, -2))
            qbt = mx_dequantize(*self._prep_rows(bt.reshape(-1, bt.shape[-1]))).reshape(bt.shape)
            return np.matmul(qa, np.swapaxes(qbt, -1, -2))
        lm = _require_lmul()
        lead = a.shape[:-2]
        a3 = a.reshape(-1, *a.shape[-2:])
        b3 = b.reshape(-1, *b.shape[-2:])
        nbat, m, k = a3.shape
        n = b3.shape[-1]
        out = np.empty((nbat, m, n), dtype=np.float32)
        # One quantization call per operand for the whole batch (element-wise, or per row of
        # blocks along k for MX), then one lmul call per matrix of the batch.
        if self.kind == "lmul":
            qa = self._prep_rows(a3.reshape(-1, k)).reshape(a3.shape) if self.fmt != "fp32" else a3
            qb = self._prep_rows(b3.reshape(-1, n)).reshape(b3.shape) if self.fmt != "fp32" else b3
            for i in range(nbat):
                lm.matmul(qa[i], qb[i], threads=_threads(), out=out[i])
        else:  # lmul_mx
            bt3 = np.ascontiguousarray(np.swapaxes(b3, -1, -2))  # (nbat, n, k)
            sa, ca = self._prep_rows(a3.reshape(-1, k))
            sb, cb = self._prep_rows(bt3.reshape(-1, k))
            sa, ca = sa.reshape(nbat, m, -1), ca.reshape(nbat, m, k)
            sb, cb = sb.reshape(nbat, n, -1), cb.reshape(nbat, n, k)
            for i in range(nbat):
                if self.fmt in LMUL_NAMES:
                    out[i] = _lmul_mx_blocked(lm, sa[i], ca[i], sb[i], cb[i], self.fmt)
                else:
                    out[i] = lm.mx_matmul(sa[i], ca[i], sb[i], cb[i], lmul=True, block=MX_BLOCK)
        return out.reshape(*lead, a.shape[-2], b.shape[-1])


_SPECS = [
    ("fp32", "fp32 (reference)", "fp32", "fp32"),
    ("bf16", "bf16, exact products", "exact", "bf16"),
    ("e4m3fn", "e4m3fn, exact products", "exact", "e4m3fn"),
    ("e5m2", "e5m2, exact products", "exact", "e5m2"),
    ("lmul_fp32", "L-Mul on fp32 (lmul<23,8>)", "lmul", "fp32"),
    ("lmul_bf16", "L-Mul on bf16 (lmul<7,8>)", "lmul", "bf16"),
    ("lmul_e4m3fn", "L-Mul on e4m3fn (3-bit mantissa)", "lmul", "e4m3fn"),
    ("lmul_e5m2", "L-Mul on e5m2 (2-bit mantissa)", "lmul", "e5m2"),
    ("mx_e4m3fn", "MX e4m3fn, exact products", "mx", "e4m3fn"),
    ("lmul_mx_e4m3fn", "MX e4m3fn, L-Mul", "lmul_mx", "e4m3fn"),
    ("mx_e3m4", "MX lmul<4,3> (4-bit mantissa), exact products", "mx", "e3m4"),
    ("lmul_mx_e3m4", "MX lmul<4,3> (4-bit mantissa), L-Mul", "lmul_mx", "e3m4"),
    ("mx_e2m3fn", "MX e2m3fn (FP6), exact products", "mx", "e2m3fn"),
    ("lmul_mx_e2m3fn", "MX e2m3fn (FP6), L-Mul", "lmul_mx", "e2m3fn"),
    ("mx_e2m1fn", "MX e2m1fn (FP4), exact products", "mx", "e2m1fn"),
    ("lmul_mx_e2m1fn", "MX e2m1fn (FP4), L-Mul", "lmul_mx", "e2m1fn"),
]
ARITHMETIC_NAMES = [s[0] for s in _SPECS]
_LABELS = {s[0]: s[1] for s in _SPECS}

_FP32 = None


def get_arithmetic(name: str) -> Arithmetic:
    """A fresh arithmetic by name (fp32 is shared: it keeps no state)."""
    global _FP32
    for n, label, kind, fmt in _SPECS:
        if n == name:
            if n == "fp32":
                if _FP32 is None:
                    _FP32 = Arithmetic(n, label, kind, fmt)
                return _FP32
            return Arithmetic(n, label, kind, fmt)
    raise KeyError(f"unknown arithmetic {name!r}; known: {', '.join(ARITHMETIC_NAMES)}")


def label(name: str) -> str:
    return _LABELS[name]
