"""A configured run: settings + plugin manager + rules, shared by the CLI, pytest plugin and API."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpuslint import __version__
from corpuslint.config import CORE_KEYS, ConfigError, ConfigKey, Settings, build_settings, find_config, load_toml
from corpuslint.discover import Discovered, Missing, discover
from corpuslint.engine import Engine, RunResult
from corpuslint.model import Document, Finding
from corpuslint.plugins import PluginManager, get_plugin_manager
from corpuslint.registry import RuleSet, build_ruleset

__all__ = ["Session", "open_session"]


@dataclass
class Session:
    settings: Settings
    manager: PluginManager
    ruleset: RuleSet
    #: how to open the same session elsewhere (another process or machine): see ``reopen``
    spec: dict[str, Any] = field(default_factory=dict)

    def reopen(self) -> Session:
        """A fresh session from ``spec``: the configuration travels as data, not as a path."""
        return open_session(**self.spec)

    def engine(self, **kw: Any) -> Engine:
        return Engine(self.settings, self.manager, self.ruleset, **kw)

    def discover(self, paths: Sequence[str]) -> tuple[list[Discovered], list[Missing]]:
        s = self.settings
        return discover(paths, s.include, s.exclude, s.root)

    def lint(self, paths: Sequence[str], jobs: int = 1, use_cache: bool = False, **kw: Any) -> RunResult:
        """Lint files and folders; ``use_cache`` reads and fills ``.corpuslint_cache/``."""
        files, missing = self.discover(paths)
        if use_cache:
            from corpuslint.cache import Cache

            kw["cache"] = Cache(self.settings.root, self.config_hash())
        engine = self.engine(**kw)
        result = engine.run(files, jobs=jobs)
        if missing:
            result.findings.extend(engine._unreadable(m.display, m.reason) for m in missing)
            result.findings.sort(key=lambda f: f.sort_key)
        return result

    def document(self, text: str | bytes, path: str = "<text>", **kw: Any) -> Document:
        """A Document from a text or raw bytes, decoded like a file would be."""
        from corpuslint.readers import document_from_bytes

        raw = text.encode("utf-8") if isinstance(text, str) else text
        return document_from_bytes(raw, path, self.settings, **kw)

    def lint_text(self, text: str | bytes, path: str = "<text>", **kw: Any) -> list[Finding]:
        """Findings of the per-document rules on one text (no corpus rules)."""
        findings, _, _ = self.engine().lint_document(self.document(text, path, **kw))
        return sorted(findings, key=lambda f: f.sort_key)

    def fix_text(self, text: str, path: str = "<text>", unsafe: bool = False, **kw: Any) -> str:
        """The text with its fixes applied (safe ones, or all with ``unsafe``)."""
        engine = self.engine(fix=True, unsafe_fixes=unsafe)
        doc = self.document(text, path, **kw)
        findings, _, _ = engine.lint_document(doc)
        return engine.fix_document(doc, findings).document.text

    def config_hash(self) -> str:
        """Digest of everything that changes findings: settings, active rules, packs, versions."""
        h = hashlib.sha256()
        h.update(__version__.encode())
        settings = self.settings.to_dict()
        # what only decides the exit code or the report (fail-on, the baseline), where the
        # configuration was read from, and the root when no path-based setting reads it: a
        # `merge --fail-on error`, or one run from another folder, finds the same
        for key in ("fail-on", "baseline", "config-file"):
            settings.pop(key, None)
        if not settings.get("per-file-ignores"):
            settings.pop("root", None)
        h.update(json.dumps(settings, sort_keys=True, default=str).encode())
        for ar in self.ruleset.active:
            h.update(f"{ar.code}:{ar.severity.value}:{sorted(ar.options.items())}".encode())
        for p in self.ruleset.packs:
            try:
                h.update(p.path.read_bytes())
            except OSError:
                pass
        for name, ver in sorted(self.manager.versions.items()):
            h.update(f"{name}={ver}".encode())
        h.update(_code_stamp().encode())
        return h.hexdigest()[:32]


def _code_stamp() -> str:
    """Size and mtime of corpuslint's own modules: an edited checkout must not reuse old results."""
    root = Path(__file__).resolve().parent
    parts = []
    for p in sorted(root.rglob("*.py")):
        try:
            st = p.stat()
        except OSError:
            continue
        parts.append(f"{p.relative_to(root)}:{st.st_size}:{st.st_mtime_ns}")
    return "|".join(parts)


def open_session(
    start: Path | None = None,
    *,
    config_file: Path | None = None,
    isolated: bool = False,
    overrides: Mapping[str, Any] | None = None,
    extra_plugins: Sequence[Any] = (),
    entry_points: bool = True,
    table: Mapping[str, Any] | None = None,
    source: Path | None = None,
    root: Path | None = None,
) -> Session:
    """Find and read the configuration, load plugins, build the rule set.

    ``start`` is where the configuration search begins (the first path).
    Raises :class:`ConfigError` on any configuration problem.
    """
    if table is not None:
        pass  # given as data (Session.reopen in another process)
    elif isolated:
        source, table = None, {}
    elif config_file is not None:
        data = load_toml(config_file)
        source = config_file
        if config_file.name == "pyproject.toml":
            table = data.get("tool", {}).get("corpuslint", {})
        else:
            table = data
    else:
        source, table = find_config(start or Path.cwd())
    disabled = list((overrides or {}).get("disable-plugins") or [])
    raw_disabled = table.get("disable-plugins", [])
    if isinstance(raw_disabled, list):
        disabled.extend(str(x) for x in raw_disabled)
    manager = get_plugin_manager(entry_points=entry_points, disabled=disabled, extra=extra_plugins)
    keys: list[ConfigKey] = list(CORE_KEYS)
    for plugin_keys in manager.hook.corpuslint_config_keys():
        for k in plugin_keys or ():
            if any(k.name == existing.name for existing in keys):
                raise ConfigError(f"config key '{k.name}' is declared twice")
            keys.append(k)
    settings = build_settings(table, source, keys, overrides, root)
    manager.hook.corpuslint_configure(settings=settings)
    ruleset = build_ruleset(settings, manager)
    spec = {"table": dict(table), "source": source, "root": settings.root, "overrides": dict(overrides or {}),
            "entry_points": entry_points}
    return Session(settings, manager, ruleset, spec)
