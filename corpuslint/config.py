"""Configuration: ``[tool.corpuslint]`` in pyproject.toml, or corpuslint.toml.

The nearest file above the first path wins (corpuslint.toml before pyproject.toml
in the same folder); command-line flags override it. Every key is declared with
a type, a default and a help text; an unknown key, a wrong type or an unknown
rule is a :class:`ConfigError` naming the key and the file.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpuslint.model import Severity

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["CORE_KEYS", "ConfigError", "ConfigKey", "Settings", "find_config", "load_toml"]

CONFIG_NAMES = ("corpuslint.toml", ".corpuslint.toml", "pyproject.toml")

DEFAULT_INCLUDE = ("*.txt", "*.md", "*.jsonl", "*.jsonl.gz", "*.jsonl.zst")

DEFAULT_EXCLUDE = (
    ".git",
    ".hg",
    ".svn",
    ".tox",
    ".nox",
    ".venv",
    "venv",
    "node_modules",
    "__pycache__",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".corpuslint_cache",
    "build",
    "dist",
    "site-packages",
)


_Type = type  # the builtin, for annotations inside classes with a field named ``type``


class ConfigError(Exception):
    """The configuration cannot be used; the message names the key and the file."""


@dataclass(frozen=True)
class ConfigKey:
    """A declared top-level configuration key."""

    name: str
    type: type | tuple[type, ...]
    default: Any
    help: str
    #: for list keys: the type of the items
    item_type: _Type | None = None

    def check(self, value: Any, where: str) -> Any:
        types = self.type if isinstance(self.type, tuple) else (self.type,)
        if isinstance(value, bool) and bool not in types:
            raise ConfigError(f"{where}: key '{self.name}' must be {_tname(types)}, got {value!r}")
        if not isinstance(value, types):
            raise ConfigError(
                f"{where}: key '{self.name}' must be {_tname(types)}, "
                f"got {type(value).__name__} {value!r}"
            )
        if self.item_type is not None and isinstance(value, list):
            for item in value:
                if not isinstance(item, self.item_type):
                    raise ConfigError(
                        f"{where}: key '{self.name}' must hold {self.item_type.__name__} items, "
                        f"got {item!r}"
                    )
        return value


def _tname(types: tuple[type, ...]) -> str:
    names = {"str": "a string", "list": "a list", "dict": "a table", "int": "an integer",
             "bool": "a boolean", "float": "a number"}
    return " or ".join(names.get(t.__name__, t.__name__) for t in types)


CORE_KEYS: tuple[ConfigKey, ...] = (
    ConfigKey("select", list, None, "Rules to enable (codes, prefixes, categories or names); replaces the default set.", str),
    ConfigKey("extend-select", list, [], "Rules to enable on top of `select` or the default set.", str),
    ConfigKey("ignore", list, [], "Rules to disable.", str),
    ConfigKey("extend-ignore", list, [], "More rules to disable (added to `ignore`).", str),
    ConfigKey("per-file-ignores", dict, {}, "Map of glob -> rules to disable for the matching files."),
    ConfigKey("include", list, list(DEFAULT_INCLUDE), "File globs linted when walking directories.", str),
    ConfigKey("exclude", list, list(DEFAULT_EXCLUDE), "Globs of files and folders never linted, even when named.", str),
    ConfigKey("extend-exclude", list, [], "More globs to exclude (added to `exclude`).", str),
    ConfigKey("language", str, None, "Language to assume when the guess is unsure (ISO 639-1: fr, en, ...)."),
    ConfigKey("rule-paths", list, [], "Folders (or files) of extra TOML rule packs, relative to the config file.", str),
    ConfigKey("fail-on", str, "warning", "Lowest severity that makes the exit code 1: info, warning or error."),
    ConfigKey("baseline", str, None, "Baseline file; findings recorded in it are not reported."),
    ConfigKey("disable-plugins", list, [], "Plugins (entry-point or built-in names) not to load.", str),
    ConfigKey("rules", dict, {}, "Per-rule tables: [rules.<code-or-name>] severity, enabled, and options."),
)


@dataclass
class Settings:
    """The resolved configuration of a run."""

    root: Path = field(default_factory=Path.cwd)
    source: Path | None = None
    select: list[str] | None = None
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    include: list[str] = field(default_factory=lambda: list(DEFAULT_INCLUDE))
    exclude: list[str] = field(default_factory=lambda: list(DEFAULT_EXCLUDE))
    language: str | None = None
    rule_paths: list[Path] = field(default_factory=list)
    fail_on: Severity = Severity.WARNING
    baseline: Path | None = None
    disable_plugins: list[str] = field(default_factory=list)
    #: raw per-rule tables, keyed as written (code or name); validated against the rules
    rules: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: keys declared by plugins
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def where(self) -> str:
        return str(self.source) if self.source else "command line"

    def to_dict(self) -> dict[str, Any]:
        """Plain view for ``--show-settings``."""
        return {
            "config-file": str(self.source) if self.source else None,
            "root": str(self.root),
            "select": self.select,
            "extend-select": self.extend_select,
            "ignore": self.ignore,
            "per-file-ignores": self.per_file_ignores,
            "include": self.include,
            "exclude": self.exclude,
            "language": self.language,
            "rule-paths": [str(p) for p in self.rule_paths],
            "fail-on": self.fail_on.value,
            "baseline": str(self.baseline) if self.baseline else None,
            "disable-plugins": self.disable_plugins,
            "rules": self.rules,
            **self.extra,
        }


def load_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file; a syntax error or unreadable file is a ConfigError naming it."""
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise ConfigError(f"{path}: cannot read: {e.strerror or e}") from None
    return parse_toml(raw, path)


