"""The numpy fp32 forward pass of lmul_eval reproduces all-MiniLM-L6-v2's own embeddings.

Reference: tests/python/fixtures/minilm_reference.json, 16 sentences (12 from the evaluation
corpus, 4 edge cases: very short, non-ASCII, digits and symbols, one truncated at 256 tokens)
embedded by sentence-transformers 6.3.0 on torch 2.15.0 (CPU, fp32); the file names the versions,
the script that made it is beside it. Tolerance: every component within 1e-5 and every cosine
above 1 - 1e-6 (measured: 1.5e-7 and 0.9999999; fp32 sums in another order explain the rest).
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from minilm_support import FIXTURES, need_model

ATOL = 1e-5
COS_MIN = 1 - 1e-6


@pytest.fixture(scope="module")
def reference():
    return json.loads((FIXTURES / "minilm_reference.json").read_text())


@pytest.fixture(scope="module")
def model():
    need_model()
    from lmul_eval.model import MiniLM

    return MiniLM()


def test_weights_are_the_referenced_ones(model, reference):
    from lmul_eval.model import WEIGHTS_SHA256

    assert model.weights_sha256 == WEIGHTS_SHA256 == reference["weights_sha256"]


def test_tokenizer_matches_sentence_transformers(model, reference):
    assert [len(t) for t in model.tokenize(reference["sentences"])] == reference["tokens"]


def test_fp32_forward_pass_reproduces_reference(model, reference):
    got = model.encode(reference["sentences"])
    want = np.asarray(reference["embeddings"], dtype=np.float32)
    assert got.shape == want.shape == (16, 384)
    assert np.max(np.abs(got - want)) <= ATOL
    cos = np.sum(got * want, axis=1) / (np.linalg.norm(got, axis=1) * np.linalg.norm(want, axis=1))
    assert np.min(cos) >= COS_MIN

