"""The README's Python example runs as written (its first ```python block)."""

from __future__ import annotations

import os
import re

import pytest

README = os.path.join(os.path.dirname(__file__), "..", "..", "README.md")


def test_readme_python_example_runs(capsys):
    pytest.importorskip("ml_dtypes")
    with open(README, encoding="utf-8") as f:
        match = re.search(r"```python\n(.*?)```\n", f.read(), re.S)
    assert match, "README.md has no ```python block"
    scope: dict = {}
    exec(compile(match.group(1), "README.md", "exec"), scope)
    c, exact, y = scope["c"], scope["exact"], scope["y"]
    assert c.shape == exact.shape == (64, 32) and y.shape == (64, 32)
    error = abs(c - exact).max() / abs(exact).max()
    assert 0 < error < 0.2  # L-Mul differs from the true products, by a few percent
    assert capsys.readouterr().out.strip()