def parse_toml(raw: bytes, path: Path) -> dict[str, Any]:
    """Parse the bytes of the TOML file ``path``; bytes that are not UTF-8 or not TOML are a
    ConfigError naming it."""
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as e:
        raise ConfigError(f"{path}: invalid TOML: not UTF-8 (byte {e.start}: {e.reason})") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: invalid TOML: {e}") from None


def comma_list(value: str) -> list[str]:
    """``"a, b,c"`` -> ``["a", "b", "c"]``: how command lines take several selectors."""
    return [v.strip() for v in value.split(",") if v.strip()]


def read_json(path: Path, what: str = "") -> Any:
    """Parse a JSON file; unreadable or invalid JSON is a ConfigError naming the file."""
    import json

    label = f" the {what}" if what else ""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise ConfigError(f"{path}: cannot read{label}: {e.strerror or e}") from None
    except json.JSONDecodeError as e:
        raise ConfigError(f"{path}: {'the ' + what if what else 'it'} is not valid JSON: {e}") from None


def find_config(start: Path) -> tuple[Path | None, dict[str, Any]]:
    """The nearest config file at or above ``start`` and its corpuslint table."""
    start = start.resolve()
    folder = start if start.is_dir() else start.parent
    for d in (folder, *folder.parents):
        for name in CONFIG_NAMES:
            p = d / name
            if not p.is_file():
                continue
            data = load_toml(p)
            if name == "pyproject.toml":
                tool = data.get("tool", {})
                if not isinstance(tool, dict) or "corpuslint" not in tool:
                    continue
                table = tool["corpuslint"]
            else:
                table = data  # same keys as [tool.corpuslint], at the top level
            if not isinstance(table, dict):
                raise ConfigError(f"{p}: [tool.corpuslint] must be a table")
            return p, table
    return None, {}


def build_settings(
    table: Mapping[str, Any],
    source: Path | None,
    keys: Sequence[ConfigKey],
    overrides: Mapping[str, Any] | None = None,
    root: Path | None = None,
) -> Settings:
    """Validate ``table`` against the declared ``keys`` and apply command-line ``overrides``.

    ``overrides`` use the same key names; list-valued ``extend-select`` and
    ``ignore`` overrides extend the file's value, the others replace it.
    """
    where = str(source) if source else "command line"
    declared = {k.name: k for k in keys}
    values: dict[str, Any] = {}
    for name, value in table.items():
        key = declared.get(name)
        if key is None:
            hint = _close(name, declared)
            raise ConfigError(f"{where}: unknown key '{name}'{hint}")
        values[name] = key.check(value, where)
    for name, value in (overrides or {}).items():
        if value is None:
            continue
        key = declared[name]
        value = key.check(value, "command line")
        if name in ("extend-select", "ignore", "extend-exclude") and name in values:
            values[name] = [*values[name], *value]
        else:
            values[name] = value

    def get(name: str) -> Any:
        if name in values:
            return values[name]
        # a fresh copy: settings are mutable, the declared defaults must not be
        return copy.deepcopy(declared[name].default)

    root = source.parent if source else (root or Path.cwd())
    pfi = get("per-file-ignores")
    for glob, sel in pfi.items():
        if isinstance(sel, str):
            pfi[glob] = [sel]
        elif not (isinstance(sel, list) and all(isinstance(s, str) for s in sel)):
            raise ConfigError(f"{where}: key 'per-file-ignores.{glob}' must be a list of rule selectors")
    rules_table = get("rules")
    for rname, rtable in rules_table.items():
        if not isinstance(rtable, dict):
            raise ConfigError(f"{where}: key 'rules.{rname}' must be a table")
    try:
        fail_on = Severity.parse(get("fail-on"))
    except ValueError as e:
        raise ConfigError(f"{where}: key 'fail-on': {e}") from None
    baseline = get("baseline")
    settings = Settings(
        root=root,
        source=source,
        select=get("select"),
        extend_select=get("extend-select"),
        ignore=[*get("ignore"), *get("extend-ignore")],
        per_file_ignores=pfi,
        include=get("include"),
        exclude=[*get("exclude"), *get("extend-exclude")],
        language=get("language"),
        rule_paths=[(root / p) for p in get("rule-paths")],
        fail_on=fail_on,
        baseline=(root / baseline) if baseline else None,
        disable_plugins=get("disable-plugins"),
        rules=rules_table,
    )
    core = {k.name for k in CORE_KEYS}
    for k in keys:
        if k.name not in core:
            settings.extra[k.name] = get(k.name)
    return settings


def _close(name: str, choices: Mapping[str, Any]) -> str:
    import difflib

    match = difflib.get_close_matches(name, list(choices), n=1)
    return f" (did you mean '{match[0]}'?)" if match else ""
