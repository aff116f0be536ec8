#!/usr/bin/env python3
"""Replace the measured speed tables in README.md, docs/kernels.md and docs/gemm.md with those of
the last `bash scripts/report.sh` run (python3 stdlib only).

    bash scripts/report.sh                       # writes build/report/{kernels,gemm}.json
    python3 bench/update_docs.py "quiet machine, nothing else running"

Each document holds its tables between `<!-- speed:NAME begin -->` and `<!-- speed:NAME end -->`
markers; this script rewrites only what lies between them (the run's header line, saying when and
where it ran and the load note given on the command line, and the summaries' tables). The prose
around the tables quotes some of their numbers: re-read it after a new run.
"""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "build", "report")


def run(*args):
    return subprocess.run([sys.executable, *args], check=True, capture_output=True, text=True,
                          cwd=ROOT).stdout


def commit():
    """The commit report.sh recorded for its run (build/report/commit.txt), else today's HEAD."""
    recorded = os.path.join(BUILD, "commit.txt")
    if os.path.exists(recorded):
        with open(recorded) as f:
            return f.read().strip()
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], check=True, capture_output=True,
                              text=True, cwd=ROOT).stdout.strip()
        return head + " (HEAD now; the run's commit was not recorded)"
    except (OSError, subprocess.CalledProcessError):
        return "?"


def tables_of(markdown, first_heading):
    """The summary's output from its first '### ' heading on, headings demoted one level, with the
    local JSON paths removed."""
    body = markdown[markdown.index(first_heading):]
    body = re.sub(r"\n*Ratio table as JSON: .*\n?", "\n", body)
    return body.replace("### ", "#### ").strip()


def header_lines(markdown):
    """The summary's '- Machine / BLAS / Run' lines, without the local JSON path."""
    lines = [re.sub(r"; JSON: \S+", "", l) for l in markdown.splitlines() if l.startswith("- ")]
    return "\n".join(lines)


def replace_block(path, name, content):
    with open(path) as f:
        text = f.read()
    begin, end = f"<!-- speed:{name} begin -->", f"<!-- speed:{name} end -->"
    if begin not in text or end not in text:
        sys.exit(f"{path}: markers {begin} / {end} not found")
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    with open(path, "w") as f:
        f.write(head + begin + "\n" + content.strip() + "\n" + end + tail)
    print(f"updated {os.path.relpath(path, ROOT)} ({name})")


def main():
    note = sys.argv[1] if len(sys.argv) > 1 else "load state not stated"
    kernels_json = os.path.join(BUILD, "kernels.json")
    gemm_json = os.path.join(BUILD, "gemm.json")
    kernels = run("bench/kernels/summarize.py", "--json", kernels_json)
    gemm = run("bench/gemm/gemm_summary.py", gemm_json)
    readme = run("bench/readme_table.py", os.path.join(BUILD, "kernels_summary.json"),
                 os.path.join(BUILD, "gemm_summary.json"))
    stamp = f"Run at commit {commit()}; {note}."
    replace_block(os.path.join(ROOT, "docs", "kernels.md"), "kernels",
                  stamp + "\n\n" + header_lines(kernels) + "\n\n" +
                  tables_of(kernels, "### Baselines against their alternatives").split("#### All 8-bit types")[0])
    replace_block(os.path.join(ROOT, "docs", "gemm.md"), "gemm",
                  stamp + "\n\n" + header_lines(gemm) + "\n\n" + tables_of(gemm, "Products/s (G = 1e9)"))
    replace_block(os.path.join(ROOT, "README.md"), "readme", stamp + " " + readme)


if __name__ == "__main__":
    main()
