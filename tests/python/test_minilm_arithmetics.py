"""lmul_eval's arithmetics: each is the computation it claims, and the forward pass routes every
matrix product of the model through the arithmetic it is given."""

from __future__ import annotations

import ml_dtypes
import numpy as np
import pytest

from minilm_support import FIXTURES, need_model
from lmul_eval import arithmetics as A

lmul = A.lmul_module()
needs_lmul = pytest.mark.skipif(lmul is None, reason="the lmul Python package is not importable "
                                "(pip install . at the repository root)")


def _data(shape, seed, spread=1.0):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(shape) * np.exp(spread * rng.standard_normal(shape))).astype(
        np.float32)


@pytest.mark.parametrize("fmt", ["bf16", "e4m3fn", "e5m2"])
def test_exact_format_is_rounded_operands_and_fp32_matmul(fmt):
    a, b = _data((7, 40), 1), _data((40, 5), 2)
    dt = A.FORMAT_DTYPES[fmt]
    want = a.astype(dt).astype(np.float32) @ b.astype(dt).astype(np.float32)
    got = A.get_arithmetic(fmt).matmul(a, b)
    np.testing.assert_array_equal(got, want)


def test_exact_batched_equals_per_matrix():
    ar = A.get_arithmetic("e4m3fn")
    a, b = _data((3, 6, 32), 3), _data((3, 32, 6), 4)
    got = ar.matmul(a, b)
    for i in range(3):
        np.testing.assert_allclose(got[i], ar.matmul(a[i], b[i]), rtol=1e-6, atol=1e-6)


def test_e4m3fn_overflow_is_nan_and_counted():
    ar = A.get_arithmetic("e4m3fn")
    out = ar.matmul(np.array([[500.0, 1.0]], np.float32), np.array([[1.0], [1.0]], np.float32))
    assert np.isnan(out[0, 0]) and ar.stats.overflow == 1 and ar.stats.elements == 4


def test_weight_cache_is_keyed_by_the_array():
    ar = A.get_arithmetic("bf16")
    a, w1, w2 = _data((2, 8), 5), _data((8, 3), 6), _data((8, 3), 7)
    r1 = ar.matmul(a, w1, b_const=True)
    r2 = ar.matmul(a, w2, b_const=True)
    np.testing.assert_array_equal(r1, A.get_arithmetic("bf16").matmul(a, w1))
    np.testing.assert_array_equal(r2, A.get_arithmetic("bf16").matmul(a, w2))


@pytest.mark.parametrize("elem", ["e4m3fn", "e2m3fn", "e2m1fn"])
def test_mx_exact_is_blockwise_quantization(elem):
    # k = 70: two full blocks and a partial one; one all-zero block.
    a, b = _data((5, 70), 8, 2.0), _data((70, 4), 9, 2.0)
    a[1, :32] = 0
    sa, ca = A.mx_quantize_numpy(a, elem)
    sb, cb = A.mx_quantize_numpy(np.ascontiguousarray(b.T), elem)
    want = A.mx_dequantize_numpy(sa, ca) @ A.mx_dequantize_numpy(sb, cb).T
    got = A.get_arithmetic("mx_" + elem).matmul(a, b)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-30)
    # The emulation's elements are within half an element ulp of x / 2^shared, saturated.
    scale = np.repeat(sa.astype(np.float64), 32, axis=1)[:, :70]
    top = float(ml_dtypes.finfo(A.FORMAT_DTYPES[elem]).max)
    assert np.all(np.abs(ca.astype(np.float64)) <= top)
    assert np.all(np.abs(a / scale) <= 2 * top)  # floor rule: amax / 2^shared < 2^(emax + 1)


@needs_lmul
@pytest.mark.parametrize("elem", ["e4m3fn", "e2m3fn", "e2m1fn"])
def test_mx_emulation_equals_lmul(elem):
    x = _data((9, 100), 10, 3.0)
    x[2, 32:64] = 0
    s1, c1 = lmul.mx_quantize(x, elem, rule="floor", block=32)
    s2, c2 = A.mx_quantize_numpy(x, elem)
    np.testing.assert_array_equal(s1.view(np.uint8), s2.view(np.uint8))
    np.testing.assert_array_equal(c1.view(np.uint8), c2.view(np.uint8))


@needs_lmul
@pytest.mark.parametrize("fmt", ["bf16", "e4m3fn", "e5m2", "e2m3fn", "e2m1fn"])
def test_rounding_equals_ml_dtypes(fmt):
    x = _data((1000,), 11, 3.0)
    np.testing.assert_array_equal(lmul.quantize(x, fmt).view(np.uint8),
                                  x.astype(A.FORMAT_DTYPES[fmt]).view(np.uint8))


@needs_lmul
@pytest.mark.parametrize("name,fmt", [("lmul_fp32", None), ("lmul_bf16", "bf16"),
                                      ("lmul_e4m3fn", "e4m3fn"), ("lmul_e5m2", "e5m2")])
def test_lmul_arithmetic_is_lmul_matmul(name, fmt):
    a, b = _data((6, 33), 12), _data((33, 7), 13)
    qa = a if fmt is None else lmul.quantize(a, fmt)
    qb = b if fmt is None else lmul.quantize(b, fmt)
    np.testing.assert_array_equal(A.get_arithmetic(name).matmul(a, b), lmul.matmul(qa, qb))
    # Batched (attention) path: one lmul.matmul per matrix.
    a3, b3 = _data((4, 5, 32), 14), _data((4, 32, 5), 15)
    got = A.get_arithmetic(name).matmul(a3, b3)
    for i in range(4):
        qa = a3[i] if fmt is None else lmul.quantize(a3[i], fmt)
        qb = b3[i] if fmt is None else lmul.quantize(b3[i], fmt)
        np.testing.assert_array_equal(got[i], lmul.matmul(qa, qb))


