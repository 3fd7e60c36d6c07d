"""The rules of a run: collected from plugins and packs, selected, configured, compiled."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpuslint.config import ConfigError, Settings
from corpuslint.kinds import rule_from_pack
from corpuslint.model import Severity
from corpuslint.packs import Pack, PackError, builtin_pack_dir, load_packs, validate_pack
from corpuslint.plugins import PluginLoadError, PluginManager
from corpuslint.rule import Rule

__all__ = ["ActiveRule", "RuleSet", "build_ruleset", "collect_rules", "selector_specificity"]


class _Uncompiled:
    """Marks packs not compiled yet (a class: pickled by reference, so Ray workers know it too)."""


@dataclass
class ActiveRule:
    """A selected rule with its effective severity, options and compiled packs.

    The packs are compiled on first use of ``vocabulary`` (the engine asks before its first
    document): a run whose files all come from the cache never compiles the few hundred
    patterns of the built-in packs. Packs of the user are compiled at once, so that an
    error in them is a configuration error before anything runs.
    """

    rule: Rule
    severity: Severity
    options: dict[str, Any]
    packs: Sequence[Pack] = ()
    _vocabulary: Any = field(default=_Uncompiled, repr=False, compare=False)

    @property
    def vocabulary(self) -> Any:
        """What ``rule.compile_packs(packs)`` returned, compiled once."""
        if self._vocabulary is _Uncompiled:
            self._vocabulary = self.rule.compile_packs(self.packs)
        return self._vocabulary

    @property
    def code(self) -> str:
        return self.rule.code


@dataclass
class RuleSet:
    rules: dict[str, Rule]
    active: list[ActiveRule]
    per_file_ignores: list[tuple[str, frozenset[str]]] = field(default_factory=list)
    packs: list[Pack] = field(default_factory=list)

    def for_path(self, path: str) -> list[ActiveRule]:
        """Active rules minus those ``per-file-ignores`` turns off for ``path``."""
        if not self.per_file_ignores:
            return self.active
        off: set[str] = set()
        name = Path(path).name
        for glob, codes in self.per_file_ignores:
            if fnmatch.fnmatch(path, glob) or fnmatch.fnmatch(name, glob) or fnmatch.fnmatch(path, f"*/{glob}"):
                off |= codes
        return [a for a in self.active if a.code not in off] if off else self.active


def collect_rules(manager: PluginManager) -> dict[str, Rule]:
    """Call ``corpuslint_rules`` on each plugin; a crashing plugin is recorded and skipped."""
    rules: dict[str, Rule] = {}
    names: dict[str, str] = {}
    for impl in reversed(manager.pm.hook.corpuslint_rules.get_hookimpls()):
        try:
            provided: list[Rule] = list(impl.function() or ())  # type: ignore[call-overload]
            for r in provided:
                r.validate()
        except Exception as e:  # noqa: BLE001 - fail soft
            manager.load_errors.append(
                PluginLoadError(impl.plugin_name, manager.versions.get(impl.plugin_name, "?"),
                                f"corpuslint_rules raised {type(e).__name__}: {e}")
            )
            continue
        for r in provided:
            r.plugin = impl.plugin_name
            if r.code in rules:
                raise ConfigError(
                    f"rule code {r.code} is registered twice (plugins '{rules[r.code].plugin}' and '{r.plugin}')"
                )
            if r.name in names:
                raise ConfigError(f"rule name {r.name} is used by {names[r.name]} and {r.code}")
            rules[r.code] = r
            names[r.name] = r.code
    return rules


def selector_specificity(selector: str, rule: Rule) -> int:
    """How precisely ``selector`` names ``rule``: 0 = not at all; higher wins."""
    if selector == rule.code or selector == rule.name:
        return 100
    if selector == "ALL":
        return 1
    if selector == rule.category:
        return 2
    if selector[:1].isupper() and rule.code.startswith(selector):
        return 2 + len(selector)
    return 0


def _check_selectors(selectors: Iterable[str], rules: Iterable[Rule], where: str, key: str) -> None:
    rules = list(rules)
    for s in selectors:
        if not any(selector_specificity(s, r) for r in rules):
            raise ConfigError(f"{where}: key '{key}': unknown rule selector '{s}'")


def _select(settings: Settings, rules: Sequence[Rule]) -> list[Rule]:
    where = settings.where
    enable = list(settings.select or []) + list(settings.extend_select)
    _check_selectors(settings.select or [], rules, where, "select")
    _check_selectors(settings.extend_select, rules, where, "extend-select")
    _check_selectors(settings.ignore, rules, where, "ignore")
    chosen = []
    for r in rules:
        best_on = max((selector_specificity(s, r) for s in enable), default=0)
        best_off = max((selector_specificity(s, r) for s in settings.ignore), default=0)
        if best_off and best_off >= best_on:
            continue
        if best_on or (settings.select is None and r.enabled_by_default):
            chosen.append(r)
        elif r.code.startswith("CL"):
            chosen.append(r)  # internal rules are always on unless ignored by name
    return chosen


def _rule_options(settings: Settings, rule: Rule) -> tuple[Severity, dict[str, Any], bool | None]:
    options = rule.defaults()
    severity = rule.severity
    enabled: bool | None = None
    for key in (rule.code, rule.name):
        table = settings.rules.get(key)
        if not table:
            continue
        for name, value in table.items():
            where = f"{settings.where}: key 'rules.{key}.{name}'"
            if name == "severity":
                try:
                    severity = Severity.parse(str(value))
                except ValueError as e:
                    raise ConfigError(f"{where}: {e}") from None
            elif name == "enabled":
                if not isinstance(value, bool):
                    raise ConfigError(f"{where}: must be a boolean")
                enabled = value
            else:
                opt = next((o for o in rule.options if o.name == name), None)
                if opt is None:
                    known = ", ".join(["severity", "enabled", *(o.name for o in rule.options)])
                    raise ConfigError(f"{settings.where}: unknown option '{name}' for rule {rule.code} "
                                      f"({rule.name}) in [rules.{key}] (known: {known})")
                try:
                    options[name] = opt.validate(value)
                except ValueError as e:
                    raise ConfigError(f"{where}: {e}") from None
    return severity, options, enabled


def build_ruleset(settings: Settings, manager: PluginManager) -> RuleSet:
    """Everything rules need for a run; raises ConfigError on bad config or packs."""
    rules = collect_rules(manager)
    shipped: list[Path] = [builtin_pack_dir()]
    for paths in manager.hook.corpuslint_rule_paths():
        shipped.extend(Path(p) for p in paths or ())
    packs = load_packs(shipped, builtin=True) + load_packs(settings.rule_paths)
    by_name = {r.name: r for r in rules.values()}
    extending: dict[str, list[Pack]] = {}
    for pack in packs:
        if pack.kind:
            new = rule_from_pack(pack)
            if new.code in rules:
                raise PackError(f"{pack.path}: rule code {new.code} already exists (from '{rules[new.code].plugin}')")
            new.plugin = f"pack:{pack.path.name}"
            rules[new.code] = new
            by_name[new.name] = new
            extending.setdefault(new.code, []).append(pack)
            continue
        target = rules.get(pack.extends or "") or by_name.get(pack.extends or "")
        targets = [target] if target is not None else [
            r for r in rules.values() if r.pack_group and r.pack_group == pack.extends
        ]
        if not targets and pack.builtin:
            continue  # its rules' plugin is disabled
        if not targets:
            raise PackError(f"{pack.path}: key 'extends': no rule or rule group named '{pack.extends}'")
        for t in targets:
            if t.pack_schema is None:
                raise PackError(f"{pack.path}: rule {t.code} ({t.name}) takes no packs")
            validate_pack(pack, t.pack_schema, f"rule {t.code} ({t.name})")
            extending.setdefault(t.code, []).append(pack)

    for key in settings.rules:
        if key not in rules and key not in by_name:
            raise ConfigError(f"{settings.where}: key 'rules.{key}': no rule with that code or name")
    selected = _select(settings, sorted(rules.values(), key=lambda r: r.code))
    active: list[ActiveRule] = []
    selected_codes = {r.code for r in selected}
    for r in sorted(rules.values(), key=lambda r: r.code):
        severity, options, enabled = _rule_options(settings, r)
        on = r.code in selected_codes if enabled is None else enabled
        if not on:
            continue
        ar = ActiveRule(r, severity, options, extending.get(r.code, []))
        if not all(p.builtin for p in ar.packs):
            ar.vocabulary  # noqa: B018 - compiled now: errors in the user's packs stop the run before it starts
        active.append(ar)
    pfi = []
    for glob, selectors in settings.per_file_ignores.items():
        _check_selectors(selectors, rules.values(), settings.where, f"per-file-ignores.{glob}")
        codes = frozenset(
            r.code for r in rules.values() if any(selector_specificity(s, r) for s in selectors)
        )
        pfi.append((glob, codes))
    return RuleSet(rules=rules, active=active, per_file_ignores=pfi, packs=packs)

