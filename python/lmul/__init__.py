"""lmul: L-Mul (Luo & Sun, arXiv 2410.00907) on NumPy arrays.

L-Mul replaces a floating-point multiply by one integer addition of the operands' bit patterns
plus a constant: (1 + a)(1 + b) ~ 1 + a + b + 2^-l(M). This package wraps the C++ library lmul
(its compiled kernels, chosen at run time for the CPU); the numeric contract, bit for bit, is the
project's docs/spec.md.

Formats are named by strings:

  "float32"                    fp32 (L-Mul on fp32 operands: the paper's fp32 kernel)
  "e4m3fn", "e5m2"             OCP FP8 (E4M3 has no infinities, max 448)
  "e2m3fn", "e3m2fn", "e2m1fn" OCP MX FP6 / FP4 (one value per byte, no inf/NaN, saturating)
  "e8m0fnu"                    the OCP MX scale (a power of two; quantize/dequantize only)
  "bf16", "fp16"               lmul<7,8> and lmul<10,5> (bfloat16 and IEEE half layouts)
  "lmul<M,E>"                  IEEE-style formats with M fraction and E exponent bits, for the
                               compiled ones: M + E = 7 (8-bit) and M + E = 15 (16-bit)

Arrays are taken as they are (no copy when C-contiguous): ml_dtypes arrays (float8_e4m3fn,
float8_e5m2, float8_e4m3 = lmul<3,4>, float8_e3m4 = lmul<4,3>, float6_e2m3fn, float6_e3m2fn,
float4_e2m1fn, float8_e8m0fnu, bfloat16), np.float16 (fp16), np.float32, or uint8 / uint16
arrays of codes together with format=. Results come back as ml_dtypes arrays when ml_dtypes is
importable (fp16 as np.float16), otherwise as uint8 / uint16 arrays of codes. Kernels run with
the GIL released.

Errors: TypeError for a wrong type or dtype, ValueError for a bad value, shape or layout (and for
the C++ library's std::invalid_argument); the message names the argument; nothing is written.
"""

from __future__ import annotations

import math
import re
from typing import NamedTuple, Optional, Tuple, Union

import numpy as np

from . import _core

try:  # optional: results as ml_dtypes arrays
    import ml_dtypes as _ml
except ImportError:  # pragma: no cover - exercised only without ml_dtypes
    _ml = None

__version__ = "0.1.0"

__all__ = [
    "Format",
    "available_archs",
    "dequantize",
    "dot",
    "format_of",
    "formats",
    "matmul",
    "multiply",
    "mx_dequantize",
    "mx_dot",
    "mx_matmul",
    "mx_quantize",
    "product",
    "quantize",
    "selected_arch",
]


class Format(NamedTuple):
    """One element format: its canonical name and layout."""

    name: str
    index: int  # index in the compiled module's format table
    mantissa_bits: int  # M (0 for e8m0fnu)
    exponent_bits: int  # E
    specials: str  # "ieee", "finite_only", "none" (FP6/FP4) or "e8m0"
    itemsize: int  # bytes per element
    storage: np.dtype  # the integer dtype of the codes (float32 for "float32")
    dtype: np.dtype  # the dtype of results: ml_dtypes' when importable, else storage

    def __repr__(self) -> str:
        return f"lmul.Format({self.name!r})"


