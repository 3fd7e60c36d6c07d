"""Rule documentation: every rule is documented in the ruff shape, docs/rules.md is fresh."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpuslint.rule import DOC_SECTIONS, doc_sections
from corpuslint.ruledocs import render_rules_markdown
from corpuslint.session import open_session

ROOT = Path(__file__).resolve().parent.parent
SESSION = open_session(isolated=True, entry_points=False)
BUILTIN = [r for r in SESSION.ruleset.rules.values() if not r.plugin.startswith("pack:")]


@pytest.mark.parametrize("rule", BUILTIN, ids=lambda r: r.code)
def test_rule_doc_has_all_sections(rule) -> None:  # type: ignore[no-untyped-def]
    sections = doc_sections(rule.doc)
    missing = [s for s in DOC_SECTIONS if not sections.get(s)]
    assert not missing, f"{rule.code} doc lacks {missing}"
    assert rule.summary and not rule.summary.startswith("#")
    assert "```" in sections["Example"], f"{rule.code}: the example shows real output"


def test_codes_and_names_are_unique_and_stable() -> None:
    codes = [r.code for r in BUILTIN]
    names = [r.name for r in BUILTIN]
    assert len(set(codes)) == len(codes) and len(set(names)) == len(names)
    prefixes = {"encoding": "ENC", "duplication": "DUP", "residue": "RES", "date": "DAT", "quotes": "QUO", "internal": "CL"}
    for r in BUILTIN:
        assert r.code.startswith(prefixes[r.category]), r.code


def test_docs_rules_md_is_generated_from_the_rules() -> None:
    expected = render_rules_markdown(BUILTIN)
    actual = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert actual == expected, "docs/rules.md is stale: run `python -m corpuslint.ruledocs > docs/rules.md`"


def test_every_rule_has_rule_cases() -> None:
    have = {p.stem for p in (ROOT / "tests" / "rule_cases").glob("*.toml")}
    corpus_rules = {r.code for r in BUILTIN if r.unit == "corpus"} | {"CL001"}
    missing = sorted({r.code for r in BUILTIN} - have - corpus_rules)
    assert not missing, f"rules without tests/rule_cases/<CODE>.toml: {missing}"


def test_readme_quick_start() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "corpuslint seeds/" in readme
    assert "pytest" in readme


def test_readme_shows_the_real_output_of_the_seeds(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from corpuslint.cli import main

    monkeypatch.chdir(ROOT)
    main(["seeds/", "--color", "never", "--isolated"])
    out = capsys.readouterr().out
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- seeds-output:start -->\n```text\n", 1)[1].split("```\n<!-- seeds-output:end -->", 1)[0]
    assert block == out, "README's pasted output of `corpuslint seeds/` is stale"


def test_configuration_doc_lists_every_key() -> None:
    from corpuslint.config import CORE_KEYS

    text = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    keys = [k.name for k in CORE_KEYS]
    for ks in SESSION.manager.hook.corpuslint_config_keys():
        keys.extend(k.name for k in ks or ())
    missing = [k for k in keys if f"| `{k}` |" not in text]
    assert not missing, f"docs/configuration.md lacks {missing}"
