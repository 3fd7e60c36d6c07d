"""Helpers for a project's own tests: assert that corpus files lint clean.

    from corpuslint.testing import assert_clean

    def test_seeds_are_clean():
        assert_clean("seeds", select=["ENC", "RES"])
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Union

__all__ = ["assert_clean"]

PathLike = Union[str, "os.PathLike[str]"]


def assert_clean(
    paths: PathLike | Sequence[PathLike],
    select: str | Sequence[str] | None = None,
    *,
    ignore: str | Sequence[str] | None = None,
    fail_on: str | None = None,
    config: PathLike | None = None,
    isolated: bool = False,
) -> None:
    """Lint ``paths`` (files or folders) and raise AssertionError listing the findings.

    Configuration is read as the CLI reads it (the nearest ``corpuslint.toml`` or
    ``[tool.corpuslint]`` above the first path, or ``config``; none with
    ``isolated``). ``select`` replaces the configured rule selection and
    ``ignore`` adds to it, like ``--select`` and ``--ignore``; both take codes,
    prefixes, categories or names. Findings below ``fail_on`` (default: the
    configured ``fail-on``) do not fail but are listed when something else does.
    Corpus rules (duplicate documents) run over all the paths together, and the
    configured baseline applies.
    """
    __tracebackhide__ = True
    from corpuslint.reporters.text import format_finding
    from corpuslint.session import open_session

    args = [os.fspath(paths)] if isinstance(paths, (str, os.PathLike)) else [os.fspath(p) for p in paths]
    if not args:
        raise ValueError("assert_clean: no paths given")
    overrides: dict[str, Any] = {"select": _codes(select), "ignore": _codes(ignore), "fail-on": fail_on}
    start = Path(args[0])
    session = open_session(
        start if start.exists() else Path.cwd(),
        config_file=Path(config) if config is not None else None,
        isolated=isolated,
        overrides=overrides,
    )
    findings = session.lint(args).findings
    if session.settings.baseline is not None:
        from corpuslint.baseline import filter_baseline, read_baseline

        findings, _ = filter_baseline(findings, read_baseline(session.settings.baseline))
    threshold = session.settings.fail_on.rank
    failing = [f for f in findings if f.severity.rank >= threshold]
    if not failing:
        return
    n = len(failing)
    head = f"corpuslint: {n} finding{'s' if n != 1 else ''} at or above '{session.settings.fail_on.value}'"
    lines = [head, *(format_finding(f) for f in failing)]
    below = [f for f in findings if f.severity.rank < threshold]
    if below:
        lines.append(f"and {len(below)} below it:")
        lines.extend(format_finding(f) for f in below)
    raise AssertionError("\n".join(lines))


def _codes(value: str | Sequence[str] | None) -> list[str] | None:
    """A selector list from ``"ENC,RES"``, ``"ENC"`` or ``["ENC", "RES"]``."""
    if value is None:
        return None
    items = value.split(",") if isinstance(value, str) else list(value)
    return [s.strip() for s in items if s.strip()]