# Canonical names of the special formats, by (M, E, specials).
_SPECIAL_NAMES = {
    (23, 8, "ieee"): "float32",
    (3, 4, "finite_only"): "e4m3fn",
    (2, 5, "ieee"): "e5m2",
    (3, 2, "none"): "e2m3fn",
    (2, 3, "none"): "e3m2fn",
    (1, 2, "none"): "e2m1fn",
    (0, 8, "e8m0"): "e8m0fnu",
    (7, 8, "ieee"): "bf16",
    (10, 5, "ieee"): "fp16",
}
# ml_dtypes' name of each format it shares with lmul.
_ML_NAMES = {
    "e4m3fn": "float8_e4m3fn",
    "e5m2": "float8_e5m2",
    "lmul<3,4>": "float8_e4m3",
    "lmul<4,3>": "float8_e3m4",
    "e2m3fn": "float6_e2m3fn",
    "e3m2fn": "float6_e3m2fn",
    "e2m1fn": "float4_e2m1fn",
    "e8m0fnu": "float8_e8m0fnu",
    "bf16": "bfloat16",
}
_ALIASES = {
    "fp32": "float32",
    "f32": "float32",
    "float8_e4m3fn": "e4m3fn",
    "float8_e5m2": "e5m2",
    "float6_e2m3fn": "e2m3fn",
    "float6_e3m2fn": "e3m2fn",
    "float4_e2m1fn": "e2m1fn",
    "float8_e8m0fnu": "e8m0fnu",
    "bfloat16": "bf16",
    "float16": "fp16",
    "half": "fp16",
    "float8_e4m3": "lmul<3,4>",
    "float8_e3m4": "lmul<4,3>",
}


def _build_formats():
    by_name = {}
    ordered = []
    for index, (m, e, specials, itemsize) in enumerate(_core.formats()):
        lmul_name = f"lmul<{m},{e}>"
        name = _SPECIAL_NAMES.get((m, e, specials), lmul_name)
        storage = np.dtype(np.float32) if name == "float32" else np.dtype(f"uint{8 * itemsize}")
        dtype = storage
        if name == "fp16":
            dtype = np.dtype(np.float16)
        elif _ml is not None and name in _ML_NAMES:
            dtype = np.dtype(getattr(_ml, _ML_NAMES[name]))
        fmt = Format(name, index, m, e, specials, itemsize, storage, dtype)
        ordered.append(fmt)
        by_name[name] = fmt
        if specials == "ieee":
            by_name[lmul_name] = fmt
    for alias, target in _ALIASES.items():
        if target in by_name:
            by_name[alias] = by_name[target]
    # Input dtypes that name their format (ml_dtypes' whether or not results use them).
    by_dtype = {np.dtype(np.float32): by_name["float32"], np.dtype(np.float16): by_name["fp16"]}
    if _ml is not None:
        for name, ml_name in _ML_NAMES.items():
            if hasattr(_ml, ml_name):
                by_dtype[np.dtype(getattr(_ml, ml_name))] = by_name[name]
    return tuple(ordered), by_name, by_dtype


_FORMATS, _BY_NAME, _BY_DTYPE = _build_formats()
_F32 = _BY_NAME["float32"]
_E8M0 = _BY_NAME["e8m0fnu"]
_MX_ELEMENTS = ("e4m3fn", "e5m2", "e2m3fn", "e3m2fn", "e2m1fn")
# Codes of FP6 / FP4 given as uint8 must leave the bits above the format's width clear.
_NARROW_UNUSED_BITS = {"e2m3fn": 0xC0, "e3m2fn": 0xC0, "e2m1fn": 0xF0}


def formats() -> Tuple[str, ...]:
    """The canonical names of every format this build supports."""
    return tuple(f.name for f in _FORMATS)


def selected_arch() -> str:
    """The instruction set whose compiled kernels this process runs (e.g. "avx2")."""
    return _core.selected_arch()


def available_archs() -> Tuple[str, ...]:
    """The instruction sets compiled into the package that this CPU can run, best first.

    The kernels of the first run by default; the environment variable LMUL_ARCH=<name>, set before
    the package is imported, picks a lower one (for tests and benchmarks).
    """
    return tuple(_core.arch_names())


def format_of(fmt: Union[str, Format, np.dtype, type], argname: str = "format") -> Format:
    """The Format named by a string ("e4m3fn", "bf16", "lmul<4,3>", ...), a Format or a dtype."""
    if isinstance(fmt, Format):
        return fmt
    if isinstance(fmt, str):
        key = re.sub(r"\s+", "", fmt).lower()
        found = _BY_NAME.get(key) or _BY_NAME.get(_ALIASES.get(key, ""))
        if found is None:
            raise ValueError(
                f"{argname}: unknown format {fmt!r}; known: {', '.join(formats())} "
                f"(lmul<M,E> for the compiled IEEE-style formats, M + E = 7 or 15)"
            )
        return found
    try:
        dt = np.dtype(fmt)
    except TypeError:
        raise TypeError(
            f"{argname}: expected a format name such as 'e4m3fn', got {type(fmt).__name__}"
        ) from None
    if dt in _BY_DTYPE:
        return _BY_DTYPE[dt]
    raise TypeError(f"{argname}: dtype {dt} is not an lmul format; known: {', '.join(formats())}")


