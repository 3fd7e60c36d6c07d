"""Loading the labeled case files kept one per language (tests/date_cases, tests/quote_cases)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from corpuslint.config import load_toml

#: languages whose date packs came after the labeled set of five (tests/date_cases/LANG.toml,
#: a few cases each, asserted exactly by test_dates_corpus and read by test_dates_scan)
DATE_PACK_LANGUAGES = ("id", "ms", "hr", "sr", "sl", "sk", "bg", "lt", "lv", "et", "fa", "ur", "he", "ko", "tl", "sw", "bn",
                       "eu", "gl", "sq", "is", "cy", "af", "mk", "ta")


def load_language_cases(folder: Path, languages: tuple[str, ...]) -> list[dict[str, Any]]:
    """Every ``[[case]]`` of ``folder/<lang>.toml``; a case's language defaults to its file's."""
    cases = []
    for lang in languages:
        path = folder / f"{lang}.toml"
        if not path.exists():
            continue
        data = load_toml(path)
        for case in data["case"]:
            case.setdefault("language", data.get("language", lang))
            case["file_language"] = lang
            cases.append(case)
    return cases
