"""Machine output: one JSON array (``json``) or one object per line (``jsonl``).

The keys and their order are a public contract, documented in docs/output.md.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from corpuslint.model import Finding
from corpuslint.reporters import Reporter, Summary


class JsonReporter(Reporter):
    """One JSON array on stdout, streamed element by element.

    With ``--statistics``: one array of per-rule counts instead (see docs/output.md).
    """

    def start(self) -> None:
        self._first = True
        if not self.options.statistics:
            self.out.write("[")

    def report(self, finding: Finding) -> None:
        if self.options.statistics:
            return
        self.out.write("\n  " if self._first else ",\n  ")
        self._first = False
        self.out.write(finding.to_json())

    def finish(self, summary: Summary) -> None:
        if self.options.statistics:
            self.out.write(json.dumps(statistics(summary), indent=1, ensure_ascii=False) + "\n")
            return
        self.out.write("\n]\n" if not self._first else "]\n")


def statistics(summary: Summary) -> list[dict[str, object]]:
    """Per-rule counts, most findings first: the shape of ``--statistics --format json``."""
    rows = []
    for (code, name), n in sorted(summary.by_rule.items(), key=lambda kv: (-kv[1], kv[0])):
        rows.append({
            "code": code,
            "name": name,
            "category": summary.category_of.get(code, ""),
            "findings": n,
            "documents": summary.documents_by_rule.get((code, name), 0),
            "fixable": summary.fixable.get((code, name), 0),
        })
    return rows


class JsonLinesReporter(Reporter):
    """One JSON object per line, for runs too large for one array."""

    def report(self, finding: Finding) -> None:
        self.out.write(finding.to_json() + "\n")

    def report_all(self, findings: Sequence[Finding]) -> None:
        if type(self).report is not JsonLinesReporter.report:  # a subclass's own report
            super().report_all(findings)
        elif findings:  # one write per call: a second run over a cached corpus is mostly this
            self.out.write("\n".join([f.to_json() for f in findings]) + "\n")