# ---- helpers ---------------------------------------------------------------------------------


# The data pointer of an ndarray (read by the extension: np.ndarray.__array_interface__ costs
# microseconds per call, and ml_dtypes' arrays have no buffer protocol).
_addr = _core.address


def _dtype_name(dt: np.dtype) -> str:
    return getattr(dt, "name", str(dt))


def _codes(x, fmt, argname: str, fn: str) -> Tuple[np.ndarray, Format]:
    """x as an array of codes of a format (the array itself, no copy) and that format.

    fmt (None, a name or a Format) must agree with x's dtype when that dtype names a format;
    uint8 / uint16 (and uint32 for float32) arrays need fmt.
    """
    if not isinstance(x, np.ndarray):
        if isinstance(x, (list, tuple)) or np.isscalar(x):
            raise TypeError(
                f"{fn}: {argname} must be a NumPy array of an lmul format, got "
                f"{type(x).__name__}; convert with lmul.quantize(x, fmt) or "
                f"np.asarray(x, np.float32)"
            )
        x = np.asarray(x)
    want = None if fmt is None else format_of(fmt, "format")
    have = _BY_DTYPE.get(x.dtype)
    if have is not None:
        if want is not None and want is not have:
            raise TypeError(
                f"{fn}: {argname} has dtype {_dtype_name(x.dtype)} (format {have.name}) but "
                f"format={want.name!r}"
            )
        return x, have
    if want is None:
        raise TypeError(
            f"{fn}: {argname} has dtype {_dtype_name(x.dtype)}, which is not an lmul format; "
            f"pass float32, an ml_dtypes array, or uint8/uint16 codes with format=..."
            + (" (quantize float64 with lmul.quantize(x, fmt) or x.astype(np.float32))"
               if x.dtype.kind == "f" else "")
        )
    if x.dtype != want.storage:
        raise TypeError(
            f"{fn}: {argname} has dtype {_dtype_name(x.dtype)}; format {want.name!r} takes "
            f"{_dtype_name(want.dtype)} or {want.storage.name} codes "
            f"(itemsize {want.itemsize})"
        )
    unused = _NARROW_UNUSED_BITS.get(want.name)
    if unused is not None and x.size and np.any(x & unused):
        raise ValueError(
            f"{fn}: {argname} holds codes with bits above the {want.name} format's width "
            f"(mask {unused:#x}); FP6/FP4 codes lie in the low 6/4 bits of each byte"
        )
    return x, want


def _same_format(fa: Format, fb: Format, fn: str) -> None:
    if fa is not fb:
        raise TypeError(
            f"{fn}: a and b must have one format, got {fa.name} and {fb.name} "
            f"(convert one with lmul.quantize(lmul.dequantize(x), fmt))"
        )


def _contiguous(x: np.ndarray) -> np.ndarray:
    return x if x.flags.c_contiguous else np.ascontiguousarray(x)


def _threads(threads, fn: str) -> int:
    if isinstance(threads, bool) or not isinstance(threads, (int, np.integer)):
        raise TypeError(f"{fn}: threads must be an int, got {type(threads).__name__}")
    if threads < 0:
        raise ValueError(f"{fn}: threads must be >= 0 (0 = all hardware threads), got {threads}")
    return int(threads)


def _block(block, fn: str) -> int:
    if isinstance(block, bool) or not isinstance(block, (int, np.integer)):
        raise TypeError(f"{fn}: block must be an int, got {type(block).__name__}")
    if block <= 0:
        raise ValueError(f"{fn}: block must be positive, got {block}")
    return int(block)


