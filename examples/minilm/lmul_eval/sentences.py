"""The fixed corpus: 1,000 English sentences from Debian's fortune cookie files.

Source: the Debian packages ``fortunes`` and ``fortunes-min`` (bookworm: 1:1.99.1-7.3;
``apt-get install fortunes``), files under /usr/share/games/fortunes.

Selection rule (``select``), applied to the files in ``FILES`` in that order:
1. split each file into cookies at lines that are exactly ``%``;
2. drop attribution lines (stripped line starting with ``--``) and blank lines;
3. drop the cookie if it has a non-ASCII or control character other than tab / newline
   (this also drops the overstruck ones);
4. join its lines with single spaces, collapse runs of whitespace;
5. keep it if it has 6 to 40 words and at least 70% of its non-space characters are letters
   (drops ASCII art, tables and code);
6. remove duplicates, sort the pool (Python string order), and take
   ``random.Random(SEED).sample(pool, n)`` in the order sampled.

``CORPUS_SHA256`` is the SHA-256 of the 1,000 selected sentences joined with newlines, as produced
from fortunes 1:1.99.1-7.3; the evaluation reports whether the corpus it built matches it.
"""

from __future__ import annotations

import hashlib
import random
import re
from pathlib import Path

FORTUNE_DIR = Path("/usr/share/games/fortunes")
FILES = (
    "art",
    "computers",
    "education",
    "food",
    "fortunes",
    "humorists",
    "law",
    "literature",
    "love",
    "miscellaneous",
    "people",
    "pets",
    "platitudes",
    "politics",
    "science",
    "sports",
    "wisdom",
    "work",
)
SEED = 2410  # arXiv 2410.00907
DEFAULT_N = 1000
DEBIAN_PACKAGE = "fortunes 1:1.99.1-7.3 (Debian bookworm; fortunes-min for the file 'fortunes')"
CORPUS_SHA256 = "bddc32a1ea842454ec84f0efb8ed76b1da4d9e4d5cc02dda8bcec68dd29ffa5d"

_ALLOWED = re.compile(r"^[\x20-\x7e\t\n]*$")


class CorpusNotInstalled(RuntimeError):
    """The fortune files are not installed."""


def cookies(text: str) -> list[str]:
    """Candidate sentences of one fortune file, steps 1-5 of the selection rule."""
    out = []
    for cookie in re.split(r"^%\n", text, flags=re.M):
        if not _ALLOWED.match(cookie):
            continue
        lines = [ln for ln in cookie.split("\n") if ln.strip() and not ln.strip().startswith("--")]
        s = " ".join(" ".join(lines).split())
        words = s.split()
        if not 6 <= len(words) <= 40:
            continue
        chars = [c for c in s if not c.isspace()]
        if sum(c.isalpha() for c in chars) < 0.7 * len(chars):
            continue
        out.append(s)
    return out


def pool(directory: Path = FORTUNE_DIR) -> list[str]:
    missing = [f for f in FILES if not (directory / f).is_file()]
    if missing:
        raise CorpusNotInstalled(
            f"fortune files missing under {directory} ({', '.join(missing)}): "
            "apt-get install fortunes"
        )
    found: set[str] = set()
    for f in FILES:
        found.update(cookies((directory / f).read_text(encoding="ascii", errors="replace")))
    return sorted(found)


def select(n: int = DEFAULT_N, seed: int = SEED, directory: Path = FORTUNE_DIR) -> list[str]:
    p = pool(directory)
    if n > len(p):
        raise ValueError(f"asked for {n} sentences, the pool has {len(p)}")
    return random.Random(seed).sample(p, n)


def corpus_sha256(sentences: list[str]) -> str:
    return hashlib.sha256("\n".join(sentences).encode("utf-8")).hexdigest()


def read_file(path: Path | str) -> list[str]:
    """User sentences: one per line, blank lines skipped."""
    return [ln.strip() for ln in Path(path).read_text(encoding="utf-8").splitlines() if ln.strip()]