@needs_lmul
def test_lmul_products_are_lmul_not_exact():
    # The README's values: fp32 L-Mul 3 * 0.75 = 2.125; e4m3fn 1.375 * 1.125: L-Mul 1.625, exact
    # product 1.546875 (kept in fp32 by the exact arithmetic).
    one = lambda v: np.array([[v]], np.float32)  # noqa: E731
    assert A.get_arithmetic("lmul_fp32").matmul(one(3.0), one(0.75))[0, 0] == 2.125
    assert A.get_arithmetic("lmul_e4m3fn").matmul(one(1.375), one(1.125))[0, 0] == 1.625
    assert A.get_arithmetic("e4m3fn").matmul(one(1.375), one(1.125))[0, 0] == 1.546875


@needs_lmul
@pytest.mark.parametrize("elem", ["e4m3fn", "e2m3fn", "e2m1fn"])
def test_lmul_mx_arithmetic_is_lmul_mx_matmul(elem):
    a, b = _data((5, 70), 16, 2.0), _data((70, 3), 17, 2.0)
    sa, ca = lmul.mx_quantize(a, elem)
    sb, cb = lmul.mx_quantize(np.ascontiguousarray(b.T), elem)
    want = lmul.mx_matmul(sa, ca, sb, cb, lmul=True)
    np.testing.assert_array_equal(A.get_arithmetic("lmul_mx_" + elem).matmul(a, b), want)
    exact = lmul.mx_matmul(sa, ca, sb, cb, lmul=False)
    np.testing.assert_allclose(A.get_arithmetic("mx_" + elem).matmul(a, b), exact,
                               rtol=1e-5, atol=1e-6 * float(np.abs(exact).max()))


def test_lmul_arithmetics_say_when_lmul_is_missing(monkeypatch):
    monkeypatch.setenv("LMUL_EVAL_NO_LMUL", "1")
    with pytest.raises(A.LmulNotAvailable):
        A.get_arithmetic("lmul_bf16").matmul(np.ones((1, 1), np.float32),
                                             np.ones((1, 1), np.float32))


class Spy:
    """fp32 arithmetic that records the shapes of the products it computes."""

    def __init__(self):
        self.calls = []

    def matmul(self, a, b, b_const=False):
        self.calls.append((a.shape, b.shape, b_const))
        return np.matmul(a, b)


@pytest.mark.parametrize("placement", ["attention", "all"])
def test_forward_pass_routes_every_matmul(placement):
    need_model()
    import json

    from lmul_eval.model import MiniLM

    model = MiniLM(check_sha256=False)
    s = json.loads((FIXTURES / "minilm_reference.json").read_text())["sentences"][:2]
    spy = Spy()
    got = model.encode(s, spy, placement)
    np.testing.assert_allclose(got, model.encode(s), atol=1e-6)
    n = [len(t) for t in model.tokenize(s)]
    att = [c for c in spy.calls if not c[2]]
    lin = [c for c in spy.calls if c[2]]
    # Per layer and sentence: Q K^T over 12 heads, then attention x V.
    assert len(att) == 6 * 2 * 2
    assert att[0] == ((12, n[0], 32), (12, 32, n[0]), False)
    assert att[1] == ((12, n[0], n[0]), (12, n[0], 32), False)
    if placement == "attention":
        assert lin == []
    else:
        # Per layer: Q, K, V, output projection, two feed-forward layers, on all tokens at once.
        t = sum(n)
        assert [c[:2] for c in lin[:6]] == [((t, 384), (384, 384))] * 4 + [
            ((t, 384), (384, 1536)), ((t, 1536), (1536, 384))]
        assert len(lin) == 6 * 6


@needs_lmul
@pytest.mark.parametrize("elem", ["e4m3fn", "e2m3fn", "e2m1fn"])
def test_blocked_lmul_mx_equals_lmul_mx_matmul(elem):
    # The per-block path used for lmul<4,3> elements gives lmul.mx_matmul's result on the OCP
    # elements (up to the order of the fp32 sums over blocks).
    a, bt = _data((6, 100), 18, 2.0), _data((5, 100), 19, 2.0)
    sa, ca = lmul.mx_quantize(a, elem)
    sb, cb = lmul.mx_quantize(bt, elem)
    want = lmul.mx_matmul(sa, ca, sb, cb, lmul=True)
    got = A._lmul_mx_blocked(lmul, sa, ca, sb, cb, elem)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6 * float(np.abs(want).max()))


@needs_lmul
def test_mx_e3m4_elements_are_lmul_4_3():
    x = _data((4, 64), 20, 2.0)
    s, c = A.mx_quantize(x, "e3m4")
    assert c.dtype == ml_dtypes.float8_e3m4 and s.dtype == ml_dtypes.float8_e8m0fnu
    scaled = x / np.repeat(s.astype(np.float64), 32, axis=1)
    np.testing.assert_array_equal(c.view(np.uint8),
                                  lmul.quantize(scaled.astype(np.float32), "lmul<4,3>",
                                                saturate=True).view(np.uint8))
    # L-Mul of lmul<4,3>: 1.0625 * 1.0625 = 1 + 2^-4 + 2^-4 + 2^-3 = 1.25 (exact: 1.12890625).
    one = np.full((1, 32), 1.0625, np.float32)
    one[0, 1:] = 0
    got = A.get_arithmetic("lmul_mx_e3m4").matmul(one, one.T.copy())
    assert got[0, 0] == 1.25
