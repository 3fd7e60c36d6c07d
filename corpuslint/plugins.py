"""The plugin manager: built-in plugins, entry-point plugins, fail-soft loading."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

import pluggy

from corpuslint import hookspecs

__all__ = ["DEFAULT_PLUGINS", "ENTRY_POINT_GROUP", "PluginLoadError", "get_plugin_manager"]

ENTRY_POINT_GROUP = "corpuslint"

#: Built-in plugins, registered under their short name (blockable with ``disable-plugins``).
#: Readers first; the fallback text reader is ``trylast`` anyway.
DEFAULT_PLUGINS: tuple[tuple[str, str], ...] = (
    ("core", "corpuslint.core_rules"),
    ("readers", "corpuslint.readers"),
    ("records", "corpuslint.records"),
    ("encoding", "corpuslint.families.encoding"),
    ("duplication", "corpuslint.families.duplication"),
    ("residue", "corpuslint.families.residue"),
    ("dates", "corpuslint.families.dates"),
    ("quotes", "corpuslint.families.quotes"),
    ("reporters", "corpuslint.reporters.builtin"),
)


@dataclass
class PluginLoadError:
    """A plugin that failed to load; the run goes on without it."""

    name: str
    package: str
    error: str

    def __str__(self) -> str:
        return f"corpuslint: failed to load plugin '{self.name}' from package '{self.package}': {self.error}"


@dataclass
class PluginManager:
    """pluggy's manager plus what went wrong while loading."""

    pm: pluggy.PluginManager
    load_errors: list[PluginLoadError] = field(default_factory=list)
    #: entry-point plugin name -> "package version" (part of the cache key)
    versions: dict[str, str] = field(default_factory=dict)

    @property
    def hook(self) -> Any:
        return self.pm.hook

    def plugin_name_of(self, impl_module: str) -> str:
        for name, plugin in self.pm.list_name_plugin():
            if getattr(plugin, "__name__", None) == impl_module:
                return name
        return impl_module

    def names(self) -> list[str]:
        return [name for name, plugin in self.pm.list_name_plugin() if plugin is not None]



def get_plugin_manager(
    *,
    entry_points: bool = True,
    disabled: Iterable[str] = (),
    extra: Sequence[Any] = (),
) -> PluginManager:
    """Build a manager with the built-in plugins, entry-point plugins and ``extra`` objects.

    A plugin that fails to import is recorded in ``load_errors`` (and printed by
    the CLI) and skipped; it never stops the run.
    """
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    manager = PluginManager(pm)
    disabled = set(disabled)
    for name in disabled:
        pm.set_blocked(name)
    for name, modname in DEFAULT_PLUGINS:
        if name in disabled:
            continue
        pm.register(importlib.import_module(modname), name=name)
    if entry_points:
        _load_entry_points(manager, disabled)
    for obj in extra:
        pm.register(obj)
    pm.check_pending()
    return manager


def _load_entry_points(manager: PluginManager, disabled: set[str]) -> None:
    pm = manager.pm
    for ep in sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        if ep.name in disabled or pm.get_plugin(ep.name) is not None:
            continue
        dist = getattr(ep, "dist", None)
        package = f"{dist.name} {dist.version}" if dist is not None else "?"
        try:
            plugin = ep.load()
            pm.register(plugin, name=ep.name)
            _check_hooks(pm, plugin)
            manager.versions[ep.name] = package
        except Exception as e:  # noqa: BLE001 - fail soft: report and go on
            manager.load_errors.append(PluginLoadError(ep.name, package, f"{type(e).__name__}: {e}"))
            try:
                pm.unregister(name=ep.name)
            except (ValueError, KeyError):  # pragma: no cover - not registered
                pass


def _check_hooks(pm: pluggy.PluginManager, plugin: Any) -> None:
    """``pm.check_pending()`` for one plugin: a hook implementation that no spec declares is an error."""
    for caller in pm.get_hookcallers(plugin) or ():
        if caller.has_spec():
            continue
        for impl in caller.get_hookimpls():
            if impl.plugin is plugin and not impl.optionalhook:
                raise pluggy.PluginValidationError(plugin, f"unknown hook '{caller.name}' (misspelt?)")


def print_load_errors(manager: PluginManager) -> None:
    for err in manager.load_errors:
        print(str(err), file=sys.stderr)
