"""Machine output: one JSON array (``json``) or one object per line (``jsonl``).

The keys and their order are a public contract, documented in docs/output.md.
"""

from __future__ import annotations

import json

from corpuslint.model import Finding
from corpuslint.reporters import Reporter, Summary


class JsonReporter(Reporter):
    """One JSON array on stdout, streamed element by element."""

    def start(self) -> None:
        self._first = True
        self.out.write("[")

    def report(self, finding: Finding) -> None:
        self.out.write("\n  " if self._first else ",\n  ")
        self._first = False
        self.out.write(json.dumps(finding.to_dict(), ensure_ascii=False))

    def finish(self, summary: Summary) -> None:
        self.out.write("\n]\n" if not self._first else "]\n")


class JsonLinesReporter(Reporter):
    """One JSON object per line, for runs too large for one array."""

    def report(self, finding: Finding) -> None:
        self.out.write(json.dumps(finding.to_dict(), ensure_ascii=False) + "\n")
