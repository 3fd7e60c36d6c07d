"""Rule packs: TOML files of vocabulary (phrases, patterns, month names, quote pairs).

A pack either extends an existing rule (``extends = "RES001"`` or its name) with
more data, or defines a new rule of a data-driven kind (``kind = "phrases"``
with ``code``, ``name``, ``category``). Keys are validated against what the rule
or kind accepts; an unknown key is an error naming the file and the key.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpuslint.config import ConfigError
from corpuslint.packcache import load_pack_toml

__all__ = ["BUILTIN_PACKS", "META_KEYS", "Pack", "PackError", "builtin_pack_dir", "load_packs"]

#: keys every pack may hold, whatever it extends
META_KEYS: Mapping[str, type | tuple[type, ...]] = {
    "extends": str,
    "kind": str,
    "language": str,
    "description": str,
    # only for packs that define a new rule (with ``kind``)
    "code": str,
    "name": str,
    "category": str,
    "severity": str,
    "message": str,
    "link": str,
    "doc": str,
    "enabled": bool,
}


class PackError(ConfigError):
    """A pack that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Pack:
    path: Path
    extends: str | None
    kind: str | None
    language: str
    meta: Mapping[str, Any]
    data: Mapping[str, Any] = field(default_factory=dict)
    #: shipped with corpuslint or a plugin (True) or from the user's ``rule-paths`` (False)
    builtin: bool = False

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)


def builtin_pack_dir() -> Path:
    """The ``rules/`` folder: inside the installed wheel, or at the top of a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_rules", here.parent / "rules"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"corpuslint's rule packs are missing (looked in {here / '_rules'})")


BUILTIN_PACKS = "builtin"


def iter_pack_files(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files.extend(sorted(p.rglob("*.toml")))
        elif p.is_file():
            files.append(p)
        else:
            raise PackError(f"rule-paths: {p} does not exist")
    return files


def load_packs(paths: Iterable[Path], builtin: bool = False) -> list[Pack]:
    """Read every ``*.toml`` under ``paths`` (in order); syntax errors name the file."""
    packs = []
    for f in iter_pack_files(paths):
        if f.name == "pyproject.toml":
            continue
        data = load_pack_toml(f)
        meta = {k: data.pop(k) for k in list(data) if k in META_KEYS}
        for k, v in meta.items():
            want = META_KEYS[k]
            if not isinstance(v, want):
                raise PackError(f"{f}: key '{k}' must be {getattr(want, '__name__', want)}, got {v!r}")
        if not meta.get("extends") and not meta.get("kind"):
            raise PackError(f"{f}: a pack needs 'extends' (a rule code or name) or 'kind' (to define a rule)")
        packs.append(
            Pack(
                path=f,
                extends=meta.get("extends"),
                kind=meta.get("kind"),
                language=meta.get("language", "*"),
                meta=meta,
                data=data,
                builtin=builtin,
            )
        )
    return packs


def validate_pack(pack: Pack, schema: Mapping[str, type | tuple[type, ...]], target: str) -> None:
    """Check the pack's data keys against ``schema``; raise PackError naming file and key."""
    for key, value in pack.data.items():
        want = schema.get(key)
        if want is None:
            allowed = ", ".join(sorted(schema)) or "no keys"
            raise PackError(f"{pack.path}: unknown key '{key}' for {target} (accepted: {allowed})")
        if not isinstance(value, want):
            tname = want.__name__ if isinstance(want, type) else " or ".join(t.__name__ for t in want)
            raise PackError(f"{pack.path}: key '{key}' must be {tname}, got {type(value).__name__}")
        if isinstance(value, list):
            for item in value:
                if isinstance(item, (list, dict)):
                    continue
                if not isinstance(item, (str, int, float)):
                    raise PackError(f"{pack.path}: key '{key}' holds an unsupported item {item!r}")
