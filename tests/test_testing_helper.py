"""corpuslint.testing.assert_clean: the helper for a project's own tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpuslint.config import ConfigError
from corpuslint.testing import assert_clean

pytest_plugins = ["pytester"]

CLEAN = """\
Publié le 7 mars 2022

Le conseil municipal de Lyon a voté mardi soir un budget de 120 millions d'euros pour la rénovation des écoles primaires de la ville, après plus de trois heures de débat.

La maire a rappelé que les travaux commenceraient dès l'été prochain et que les familles seraient informées par courrier avant la rentrée de septembre.

Les élus de l'opposition ont salué l'effort financier, tout en regrettant que le calendrier des chantiers n'ait pas été présenté en détail aux conseils d'école.
"""

CONFIG = 'ignore = ["residue-block"]\n'

DIRTY = """\
Published March 8, 2022

The city council approved on Tuesday evening a budget of 120 million euros to renovate the primary schools of the city, after more than three hours of debate.

Share on Facebook
Share on Twitter

The mayor said that the work would start next summer and that families would be informed by letter before the new school year in September.
"""


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder (the cwd) with a corpuslint.toml and seeds/.

    The structural block rule is ignored: these tests are about how the helper reports
    findings, and the two share lines of DIRTY would also form a residue block.
    """
    (tmp_path / "corpuslint.toml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "clean.txt").write_text(CLEAN, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def add(corpus: Path, rel: str, text: str) -> None:
    (corpus / rel).write_text(text, encoding="utf-8")


def test_clean_file_and_folder_pass(corpus: Path) -> None:
    assert_clean("seeds/clean.txt")
    assert_clean("seeds")
    assert_clean(corpus / "seeds")
    assert_clean([Path("seeds/clean.txt")])


def test_findings_are_listed(corpus: Path) -> None:
    add(corpus, "seeds/dirty.txt", DIRTY)
    with pytest.raises(AssertionError) as exc:
        assert_clean("seeds")
    assert str(exc.value).splitlines() == [
        "corpuslint: 2 findings at or above 'warning'",
        "seeds/dirty.txt:5:1: RES001 [ui-text] web-page UI text: 'Share on Facebook'",
        "seeds/dirty.txt:6:1: RES001 [ui-text] web-page UI text: 'Share on Twitter'",
    ]


@pytest.mark.parametrize("select", ["ENC", ["ENC", "DAT"], "encoding,date", ("DUP001",)])
def test_select_excluding_the_rule_passes(corpus: Path, select: object) -> None:
    add(corpus, "seeds/dirty.txt", DIRTY)
    assert_clean("seeds", select=select)  # type: ignore[arg-type]


@pytest.mark.parametrize("select", ["RES001", ["residue"], "ENC,ui-text"])
def test_select_including_the_rule_fails(corpus: Path, select: object) -> None:
    add(corpus, "seeds/dirty.txt", DIRTY)
    with pytest.raises(AssertionError, match="RES001"):
        assert_clean("seeds/dirty.txt", select=select)  # type: ignore[arg-type]


def test_ignore(corpus: Path) -> None:
    add(corpus, "seeds/dirty.txt", DIRTY)
    assert_clean("seeds", ignore="RES001")


def test_fail_on_keeps_lower_findings_listed(corpus: Path) -> None:
    add(corpus, "seeds/dirty.txt", DIRTY)
    assert_clean("seeds", fail_on="error")
    # an error-level finding (U+FFFD) fails, and the warnings come along below it
    add(corpus, "seeds/dirty.txt", DIRTY.replace("primary", "prim\ufffdary"))
    with pytest.raises(AssertionError) as exc:
        assert_clean("seeds", fail_on="error")
    lines = str(exc.value).splitlines()
    assert lines[0] == "corpuslint: 1 finding at or above 'error'"
    assert "ENC004" in lines[1]
    assert lines[2] == "and 2 below it:"
    assert all("RES001" in ln for ln in lines[3:]) and len(lines) == 5


def test_corpus_rules_run_over_all_paths(corpus: Path) -> None:
    add(corpus, "seeds/copy.txt", CLEAN)
    with pytest.raises(AssertionError) as exc:
        assert_clean(["seeds/clean.txt", "seeds/copy.txt"])
    assert "seeds/copy.txt: DUP101 [duplicate-document] same text as seeds/clean.txt" in str(exc.value)


def test_missing_path_fails(corpus: Path) -> None:
    with pytest.raises(AssertionError, match=r"nope\.txt: CL002 \[unreadable-file\] no such file or directory"):
        assert_clean("seeds/nope.txt")


def test_configuration_is_read(corpus: Path) -> None:
    add(corpus, "seeds/dirty.txt", DIRTY)
    add(corpus, "corpuslint.toml", 'ignore = ["ui-text", "residue-block"]\n')
    assert_clean("seeds")
    with pytest.raises(AssertionError, match="RES001"):
        assert_clean("seeds", isolated=True, ignore="residue-block")
    other = corpus / "strict.toml"
    other.write_text('select = ["RES"]\n', encoding="utf-8")
    with pytest.raises(AssertionError, match="RES001"):
        assert_clean("seeds", config=other)


def test_configuration_error_is_not_an_assertion(corpus: Path) -> None:
    add(corpus, "corpuslint.toml", "no-such-key = 1\n")
    with pytest.raises(ConfigError, match="no-such-key"):
        assert_clean("seeds")


def test_no_paths() -> None:
    with pytest.raises(ValueError, match="no paths"):
        assert_clean([])


def test_failure_report_in_a_project_test(pytester: pytest.Pytester) -> None:
    # how it reads in a project's own suite: the findings, not the helper's insides
    pytester.makefile(".toml", corpuslint=CONFIG)
    (pytester.path / "seeds").mkdir()
    (pytester.path / "seeds" / "clean.txt").write_text(CLEAN, encoding="utf-8")
    (pytester.path / "seeds" / "dirty.txt").write_text(DIRTY, encoding="utf-8")
    pytester.makepyfile(
        test_corpus="""
        from corpuslint.testing import assert_clean

        def test_clean():
            assert_clean("seeds/clean.txt")

        def test_seeds():
            assert_clean("seeds", select=["RES"])

        def test_seeds_encoding_only():
            assert_clean("seeds", select="ENC")
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines([
        '>*assert_clean("seeds", select=[[]"RES"[]])',
        "E*AssertionError: corpuslint: 2 findings at or above 'warning'",
        "E*seeds/dirty.txt:5:1: RES001 [[]ui-text[]] web-page UI text: 'Share on Facebook'",
        "E*seeds/dirty.txt:6:1: RES001 [[]ui-text[]] web-page UI text: 'Share on Twitter'",
    ])
    result.stdout.no_fnmatch_line("*def assert_clean*")
