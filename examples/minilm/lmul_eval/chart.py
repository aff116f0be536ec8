"""A hand-written SVG bar chart: 1 - mean cosine to fp32, by arithmetic and placement.

Log scale (the deficits span several orders of magnitude); shorter bars are closer to fp32.
"""

from __future__ import annotations

import math
from html import escape

COLOURS = {"attention": "#4477aa", "all": "#ee6677"}
NAMES = {"attention": "attention only (Q K^T, attention x V)", "all": "every matmul"}


def svg(rows: list[dict], title: str, subtitle: str) -> str:
    """rows: dicts with "label", "placement", "mean_cos" (one per arithmetic and placement)."""
    labels: list[str] = []
    for r in rows:
        if r["label"] not in labels:
            labels.append(r["label"])
    placements = [p for p in ("attention", "all") if any(r["placement"] == p for r in rows)]
    value = {(r["label"], r["placement"]): 1.0 - r["mean_cos"] for r in rows}
    finite = [v for v in value.values() if math.isfinite(v) and v > 0]
    lo = math.floor(math.log10(min(finite))) if finite else -8
    hi = math.ceil(math.log10(max(finite))) if finite else 0
    hi = max(hi, lo + 1)

    left, right, top, bar, gap = 330, 40, 84, 11, 8
    plot_w = 460
    group_h = bar * len(placements) + gap
    height = top + group_h * len(labels) + 70
    width = left + plot_w + right

    def x_of(v: float) -> float:
        if not (math.isfinite(v) and v > 0):
            return 0.0
        return plot_w * (math.log10(v) - lo) / (hi - lo)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{width / 2}" y="22" text-anchor="middle" font-size="15" '
        f'font-weight="bold">{escape(title)}</text>',
        f'<text x="{width / 2}" y="40" text-anchor="middle" fill="#444">{escape(subtitle)}</text>',
    ]
    # Legend.
    lx = left
    for p in placements:
        out.append(f'<rect x="{lx}" y="52" width="12" height="12" fill="{COLOURS[p]}"/>')
        out.append(f'<text x="{lx + 16}" y="62">{escape(NAMES[p])}</text>')
        lx += 250
    # Grid and axis labels (decades).
    axis_y = top + group_h * len(labels)
    for e in range(lo, hi + 1):
        gx = left + plot_w * (e - lo) / (hi - lo)
        out.append(f'<line x1="{gx:.1f}" y1="{top - 4}" x2="{gx:.1f}" y2="{axis_y}" '
                   'stroke="#ddd"/>')
        out.append(f'<text x="{gx:.1f}" y="{axis_y + 16}" text-anchor="middle">1e{e}</text>')
    out.append(f'<text x="{left + plot_w / 2}" y="{axis_y + 36}" text-anchor="middle">'
               '1 - mean cosine similarity to the fp32 embedding (log scale; shorter is closer '
               'to fp32)</text>')
    for i, lab in enumerate(labels):
        y0 = top + i * group_h
        out.append(f'<text x="{left - 8}" y="{y0 + bar * len(placements) / 2 + 4:.1f}" '
                   f'text-anchor="end">{escape(lab)}</text>')
        for j, p in enumerate(placements):
            v = value.get((lab, p))
            if v is None:
                continue
            y = y0 + j * bar
            if not math.isfinite(v):
                out.append(f'<text x="{left + 4}" y="{y + bar - 2}" fill="#900">NaN</text>')
                continue
            w = x_of(v) if v > 0 else 0.0
            out.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar - 1}" '
                       f'fill="{COLOURS[p]}"><title>{escape(lab)}, {escape(NAMES[p])}: '
                       f'1 - mean cos = {v:.3g}</title></rect>')
            out.append(f'<text x="{left + w + 4:.1f}" y="{y + bar - 2}" font-size="10" '
                       f'fill="#333">{v:.2g}</text>')
    out.append(f'<line x1="{left}" y1="{top - 4}" x2="{left}" y2="{axis_y}" stroke="#333"/>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
