"""The pytest plugin (``pytest --corpuslint``), driven through pytester.

The plugin is installed as a ``pytest11`` entry point, so the inner pytest runs
load it on their own. Runs are in-process unless the test needs a fresh
interpreter.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from corpuslint import pytest_plugin
from corpuslint.engine import Engine

pytest_plugins = ["pytester"]

CLEAN_FR = """\
Publié le 7 mars 2022

Le conseil municipal de Lyon a voté mardi soir un budget de 120 millions d'euros pour la rénovation des écoles primaires de la ville, après plus de trois heures de débat.

La maire a rappelé que les travaux commenceraient dès l'été prochain et que les familles seraient informées par courrier avant la rentrée de septembre.

Les élus de l'opposition ont salué l'effort financier, tout en regrettant que le calendrier des chantiers n'ait pas été présenté en détail aux conseils d'école.
"""

CLEAN_EN = """\
Published March 7, 2022

The city council approved on Tuesday evening a budget of 120 million euros to renovate the primary schools of the city, after more than three hours of debate.

The mayor said that the work would start next summer and that families would be informed by letter before the new school year in September.

Opposition members welcomed the financial effort, while regretting that the schedule of the works had not been presented in detail to the school boards.
"""

# two share buttons left by the scraper: RES001 (warning) on lines 5 and 6
DIRTY_FR = """\
Publié le 8 mars 2022

Le conseil municipal de Lyon a voté mardi soir un budget de 120 millions d'euros pour la rénovation des écoles primaires de la ville, après plus de trois heures de débat.

Partager sur Facebook
Partager sur Twitter

La maire a rappelé que les travaux commenceraient dès l'été prochain et que les familles seraient informées par courrier avant la rentrée de septembre.
"""
DIRTY_LINES = [
    "seeds/dirty.txt:5:1: RES001 [ui-text] web-page UI text: 'Partager sur Facebook'",
    "seeds/dirty.txt:6:1: RES001 [ui-text] web-page UI text: 'Partager sur Twitter'",
]

# a line pasted twice in a row: DUP001 with a safe fix ([*] in the text format)
STUTTER_FR = """\
Publié le 9 mars 2022

Le conseil municipal de Lyon a voté mardi soir un budget de 120 millions d'euros pour la rénovation des écoles primaires.
Le conseil municipal de Lyon a voté mardi soir un budget de 120 millions d'euros pour la rénovation des écoles primaires.

La maire a rappelé que les travaux commenceraient dès l'été prochain, avant la rentrée de septembre.
"""


def make_corpus(pytester: pytest.Pytester, files: dict[str, str], config: str = "") -> None:
    """Write ``files`` under pytester.path and a corpuslint.toml (so no config above is found)."""
    pytester.makefile(".toml", corpuslint=config)
    for rel, text in files.items():
        p = pytester.path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")


@pytest.fixture
def process_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Display paths passed to Engine.process_file during in-process runs."""
    calls: list[str] = []
    original = Engine.process_file

    def counting(self: Engine, item):  # type: ignore[no-untyped-def]
        calls.append(item.display)
        return original(self, item)

    monkeypatch.setattr(Engine, "process_file", counting)
    return calls


# -- activation --------------------------------------------------------------------
def test_inactive_without_the_flag(pytester: pytest.Pytester) -> None:
    make_corpus(pytester, {"seeds/clean.txt": CLEAN_FR, "seeds/dirty.txt": DIRTY_FR})
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
    result.stdout.no_fnmatch_line("*corpuslint: *")
    result.stdout.fnmatch_lines(["collected 0 items"])


def test_inactive_run_imports_nothing_heavy(pytester: pytest.Pytester) -> None:
    # a fresh interpreter: in this one the test module itself imported the engine
    make_corpus(pytester, {"seeds/clean.txt": CLEAN_FR})
    pytester.makeconftest(
        """
        import sys

        def pytest_unconfigure(config):
            heavy = sorted(m for m in sys.modules if m.startswith("corpuslint.") and m != "corpuslint.pytest_plugin")
            print("HEAVY:", heavy)
        """
    )
    pytester.makepyfile(test_ok="def test_ok():\n    pass\n")
    result = pytester.runpytest_subprocess("-s")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["HEAVY: []"])


