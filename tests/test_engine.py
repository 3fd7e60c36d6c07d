"""Engine: corpus rules in two phases, crash isolation, hook wiring."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pluggy
import pytest

from corpuslint import hookimpl
from corpuslint.cli import main
from corpuslint.discover import Discovered
from corpuslint.model import Document, Violation
from corpuslint.plugins import get_plugin_manager
from corpuslint.rule import RuleContext, rule
from corpuslint.session import open_session

ARTICLE = """Le Kremlin a commenté les informations selon lesquelles la société Zoom a interdit à ses distributeurs de vendre l'accès à ses services de téléconférence.
Rejoignez la communauté des lecteurs
Publié le 7 avril 2021
"""


def test_duplicate_documents_reported_on_every_copy_after_the_first(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("a.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "d.txt").write_text(ARTICLE.upper().replace("É", "E") + "  \n", encoding="utf-8")
    main(["--isolated", "--format", "json", "--select", "DUP101", str(tmp_path)])
    data = json.loads(capsys.readouterr().out)
    got = [(Path(f["path"]).name, f["message"].replace(str(tmp_path) + "/", "")) for f in data]
    assert got == [("b.txt", "same text as a.txt"), ("c.txt", "same text as a.txt")]


def test_shared_boilerplate_lines_across_documents(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for i in range(6):
        body = f"Article numéro {i} : le Kremlin a commenté une information différente, avec des détails {i * 7}.\n"
        (tmp_path / f"{i}.txt").write_text(body + "Rejoignez la communauté Clubic\nPartagez vos passions\n", encoding="utf-8")
    main(["--isolated", "--format", "json", "--select", "RES101", "--jobs", "2", str(tmp_path)])
    data = json.loads(capsys.readouterr().out)
    assert len(data) == 6
    assert all((f["line"], f["end_line"], f["message"]) == (2, 3, "2 lines shared by 6 documents of the corpus (site boilerplate)") for f in data)


def test_shared_lines_below_threshold_are_not_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for i in range(4):
        (tmp_path / f"{i}.txt").write_text(f"Texte {i} unique et différent des autres.\nLigne commune aux textes\n", encoding="utf-8")
    main(["--isolated", "--format", "json", "--select", "RES101", str(tmp_path)])
    assert json.loads(capsys.readouterr().out) == []


@rule("EX900", "always-crashes", category="residue")
def _crashing(doc: Document, ctx: RuleContext) -> Any:
    """Crashes.

    ## What it does
    Raises.
    """
    if "boom" in doc.text:
        raise ZeroDivisionError("division by zero")
    return iter(())


class CrashPlugin:
    @hookimpl
    def corpuslint_rules(self) -> list:
        return [_crashing]


def test_crashing_rule_becomes_internal_finding_and_run_goes_on(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("boom\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("S'abonner\n", encoding="utf-8")
    session = open_session(isolated=True, entry_points=False, extra_plugins=[CrashPlugin()],
                           overrides={"select": ["EX900", "RES001"]})
    result = session.lint([str(tmp_path)], jobs=1)
    assert result.internal_error
    got = [(Path(f.path).name, f.code, f.category) for f in result.findings]
    assert ("a.txt", "CL001", "internal") in got
    assert ("b.txt", "RES001", "residue") in got
    crash = next(f for f in result.findings if f.code == "CL001")
    assert "rule EX900" in crash.message and "ZeroDivisionError: division by zero" in crash.message
    assert "plugin" in crash.message


def test_undeclared_hook_is_rejected() -> None:
    class Misspelt:
        @hookimpl
        def corpuslint_rulez(self) -> list:
            return []

    with pytest.raises(pluggy.PluginValidationError):
        get_plugin_manager(entry_points=False, extra=[Misspelt()])


def test_builtin_plugin_can_be_disabled() -> None:
    s = open_session(isolated=True, entry_points=False, overrides={"disable-plugins": ["quotes"]})
    assert not any(code.startswith("QUO") for code in s.ruleset.rules)
    assert "quotes" not in s.manager.names()


def test_annotate_hook_sets_publication_date(tmp_path: Path) -> None:
    s = open_session(isolated=True, entry_points=False)
    doc = s.document("Titre\nPublié le 7 mars 2022 à 14h41\n\nTexte.")
    s.engine().lint_document(doc)
    assert doc.facts["date"].date.isoformat() == "2022-03-07"
    assert doc.facts["date"].kind == "full"


def test_reader_hook_can_claim_files(tmp_path: Path) -> None:
    class UpperReader:
        @hookimpl(tryfirst=True)
        def corpuslint_read(self, path: Path, display_path: str, settings: Any) -> Any:
            if path.suffix != ".up":
                return None
            return [Document(path=display_path, raw=b"", text="S'ABONNER\n", record=str(i)) for i in range(2)]

    (tmp_path / "x.up").write_text("ignored")
    s = open_session(isolated=True, entry_points=False, extra_plugins=[UpperReader()], overrides={"select": ["RES001"]})
    result = s.engine().run([Discovered(tmp_path / "x.up", "x.up")])
    assert [(f.path, f.record, f.code) for f in result.findings] == [("x.up", "0", "RES001"), ("x.up", "1", "RES001")]


def test_line_and_paragraph_units(tmp_path: Path) -> None:
    @rule("EX901", "short-line", category="residue", unit="line")
    def short_line(unit: tuple[int, str], ctx: RuleContext) -> Any:
        """Short lines."""
        lineno, line = unit
        if 0 < len(line) < 4:
            yield Violation("short", 0, len(line))

    @rule("EX902", "first-word", category="residue", unit="paragraph")
    def first_word(para: Any, ctx: RuleContext) -> Any:
        """First word of a paragraph."""
        yield Violation("para", 0, para.text.index(" ") if " " in para.text else len(para.text))

    class P:
        @hookimpl
        def corpuslint_rules(self) -> list:
            return [short_line, first_word]

    s = open_session(isolated=True, entry_points=False, extra_plugins=[P()], overrides={"select": ["EX901", "EX902"]})
    fs = s.lint_text("Long line here\n\nabc\nAnother para here")
    assert [(f.code, f.line, f.column, f.end_line, f.end_column) for f in fs] == [
        ("EX902", 1, 1, 1, 5), ("EX901", 3, 1, 3, 4), ("EX902", 3, 1, 4, 8)
    ]


def test_corpus_rule_can_reload_candidate_documents(tmp_path: Path) -> None:
    from corpuslint.rule import CorpusRule, CorpusViolation

    class LongestDoc(CorpusRule):
        """Reports the longest document after re-reading it.

        ## What it does
        Test rule.
        """

        code = "EX903"
        name = "longest-doc"
        category = "duplication"

        def collect(self, doc: Document, ctx: RuleContext) -> Any:
            return len(doc.text)

        def finalize(self, signatures: Any, options: Any) -> Any:
            ref = max(signatures, key=lambda s: s[1])[0]
            assert self.load_documents is not None
            docs = self.load_documents([ref])
            yield CorpusViolation(ref, f"longest: {docs[ref].text[:5]}")

    class P:
        @hookimpl
        def corpuslint_rules(self) -> list:
            return [LongestDoc()]

    (tmp_path / "a.txt").write_text("short", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text('{"text": "tiny"}\n{"text": "Longest text of all"}\n', encoding="utf-8")
    s = open_session(isolated=True, entry_points=False, extra_plugins=[P()], overrides={"select": ["EX903"]})
    result = s.lint([str(tmp_path)], jobs=1)
    assert [(Path(f.path).name, f.record, f.message) for f in result.findings] == [("b.jsonl", "2", "longest: Longe")]
