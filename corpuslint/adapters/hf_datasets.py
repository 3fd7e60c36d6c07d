"""Hugging Face ``datasets`` recipes: findings as a column (``.map``), clean rows only (``.filter``).

::

    from datasets import Dataset
    from corpuslint.api import Linter
    from corpuslint.adapters import hf_datasets as cl

    ds = Dataset.from_dict({"text": ["Le cafÃ© est prÃªt.", "Un texte propre, publié le 3 mars 2021."]})
    linter = Linter({"select": ["ENC", "RES"]})
    annotated = cl.annotate(ds, linter)                          # adds a "corpuslint" column
    errors = annotated.filter(cl.has_findings, fn_kwargs={"severity": "error"})
    clean = cl.drop(ds, linter, severity="error")                # rows without error findings

The column holds one struct per finding: the keys of docs/output.md except ``fix``,
which becomes ``fix`` = ``"safe"``, ``"unsafe"`` or null (Arrow columns need one type;
:func:`features` gives it). Only per-document rules run; a dataset is not a corpus
pass (lint the exported files with ``corpuslint`` for duplicates across rows).
The functions are plain module functions with keyword arguments, so ``datasets``
can fingerprint them for its cache, and the Linter pickles to ``num_proc`` workers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

try:
    import datasets
except ImportError as e:  # pragma: no cover - exercised only without datasets
    raise ImportError("corpuslint.adapters.hf_datasets needs datasets: pip install 'corpuslint[datasets]'") from e

from corpuslint.model import Finding, Severity

__all__ = ["annotate", "drop", "features", "finding_row", "has_findings", "lint_batch"]

#: record fields passed to the rules as metadata when the dataset has them
METADATA_COLUMNS = ("date", "url", "lang", "language", "source", "crawl_date", "title")
_STRING = ("path", "record", "code", "name", "category", "severity", "message", "fingerprint", "url", "fix")
_INT = ("line", "column", "end_line", "end_column")


def features(base: datasets.Features | None = None, column: str = "corpuslint") -> datasets.Features:
    """``base`` plus the findings column: a list of finding structs."""
    struct = {k: datasets.Value("int32") if k in _INT else datasets.Value("string")
              for k in ("path", "record", "line", "column", "end_line", "end_column", "code", "name", "category",
                        "severity", "message", "fingerprint", "url", "fix")}
    return datasets.Features({**dict(base or {}), column: [struct]})


def finding_row(f: Finding) -> dict[str, Any]:
    """One finding as a row of the findings column."""
    d = f.to_dict()
    fix = d.pop("fix")
    d["fix"] = fix["applicability"] if fix else None
    return d


def _linter(linter: Any) -> Any:
    if linter is None:
        from corpuslint.api import default_linter

        return default_linter()
    return linter


def lint_batch(batch: Mapping[str, Sequence[Any]], *, linter: Any = None, text_column: str = "text",
               column: str = "corpuslint", id_column: str | None = None) -> dict[str, list[Any]]:
    """For ``.map(batched=True)``: the findings of each row, in ``column``.

    Columns named like record metadata (``url``, ``lang``, ``date``...) are passed to
    the rules. ``id_column`` gives the findings' ``record`` (null without it: a row's
    position in a batch says nothing stable about it).
    """
    lin = _linter(linter)
    texts = batch[text_column]
    meta_cols = [c for c in METADATA_COLUMNS if c in batch]
    ids = batch[id_column] if id_column else None
    out = []
    for i, text in enumerate(texts):
        meta = {c: batch[c][i] for c in meta_cols if batch[c][i] is not None}
        record = str(ids[i]) if ids is not None else None
        findings = lin.lint_text(text if isinstance(text, (str, bytes)) else "", meta, path="<dataset>", record=record)
        out.append([finding_row(f) for f in findings])
    return {column: out}


def has_findings(row: Mapping[str, Any], *, column: str = "corpuslint", severity: str = "info",
                 codes: Sequence[str] = ()) -> bool:
    """For ``.filter`` on an annotated dataset: rows with a finding at or above ``severity``
    (or, with ``codes``, of one of those rules)."""
    rank = Severity.parse(severity).rank
    for f in row[column] or ():
        if codes and f["code"] not in codes:
            continue
        if Severity(f["severity"]).rank >= rank:
            return True
    return False


def _clean_batch(batch: Mapping[str, Sequence[Any]], *, linter: Any = None, text_column: str = "text",
                 severity: str = "error", codes: Sequence[str] = ()) -> list[bool]:
    lin = _linter(linter)
    rank = Severity.parse(severity).rank
    meta_cols = [c for c in METADATA_COLUMNS if c in batch]
    keep = []
    for i, text in enumerate(batch[text_column]):
        meta = {c: batch[c][i] for c in meta_cols if batch[c][i] is not None}
        findings = lin.lint_text(text if isinstance(text, (str, bytes)) else "", meta, path="<dataset>")
        keep.append(not any((not codes or f.code in codes) and f.severity.rank >= rank for f in findings))
    return keep


def annotate(dataset: datasets.Dataset, linter: Any = None, *, text_column: str = "text", column: str = "corpuslint",
             id_column: str | None = None, batch_size: int = 256, num_proc: int | None = None,
             **map_kwargs: Any) -> datasets.Dataset:
    """``dataset`` with a ``column`` of findings per row (``Dataset.map``, batched)."""
    return dataset.map(
        lint_batch,
        batched=True,
        batch_size=batch_size,
        num_proc=num_proc,
        features=features(dataset.features, column),
        fn_kwargs={"linter": linter, "text_column": text_column, "column": column, "id_column": id_column},
        desc="corpuslint",
        **map_kwargs,
    )


def drop(dataset: datasets.Dataset, linter: Any = None, *, severity: str = "error", codes: Sequence[str] = (),
         text_column: str = "text", batch_size: int = 256, num_proc: int | None = None,
         **filter_kwargs: Any) -> datasets.Dataset:
    """The rows without a finding at or above ``severity`` (of ``codes`` only, when given)."""
    return dataset.filter(
        _clean_batch,
        batched=True,
        batch_size=batch_size,
        num_proc=num_proc,
        fn_kwargs={"linter": linter, "text_column": text_column, "severity": severity, "codes": tuple(codes)},
        desc="corpuslint",
        **filter_kwargs,
    )
