"""Configuration: discovery, validation (errors name the key and the file), selection, packs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from corpuslint.cli import main

ARTICLE = """Zoom interdit l’accès à ses services
Publié le 7 avril 2021

Le Kremlin a commenté les informations selon lesquelles la société Zoom a interdit à ses distributeurs de vendre l'accès à ses services.
S'abonner
Le porte-parole a estimé nécessaire de passer à des plateformes alternatives.
"""


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def codes(out: str) -> list[str]:
    return [f["code"] for f in json.loads(out)]


def test_pyproject_table_is_read(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "pyproject.toml").write_text('[tool.corpuslint]\nignore = ["RES001"]\n')
    code, out, _ = run(capsys, "--format", "json", "docs")
    assert code == 0 and codes(out) == []


def test_corpuslint_toml_wins_over_pyproject_in_same_folder(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "pyproject.toml").write_text('[tool.corpuslint]\nignore = ["RES001"]\n')
    (project / "corpuslint.toml").write_text('select = ["residue"]\n')
    code, out, _ = run(capsys, "--format", "json", "docs")
    assert code == 1 and codes(out) == ["RES001"]


def test_nearest_config_above_first_path_wins(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "corpuslint.toml").write_text('select = ["date"]\n')
    (project / "docs" / "corpuslint.toml").write_text('select = ["RES001"]\n')
    code, out, _ = run(capsys, "--format", "json", "docs/a.txt")
    assert codes(out) == ["RES001"]


def test_cli_flags_override_config(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "corpuslint.toml").write_text('select = ["date"]\n')
    code, out, _ = run(capsys, "--format", "json", "--select", "ui-text", "docs")
    assert codes(out) == ["RES001"]
    code, out, _ = run(capsys, "--format", "json", "--isolated", "--select", "RES", "--ignore", "RES001", "docs")
    assert codes(out) == []


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('selct = ["RES"]\n', "unknown key 'selct' (did you mean 'select'?)"),
        ('select = "RES"\n', "key 'select' must be a list"),
        ('select = ["NOPE999"]\n', "key 'select': unknown rule selector 'NOPE999'"),
        ('[rules.XYZ001]\nseverity = "error"\n', "key 'rules.XYZ001': no rule with that code or name"),
        ('[rules.DUP001]\nmin-lenght = 3\n', "unknown option 'min-lenght' for rule DUP001"),
        ('[rules.DUP001]\nmin-length = "3"\n', "key 'rules.DUP001.min-length': expected int"),
        ('[rules.ui-text]\nseverity = "fatal"\n', "unknown severity 'fatal'"),
        ('fail-on = "sometimes"\n', "key 'fail-on'"),
        ("select = [\n", "invalid TOML"),
    ],
)
def test_bad_config_is_exit_2_naming_key_and_file(
    project: Path, capsys: pytest.CaptureFixture[str], toml: str, message: str
) -> None:
    (project / "corpuslint.toml").write_text(toml)
    code, out, err = run(capsys, "docs")
    assert code == 2
    assert "corpuslint.toml" in err
    assert message in err


def test_a_config_that_is_not_utf8_is_exit_2_naming_the_file(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "corpuslint.toml").write_bytes(b'language = "fr\xff"\n')  # it crashed with a traceback
    code, out, err = run(capsys, "docs")
    assert code == 2
    assert "corpuslint.toml: invalid TOML: not UTF-8" in err


def test_selectors_by_prefix_category_and_name(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for sel in ("RES001", "RES00", "residue", "ui-text"):
        code, out, _ = run(capsys, "--isolated", "--format", "json", "--select", sel, "docs")
        assert "RES001" in codes(out), sel


def test_more_specific_selector_wins(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "corpuslint.toml").write_text('select = ["RES001"]\nignore = ["residue"]\n')
    code, out, _ = run(capsys, "--format", "json", "docs")
    assert codes(out) == ["RES001"]


def test_severity_override_and_fail_on(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "corpuslint.toml").write_text('select = ["RES001"]\n[rules.RES001]\nseverity = "info"\n')
    code, out, _ = run(capsys, "--format", "json", "docs")
    assert code == 0 and json.loads(out)[0]["severity"] == "info"
    code, _, _ = run(capsys, "--fail-on", "info", "docs")
    assert code == 1


def test_rule_can_be_disabled_in_its_table(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "corpuslint.toml").write_text('select = ["residue"]\n[rules.ui-text]\nenabled = false\n')
    code, out, _ = run(capsys, "--format", "json", "docs")
    assert codes(out) == []


def test_per_file_ignores(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "docs" / "b.txt").write_text(ARTICLE, encoding="utf-8")
    (project / "corpuslint.toml").write_text('select = ["residue"]\n[per-file-ignores]\n"docs/b.txt" = ["ui-text"]\n')
    code, out, _ = run(capsys, "--format", "json", "docs")
    assert [(f["path"], f["code"]) for f in json.loads(out)] == [("docs/a.txt", "RES001")]


def test_exclude_applies_to_walked_and_named_files(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "corpuslint.toml").write_text('extend-exclude = ["a.txt"]\nselect = ["residue"]\n')
    assert run(capsys, "--format", "json", "docs")[1].strip() == "[]"
    assert run(capsys, "--format", "json", "docs/a.txt")[1].strip() == "[]"


def test_include_globs(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "docs" / "c.text").write_text(ARTICLE, encoding="utf-8")
    (project / "corpuslint.toml").write_text('include = ["*.text"]\nselect = ["residue"]\n')
    code, out, _ = run(capsys, "--format", "json", "docs")
    assert [f["path"] for f in json.loads(out)] == ["docs/c.text"]


def test_user_pack_extends_a_rule(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "packs").mkdir()
    (project / "packs" / "mysite.toml").write_text(
        'extends = "ui-text"\nlanguage = "fr"\nlines = ["Le Kremlin a commenté les informations selon lesquelles la société Zoom a interdit à ses distributeurs de vendre l\'accès à ses services."]\n',
        encoding="utf-8",
    )
    (project / "corpuslint.toml").write_text('select = ["ui-text"]\nrule-paths = ["packs"]\n[rules.ui-text]\nmax-length = 200\n')
    code, out, _ = run(capsys, "--format", "json", "docs")
    assert [f["line"] for f in json.loads(out)] == [4, 5]


def test_a_pack_of_exceptions_alone_silences_every_entry(tmp_path: Path) -> None:
    """A user's pack holding only ``exceptions`` silences the lines they find something in, for
    every pack's entries; a pack's exceptions beside entries of its own hold for those only."""
    from corpuslint.api import Linter

    text = "Le conseil a voté le budget mardi soir après un long débat sur la médiathèque.\nS'abonner\nPartager\n"
    packs = tmp_path / "packs"
    packs.mkdir()
    assert {f.line for f in Linter({"select": ["RES001"]}).lint_text(text)} == {2, 3}
    (packs / "quiet.toml").write_text('extends = "ui-text"\nlanguage = "*"\nexceptions = ["^S.abonner$"]\n', encoding="utf-8")
    assert {f.line for f in Linter({"rule-paths": [str(packs)], "select": ["RES001"]}).lint_text(text)} == {3}
    (packs / "quiet.toml").write_text(
        'extends = "ui-text"\nlanguage = "*"\nlines = ["Voir aussi"]\nexceptions = ["^S.abonner$"]\n', encoding="utf-8")
    assert {f.line for f in Linter({"rule-paths": [str(packs)], "select": ["RES001"]}).lint_text(text)} == {2, 3}


def test_user_pack_defines_a_new_rule(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "packs").mkdir()
    (project / "packs" / "kremlin.toml").write_text(
        'kind = "phrases"\ncode = "SITE001"\nname = "kremlin-mention"\ncategory = "residue"\n'
        'severity = "info"\nmessage = "mentions {match}"\npatterns = ["\\\\bKremlin\\\\b"]\n',
        encoding="utf-8",
    )
    (project / "corpuslint.toml").write_text('rule-paths = ["packs"]\nselect = ["SITE001"]\nfail-on = "info"\n')
    code, out, _ = run(capsys, "--format", "json", "docs")
    data = json.loads(out)
    assert code == 1
    assert [(f["code"], f["name"], f["severity"], f["message"]) for f in data] == [
        ("SITE001", "kremlin-mention", "info", "mentions Kremlin")
    ]
    code, out, _ = run(capsys, "--explain", "SITE001")
    assert "kremlin-mention" in out


@pytest.mark.parametrize(
    ("pack", "message"),
    [
        ('extends = "ui-text"\nphrases = ["x"]\n', "unknown key 'phrases' for rule RES001"),
        ('extends = "no-such-rule"\nlines = ["x"]\n', "no rule or rule group named 'no-such-rule'"),
        ('extends = "ui-text"\npatterns = ["(unclosed"]\n', "bad regex"),
        # an item valid only inside the alternation it joins ("(?:a)|(b)") is still refused
        ('extends = "residue-structure"\nlanguage = "en"\ncomment-markers = ["a)|(b"]\n', "key 'comment-markers': bad regex"),
        ('lines = ["x"]\n', "a pack needs 'extends'"),
        ('extends = "repeated-lines"\nlines = ["x"]\n', "takes no packs"),
        ('kind = "phrases"\ncode = "X1"\nname = "x"\ncategory = "residue"\n', "rule code 'X1'"),
    ],
)
def test_bad_pack_is_exit_2_naming_file_and_key(
    project: Path, capsys: pytest.CaptureFixture[str], pack: str, message: str
) -> None:
    (project / "packs").mkdir()
    (project / "packs" / "bad.toml").write_text(pack)
    (project / "corpuslint.toml").write_text('rule-paths = ["packs"]\n')
    code, _, err = run(capsys, "docs")
    assert code == 2
    assert "bad.toml" in err and message in err


def test_show_settings(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "corpuslint.toml").write_text('language = "fr"\nselect = ["residue"]\n')
    code, out, _ = run(capsys, "--show-settings", "docs/a.txt")
    data = json.loads(out)
    assert code == 0
    assert data["config-file"].endswith("corpuslint.toml")
    assert data["language"] == "fr"
    assert "RES001" in data["active-rules"] and "DAT001" not in data["active-rules"]


def _lint_with_patterns(tmp_path: Path, patterns: str, text: str) -> list[Any]:
    """Findings of a user's phrase rule (SITE009) whose ``patterns`` line is ``patterns`` (TOML)."""
    from corpuslint.session import open_session

    packs = tmp_path / "packs"
    packs.mkdir()
    (packs / "site.toml").write_text(
        f'kind = "phrases"\ncode = "SITE009"\nname = "site-pattern"\ncategory = "residue"\npatterns = {patterns}\n',
        encoding="utf-8",
    )
    doc = tmp_path / "a.txt"
    doc.write_text(text, encoding="utf-8")
    session = open_session(tmp_path, isolated=True, overrides={"rule-paths": [str(packs)], "select": ["SITE009"]})
    return session.lint([str(doc)]).findings