def _check_out(out, shape, dtype, fn: str) -> np.ndarray:
    if not isinstance(out, np.ndarray):
        raise TypeError(f"{fn}: out must be a NumPy array, got {type(out).__name__}")
    if out.dtype != dtype:
        raise TypeError(f"{fn}: out has dtype {_dtype_name(out.dtype)}, expected {_dtype_name(dtype)}")
    if out.shape != tuple(shape):
        raise ValueError(f"{fn}: out has shape {out.shape}, expected {tuple(shape)}")
    if not out.flags.writeable:
        raise ValueError(f"{fn}: out is read-only")
    return out


# ---- conversions -----------------------------------------------------------------------------


def quantize(x, format: Union[str, Format], rounding: str = "nearest_even",
             saturate: bool = False) -> np.ndarray:
    """Round x to `format` (one rounding, spec section 2); returns an array of the format.

    x: any real array or scalar. float32 and float64 are rounded once from their exact value;
    other real dtypes are converted to float64 first (exact for every float type and for integers
    up to 2^53); ml_dtypes / float16 arrays are taken at their exact value.
    rounding: "nearest_even" (ties to even, the default) or "toward_zero" (truncation).
    saturate: overflow gives +-max finite (and +-inf gives +-max finite) instead of +-inf
    (IEEE-style formats) or NaN (e4m3fn). FP6/FP4 always saturate and turn NaN into +0.
    e8m0fnu rounds to the nearest power of two (ties to the even code; zero, negatives, inf and
    NaN give NaN); it takes no rounding or saturate option.
    Returns: ml_dtypes array (np.float16 for fp16, np.float32 for float32) when ml_dtypes is
    importable, else uint8 / uint16 codes; same shape as x.
    """
    fmt = format_of(format, "format")
    if rounding not in ("nearest_even", "toward_zero"):
        raise ValueError(
            f"quantize: rounding must be 'nearest_even' or 'toward_zero', got {rounding!r}"
        )
    if not isinstance(saturate, (bool, np.bool_)):
        raise TypeError(f"quantize: saturate must be a bool, got {type(saturate).__name__}")
    x = np.asarray(x)
    if x.dtype in _BY_DTYPE and x.dtype not in (np.float32,):
        x = dequantize(x)  # exact
    elif x.dtype.kind in "biuf" and x.dtype not in (np.float32, np.float64):
        x = x.astype(np.float64)
    elif x.dtype.kind not in "f":
        raise TypeError(f"quantize: x must be a real array, got dtype {_dtype_name(x.dtype)}")
    x = _contiguous(x)
    out = np.empty(x.shape, dtype=fmt.dtype)
    _core.quantize(fmt.index, _addr(x), x.dtype == np.float64, _addr(out), x.size,
          rounding == "toward_zero", bool(saturate))
    return out


def dequantize(codes, format: Optional[Union[str, Format]] = None) -> np.ndarray:
    """The exact values of `codes` as float32 (every format's values are floats).

    codes: an ml_dtypes / float16 / float32 array, or uint8 / uint16 codes with format=.
    e8m0fnu: 2^(c - 127) (2^-127 is an fp32 subnormal), code 0xFF gives NaN.
    """
    x, fmt = _codes(codes, format, "codes", "dequantize")
    x = _contiguous(x)
    out = np.empty(x.shape, dtype=np.float32)
    _core.dequantize(fmt.index, _addr(x), _addr(out), x.size)
    return out


# ---- L-Mul ------------------------------------------------------------------------------------


