#!/usr/bin/env python3
"""Ratios of lmul-bench-dispatch: header-only -march=native time over runtime-dispatch time.

    lmul-bench-dispatch --benchmark_format=json --benchmark_repetitions=5 > dispatch.json
    python3 bench/dispatch/summarize.py dispatch.json

Uses the median of the repetitions when there are several. Target: every ratio <= 1.10.
"""
import json
import sys


def main(path):
    with open(path) as f:
        data = json.load(f)
    times = {}
    for b in data["benchmarks"]:
        if b.get("run_type") == "aggregate" and b.get("aggregate_name") != "median":
            continue
        name = b.get("run_name", b["name"])
        op, flags, *size = name.split("/")
        key = "/".join([op] + size)
        times.setdefault(key, {})[flags] = b["real_time"]
    print(f"selected arch: {data['context'].get('lmul_selected_arch', '?')}")
    print(f"{'operation':<14} {'dispatched':>14} {'header-only':>14} {'ratio':>7}  target <= 1.10")
    worst = 0.0
    for key, t in sorted(times.items()):
        if "dispatched" not in t or "header_only_native" not in t:
            continue
        ratio = t["header_only_native"] / t["dispatched"]
        worst = max(worst, ratio)
        print(f"{key:<14} {t['dispatched']:>14.4g} {t['header_only_native']:>14.4g} {ratio:>7.3f}"
              f"  {'ok' if ratio <= 1.10 else 'MISSED'}")
    return 0 if worst <= 1.10 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
