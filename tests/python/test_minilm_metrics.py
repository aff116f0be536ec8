"""lmul_eval's metrics, verdicts and corpus selection on hand-computed cases."""

from __future__ import annotations

import math

import numpy as np
import pytest

import minilm_support  # noqa: F401  (puts python/ on sys.path)
from lmul_eval import metrics, sentences, verdicts


def test_ranks_average_ties():
    assert metrics.ranks([10, 20, 20, 30]).tolist() == [1, 2.5, 2.5, 4]
    assert metrics.ranks([3, 1, 2]).tolist() == [3, 1, 2]
    assert metrics.ranks([5, 5, 5]).tolist() == [2, 2, 2]


def test_spearman_hand_computed():
    # ranks x = 1..5, ranks y = 1, 2, 3.5, 5, 3.5; centred: (-2,-1,0,1,2), (-2,-1,.5,2,.5);
    # sum of products 8, sums of squares 10 and 9.5: rho = 8 / sqrt(95).
    x = [1, 2, 3, 4, 5]
    y = [5, 6, 7, 8, 7]
    assert metrics.spearman(x, y) == pytest.approx(8 / math.sqrt(95), abs=1e-15)
    assert metrics.spearman(x, [10, 20, 30, 40, 50]) == pytest.approx(1.0)
    assert metrics.spearman(x, [9, 7, 5, 3, 1]) == pytest.approx(-1.0)


def test_spearman_matches_scipy_when_available():
    stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(1)
    x = rng.integers(0, 20, 300).astype(float)  # many ties
    y = x + rng.normal(0, 5, 300)
    assert metrics.spearman(x, y) == pytest.approx(stats.spearmanr(x, y).statistic, abs=1e-12)


def test_pairwise_similarities_order_and_values():
    e = np.array([[1, 0], [0, 1], [1, 1]], dtype=np.float32)
    s = metrics.pairwise_similarities(e)
    # pairs (0,1), (0,2), (1,2)
    assert s == pytest.approx([0.0, 1 / math.sqrt(2), 1 / math.sqrt(2)])


def test_cosines_and_identity():
    rng = np.random.default_rng(2)
    e = rng.normal(size=(20, 8)).astype(np.float32)
    assert metrics.cosines(e, 3 * e) == pytest.approx(np.ones(20))
    m = metrics.compare(e, e)
    assert m["mean_cos"] == pytest.approx(1) and m["min_cos"] == pytest.approx(1)
    assert m["spearman"] == pytest.approx(1) and m["top1"] == 1 and m["top10"] == 1


def test_neighbour_agreement_hand_case():
    # Points on a line of angles: 0, 10, 30, 100 degrees. Nearest neighbours: 0->1, 1->0, 2->1,
    # 3->2. In the perturbed set point 2 moves to 6 degrees: then 0->2, 1->2, 2->1, 3->1; only
    # sentence 2 keeps its nearest neighbour.
    def pts(deg):
        r = np.radians(deg)
        return np.stack([np.cos(r), np.sin(r)], axis=1)

    ref = pts([0, 10, 30, 100])
    e = pts([0, 10, 6, 100])
    assert metrics.neighbours(ref, 1)[:, 0].tolist() == [1, 0, 1, 2]
    assert metrics.neighbours(e, 1)[:, 0].tolist() == [2, 2, 1, 1]
    top1, top3 = metrics.neighbour_agreement(e, ref, 10)  # k capped at n - 1 = 3: all agree
    assert top1 == 0.25 and top3 == 1.0


def test_nan_embeddings_are_reported_not_hidden():
    e = np.ones((4, 3), dtype=np.float32)
    e[1, 0] = np.nan
    m = metrics.compare(e, np.ones((4, 3), dtype=np.float32) + np.eye(4, 3, dtype=np.float32))
    assert m["nan_embeddings"] == 1 and math.isnan(m["spearman"])


def _m(mean_cos, min_cos=None, spearman=None, top1=1.0, top10=1.0):
    return {"mean_cos": mean_cos, "min_cos": min_cos if min_cos is not None else mean_cos,
            "spearman": spearman if spearman is not None else mean_cos, "top1": top1,
            "top10": top10}


def test_lossless_verdict_follows_thresholds():
    good = _m(0.9995, 0.995, 0.9992, 0.97, 0.95)
    assert verdicts.lossless_verdict("x", "attention", good, None)["holds"]
    for key, bad in (("mean_cos", 0.9989), ("min_cos", 0.98), ("spearman", 0.998),
                     ("top1", 0.9), ("top10", 0.8)):
        m = dict(good, **{key: bad})
        v = verdicts.lossless_verdict("x", "attention", m, None)
        assert not v["holds"] and key in v["text"]


def test_compare_verdict_outcomes():
    ex = _m(0.99)  # deficit 0.01
    assert verdicts.compare_verdict("l", _m(0.995), "e", ex, "all")["outcome"] == "better"
    assert verdicts.compare_verdict("l", _m(0.9895), "e", ex, "all")["outcome"] == "matches"
    worse = verdicts.compare_verdict("l", _m(0.97), "e", ex, "all")
    assert worse["outcome"].startswith("worse (3.00x")


def test_verdicts_only_from_results_present():
    res = {("lmul_bf16", "attention"): _m(0.9999), ("bf16", "attention"): _m(0.99999),
           ("lmul_mx_e4m3fn", "all"): _m(0.99), ("mx_e4m3fn", "all"): _m(0.995)}
    v = verdicts.verdicts(res)
    assert [x["arithmetic"] for x in v["lossless"]] == ["lmul_bf16"]
    assert v["fp8"] == [] and len(v["mx"]) == 1 and v["mx"][0]["outcome"].startswith("worse")


def test_cookie_selection_rule():
    text = (
        "Short one.\n%\n"
        "A proper sentence with more than six words in it.\n\t\t-- Someone Famous\n%\n"
        "  /\\_/\\  ( o.o )  > ^ <  ascii art with few letters 1234 5678 ####\n%\n"
        "Caf\u00e9 sentences with an accent are dropped by the ASCII rule here.\n%\n"
        "Two lines\nof one cookie are joined   with single spaces.\n"
    )
    assert sentences.cookies(text) == [
        "A proper sentence with more than six words in it.",
        "Two lines of one cookie are joined with single spaces.",
    ]


def test_corpus_is_the_documented_one():
    try:
        s = sentences.select()
    except sentences.CorpusNotInstalled as e:
        pytest.skip(str(e))
    assert len(s) == 1000 and len(set(s)) == 1000
    assert sentences.corpus_sha256(s) == sentences.CORPUS_SHA256