def test_user_patterns_with_character_properties(tmp_path: Path) -> None:
    r"""``\p{..}`` stands for one character of that property, not the letter it was replaced with
    when the pattern's shape (first characters, required literal) was worked out."""
    found = _lint_with_patterns(
        tmp_path, "['^\\p{Lu}{3,} PRESS$', 'Photo\\p{Pd}credit']",
        "Le conseil a voté le budget.\nAFP PRESS\nUne Photo–credit ici.\n123 PRESS\n",
    )
    assert [(f.line, f.column, f.end_column) for f in found] == [(2, 1, 10), (3, 5, 17)]


def test_line_heads_fold_case_as_the_regex_module_does(tmp_path: Path) -> None:
    """A pattern is tried on a line only if the line can start it: ``ſ`` and ``s``, the Kelvin sign
    and ``k`` are the same letter to an IGNORECASE pattern, so they must be to that test too."""
    found = _lint_with_patterns(
        tmp_path, "['^share this\\b', '^kelvin scale$', '^\u017fave now']",
        "\u017fhare this page\n\u212aelvin scale\nSAVE NOW\nNot a share this line\n",
    )
    assert [f.line for f in found] == [1, 2, 3]


def test_builtin_pack_regexes_are_valid() -> None:
    """Runs do not compile the built-in packs' patterns one by one before the first document
    (the structure packs' markers and cues only in their alternation, the phrase patterns on
    first use): this test does it instead, as a run does for a user's pack."""
    import regex

    from corpuslint.packs import builtin_pack_dir, load_packs

    checked = 0
    for pack in load_packs([builtin_pack_dir()], builtin=True):
        for key in ("comment-markers", "comment-cues", "patterns", "exceptions"):
            for item in pack.get(key, []):
                regex.compile(str(item))  # raises on a bad one
                checked += 1
    assert checked > 200


def test_pattern_literals_are_not_searched_in_text_lower_case_cannot_fold(tmp_path: Path) -> None:
    """A pattern that is not anchored is searched only in the lines holding the literal it
    requires, found in the lower-cased text; where lower case and IGNORECASE disagree (``ſ``)
    every line is searched instead."""
    found = _lint_with_patterns(
        tmp_path, "['share this article', 'partagez\\s+cet article']",
        "Please \u017fhare this article with friends.\nPartagez cet article.\nNothing here.\n",
    )
    assert [(f.line, f.column) for f in found] == [(1, 8), (2, 1)]