def multiply(a, b, format=None, out: Optional[np.ndarray] = None) -> np.ndarray:
    """Element-wise L-Mul: out[i] = L-Mul(a[i], b[i]) rounded to the operands' format.

    a, b: arrays of one format (float32 means L-Mul on fp32 operands); shapes broadcast as in
    NumPy (a broadcast or non-contiguous operand is copied first). Bit-identical to the C++
    lmul_multiply on every instruction set. out: optional array of the result dtype and the
    broadcast shape, C-contiguous; it may be exactly a or b (in place), any other overlap with an
    input is a ValueError.
    """
    a, fa = _codes(a, format, "a", "multiply")
    b, fb = _codes(b, format, "b", "multiply")
    _same_format(fa, fb, "multiply")
    if fa is _E8M0:
        raise TypeError("multiply: e8m0fnu is a scale format and has no L-Mul product")
    try:
        shape = np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise ValueError(
            f"multiply: a of shape {a.shape} and b of shape {b.shape} do not broadcast"
        ) from None
    if a.shape != shape:
        a = np.broadcast_to(a, shape)
    if b.shape != shape:
        b = np.broadcast_to(b, shape)
    a, b = _contiguous(a), _contiguous(b)
    if out is None:
        out = np.empty(shape, dtype=fa.dtype)
    else:
        out = _check_out(out, shape, fa.storage if out.dtype == fa.storage else fa.dtype,
                         "multiply")
        if not out.flags.c_contiguous:
            raise ValueError("multiply: out must be C-contiguous")
    _core.multiply(fa.index, _addr(a), _addr(b), _addr(out), out.size)
    return out


def dot(a, b, exact: bool = False, format=None) -> np.float32:
    """The L-Mul dot product of two 1-D arrays of one format: sum of the wide products in fp32.

    Each product is L-Mul's value rounded to fp32 (exact for every 8-bit format), summed in fp32
    in an order of the kernel's choosing (within gamma_n * sum |p_i| of the exact sum, spec
    section 4). exact=True (8-bit formats only): the exact sum of the products, rounded once
    (the same bits on every CPU and for every order). Non-contiguous inputs are copied.
    """
    a, fa = _codes(a, format, "a", "dot")
    b, fb = _codes(b, format, "b", "dot")
    _same_format(fa, fb, "dot")
    if a.ndim != 1 or b.ndim != 1:
        raise ValueError(f"dot: a and b must be 1-D, got shapes {a.shape} and {b.shape}")
    if a.shape != b.shape:
        raise ValueError(f"dot: a and b must have one length, got {a.size} and {b.size}")
    if fa is _E8M0:
        raise TypeError("dot: e8m0fnu is a scale format and has no L-Mul product")
    a, b = _contiguous(a), _contiguous(b)
    return np.float32(_core.dot(fa.index, _addr(a), _addr(b), a.size, bool(exact)))


def _matrix_layout(x: np.ndarray):
    """(leading dimension, transposed) of a 2-D array the kernels can read in place, else None.

    Row-major with unit column stride: (row stride, False); column-major (the transpose of a
    row-major array): (column stride, True). Strides must be positive multiples of the itemsize.
    """
    rows, cols = x.shape
    item = x.itemsize
    s0, s1 = x.strides
    if rows <= 1:
        s0 = max(cols, 1) * item
    if cols <= 1:
        s1 = item
    if s1 == item and s0 > 0 and s0 % item == 0 and s0 // item >= cols:
        return s0 // item, False
    if s0 == item and s1 > 0 and s1 % item == 0 and s1 // item >= rows:
        return s1 // item, True
    return None


