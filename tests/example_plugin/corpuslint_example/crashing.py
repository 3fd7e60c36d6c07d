"""A plugin whose rule raises on purpose, to show crash isolation.

Registered under its own entry point (``example-crash``). Its rule EX900 is
off by default; once selected (``--extend-select EX900``) it raises on every
document containing the marker ``corpuslint-example: crash``. corpuslint turns
the exception into an ``internal`` finding (CL001) naming the rule, the plugin
and the document, lints the other documents, and exits with code 2.
"""

from __future__ import annotations

from collections.abc import Iterator

import corpuslint
from corpuslint.model import Document, Violation
from corpuslint.rule import Rule, RuleContext, rule

MARKER = "corpuslint-example: crash"


@rule("EX900", "crash-on-marker", category="internal", severity="error", enabled_by_default=False)
def crash_on_marker(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    """Raises on a document containing `corpuslint-example: crash` (a test fixture).

    ## What it does
    Nothing useful: it raises `RuntimeError` on documents containing the
    marker `corpuslint-example: crash` and finds nothing in the others.

    ## Why it matters
    It demonstrates that a bug in a plugin rule costs one `internal` finding
    (CL001) on the document concerned, not the run.

    ## Example
    ```text
    bad.txt: CL001 [internal-error] rule EX900 (plugin 'example-crash') crashed: RuntimeError: ...
    ```

    ## Fix
    Fix the plugin; meanwhile turn the rule off (`ignore = ["EX900"]`) or
    the plugin (`--disable-plugin example-crash`).
    """
    if MARKER in doc.text:
        raise RuntimeError(f"EX900 met the marker in {doc.path}")
    return iter(())


@corpuslint.hookimpl
def corpuslint_rules() -> list[Rule]:
    return [crash_on_marker]
