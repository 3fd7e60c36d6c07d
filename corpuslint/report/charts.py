"""Charts of the report, drawn by matplotlib as inline SVG (the ``corpuslint[report]`` extra).

matplotlib is imported on first use only. Each function takes the summary (plain
data) and returns an SVG string, or None when there is nothing to draw. Text
stays text in the SVG (``svg.fonttype = none``): smaller files, selectable
labels; the page's style sheet picks the font.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["CATEGORY_COLORS", "available", "draw_all"]

#: Tableau 10, one colour per category (the same in tables and charts)
CATEGORY_COLORS = {
    "encoding": "#4e79a7",
    "duplication": "#f28e2b",
    "residue": "#e15759",
    "date": "#76b7b2",
    "quotes": "#59a14f",
    "internal": "#9c755f",
}
_OTHER_COLOR = "#bab0ac"
_BAR = "#4e79a7"
_MAX_BARS = 25


def available() -> bool:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def _color(category: str) -> str:
    return CATEGORY_COLORS.get(category, _OTHER_COLOR)


def _figure(width: float, height: float) -> Any:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    return fig


def _style(ax: Any, title: str, xlabel: str = "", ylabel: str = "") -> None:
    ax.set_title(title, loc="left", fontsize=11, fontweight="bold")
    if xlabel:
        ax.set_xlabel(xlabel, fontsize=9)
    if ylabel:
        ax.set_ylabel(ylabel, fontsize=9)
    ax.tick_params(labelsize=8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _svg(fig: Any, name: str, title: str) -> str:
    import matplotlib

    buf = io.StringIO()
    # a salt per chart: the clip-path ids of several SVGs inlined in one page must not collide
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": f"corpuslint-{name}"}):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Title": title})
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]
    # responsive: keep the viewBox, let the page size it
    svg = re.sub(r'<svg([^>]*?) width="([\d.]+)pt" height="([\d.]+)pt"',
                 lambda m: f'<svg{m.group(1)} class="chart" data-chart="{name}" role="img" '
                           f'aria-label="{_attr(title)}" style="max-width:{float(m.group(2)) * 1.5:.0f}px"',
                 svg, count=1)
    return svg.strip()


def _attr(s: str) -> str:
    return s.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def _fmt_rate(x: float) -> str:
    return f"{x:.1f}" if x < 100 else f"{x:,.0f}"


def _short(s: str, n: int = 34) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


def _hbar(name: str, title: str, labels: Sequence[str], values: Sequence[float], notes: Sequence[str],
          colors: Sequence[str], xlabel: str, legend: Mapping[str, str] | None = None) -> str:
    n = len(labels)
    fig = _figure(8.5, 0.9 + 0.28 * n)
    ax = fig.add_subplot()
    y = list(range(n))
    ax.barh(y, values, color=colors, height=0.7)
    ax.set_yticks(y, [_short(s, 40) for s in labels])
    ax.invert_yaxis()
    top = max(values) if values and max(values) > 0 else 1.0
    ax.set_xlim(0, top * 1.35)
    for yi, v, note in zip(y, values, notes):
        ax.text(v + top * 0.01, yi, note, va="center", fontsize=7.5)
    _style(ax, title, xlabel)
    if legend:
        from matplotlib.patches import Patch

        ax.legend(handles=[Patch(color=c, label=k) for k, c in legend.items()], fontsize=8, loc="lower right",
                  frameon=False)
    return _svg(fig, name, title)


def rules_chart(summary: Mapping[str, Any]) -> str | None:
    rows = [r for r in summary["rules"] if r["documents"]][:_MAX_BARS]
    if not rows:
        return None
    cats = {r["category"]: _color(r["category"]) for r in rows}
    return _hbar(
        "rules", "Documents hit per rule (per 1,000 documents)",
        [f"{r['code']} {r['name']}" for r in rows], [r["rate_per_1k"] for r in rows],
        [f"{_fmt_rate(r['rate_per_1k'])}  ({r['documents']:,} docs, {r['findings']:,} findings)" for r in rows],
        [_color(r["category"]) for r in rows], "documents with at least one finding, per 1,000 documents", cats,
    )


def categories_chart(summary: Mapping[str, Any]) -> str | None:
    rows = [r for r in summary["categories"] if r["documents"]]
    if not rows:
        return None
    return _hbar(
        "categories", "Documents hit per category (per 1,000 documents)",
        [r["category"] for r in rows], [r["rate_per_1k"] for r in rows],
        [f"{_fmt_rate(r['rate_per_1k'])}  ({r['documents']:,} docs)" for r in rows],
        [_color(r["category"]) for r in rows], "documents per 1,000 documents",
    )


def breakdown_chart(summary: Mapping[str, Any], key: str, what: str) -> str | None:
    rows = [r for r in summary[key] if r["documents"]][:20]
    if not rows:
        return None
    return _hbar(
        f"{key}-rate", f"Documents with findings, by {what} (per 1,000 documents)",
        [r["name"] for r in rows], [r["rate_per_1k"] for r in rows],
        [f"{_fmt_rate(r['rate_per_1k'])}  ({r['documents_with_findings']:,} of {r['documents']:,} docs)" for r in rows],
        [_BAR] * len(rows), f"documents with at least one finding, per 1,000 documents of the {what}",
    )


def heatmap_chart(summary: Mapping[str, Any], key: str, what: str) -> str | None:
    rows = [r for r in summary[key] if r["documents"]][:20]
    cats = [c["category"] for c in summary["categories"] if c["documents"]]
    if not rows or not cats:
        return None
    matrix = [[r["categories"].get(c, {}).get("rate_per_1k", 0.0) for c in cats] for r in rows]
    fig = _figure(1.8 + 1.1 * len(cats) + 1.5, 1.2 + 0.3 * len(rows))
    ax = fig.add_subplot()
    top = max(max(row) for row in matrix) or 1.0
    im = ax.imshow(matrix, cmap="YlOrRd", aspect="auto", vmin=0, vmax=top)
    ax.set_xticks(range(len(cats)), cats)
    ax.set_yticks(range(len(rows)), [_short(r["name"]) for r in rows])
    ax.xaxis.tick_top()
    for i, row in enumerate(matrix):
        for j, v in enumerate(row):
            ax.text(j, i, _fmt_rate(v) if v else "·", ha="center", va="center", fontsize=7.5,
                    color="white" if v > 0.6 * top else "black")
    title = f"Documents hit per 1,000, by {what} and category"
    ax.set_title(title, loc="left", fontsize=11, fontweight="bold")
    ax.tick_params(labelsize=8, length=0)
    fig.colorbar(im, ax=ax, shrink=0.8, label="documents per 1,000")
    return _svg(fig, f"{key}-heat", title)


def _bars(ax: Any, x: Sequence[float], counts: Sequence[int], width: float, color: str) -> None:
    ax.bar(x, counts, width=width, align="edge", color=color, edgecolor="white")
    top = max(counts) if counts else 0
    for xi, c in zip(x, counts):
        if c:
            ax.text(xi + width / 2, c + top * 0.01, f"{c:,}", ha="center", va="bottom", fontsize=7)
    ax.set_ylim(0, (top or 1) * 1.15)


def residue_chart(summary: Mapping[str, Any]) -> str | None:
    h = summary["distributions"].get("residue_line_share")
    if not h or not h["documents"] or h["documents"] == h["zero"]:
        return None
    fig = _figure(8.5, 3.2)
    ax = fig.add_subplot()
    _bars(ax, [b * 100 for b in h["bins"][:-1]], h["counts"], 10, _color("residue"))
    ax.set_xlim(0, 100)
    ax.set_xticks([b * 100 for b in h["bins"]])
    title = "Share of a document's lines that are web-page residue"
    with_res = h["documents"] - h["zero"]
    _style(ax, title, f"share of the non-blank lines covered by residue findings (%); {with_res:,} documents "
                      f"with residue, {h['zero']:,} without", "documents")
    return _svg(fig, "residue", title)


def repetition_chart(summary: Mapping[str, Any]) -> str | None:
    h = summary["distributions"].get("repetition")
    if not h or not h["documents"]:
        return None
    metrics = h["metrics"]
    fig = _figure(8.5, 5.2)
    axes = fig.subplots(2, 2)
    bins = h["bins"]
    width = bins[1] - bins[0]
    for ax, (metric, data) in zip([a for row in axes for a in row], metrics.items()):
        _bars(ax, bins[:-1], data["counts"], width, _color("duplication"))
        ax.set_xlim(0, 1)
        thr = data.get("threshold")
        if thr is not None:
            ax.axvline(thr, color="#333", linestyle="--", linewidth=1)
            ax.text(thr, ax.get_ylim()[1] * 0.95, f" threshold {thr:.2f}", fontsize=7, va="top")
        _style(ax, metric, "fraction", "documents")
        ax.title.set_fontsize(9)
    title = f"Repetition scores (Gopher measures) of {h['documents']:,} documents"
    fig.suptitle(title, x=0.01, ha="left", fontsize=11, fontweight="bold")
    return _svg(fig, "repetition", title)


def cluster_chart(summary: Mapping[str, Any]) -> str | None:
    h = summary["distributions"].get("cluster_sizes")
    if not h:
        return None
    fig = _figure(8.5, 3.0)
    ax = fig.add_subplot()
    x = list(range(len(h["labels"])))
    _bars(ax, [i - 0.4 for i in x], h["counts"], 0.8, _color("duplication"))
    ax.set_xticks(x, h["labels"])
    title = f"Duplicate and near-duplicate clusters by size ({h['clusters']:,} clusters, {h['documents']:,} documents)"
    _style(ax, title, "documents in the cluster (the first one included)", "clusters")
    return _svg(fig, "clusters", title)


def comparison_chart(summary: Mapping[str, Any]) -> str | None:
    comp = summary.get("comparison")
    if not comp or not comp.get("rules"):
        return None
    rows = [r for r in comp["rules"] if r.get("status") != "same"][:_MAX_BARS]
    if not rows:
        return None
    n = len(rows)
    fig = _figure(8.5, 1.0 + 0.4 * n)
    ax = fig.add_subplot()
    y = list(range(n))
    if comp["against"] == "baseline":
        a = [r["new"] for r in rows]
        b = [r["fixed"] for r in rows]
        labels_ab = ("new findings", "fixed findings")
        colors = ("#e15759", "#59a14f")
        xlabel = "findings"
        title = "Since the baseline: new and fixed findings per rule"
    else:
        has_rates = all(r["rate_before"] is not None for r in rows)
        key_a, key_b = ("rate_before", "rate_after") if has_rates else ("documents_before", "documents_after")
        a = [r[key_a] or 0 for r in rows]
        b = [r[key_b] or 0 for r in rows]
        labels_ab = ("before", "now")
        colors = ("#bab0ac", "#4e79a7")
        xlabel = "documents per 1,000 documents" if has_rates else "documents"
        title = "Since the previous report: documents hit per rule"
    h = 0.38
    ax.barh([v - h / 2 for v in y], a, height=h, color=colors[0], label=labels_ab[0])
    ax.barh([v + h / 2 for v in y], b, height=h, color=colors[1], label=labels_ab[1])
    top = max([*a, *b, 1])
    for v, x1, x2 in zip(y, a, b):
        ax.text(x1 + top * 0.01, v - h / 2, _fmt_rate(x1) if isinstance(x1, float) else f"{x1:,}", va="center", fontsize=7)
        ax.text(x2 + top * 0.01, v + h / 2, _fmt_rate(x2) if isinstance(x2, float) else f"{x2:,}", va="center", fontsize=7)
    ax.set_yticks(y, [_short(f"{r['code']} {r.get('name', '')}", 40) for r in rows])
    ax.invert_yaxis()
    ax.set_xlim(0, top * 1.2)
    ax.legend(fontsize=8, frameon=False, loc="lower right")
    _style(ax, title, xlabel)
    return _svg(fig, "comparison", title)


def draw_all(summary: Mapping[str, Any]) -> dict[str, str]:
    """Every chart the summary has data for, by name."""
    charts = {
        "rules": rules_chart(summary),
        "categories": categories_chart(summary),
        "sources": breakdown_chart(summary, "by_source", "source"),
        "sources-heat": heatmap_chart(summary, "by_source", "source"),
        "languages": breakdown_chart(summary, "by_language", "language"),
        "languages-heat": heatmap_chart(summary, "by_language", "language"),
        "residue": residue_chart(summary),
        "repetition": repetition_chart(summary),
        "clusters": cluster_chart(summary),
        "comparison": comparison_chart(summary),
    }
    return {k: v for k, v in charts.items() if v}
