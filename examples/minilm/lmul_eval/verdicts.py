"""The paper's claims judged from the measured numbers, with thresholds stated here.

Nothing is concluded in advance: each verdict is computed from the metrics of the run.

1. "L-Mul in attention is lossless" (paper: replacing the multiplications of attention by L-Mul
   loses no accuracy). Judged for L-Mul on bf16 (the paper's main setting) and on fp32, placed in
   attention only, and also every matmul. ``LOSSLESS`` are the absolute thresholds; every one must
   hold. The same table also says how the result compares with exact bf16 in the same placement.
2. "L-Mul with few mantissa bits matches fp8": 4-bit-mantissa L-Mul (lmul<4,3> elements with MX
   block scales, so that its 3-bit exponent does not decide) against MX e4m3fn with exact products
   (the paper: 4-bit L-Mul is as precise as e4m3); L-Mul on e4m3fn data (3-bit mantissa) against
   exact e4m3fn and against exact e5m2 (the paper: 3-bit L-Mul is more precise than e5m2); L-Mul
   on e5m2 (2-bit mantissa) against exact e5m2.
3. MX: L-Mul element products against exact element products, per element format.

Comparisons 2 and 3 use the cosine deficit d = 1 - mean cosine to fp32 (how far the embeddings
move). With r = d_L-Mul / d_exact: r <= 1 / MATCH_FACTOR "better", r <= MATCH_FACTOR "matches",
else "worse (r x the deficit)". Spearman and top-1 agreement of both sides are printed with it.
"""

from __future__ import annotations

import math

# Absolute thresholds for "lossless" (all must hold), fixed before any L-Mul result was measured.
LOSSLESS = {
    "mean_cos": 0.999,  # mean cosine to the fp32 embedding
    "min_cos": 0.99,  # worst sentence
    "spearman": 0.999,  # rank correlation of all pairwise similarities with fp32's
    "top1": 0.95,  # same nearest neighbour as fp32 for 95% of the sentences
    "top10": 0.90,  # 90% of the 10 nearest neighbours shared with fp32
}
MATCH_FACTOR = 1.1


def deficit(m: dict) -> float:
    return 1.0 - m["mean_cos"]


def _fmt_deficit(d: float) -> str:
    return f"{d:.2e}"


def lossless_verdict(name: str, placement: str, m: dict, bf16: dict | None) -> dict:
    failed = []
    for key, threshold in LOSSLESS.items():
        v = m[key]
        if not (isinstance(v, float) and math.isfinite(v) and v >= threshold):
            failed.append(f"{key} {v:.6g} < {threshold}")
    holds = not failed
    where = ("attention only (the paper's setting)" if placement == "attention"
             else "every matmul (beyond the paper's claim)")
    text = (
        f"**{'holds' if holds else 'fails'}** for {name}, {where}: mean cos "
        f"{m['mean_cos']:.6f}, min cos {m['min_cos']:.6f}, Spearman {m['spearman']:.6f}, "
        f"top-1 {m['top1']:.3f}, top-10 {m['top10']:.3f}"
    )
    if failed:
        text += " (below threshold: " + "; ".join(failed) + ")"
    if bf16 is not None:
        r = deficit(m) / deficit(bf16) if deficit(bf16) > 0 else float("inf")
        text += (
            f"; exact bf16 in the same placement: mean cos {bf16['mean_cos']:.6f}, top-1 "
            f"{bf16['top1']:.3f} (cosine deficit ratio {r:.2f}x)"
        )
    return {"claim": "lossless", "arithmetic": name, "placement": placement, "holds": holds,
            "text": text}


def compare_verdict(lm_name: str, lm: dict, ex_name: str, ex: dict, placement: str) -> dict:
    dl, de = deficit(lm), deficit(ex)
    if not (math.isfinite(dl) and math.isfinite(de)):
        outcome, r = "not comparable (NaN embeddings)", float("nan")
    else:
        r = dl / de if de > 0 else (1.0 if dl == 0 else float("inf"))
        if r <= 1.0 / MATCH_FACTOR:
            outcome = "better"
        elif r <= MATCH_FACTOR:
            outcome = "matches"
        else:
            outcome = f"worse ({r:.2f}x the cosine deficit)"
    text = (
        f"{lm_name} vs {ex_name}, {placement}: **{outcome}**: cosine deficit "
        f"{_fmt_deficit(dl)} vs {_fmt_deficit(de)}, Spearman {lm['spearman']:.5f} vs "
        f"{ex['spearman']:.5f}, top-1 {lm['top1']:.3f} vs {ex['top1']:.3f}"
    )
    return {"claim": "compare", "lmul": lm_name, "exact": ex_name, "placement": placement,
            "ratio": r, "outcome": outcome, "text": text}


LOSSLESS_CASES = ["lmul_bf16", "lmul_fp32"]
FP8_CASES = [
    ("lmul_mx_e3m4", "mx_e4m3fn"),
    ("lmul_e4m3fn", "e4m3fn"),
    ("lmul_e4m3fn", "e5m2"),
    ("lmul_e5m2", "e5m2"),
]
MX_CASES = [
    ("lmul_mx_e4m3fn", "mx_e4m3fn"),
    ("lmul_mx_e3m4", "mx_e3m4"),
    ("lmul_mx_e2m3fn", "mx_e2m3fn"),
    ("lmul_mx_e2m1fn", "mx_e2m1fn"),
]


def verdicts(results: dict, label=lambda n: n) -> dict:
    """results[(arithmetic, placement)] = metrics; returns the verdict groups (lists of dicts)."""
    out = {"lossless": [], "fp8": [], "mx": []}
    for placement in ("attention", "all"):
        for name in LOSSLESS_CASES:
            if (name, placement) in results:
                out["lossless"].append(lossless_verdict(
                    label(name), placement, results[(name, placement)],
                    results.get(("bf16", placement))))
    for group, cases in (("fp8", FP8_CASES), ("mx", MX_CASES)):
        for placement in ("attention", "all"):
            for lm, ex in cases:
                if (lm, placement) in results and (ex, placement) in results:
                    out[group].append(compare_verdict(
                        label(lm), results[(lm, placement)], label(ex),
                        results[(ex, placement)], placement))
    return out
