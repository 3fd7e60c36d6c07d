"""The Python API (corpuslint.api): texts, files and records, same engine as the CLI (issue #8)."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

import corpuslint.api as api
from corpuslint.api import ConfigError, Linter
from corpuslint.cli import main as cli_main
from corpuslint.model import Finding, Severity

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
MOJIBAKE = "Le cafÃ© est prÃªt.\nS'abonner\n"
CONTRACT_KEYS = ["path", "record", "line", "column", "end_line", "end_column", "code", "name", "category",
                 "severity", "message", "fingerprint", "url", "fix"]
LONG = ("Le conseil municipal a adopté le nouveau budget après un long débat mardi soir, et les élus de "
        "l'opposition ont annoncé qu'ils déposeraient un recours devant le tribunal administratif dans les "
        "prochaines semaines, estimant que les économies prévues sur les transports publics et les écoles "
        "pénaliseraient d'abord les quartiers les plus modestes de la ville et leurs habitants. ") * 2


@pytest.fixture(scope="module")
def linter() -> Linter:
    return Linter()


def test_lint_text_and_json_form(linter: Linter) -> None:
    findings = linter.lint_text(MOJIBAKE, metadata={"lang": "fr"})
    codes = [f.code for f in findings]
    assert codes.count("ENC003") == 2 and "RES001" in codes
    assert findings == sorted(findings, key=lambda f: f.sort_key)
    d = findings[1].to_dict()
    assert list(d) == CONTRACT_KEYS
    assert d["path"] == "<text>" and d["line"] == 1
    assert Finding.from_dict(json.loads(json.dumps(d))).to_dict() == d


def test_path_and_record_name_the_document(linter: Linter) -> None:
    f = linter.lint_text(MOJIBAKE, path="shard-3.jsonl", record="doc-17")[0]
    assert (f.path, f.record) == ("shard-3.jsonl", "doc-17")
    other = linter.lint_text(MOJIBAKE, path="shard-3.jsonl", record="doc-18")[0]
    assert f.fingerprint != other.fingerprint


def test_metadata_reaches_the_rules(linter: Linter) -> None:
    text = "Un texte court sans date.\n"
    assert "DAT001" in {f.code for f in linter.lint_text(text)}
    assert "DAT001" not in {f.code for f in linter.lint_text(text, metadata={"date": "2021-03-03"})}
    assert linter.document(text, {"lang": "de"}).language == "de"


def test_bytes_are_decoded_like_a_file(linter: Linter) -> None:
    raw = "Le café est prêt, l'été arrive à grands pas dans la ville.\n".encode("cp1252")
    assert "ENC001" in {f.code for f in linter.lint_text(raw)}


def test_same_findings_as_the_cli(linter: Linter, tmp_path: Path) -> None:
    out = tmp_path / "cli.json"
    cli_main([str(SEEDS), "--format", "json", "-o", str(out), "--isolated", "--no-cache", "-j", "1", "-q",
              "--exit-zero"])
    expected = json.loads(out.read_text(encoding="utf-8"))
    got = [f.to_dict() for f in linter.lint_paths([SEEDS])]
    assert got == expected
    one = sorted(SEEDS.glob("*.txt"))[3]
    by_file = [f.to_dict() for f in linter.lint_file(one)]
    assert by_file and all(d["path"] == str(one) for d in by_file)
    # per-document findings of lint_text are those of the file (the corpus rules aside)
    text_codes = sorted(f.code for f in linter.lint_text(one.read_bytes(), path=str(one)))
    file_codes = sorted(d["code"] for d in by_file)
    assert text_codes == file_codes


def test_config_mapping(tmp_path: Path) -> None:
    only_enc = Linter({"select": ["ENC"]})
    assert {f.code[:3] for f in only_enc.lint_text(MOJIBAKE)} == {"ENC"}
    assert all(r["code"].startswith(("ENC", "CL")) for r in only_enc.rules)
    relaxed = Linter({"select": ["ENC003"], "rules": {"ENC003": {"severity": "info"}}})
    assert {f.severity for f in relaxed.lint_text(MOJIBAKE)} == {Severity.INFO}
    with pytest.raises(ConfigError, match="bogus"):
        Linter({"bogus": 1})
    with pytest.raises(ConfigError):
        Linter({"select": "ENC"})  # a string, not a list
    with pytest.raises(ConfigError):
        Linter({"select": ["NOPE999"]})
    with pytest.raises(TypeError):
        Linter(42)  # type: ignore[arg-type]


def test_config_file(tmp_path: Path) -> None:
    toml = tmp_path / "corpuslint.toml"
    toml.write_text('select = ["RES"]\n', encoding="utf-8")
    assert {f.code for f in Linter(toml).lint_text(MOJIBAKE)} == {"RES001"}
    pyproject = tmp_path / "sub" / "pyproject.toml"
    pyproject.parent.mkdir()
    pyproject.write_text('[tool.corpuslint]\nselect = ["ENC003"]\n', encoding="utf-8")
    assert {f.code for f in Linter(str(pyproject)).lint_text(MOJIBAKE)} == {"ENC003"}
    assert {f.code for f in Linter.from_project(pyproject.parent).lint_text(MOJIBAKE)} == {"ENC003"}
    with pytest.raises(ConfigError, match="no such configuration file"):
        Linter(tmp_path / "missing.toml")


def test_isolated_defaults_ignore_the_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "corpuslint.toml").write_text('select = ["RES"]\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert "ENC003" in {f.code for f in Linter().lint_text(MOJIBAKE)}


def test_fix_text(linter: Linter) -> None:
    assert linter.fix_text(MOJIBAKE) == "Le café est prêt.\nS'abonner\n"
    assert linter.fix_text(MOJIBAKE, unsafe=True) == "Le café est prêt.\n"  # the UI line goes too
    clean = "Rien à corriger ici.\n"
    assert linter.fix_text(clean) == clean
    fixed = linter.fix_text(MOJIBAKE)
    assert linter.fix_text(fixed) == fixed
    assert not [f for f in linter.lint_text(fixed) if f.code == "ENC003"]


def test_records(linter: Linter) -> None:
    records = [
        {"id": "a", "text": LONG, "url": "https://example.org/a", "date": "2021-03-03"},
        {"id": "b", "text": LONG, "date": "2021-03-03"},  # an exact duplicate of a
        {"id": "c", "text": LONG.replace("mardi", "mercredi", 1), "date": "2021-03-03"},  # a near duplicate
        {"id": "d", "body": "no text field"},
        {"id": "e", "text": 42},
        "a bare string is a text, published on 3 March 2021",
    ]
    findings = linter.lint_records(records, path="batch-1")
    by = {(f.record, f.code) for f in findings}
    assert ("b", "DUP101") in by
    assert ("c", "DUP102") in by  # confirmed on the texts kept in memory
    assert ("d", "CL003") in by and ("e", "CL003") in by
    assert all(f.path == "batch-1" for f in findings)
    dup = next(f for f in findings if f.code == "DUP101")
    assert dup.message == "same text as batch-1:#a"
    without = linter.lint_records(records, corpus=False)
    assert not {f.code for f in without} & {"DUP101", "DUP102"}
    assert findings == sorted(findings, key=lambda f: f.sort_key)


def test_iter_records_is_lazy(linter: Linter) -> None:
    def records():
        yield {"text": MOJIBAKE}
        yield {"text": "Propre, publié le 3 mars 2021.\n"}
        raise AssertionError("read too far")

    it = linter.iter_records(records())
    rec, found = next(it)
    assert rec == {"text": MOJIBAKE} and {f.code for f in found} >= {"ENC003"}
    assert next(it)[1] == []


def test_custom_text_and_id_fields() -> None:
    lin = Linter({"text-field": "content", "id-field": "doc_id"})
    found = lin.lint_records([{"doc_id": 7, "content": MOJIBAKE}], corpus=False)
    assert {f.record for f in found} == {"7"} and "ENC003" in {f.code for f in found}
    found = Linter().lint_records([{"key": "x", "body": MOJIBAKE}], text_field="body", id_field="key", corpus=False)
    assert {f.record for f in found} == {"x"}


def test_linter_is_loaded_once(linter: Linter, monkeypatch: pytest.MonkeyPatch) -> None:
    import corpuslint.session

    def refuse(*a, **kw):
        raise AssertionError("the session was opened again")

    monkeypatch.setattr(corpuslint.session, "open_session", refuse)
    for _ in range(3):
        assert linter.lint_text(MOJIBAKE)
        assert linter.fix_text(MOJIBAKE)
        assert linter.lint_records([{"text": MOJIBAKE}])


def test_pickle(linter: Linter) -> None:
    lin = Linter({"select": ["ENC"]})
    copy = pickle.loads(pickle.dumps(lin))
    assert copy.lint_text(MOJIBAKE) == lin.lint_text(MOJIBAKE)
    assert len(pickle.dumps(lin)) < 2000  # the arguments, not the compiled rules


def test_module_shortcuts() -> None:
    assert api.default_linter() is api.default_linter()
    assert [f.code for f in api.lint_text(MOJIBAKE)].count("ENC003") == 2
    assert api.fix_text(MOJIBAKE).startswith("Le café")
    assert api.worst_severity(api.lint_text(MOJIBAKE)) is Severity.ERROR
    assert api.worst_severity([]) is None
    assert any(f.code == "DUP101" for f in api.lint_records([{"text": LONG}, {"text": LONG}]))
    assert api.lint_file(sorted(SEEDS.glob("*.txt"))[0])


def test_plugins_argument() -> None:
    from corpuslint import Violation, hookimpl
    from corpuslint.rule import rule

    @rule("RES901", "the-word-banana", category="residue", severity="error")
    def banana(doc, ctx):
        """The word banana.

        ## What it does
        Flags it.

        ## Why it matters
        Tests.

        ## Example
        ```text
        x.txt: RES901 [the-word-banana] banana
        ```

        ## Fix
        None.
        """
        i = doc.text.find("banana")
        if i >= 0:
            yield Violation("banana", i, i + 6)

    class Plugin:
        @hookimpl
        def corpuslint_rules(self):
            return [banana]

    lin = Linter({"extend-select": ["RES901"]}, plugins=[Plugin()])
    assert "RES901" in {f.code for f in lin.lint_text("a banana split")}
