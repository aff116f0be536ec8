"""lmul_eval: L-Mul on a real pretrained transformer (all-MiniLM-L6-v2), measured against fp32.

model.py        weights, tokenizer, numpy forward pass with a pluggable arithmetic
arithmetics.py  the arithmetics (fp32, exact bf16/fp8/MX, L-Mul through the lmul package)
sentences.py    the fixed corpus (Debian fortunes, selection rule, seed)
metrics.py      cosine, Spearman of pairwise similarities, nearest-neighbour agreement
verdicts.py     the paper's claims judged from the measured numbers, with stated thresholds
chart.py        the SVG bar chart
evaluate.py     the command line: python -m lmul_eval.evaluate --help
"""
