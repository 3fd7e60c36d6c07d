"""An example corpuslint plugin: SHOUTING LINES (EX001) and placeholder text (EX002).

Loaded through the ``corpuslint`` entry-point group (see pyproject.toml). Each
function below implements one hook of ``corpuslint/hookspecs.py``; pluggy
matches them by name, so a misspelt hook name is an error at load time.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import corpuslint
from corpuslint.config import ConfigKey, Settings
from corpuslint.model import Violation
from corpuslint.rule import Option, Rule, RuleContext, rule

__version__ = "0.1.0"

#: plugin-wide settings, filled by ``corpuslint_configure`` in the parent process
#: before any document is read (worker processes inherit it).
_STATE: dict[str, Any] = {"allow": frozenset()}


@rule(
    "EX001",
    "shouting-line",
    category="residue",
    severity="warning",
    unit="line",
    options=[Option("min-letters", int, 10, "Fewest letters a line in capitals needs to be flagged.", min=2)],
)
def shouting_line(unit: tuple[int, str], ctx: RuleContext) -> Iterator[Violation]:
    """A line written all in capitals: `ABONNEZ-VOUS A NOTRE NEWSLETTER`.

    ## What it does
    Counts the cased letters of each line and reports the line when there are
    at least `min-letters` of them and none is lower case. Lines listed in the
    plugin-wide `example-allow` configuration key are accepted. Digits,
    punctuation and uncased scripts (Chinese, Japanese, Arabic) are ignored.

    ## Why it matters
    Body text is rarely written in capitals; a line in capitals is usually a
    banner, a menu, a section label of the page, or a title that a tokenizer
    will split into rare pieces.

    ## Example
    ```text
    doc.txt:3:1: EX001 [shouting-line] line in capitals (27 letters)
    ```

    ## Fix
    Delete the line if it is page furniture; otherwise restore its case
    from the source. Allow legitimate lines with `example-allow = ["..."]`.
    """
    _lineno, line = unit
    text = line.strip()
    if not text or text in _STATE["allow"]:
        return
    upper = lower = 0
    for ch in text:
        if ch.isupper():
            upper += 1
        elif ch.islower():
            lower += 1
            break
    if lower or upper < ctx.options["min-letters"]:
        return
    start = len(line) - len(line.lstrip())
    yield Violation(f"line in capitals ({upper} letters)", start, len(line.rstrip()))


@corpuslint.hookimpl
def corpuslint_rules() -> list[Rule]:
    return [shouting_line]


@corpuslint.hookimpl
def corpuslint_rule_paths() -> list[Path]:
    # rules/placeholder.toml defines EX002 (a data-driven "phrases" rule)
    return [Path(__file__).parent / "rules"]


@corpuslint.hookimpl
def corpuslint_config_keys() -> list[ConfigKey]:
    return [ConfigKey("example-allow", list, [], "Lines that EX001 (shouting-line) accepts.", str)]


@corpuslint.hookimpl
def corpuslint_configure(settings: Settings) -> None:
    _STATE["allow"] = frozenset(s.strip() for s in settings.extra.get("example-allow", []))
