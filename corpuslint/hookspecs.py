"""Every hook corpuslint calls: this module is the architecture.

Built-in readers, rules and reporters implement these hooks exactly as a
third-party plugin does. A plugin is any module or object with functions named
like the specs below, decorated with ``corpuslint.hookimpl``, registered through
the ``corpuslint`` entry-point group::

    [project.entry-points.corpuslint]
    myplugin = "myplugin"

Hooks are called once per run or once per document, never per line: a hook
call costs a microsecond or two.

Phases, in the order they run: configuration (``corpuslint_config_keys``,
``corpuslint_configure``), registration (``corpuslint_rules``,
``corpuslint_rule_paths``, ``corpuslint_reporters``), then per file
(``corpuslint_read``) and per document (``corpuslint_annotate``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from corpuslint.config import ConfigKey, Settings
    from corpuslint.model import Document
    from corpuslint.registry import RuleSet
    from corpuslint.reporters import Reporter
    from corpuslint.rule import Rule

PROJECT = "corpuslint"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# -- configuration -------------------------------------------------------------


@hookspec
def corpuslint_config_keys() -> Sequence[ConfigKey]:
    """Declare top-level keys this plugin reads from ``[tool.corpuslint]``.

    Return a list of :class:`corpuslint.config.ConfigKey` (name, type, default,
    help). A key that no plugin declares is a configuration error. Called once,
    before the configuration file is validated; all results are used.
    """


@hookspec
def corpuslint_configure(settings: Settings) -> None:
    """Adjust the settings after they are read and validated, before any file is read.

    :param settings: the resolved :class:`corpuslint.config.Settings`; plugin keys
        are in ``settings.extra``. Mutate it in place. Called once per run, in the
        parent process; every implementation is called.
    """


# -- registration --------------------------------------------------------------


@hookspec
def corpuslint_rules() -> Sequence[Rule]:
    """Return the rules this plugin provides.

    Each is a :class:`corpuslint.rule.Rule` (usually made with ``corpuslint.rule.rule``
    or a ``CorpusRule`` subclass). Codes must be unique across plugins. Called
    once per run; all results are concatenated. Import heavy modules inside the
    implementation, not at module import.
    """


@hookspec
def corpuslint_rule_paths() -> Sequence[Path]:
    """Return folders of TOML rule packs this plugin ships.

    Packs extend rules with vocabularies (phrases, month names, quote pairs) or
    define new rules of a data-driven kind. Called once per run; all results are
    used, after the built-in ``rules/`` folder and before the ``rule-paths`` key.
    """


@hookspec
def corpuslint_reporters() -> dict[str, type[Reporter]]:
    """Return output formats as ``{name: Reporter subclass}``, selected with ``--format NAME``.

    Called once per run; later plugins may not override an existing name.
    """


# -- per file, per document ----------------------------------------------------


@hookspec(firstresult=True)
def corpuslint_read(path: Path, display_path: str, settings: Settings) -> Iterable[Document] | None:
    """Read one file into documents.

    :param path: the file on disk.
    :param display_path: the path as the user walked it, to put in ``Document.path``.
    :returns: an iterable of :class:`corpuslint.model.Document` (one for a text
        file, one per record for a JSONL file), or ``None`` if this reader does not
        handle the file. The first non-None result wins; the built-in text reader
        runs last and reads anything. Undecodable bytes must become document data
        (``decode_errors``, ``binary``), not exceptions. ``OSError`` propagates
        and is reported as an unreadable file.
    """


@hookspec(firstresult=True)
def corpuslint_write_records(path: Path, texts: Mapping[int, str], settings: Settings) -> bool | None:
    """Write fixed texts back into a multi-record file (for ``--fix``).

    :param texts: 0-based record index (``document.metadata["_index"]``) -> new text.
    :returns: True once written, or None if this plugin does not write this kind of
        file. Only the text field of those records may change; everything else stays
        byte for byte. The first non-None result wins; write atomically.
    """


@hookspec
def corpuslint_annotate(document: Document, ruleset: RuleSet) -> None:
    """Add facts to a document before rules run (e.g. ``document.facts["date"]``).

    :param ruleset: the run's rules (active ones with their options and compiled
        packs), so an annotator can use the same vocabulary as its rules.

    Called once per document, in the worker that lints it; every implementation
    is called. Must not raise for any input; an exception becomes an ``internal``
    finding naming the plugin.
    """

