"""Reporters turn findings into output; each format is a plugin (``corpuslint_reporters``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TextIO

from corpuslint.model import Finding

__all__ = ["Reporter", "Summary"]


@dataclass
class Summary:
    """What a reporter may print at the end of a run."""

    files: int = 0
    documents: int = 0
    bytes: int = 0
    fixed: int = 0
    findings: int = 0
    by_category: Counter[str] = field(default_factory=Counter)
    by_rule: Counter[tuple[str, str]] = field(default_factory=Counter)
    fixable: Counter[tuple[str, str]] = field(default_factory=Counter)
    #: documents with at least one finding of the rule
    documents_by_rule: Counter[tuple[str, str]] = field(default_factory=Counter)
    category_of: dict[str, str] = field(default_factory=dict)
    #: findings hidden by the baseline
    baselined: int = 0


@dataclass
class ReportOptions:
    color: bool = False
    statistics: bool = False
    quiet: bool = False
    show_fixes: bool = False


class Reporter:
    """Base class: ``start``, then ``report`` once per finding in order (through
    ``report_all``, a list at a time), then ``finish``."""

    def __init__(self, out: TextIO, options: ReportOptions | None = None) -> None:
        self.out = out
        self.options = options or ReportOptions()

    def start(self) -> None:
        """Called before the first finding."""

    def report(self, finding: Finding) -> None:
        raise NotImplementedError

    def report_all(self, findings: Sequence[Finding]) -> None:
        """``report`` each of ``findings`` in order (the findings of one or more consecutive
        files, each file's together); a reporter may override it to write them at once."""
        for f in findings:
            self.report(f)

    def finish(self, summary: Summary) -> None:
        """Called once at the end, also when there were no findings."""
