"""Bad input raises TypeError / ValueError naming the argument, and writes nothing."""

from __future__ import annotations

import numpy as np
import pytest

import lmul

ml = pytest.importorskip("ml_dtypes")

X = np.ones((4, 6), np.float32)
A8 = lmul.quantize(X, "e4m3fn")
B8 = lmul.quantize(X, "e5m2")
S, C = lmul.mx_quantize(np.ones((4, 64), np.float32), "e4m3fn")


@pytest.mark.parametrize("call, exc, words", [
    (lambda: lmul.quantize(X, "e9m9"), ValueError, "format"),
    (lambda: lmul.quantize(X, "lmul<2,3>"), ValueError, "format"),
    (lambda: lmul.quantize(X, 7), TypeError, "format"),
    (lambda: lmul.quantize(X, "e4m3fn", rounding="up"), ValueError, "rounding"),
    (lambda: lmul.quantize(X, "e8m0fnu", rounding="toward_zero"), ValueError, "e8m0fnu"),
    (lambda: lmul.quantize(X.astype(np.complex64), "bf16"), TypeError, "x"),
    (lambda: lmul.dequantize(np.ones(3, np.uint8)), TypeError, "codes"),
    (lambda: lmul.dequantize(np.ones(3, np.uint16), "e4m3fn"), TypeError, "codes"),
    (lambda: lmul.dequantize(A8, "e5m2"), TypeError, "codes"),
    (lambda: lmul.dequantize(np.full(3, 0x40, np.uint8), "e2m1fn"), ValueError, "codes"),
    (lambda: lmul.dequantize(X.astype(np.float64)), TypeError, "codes"),
    (lambda: lmul.multiply(A8, B8), TypeError, "one format"),
    (lambda: lmul.multiply(A8, A8[:, :4]), ValueError, "multiply"),
    (lambda: lmul.multiply(X.astype(np.float64), X.astype(np.float64)), TypeError, "a"),
    (lambda: lmul.multiply([1.0], [2.0]), TypeError, "a"),
    (lambda: lmul.dot(A8, A8), ValueError, "1-D"),
    (lambda: lmul.dot(A8[0], A8[1, :5]), ValueError, "length"),
    (lambda: lmul.dot(lmul.quantize(X[0], "bf16"), lmul.quantize(X[0], "bf16"), exact=True),
     ValueError, "exact"),
    (lambda: lmul.matmul(A8, A8), ValueError, "b needs 6 rows"),
    (lambda: lmul.matmul(A8[0], A8), ValueError, "a must be 2-D"),
    (lambda: lmul.matmul(A8, B8.T), TypeError, "one format"),
    (lambda: lmul.matmul(A8, A8.T, threads=-1), ValueError, "threads"),
    (lambda: lmul.matmul(A8, A8.T, threads=1.5), TypeError, "threads"),
    (lambda: lmul.matmul(lmul.quantize(X, "e8m0fnu"), lmul.quantize(X.T, "e8m0fnu")), TypeError,
     "e8m0fnu"),
    (lambda: lmul.mx_quantize(X, "bf16"), ValueError, "elem"),
    (lambda: lmul.mx_quantize(X, "e4m3fn", rule="ceil"), ValueError, "rule"),
    (lambda: lmul.mx_quantize(X, "e4m3fn", block=0), ValueError, "block"),
    (lambda: lmul.mx_quantize(np.ones((2, 2, 2), np.float32), "e4m3fn"), ValueError, "x"),
    (lambda: lmul.mx_dequantize(S[:, :1], C), ValueError, "scales"),
    (lambda: lmul.mx_dequantize(S, C, block=16), ValueError, "scales"),
    (lambda: lmul.mx_dequantize(S.astype(np.float32), C), TypeError, "scales"),
    (lambda: lmul.mx_matmul(S, C, S[:, :1], C), ValueError, "bt_scales"),
    (lambda: lmul.mx_matmul(S, C, S, C[:, :32]), ValueError, "bt_scales"),
    (lambda: lmul.mx_matmul(S, C, S, lmul.quantize(np.ones((4, 64), np.float32), "e5m2")),
     TypeError, "one format"),
    (lambda: lmul.mx_matmul(S, C[0], S, C), ValueError, "a must be"),
    (lambda: lmul.mx_dot(S[0], C[0], S[1], C[1, :32]), ValueError, "b_scales"),
])
def test_bad_input_raises(call, exc, words):
    with pytest.raises(exc, match=words):
        call()


def test_partial_overlap_of_out_is_rejected_and_nothing_written():
    buf = lmul.quantize(np.arange(1, 11, dtype=np.float32), "bf16")
    before = buf.copy()
    with pytest.raises(ValueError, match="overlap"):
        lmul.multiply(buf[:9], buf[1:], out=buf[1:])
    assert np.array_equal(buf.view(np.uint16), before.view(np.uint16))


def test_matmul_out_overlapping_input_is_rejected():
    mem = np.zeros((4, 4), np.float32)
    a = mem[:, :2]
    with pytest.raises(ValueError, match="overlap|shares"):
        lmul.matmul(a, np.ones((2, 2), np.float32), out=mem[:, 1:3])
    assert np.all(mem == 0)


@pytest.mark.parametrize("out, exc", [
    (np.zeros((4, 4), np.float64), TypeError),
    (np.zeros((3, 4), np.float32), ValueError),
    (np.zeros((4, 4), np.float32).T, ValueError),
])
def test_matmul_bad_out(out, exc):
    a = np.ones((4, 3), np.float32)
    with pytest.raises(exc, match="out"):
        lmul.matmul(a, a.T.copy(), out=out)


def test_version_and_formats():
    assert isinstance(lmul.__version__, str)
    assert {"e4m3fn", "e5m2", "e2m3fn", "e3m2fn", "e2m1fn", "e8m0fnu", "bf16", "fp16",
            "float32"} <= set(lmul.formats())
    assert lmul.format_of("lmul<7,8>") is lmul.format_of("bf16")
    assert lmul.format_of("lmul<10, 5>") is lmul.format_of("fp16")
    assert lmul.format_of(ml.float8_e4m3fn) is lmul.format_of("e4m3fn")
    assert lmul.selected_arch()
