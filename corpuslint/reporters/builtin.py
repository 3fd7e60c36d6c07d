"""Built-in plugin registering the standard output formats."""

from __future__ import annotations

from corpuslint.hookspecs import hookimpl
from corpuslint.reporters import Reporter


@hookimpl
def corpuslint_reporters() -> dict[str, type[Reporter]]:
    from corpuslint.reporters.github import GithubReporter
    from corpuslint.reporters.jsonfmt import JsonLinesReporter, JsonReporter
    from corpuslint.reporters.text import TextReporter

    return {
        "text": TextReporter,
        "json": JsonReporter,
        "jsonl": JsonLinesReporter,
        "github": GithubReporter,
    }
