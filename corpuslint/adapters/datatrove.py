"""A datatrove pipeline step: annotate documents with their corpuslint findings, optionally drop some.

::

    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from corpuslint.adapters.datatrove import CorpuslintAnnotator

    pipeline = [
        JsonlReader("data/"),
        CorpuslintAnnotator({"select": ["ENC", "RES"]}, drop_severity="error",
                            exclusion_writer=JsonlWriter("rejected/")),
        JsonlWriter("clean/"),
    ]

Each kept document gets ``metadata["corpuslint"]``: its findings in the JSON form of
docs/output.md (``Finding.to_dict()``). The step counts, in datatrove's stats, the
documents hit by each rule (``corpuslint_<CODE>``) and the findings. Only the
per-document rules run: a datatrove step sees one document at a time, so corpus
rules (duplicates, shared boilerplate) are left to datatrove's own dedup steps or
to ``corpuslint PATH``.
"""

from __future__ import annotations

from typing import Any

try:
    from datatrove.data import Document
    from datatrove.pipeline.filters.base_filter import BaseFilter
except ImportError as e:  # pragma: no cover - exercised only without datatrove
    raise ImportError("corpuslint.adapters.datatrove needs datatrove: pip install 'corpuslint[datatrove]'") from e

from corpuslint.model import Severity

__all__ = ["CorpuslintAnnotator"]


class CorpuslintAnnotator(BaseFilter):
    """Lint each document; store its findings in ``metadata[metadata_key]``.

    Args:
        config: the Linter configuration: None (defaults), a ``[tool.corpuslint]``-like
            mapping, or a config file path (see :class:`corpuslint.api.Linter`).
        metadata_key: where the findings go (None: do not store them, only count and drop).
        drop_severity: drop documents with a finding at or above this severity
            (``"error"``, ``"warning"`` or ``"info"``); None keeps every document.
        drop_codes: drop documents with a finding of one of these rule codes.
        max_findings: findings stored per document (the first ones by position);
            ``metadata[metadata_key + "_total"]`` holds the full count when it is larger.
        exclusion_writer: a datatrove writer for the dropped documents (their
            ``filter_reason`` names the rule, ``corpuslint:ENC003``).
    """

    name = "🔎 corpuslint"

    def __init__(
        self,
        config: Any = None,
        *,
        metadata_key: str | None = "corpuslint",
        drop_severity: str | None = None,
        drop_codes: list[str] | tuple[str, ...] = (),
        max_findings: int = 100,
        exclusion_writer: Any = None,
    ) -> None:
        super().__init__(exclusion_writer)
        self.config = config
        self.metadata_key = metadata_key
        self.drop_rank = Severity.parse(drop_severity).rank if drop_severity else None
        self.drop_codes = frozenset(drop_codes)
        self.max_findings = max_findings
        self._linter: Any = None

    @property
    def linter(self) -> Any:
        """The Linter, made on first use (in the worker process, not where the pipeline is built)."""
        if self._linter is None:
            from corpuslint.api import Linter

            self._linter = Linter(self.config)
        return self._linter

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_linter"] = None  # workers load their own
        return state

    def filter(self, doc: Document) -> bool | tuple[bool, str]:
        findings = self.linter.lint_text(
            doc.text, doc.metadata, path=str(doc.metadata.get("file_path", "<datatrove>")), record=str(doc.id)
        )
        codes = {f.code for f in findings}
        for code in sorted(codes):
            self.stat_update(f"corpuslint_{code}")
        if findings:
            self.stat_update("corpuslint_findings", value=len(findings))
        if self.metadata_key:
            doc.metadata[self.metadata_key] = [f.to_dict() for f in findings[: self.max_findings]]
            if len(findings) > self.max_findings:
                doc.metadata[f"{self.metadata_key}_total"] = len(findings)
        for f in findings:
            if f.code in self.drop_codes or (self.drop_rank is not None and f.severity.rank >= self.drop_rank):
                return False, f"corpuslint:{f.code}"
        return True