def matmul(a, b, threads: int = 1, format=None, out: Optional[np.ndarray] = None) -> np.ndarray:
    """C = a @ b with every product an L-Mul, accumulated in fp32: returns float32 (m, n).

    a (m, k) and b (k, n): 2-D arrays of one format (float32: L-Mul on fp32 operands); stacks
    (..., m, k) and (..., k, n) broadcast over their leading axes as in np.matmul, one 2-D product
    per matrix of the result (out= then must be C-contiguous of the broadcast shape). C[i, j] is
    the sum over p of the wide L-Mul products of a[i, p] and b[p, j] in fp32 (C++ lmul_gemm,
    within the gamma_k bound of spec section 4; the summation order differs from dot's).
    Layouts read in place (zero copy): a with rows of unit stride (C-contiguous, or a row slice
    of one); b row-major likewise (C++ lmul_gemm) or the transpose of a row-major array, e.g.
    b = bt.T for a C-contiguous bt of shape (n, k) (C++ lmul_gemm_bt). Any other layout
    (Fortran-order a, negative or broadcast strides) is copied with np.ascontiguousarray first.
    threads: row bands computed in parallel (1 = the calling thread, 0 = every hardware thread).
    out: optional float32 (m, n) array with rows of unit stride; it must not overlap a or b.
    """
    a, fa = _codes(a, format, "a", "matmul")
    b, fb = _codes(b, format, "b", "matmul")
    _same_format(fa, fb, "matmul")
    threads = _threads(threads, "matmul")
    if fa is _E8M0:
        raise TypeError("matmul: e8m0fnu is a scale format and has no L-Mul product")
    if a.ndim < 2:
        raise ValueError(f"matmul: a must be 2-D (m, k) or a stack of them, got shape {a.shape}")
    if b.ndim < 2:
        raise ValueError(f"matmul: b must be 2-D (k, n) or a stack of them, got shape {b.shape}")
    if a.ndim > 2 or b.ndim > 2:
        return _batched_matmul(a, b, fa, threads, out)
    m, k = a.shape
    if b.shape[0] != k:
        raise ValueError(f"matmul: a is {a.shape} and b is {b.shape}: b needs {k} rows")
    n = b.shape[1]
    la = _matrix_layout(a)
    if la is None or la[1]:
        a = np.ascontiguousarray(a)
        la = (max(k, 1), False)
    lb = _matrix_layout(b)
    if lb is None:
        b = np.ascontiguousarray(b)
        lb = (max(n, 1), False)
    if out is None:
        out = np.empty((m, n), dtype=np.float32)
        ldc = max(n, 1)
    else:
        out = _check_out(out, (m, n), np.dtype(np.float32), "matmul")
        lc = _matrix_layout(out)
        if lc is None or lc[1]:
            raise ValueError("matmul: out must have rows of unit stride (e.g. C-contiguous)")
        ldc = lc[0]
    _core.gemm(fa.index, m, n, k, _addr(a), la[0], _addr(b), lb[0], lb[1], _addr(out),
          ldc, threads)
    return out


def _batched_matmul(a, b, fmt, threads, out):
    """matmul on stacks of matrices: the leading axes broadcast, one 2-D call per result matrix."""
    if a.shape[-1] != b.shape[-2]:
        raise ValueError(f"matmul: a is {a.shape} and b is {b.shape}: b needs {a.shape[-1]} rows")
    try:
        batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    except ValueError:
        raise ValueError(
            f"matmul: the leading axes of a {a.shape} and b {b.shape} do not broadcast"
        ) from None
    shape = batch + (a.shape[-2], b.shape[-1])
    if out is None:
        out = np.empty(shape, dtype=np.float32)
    else:
        out = _check_out(out, shape, np.dtype(np.float32), "matmul")
        if not out.flags.c_contiguous:
            raise ValueError("matmul: out must be C-contiguous for stacked operands")
    a = np.broadcast_to(a, batch + a.shape[-2:])
    b = np.broadcast_to(b, batch + b.shape[-2:])
    fmt_arg = None if fmt.dtype == a.dtype else fmt
    for index in np.ndindex(*batch):
        matmul(a[index], b[index], threads=threads, format=fmt_arg, out=out[index])
    return out


def product(x: float, y: float, format: Union[str, Format] = "float32") -> float:
    """The L-Mul product of two scalars in `format`, as a Python float.

    x and y are first rounded to the format (nearest even), then multiplied with L-Mul; the
    result is L-Mul's value rounded to the format (spec section 3), returned exactly.
    """
    fmt = format_of(format, "format")
    if fmt is _E8M0:
        raise TypeError("product: e8m0fnu is a scale format and has no L-Mul product")
    for name, v in (("x", x), ("y", y)):
        if not np.isscalar(v) or isinstance(v, (str, bytes, complex)):
            raise TypeError(f"product: {name} must be a real scalar, got {type(v).__name__}")
    xa = quantize(np.array([x], dtype=np.float64), fmt)
    ya = quantize(np.array([y], dtype=np.float64), fmt)
    return float(dequantize(multiply(xa, ya, format=fmt), fmt)[0])