def test_existing_tests_unaffected(pytester: pytest.Pytester) -> None:
    make_corpus(pytester, {"seeds/clean.txt": CLEAN_FR})
    pytester.makepyfile(test_ok="def test_ok():\n    pass\n")
    result = pytester.runpytest("-v")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*test_ok.py::test_ok PASSED*"])


# -- items ---------------------------------------------------------------------------
def test_clean_document_passes(pytester: pytest.Pytester) -> None:
    make_corpus(pytester, {"seeds/clean.txt": CLEAN_FR, "seeds/english.txt": CLEAN_EN})
    result = pytester.runpytest("--corpuslint", "-v", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines([
        "seeds/clean.txt::corpuslint PASSED*",
        "seeds/english.txt::corpuslint PASSED*",
        "corpuslint-status PASSED*",
    ])
    assert result.ret == pytest.ExitCode.OK


def test_residue_fails_with_text_format(pytester: pytest.Pytester) -> None:
    make_corpus(pytester, {"seeds/clean.txt": CLEAN_FR, "seeds/dirty.txt": DIRTY_FR})
    result = pytester.runpytest("--corpuslint", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines([
        "*_ [[]corpuslint[]] seeds/dirty.txt _*",
        "corpuslint: * findings in seeds/dirty.txt",
        *DIRTY_LINES,
    ])
    result.stdout.fnmatch_lines(["FAILED seeds/dirty.txt::corpuslint - corpuslint: * findings in seeds/dirty.txt"])
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_safe_fix_marker_in_failure(pytester: pytest.Pytester) -> None:
    make_corpus(pytester, {"seeds/stutter.txt": STUTTER_FR})
    result = pytester.runpytest("--corpuslint", "-p", "no:cacheprovider")
    result.stdout.fnmatch_lines(["seeds/stutter.txt:4:1: DUP001 [[]*[]] [[]repeated-lines[]] line 4 repeats line 3"])


def test_reportinfo_and_location(pytester: pytest.Pytester) -> None:
    make_corpus(pytester, {"seeds/003-une.txt": CLEAN_FR})
    rec = pytester.inline_run("--corpuslint", "--collect-only", "-p", "no:cacheprovider")
    items = rec.getcall("pytest_collection_finish").session.items
    assert [it.nodeid for it in items] == ["seeds/003-une.txt::corpuslint", "corpuslint-status"]
    doc, status = items
    assert doc.reportinfo()[2] == "[corpuslint] seeds/003-une.txt"
    assert doc.location == ("seeds/003-une.txt", None, "[corpuslint] seeds/003-une.txt")
    assert status.reportinfo()[2] == "[corpuslint] corpus"


def test_collect_only_lists_documents(pytester: pytest.Pytester) -> None:
    make_corpus(pytester, {"seeds/a.txt": CLEAN_FR, "seeds/b.md": CLEAN_EN, "seeds/c.csv": "x,y\n"})
    result = pytester.runpytest("--corpuslint", "--collect-only", "-q", "-p", "no:cacheprovider")
    result.stdout.fnmatch_lines(["seeds/a.txt::corpuslint", "seeds/b.md::corpuslint", "corpuslint-status"])
    result.stdout.no_fnmatch_line("*c.csv*")


def test_findings_below_fail_on_pass(pytester: pytest.Pytester) -> None:
    make_corpus(pytester, {"seeds/dirty.txt": DIRTY_FR}, config='fail-on = "error"\n')
    result = pytester.runpytest("--corpuslint", "-rP", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
    # still visible in the passes section
    result.stdout.fnmatch_lines(["*corpuslint (below fail-on)*", DIRTY_LINES[0]])


def test_select_option(pytester: pytest.Pytester) -> None:
    make_corpus(pytester, {"seeds/dirty.txt": DIRTY_FR})
    result = pytester.runpytest("--corpuslint", "--corpuslint-select", "ENC,DAT", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_deselecting_the_status_item(pytester: pytest.Pytester) -> None:
    make_corpus(pytester, {"seeds/a.txt": CLEAN_FR, "seeds/b.txt": CLEAN_FR})
    result = pytester.runpytest("--corpuslint", "-k", "not corpuslint-status", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, deselected=1)


def test_config_error_is_a_usage_error(pytester: pytest.Pytester) -> None:
    make_corpus(pytester, {"seeds/a.txt": CLEAN_FR}, config="no-such-key = 1\n")
    result = pytester.runpytest("--corpuslint", "-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*corpuslint:*unknown key 'no-such-key'*"])


def test_baseline_hides_known_findings(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    from corpuslint.baseline import write_baseline
    from corpuslint.session import open_session

    make_corpus(pytester, {"seeds/dirty.txt": DIRTY_FR}, config='baseline = "baseline.json"\n')
    monkeypatch.chdir(pytester.path)
    # what the CLI records for `corpuslint seeds`: same paths, same fingerprints
    findings = open_session(pytester.path, isolated=True).lint(["seeds"]).findings
    assert write_baseline(pytester.path / "baseline.json", findings) == len(findings) >= 2  # RES001 x2 (+ block)
    result = pytester.runpytest("--corpuslint", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


# -- which files ---------------------------------------------------------------------
def test_corpuslint_paths_limits_collection(pytester: pytest.Pytester) -> None:
    make_corpus(pytester, {"seeds/a.txt": CLEAN_FR, "drafts/b.txt": DIRTY_FR, "README.md": CLEAN_EN})
    pytester.makeini("[pytest]\ncorpuslint_paths = seeds\n")
    result = pytester.runpytest("--corpuslint", "-v", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["seeds/a.txt::corpuslint PASSED*"])
    result.stdout.no_fnmatch_line("*drafts*")
    result.stdout.no_fnmatch_line("*README*")


def test_corpuslint_paths_names_a_file(pytester: pytest.Pytester) -> None:
    # a file named explicitly is taken whatever its name, like on the command line
    make_corpus(pytester, {"notes/page.rst": CLEAN_EN, "notes/other.rst": CLEAN_FR})
    pytester.makeini("[pytest]\ncorpuslint_paths = notes/page.rst\n")
    result = pytester.runpytest("--corpuslint", "--collect-only", "-q", "-p", "no:cacheprovider")
    result.stdout.fnmatch_lines(["notes/page.rst::corpuslint", "corpuslint-status"])
    result.stdout.no_fnmatch_line("*other.rst*")


def test_default_is_include_globs_under_rootdir(pytester: pytest.Pytester) -> None:
    make_corpus(
        pytester,
        {"a.txt": CLEAN_FR, "deep/er/b.txt": CLEAN_EN, "c.md": CLEAN_EN, "skip/d.txt": CLEAN_FR, "e.rst": CLEAN_FR},
        config='include = ["*.txt"]\nextend-exclude = ["skip"]\n',
    )
    result = pytester.runpytest("--corpuslint", "--collect-only", "-q", "-p", "no:cacheprovider")
    result.stdout.fnmatch_lines(["a.txt::corpuslint", "deep/er/b.txt::corpuslint", "corpuslint-status"])
    for name in ("c.md", "d.txt", "e.rst"):
        result.stdout.no_fnmatch_line(f"*{name}*")


def test_corpus_outside_testpaths_is_collected(pytester: pytest.Pytester) -> None:
    make_corpus(pytester, {"seeds/a.txt": CLEAN_FR})
    pytester.makeini("[pytest]\ntestpaths = tests\ncorpuslint_paths = seeds\n")
    (pytester.path / "tests").mkdir()
    (pytester.path / "tests" / "test_ok.py").write_text("def test_ok():\n    pass\n")
    result = pytester.runpytest("--corpuslint", "-v", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(["*seeds/a.txt::corpuslint PASSED*"])
    # without the flag the configured paths are not added
    result = pytester.runpytest("-v", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_explicit_arguments_are_respected(pytester: pytest.Pytester) -> None:
    make_corpus(pytester, {"seeds/a.txt": CLEAN_FR, "seeds/b.txt": DIRTY_FR})
    result = pytester.runpytest("--corpuslint", "seeds/a.txt", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


# -- corpus rules ----------------------------------------------------------------------
def test_status_fails_on_identical_documents(pytester: pytest.Pytester) -> None:
    make_corpus(pytester, {"seeds/a.txt": CLEAN_FR, "seeds/b.txt": CLEAN_FR, "seeds/c.txt": CLEAN_EN})
    result = pytester.runpytest("--corpuslint", "-v", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines([
        "seeds/a.txt::corpuslint PASSED*",
        "seeds/b.txt::corpuslint PASSED*",
        "corpuslint-status FAILED*",
        "*_ [[]corpuslint[]] corpus _*",
        "corpuslint: 1 finding in the corpus",
        "seeds/b.txt: DUP101 [[]duplicate-document[]] same text as seeds/a.txt",
    ])


def test_status_sees_documents_deselected_by_k(pytester: pytest.Pytester) -> None:
    # the corpus is every collected file, not only the ones -k keeps
    make_corpus(pytester, {"seeds/a.txt": CLEAN_FR, "seeds/b.txt": CLEAN_FR})
    result = pytester.runpytest("--corpuslint", "-k", "a.txt or status", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1, deselected=1)
    result.stdout.fnmatch_lines(["seeds/b.txt: DUP101*"])


# -- cache ---------------------------------------------------------------------------
def test_rerun_uses_the_cache(pytester: pytest.Pytester, process_calls: list[str]) -> None:
    make_corpus(pytester, {"seeds/clean.txt": CLEAN_FR, "seeds/dirty.txt": DIRTY_FR, "seeds/stutter.txt": STUTTER_FR})
    first = pytester.runpytest("--corpuslint", "-v")
    first.assert_outcomes(passed=2, failed=2)
    assert sorted(process_calls) == ["seeds/clean.txt", "seeds/dirty.txt", "seeds/stutter.txt"]
    first.stdout.fnmatch_lines(["corpuslint: 3 files checked, 3 linted, 0 from cache"])

    process_calls.clear()
    second = pytester.runpytest("--corpuslint", "-v")
    assert process_calls == []
    second.assert_outcomes(passed=2, failed=2)
    second.stdout.fnmatch_lines([
        "seeds/clean.txt::corpuslint PASSED*",
        "corpuslint: 3 files checked, 0 linted, 3 from cache",
    ])
    second.stdout.no_fnmatch_line("*SKIP*")

    def failure_text(result: pytest.RunResult) -> list[str]:
        return [ln for ln in result.outlines if ln.startswith("seeds/") or ln.startswith("corpuslint: ")
                and "checked" not in ln]

    # the cached findings read the same as fresh ones (fix marker included)
    assert failure_text(second) == failure_text(first)
    second.stdout.fnmatch_lines([*DIRTY_LINES, "seeds/stutter.txt:4:1: DUP001 [[]*[]] *"])


def test_touch_does_not_invalidate(pytester: pytest.Pytester, process_calls: list[str]) -> None:
    make_corpus(pytester, {"seeds/clean.txt": CLEAN_FR})
    pytester.runpytest("--corpuslint").assert_outcomes(passed=2)
    p = pytester.path / "seeds" / "clean.txt"
    st = p.stat()
    os.utime(p, (st.st_atime + 3600, st.st_mtime + 3600))
    process_calls.clear()
    pytester.runpytest("--corpuslint").assert_outcomes(passed=2)
    assert process_calls == []


def test_changed_content_invalidates(pytester: pytest.Pytester, process_calls: list[str]) -> None:
    make_corpus(pytester, {"seeds/clean.txt": CLEAN_FR, "seeds/dirty.txt": CLEAN_EN})
    pytester.runpytest("--corpuslint").assert_outcomes(passed=3)
    (pytester.path / "seeds" / "dirty.txt").write_text(DIRTY_FR, encoding="utf-8")
    process_calls.clear()
    result = pytester.runpytest("--corpuslint")
    assert process_calls == ["seeds/dirty.txt"]
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(DIRTY_LINES)
    result.stdout.fnmatch_lines(["corpuslint: 2 files checked, 1 linted, 1 from cache"])


def test_changed_config_invalidates(pytester: pytest.Pytester, process_calls: list[str]) -> None:
    make_corpus(pytester, {"seeds/dirty.txt": DIRTY_FR})
    pytester.runpytest("--corpuslint").assert_outcomes(passed=1, failed=1)
    pytester.makefile(".toml", corpuslint='ignore = ["RES001"]\n')
    process_calls.clear()
    pytester.runpytest("--corpuslint").assert_outcomes(passed=2)
    assert process_calls == ["seeds/dirty.txt"]


def test_version_is_part_of_the_key(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
                                    process_calls: list[str]) -> None:
    make_corpus(pytester, {"seeds/clean.txt": CLEAN_FR})
    pytester.runpytest("--corpuslint").assert_outcomes(passed=2)
    monkeypatch.setattr(pytest_plugin, "__version__", "999.0")
    process_calls.clear()
    pytester.runpytest("--corpuslint").assert_outcomes(passed=2)
    assert process_calls == ["seeds/clean.txt"]


def test_status_from_cache_still_finds_duplicates(pytester: pytest.Pytester, process_calls: list[str]) -> None:
    # corpus rules need every document's signature: they are cached too
    make_corpus(pytester, {"seeds/a.txt": CLEAN_FR, "seeds/b.txt": CLEAN_FR})
    pytester.runpytest("--corpuslint").assert_outcomes(passed=2, failed=1)
    process_calls.clear()
    result = pytester.runpytest("--corpuslint")
    assert process_calls == []
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["seeds/b.txt: DUP101 [[]duplicate-document[]] same text as seeds/a.txt"])


def test_copy_of_a_cached_file_gets_its_own_findings(pytester: pytest.Pytester) -> None:
    # same content, other path: findings name the right file
    make_corpus(pytester, {"seeds/dirty.txt": DIRTY_FR})
    pytester.runpytest("--corpuslint").assert_outcomes(passed=1, failed=1)
    (pytester.path / "seeds" / "zcopy.txt").write_text(DIRTY_FR, encoding="utf-8")
    result = pytester.runpytest("--corpuslint")
    result.stdout.fnmatch_lines(["seeds/zcopy.txt:5:1: RES001 *"])


def test_batched_pass_happens_once(pytester: pytest.Pytester, process_calls: list[str]) -> None:
    # the first item lints the whole selection; later items only read
    make_corpus(pytester, {f"seeds/{i:03}.txt": CLEAN_FR.replace("7 mars", f"{i + 1} mars") for i in range(3)})
    pytester.makeconftest(
        """
        import pytest
        from corpuslint.pytest_plugin import _RUN_KEY

        @pytest.hookimpl(wrapper=True)
        def pytest_runtest_call(item):
            out = yield
            print("LINTED after", item.nodeid, len(item.config.stash[_RUN_KEY].linted))
            return out
        """
    )
    result = pytester.runpytest("--corpuslint", "-s", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines([
        "*LINTED after seeds/000.txt::corpuslint 3",
        "*LINTED after seeds/001.txt::corpuslint 3",
        "*LINTED after corpuslint-status 3",
    ])
    assert process_calls == ["seeds/000.txt", "seeds/001.txt", "seeds/002.txt"]


@pytest.mark.skipif(
    not __import__("importlib").util.find_spec("xdist"), reason="pytest-xdist is not installed"
)
def test_xdist(pytester: pytest.Pytester) -> None:
    make_corpus(pytester, {"seeds/a.txt": CLEAN_FR, "seeds/b.txt": CLEAN_FR, "seeds/c.txt": DIRTY_FR})
    result = pytester.runpytest_subprocess("--corpuslint", "-n", "2")
    result.assert_outcomes(passed=2, failed=2)
    result.stdout.fnmatch_lines(["seeds/b.txt: DUP101*"])
    again = pytester.runpytest_subprocess("--corpuslint", "-n", "2")
    again.assert_outcomes(passed=2, failed=2)


# -- cache entry encoding -------------------------------------------------------------
@pytest.mark.parametrize(
    "sig",
    [None, 123456789012345678901, "x", 1.5, True, [(1, 2, 3), (4, 5, 6)], (1, [2, (3,)]), {"a": (1, 2), 3: [b"\x00\xff"]}],
)
def test_signature_round_trip(sig: object) -> None:
    enc = pytest_plugin._encode(sig)
    import json

    assert pytest_plugin._decode(json.loads(json.dumps(enc))) == sig


@pytest.mark.parametrize("sig", [{1, 2}, Path("x"), object()])
def test_uncacheable_signature(sig: object) -> None:
    with pytest.raises(TypeError):
        pytest_plugin._encode(sig)


def test_damaged_cache_entry_is_a_miss() -> None:
    assert pytest_plugin._load_entry(None) is None
    assert pytest_plugin._load_entry({"findings": [{"path": "x"}], "signatures": [], "documents": 1}) is None
    assert pytest_plugin._load_entry({"findings": [], "signatures": [["DUP101", "a", None, {"?": 1}]],
                                      "documents": 1}) is None
