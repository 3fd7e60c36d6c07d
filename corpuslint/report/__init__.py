"""Corpus health report: counts per rule, source and language, histograms, examples (issue #8).

``corpuslint report PATH... -o report.html`` (see docs/report.md). In Python::

    from corpuslint.report import build_report, render_html, draw_charts
    summary = build_report(session, ["corpus/"])       # plain, JSON-able data
    html = render_html(summary, draw_charts(summary))  # one self-contained page

The HTML charts need matplotlib (``pip install 'corpuslint[report]'``); the JSON
summary does not.
"""

from __future__ import annotations

from typing import Any

from corpuslint.report.collect import SCHEMA_VERSION, ReportBuilder, ReportEngine, ReportLimits, build_report
from corpuslint.report.html import render_html

__all__ = [
    "SCHEMA_VERSION",
    "ReportBuilder",
    "ReportEngine",
    "ReportLimits",
    "build_report",
    "draw_charts",
    "render_html",
]


def draw_charts(summary: Any) -> dict[str, str]:
    """The SVG charts of a summary, by name; empty when matplotlib is not installed."""
    from corpuslint.report import charts

    if not charts.available():
        return {}
    return charts.draw_all(summary)