# ---- OCP MX ----------------------------------------------------------------------------------


def _mx_element(elem, fn: str, argname: str = "elem") -> Format:
    fmt = format_of(elem, argname)
    if fmt.name not in _MX_ELEMENTS:
        raise ValueError(
            f"{fn}: {argname} must be an MX element format ({', '.join(_MX_ELEMENTS)}), "
            f"got {fmt.name!r}"
        )
    return fmt


def _blocks(k: int, block: int) -> int:
    return -(-k // block)


def _scales(s, fn: str, argname: str) -> np.ndarray:
    if not isinstance(s, np.ndarray):
        raise TypeError(f"{fn}: {argname} must be a NumPy array of e8m0fnu scales, got "
                        f"{type(s).__name__}")
    if s.dtype != _E8M0.dtype and s.dtype != np.uint8:
        raise TypeError(
            f"{fn}: {argname} must hold e8m0fnu scales (ml_dtypes.float8_e8m0fnu or uint8 codes), "
            f"got {_dtype_name(s.dtype)}"
        )
    return s


def mx_quantize(x, elem: Union[str, Format], rule: str = "floor",
                block: int = 32) -> Tuple[np.ndarray, np.ndarray]:
    """OCP MX quantization of x (1-D or 2-D, blocks along the last axis): (scales, codes).

    x is taken as float32 (np.asarray(x, np.float32): float64 is rounded to fp32 first).
    elem: "e4m3fn", "e5m2", "e2m3fn", "e3m2fn" or "e2m1fn". rule: "floor" (OCP MX v1.0, the
    shared exponent floor(log2(amax)) - emax_elem; values above max_elem clamp) or "rceil"
    (ceil(log2(amax / max_elem)): amax always fits). block: values per scale (32 in MX); the last
    block of a row may be short. A block with NaN or inf gets a NaN scale and +0 elements.
    Returns scales of shape (..., ceil(k / block)) (ml_dtypes.float8_e8m0fnu, or uint8 codes
    without ml_dtypes) and codes of x's shape in the element format. Spec section 7.
    """
    fmt = _mx_element(elem, "mx_quantize")
    block = _block(block, "mx_quantize")
    if rule not in ("floor", "rceil"):
        raise ValueError(f"mx_quantize: rule must be 'floor' or 'rceil', got {rule!r}")
    x = np.asarray(x)
    if x.dtype.kind not in "biuf" and x.dtype not in _BY_DTYPE:
        raise TypeError(f"mx_quantize: x must be a real array, got dtype {_dtype_name(x.dtype)}")
    x = dequantize(x) if (x.dtype in _BY_DTYPE and x.dtype != np.float32) else x
    x = np.ascontiguousarray(x, dtype=np.float32)
    if x.ndim not in (1, 2):
        raise ValueError(f"mx_quantize: x must be 1-D or 2-D, got shape {x.shape}")
    rows, k = (1, x.shape[0]) if x.ndim == 1 else x.shape
    nb = _blocks(k, block)
    scales = np.empty(x.shape[:-1] + (nb,), dtype=_E8M0.dtype)
    codes = np.empty(x.shape, dtype=fmt.dtype)
    _core.mx_quantize(fmt.index, _addr(x), rows, k, _addr(scales), _addr(codes), rule, block)
    return scales, codes


def _mx_operand(scales, codes, elem, block, fn, sname, cname, allow_1d=True):
    codes, fmt = _codes(codes, elem, cname, fn)
    if fmt.name not in _MX_ELEMENTS:
        raise TypeError(
            f"{fn}: {cname} must be in an MX element format ({', '.join(_MX_ELEMENTS)}), "
            f"got {fmt.name}"
        )
    scales = _scales(scales, fn, sname)
    if codes.ndim not in ((1, 2) if allow_1d else (2,)):
        raise ValueError(f"{fn}: {cname} must be {'1-D or ' if allow_1d else ''}2-D, "
                         f"got shape {codes.shape}")
    want = codes.shape[:-1] + (_blocks(codes.shape[-1], block),)
    if scales.shape != want:
        raise ValueError(
            f"{fn}: {sname} has shape {scales.shape}; {cname} of shape {codes.shape} in blocks "
            f"of {block} needs {want}"
        )
    return _contiguous(scales), _contiguous(codes), fmt


def mx_dequantize(scales, codes, block: int = 32, elem=None) -> np.ndarray:
    """The values codes * 2^scale as float32, each rounded once (spec section 7).

    codes: 1-D or 2-D (ml_dtypes element array, or uint8 codes with elem=); scales of shape
    (..., ceil(k / block)). A NaN scale gives NaN for its whole block.
    """
    block = _block(block, "mx_dequantize")
    scales, codes, fmt = _mx_operand(scales, codes, elem, block, "mx_dequantize", "scales", "codes")
    rows, k = (1, codes.shape[0]) if codes.ndim == 1 else codes.shape
    out = np.empty(codes.shape, dtype=np.float32)
    _core.mx_dequantize(fmt.index, _addr(scales), _addr(codes), rows, k, _addr(out), block)
    return out


def mx_dot(a_scales, a, b_scales, b, *, lmul: bool = True, block: int = 32,
           elem=None) -> np.float32:
    """The MX dot product of two 1-D MX vectors (C++ lmul_mx_dot, or mx_dot with lmul=False).

    Per block the element products (L-Mul wide products, or exact ones with lmul=False) are
    summed in fp32, scaled by 2^(sa + sb) (an integer add of the scale codes), and the block
    results summed in fp32 in block order. A NaN scale gives NaN.
    """
    block = _block(block, "mx_dot")
    sa, a, fa = _mx_operand(a_scales, a, elem, block, "mx_dot", "a_scales", "a")
    sb, b, fb = _mx_operand(b_scales, b, elem, block, "mx_dot", "b_scales", "b")
    _same_format(fa, fb, "mx_dot")
    if a.ndim != 1 or b.ndim != 1 or a.shape != b.shape:
        raise ValueError(f"mx_dot: a and b must be 1-D of one length, got {a.shape} and {b.shape}")
    return np.float32(_core.mx_dot(fa.index, _addr(sa), _addr(a), _addr(sb), _addr(b),
                            a.size, block, bool(lmul)))


def mx_matmul(a_scales, a, bt_scales, bt, *, lmul: bool = True, block: int = 32,
              threads: int = 1, elem=None) -> np.ndarray:
    """a @ bt.T for MX operands, both blocked along k: returns float32 (m, n).

    a (m, k) with a_scales (m, ceil(k / block)); bt (n, k) with bt_scales (n, ceil(k / block)),
    as mx_quantize returns them for the rows of a and of bt (B given transposed, as in C++
    lmul_mx_gemm). Entry (i, j) is the MX dot of row i of a and row j of bt: with lmul=True the
    L-Mul wide products (C++ lmul_mx_gemm, whose fp32 summation order differs from mx_dot's);
    with lmul=False the exact element products, bit-identical to C++ mx_dot on each row pair
    (a plain loop in the binding: correct, not fast). Non-contiguous inputs are copied.
    threads: row bands in parallel (1 = the calling thread, 0 = every hardware thread).
    """
    block = _block(block, "mx_matmul")
    threads = _threads(threads, "mx_matmul")
    sa, a, fa = _mx_operand(a_scales, a, elem, block, "mx_matmul", "a_scales", "a", False)
    sb, bt, fb = _mx_operand(bt_scales, bt, elem, block, "mx_matmul", "bt_scales", "bt", False)
    _same_format(fa, fb, "mx_matmul")
    if a.shape[1] != bt.shape[1]:
        raise ValueError(
            f"mx_matmul: a is {a.shape} and bt is {bt.shape}: both need the same k (bt is B "
            f"transposed, (n, k))"
        )
    m, k = a.shape
    n = bt.shape[0]
    out = np.empty((m, n), dtype=np.float32)
    _core.mx_gemm(fa.index, m, n, k, _addr(sa), _addr(a), _addr(sb), _addr(bt),
          _addr(out), block, bool(lmul), threads)
    return out
