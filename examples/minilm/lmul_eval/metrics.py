"""How far one set of sentence embeddings is from the fp32 ones.

* ``cosines``: the cosine similarity of each embedding to its fp32 embedding (mean and minimum are
  reported);
* ``spearman``: Spearman's rank correlation (average ranks for ties) of all pairwise cosine
  similarities i < j against the same pairs under fp32 (n (n - 1) / 2 pairs);
* ``neighbour_agreement``: for each sentence, its nearest neighbours (largest cosine similarity,
  itself excluded, ties broken by the lower index) under both; top-1 = fraction of sentences
  whose nearest neighbour is the same, top-10 = mean of |top10 & top10_fp32| / 10.
"""

from __future__ import annotations

import numpy as np


def normalise(e: np.ndarray) -> np.ndarray:
    e = np.asarray(e, dtype=np.float64)
    return e / np.linalg.norm(e, axis=1, keepdims=True)


def cosines(e: np.ndarray, ref: np.ndarray) -> np.ndarray:
    return np.sum(normalise(e) * normalise(ref), axis=1)


def ranks(x: np.ndarray) -> np.ndarray:
    """1-based ranks, ties get the average of the ranks they span."""
    x = np.asarray(x, dtype=np.float64).ravel()
    order = np.argsort(x, kind="stable")
    sx = x[order]
    # Boundaries of runs of equal values.
    starts = np.concatenate([[True], sx[1:] != sx[:-1]])
    run_id = np.cumsum(starts) - 1
    first = np.flatnonzero(starts)
    last = np.concatenate([first[1:], [len(sx)]]) - 1
    avg = (first + last) / 2.0 + 1.0
    r = np.empty(len(x), dtype=np.float64)
    r[order] = avg[run_id]
    return r


def pearson(x: np.ndarray, y: np.ndarray) -> float:
    x = np.asarray(x, dtype=np.float64) - np.mean(x)
    y = np.asarray(y, dtype=np.float64) - np.mean(y)
    den = np.sqrt(np.dot(x, x) * np.dot(y, y))
    return float(np.dot(x, y) / den) if den > 0 else float("nan")


def spearman(x: np.ndarray, y: np.ndarray) -> float:
    return pearson(ranks(x), ranks(y))


def pairwise_similarities(e: np.ndarray) -> np.ndarray:
    """Cosine similarities of all pairs i < j (row-major order), float64."""
    n = normalise(e)
    s = n @ n.T
    i, j = np.triu_indices(len(n), k=1)
    return s[i, j]


def neighbours(e: np.ndarray, k: int) -> np.ndarray:
    """(n, k) indices of the k nearest neighbours of each row (cosine, itself excluded)."""
    n = normalise(e)
    s = n @ n.T
    np.fill_diagonal(s, -np.inf)
    # Stable sort of -s: equal similarities keep index order (lower index first).
    return np.argsort(-s, axis=1, kind="stable")[:, :k]


def neighbour_agreement(e: np.ndarray, ref: np.ndarray, k: int = 10) -> tuple[float, float]:
    k = min(k, len(e) - 1)
    a, b = neighbours(e, k), neighbours(ref, k)
    top1 = float(np.mean(a[:, 0] == b[:, 0]))
    overlap = np.mean([len(set(a[i]) & set(b[i])) / k for i in range(len(a))])
    return top1, float(overlap)


def compare(e: np.ndarray, ref: np.ndarray, ref_pairs: np.ndarray | None = None) -> dict:
    """All metrics of embeddings e against the fp32 embeddings ref."""
    c = cosines(e, ref)
    finite = bool(np.all(np.isfinite(e)))
    if ref_pairs is None:
        ref_pairs = pairwise_similarities(ref)
    if finite:
        rho = spearman(pairwise_similarities(e), ref_pairs)
        top1, top10 = neighbour_agreement(e, ref, 10)
    else:
        rho, top1, top10 = float("nan"), float("nan"), float("nan")
    return {
        "mean_cos": float(np.mean(c)),
        "min_cos": float(np.min(c)),
        "spearman": rho,
        "top1": top1,
        "top10": top10,
        "nan_embeddings": int(np.count_nonzero(~np.all(np.isfinite(e), axis=1))),
    }
