"""corpuslint: a data-quality linter for text corpora.

The top-level import is kept light: the names below are loaded on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "CorpusRule",
    "CorpusViolation",
    "Document",
    "Edit",
    "Finding",
    "Fix",
    "Linter",
    "Option",
    "Rule",
    "RuleContext",
    "Severity",
    "Violation",
    "__version__",
    "hookimpl",
]

_LAZY = {
    "hookimpl": "corpuslint.hookspecs",
    "Linter": "corpuslint.api",
    "Document": "corpuslint.model",
    "Edit": "corpuslint.model",
    "Finding": "corpuslint.model",
    "Fix": "corpuslint.model",
    "Severity": "corpuslint.model",
    "Violation": "corpuslint.model",
    "CorpusRule": "corpuslint.rule",
    "CorpusViolation": "corpuslint.rule",
    "Option": "corpuslint.rule",
    "Rule": "corpuslint.rule",
    "RuleContext": "corpuslint.rule",
}

if TYPE_CHECKING:
    from corpuslint.api import Linter
    from corpuslint.hookspecs import hookimpl
    from corpuslint.model import Document, Edit, Finding, Fix, Severity, Violation
    from corpuslint.rule import CorpusRule, CorpusViolation, Option, Rule, RuleContext

# The @rule decorator lives in the submodule of the same name: ``from corpuslint.rule import rule``
# (a package attribute ``corpuslint.rule`` is the submodule once it is imported).


def __getattr__(name: str) -> Any:
    mod = _LAZY.get(name)
    if mod is None:
        raise AttributeError(f"module 'corpuslint' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(mod), name)
    globals()[name] = value
    return value
