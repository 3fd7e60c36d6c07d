"""The pattern store (corpuslint.patterns): compiled regexes kept between runs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import regex

from corpuslint import patterns
from corpuslint.patterns import PatternStore, default_folder, store_file

DATE = r"(?<!\w)(?P<day>[0-3]?\d)\s+(?P<month>janvier|février|mars)\s+(?P<year>\d{4})"
TEXTS = ["Publié le 7 mars 2022 à 14h41", "le 31 Février 1999", "17 marsupiaux 2020", "3 JANVIER 2024"]


def _matches(pattern: object) -> list[object]:
    return [(m.span(), m.groupdict()) for t in TEXTS for m in pattern.finditer(t)]  # type: ignore[attr-defined]


def test_a_second_store_loads_what_the_first_compiled(tmp_path: Path) -> None:
    path = store_file(tmp_path)
    first = PatternStore(path)
    compiled = first.compile(DATE, regex.IGNORECASE)
    assert first.loaded == 0 and first.save() and path.is_file()
    assert first.save() is False  # nothing new since: not written again

    second = PatternStore(path)
    loaded = second.compile(DATE, regex.IGNORECASE)
    assert second.loaded == 1
    assert loaded.pattern == DATE and loaded.flags == compiled.flags
    assert _matches(loaded) == _matches(regex.compile(DATE, regex.IGNORECASE)) != []
    assert second.compile(DATE, regex.IGNORECASE) is loaded  # one object per process
    assert second.save() is False


def test_flags_and_bytes_patterns_are_their_own_entries(tmp_path: Path) -> None:
    path = store_file(tmp_path)
    store = PatternStore(path)
    store.compile(r"mars", 0)
    store.compile(r"mars", regex.IGNORECASE)
    store.compile(rb"\r\n|\r|\n", 0)
    store.save()
    again = PatternStore(path)
    assert again.compile(r"mars", 0).search("MARS") is None
    assert again.compile(r"mars", regex.IGNORECASE).search("MARS") is not None
    assert again.compile(rb"\r\n|\r|\n", 0).split(b"a\r\nb\rc") == [b"a", b"b", b"c"]
    assert again.loaded == 3


def test_a_bad_pattern_raises_as_regex_compile_does(tmp_path: Path) -> None:
    store = PatternStore(store_file(tmp_path))
    with pytest.raises(regex.error):
        store.compile(r"(unclosed")
    assert store.save() is False  # nothing stored


@pytest.mark.parametrize("damage", ["truncated", "flipped", "garbage", "empty", "other-format"])
def test_a_damaged_file_is_ignored_and_replaced(tmp_path: Path, damage: str) -> None:
    path = store_file(tmp_path)
    store = PatternStore(path)
    store.compile(DATE)
    store.save()
    data = path.read_bytes()
    damaged = {
        "truncated": data[: len(data) // 2],
        "flipped": data[:-40] + bytes([data[-40] ^ 0xFF]) + data[-39:],
        "garbage": os.urandom(len(data)),
        "empty": b"",
        "other-format": b"corpuslint-patterns 0\n" + data[len(patterns._MAGIC):],
    }[damage]
    path.write_bytes(damaged)

    again = PatternStore(path)
    compiled = again.compile(DATE)
    assert again.loaded == 0  # compiled from the source, not from the damaged file
    assert _matches(compiled) == _matches(regex.compile(DATE))
    assert again.save()
    assert PatternStore(path).compile(DATE) is not None and path.read_bytes().startswith(patterns._MAGIC)


def test_an_entry_for_another_pattern_is_not_used(tmp_path: Path) -> None:
    """A file whose entry holds the wrong pattern (hand-edited, another build) is ignored."""
    import pickle

    path = store_file(tmp_path)
    store = PatternStore(path)
    store.compile("a+")
    store._new = {("b+", 0, regex.DEFAULT_VERSION): store._new[("a+", 0, regex.DEFAULT_VERSION)]}
    store.save()
    again = PatternStore(path)
    assert again.compile("b+").pattern == "b+" and again.loaded == 0
    assert pickle.loads(patterns.read_entries(path)[("b+", 0, regex.DEFAULT_VERSION)]).pattern == "a+"


def test_an_unwritable_folder_costs_nothing_but_the_speed(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the store's folder should be")
    store = PatternStore(store_file(blocker / "sub"))
    assert store.compile(DATE).search("le 7 mars 2022")
    assert store.save() is False
    assert blocker.read_text().startswith("a file")
    assert not list(tmp_path.glob("**/*.tmp")) and not list(tmp_path.glob("**/.*.tmp"))


def test_a_forked_worker_never_writes_the_file(tmp_path: Path) -> None:
    path = store_file(tmp_path)
    store = PatternStore(path)
    store.compile(DATE)
    store._pid = -1  # as in a process forked from the one that opened the store
    assert store.save() is False and not path.exists()


def test_no_path_no_file(tmp_path: Path) -> None:
    store = PatternStore(None)
    assert store.compile(DATE).search("7 mars 2022") and store.save() is False


def _saved_store(folder: Path, sources: tuple[str, ...]) -> Path:
    """The file of a store that compiled ``sources`` and saved them."""
    path = store_file(folder)
    old = PatternStore(path)
    for p in sources:
        old.compile(p)
    old.save()
    return path


def test_a_full_file_keeps_only_the_patterns_of_the_run_that_writes_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(patterns, "_MAX_ENTRIES", 3)
    path = _saved_store(tmp_path, ("a", "b", "c"))
    run = PatternStore(path)
    run.compile("a")  # used again, from the file
    run.compile("d")  # new
    run.save()
    assert {k[0] for k in patterns.read_entries(path)} == {"a", "d"}


def test_a_file_past_its_bytes_keeps_only_the_patterns_of_the_run_that_writes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _saved_store(tmp_path, ("a+", "b+", "c+"))
    size = sum(map(len, patterns.read_entries(path).values()))
    monkeypatch.setattr(patterns, "_MAX_BYTES", size)  # one more pattern goes past it
    run = PatternStore(path)
    run.compile("a+")
    run.compile("d+")
    run.save()
    assert {k[0] for k in patterns.read_entries(path)} == {"a+", "d+"}


def test_a_run_that_reads_an_oversized_file_trims_it_without_new_patterns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _saved_store(tmp_path, ("a+", "b+", "c+"))
    monkeypatch.setattr(patterns, "_MAX_ENTRIES", 2)
    run = PatternStore(path)
    run.compile("b+")  # from the file: nothing new
    assert run.save()
    assert {k[0] for k in patterns.read_entries(path)} == {"b+"}
    again = PatternStore(path)
    again.compile("b+")
    assert not again.save()  # within bounds now: not written again


def test_other_runs_entries_are_kept(tmp_path: Path) -> None:
    path = store_file(tmp_path)
    one, two = PatternStore(path), PatternStore(path)
    one.compile("x+")
    two.compile("y+")
    one.save()
    two.save()  # written after one: keeps one's entry
    assert {k[0] for k in patterns.read_entries(path)} == {"x+", "y+"}


@pytest.mark.parametrize(
    ("env", "expected"),
    [({"CORPUSLINT_PATTERN_CACHE": "0"}, None), ({"CORPUSLINT_PATTERN_CACHE": "off"}, None),
     ({"CORPUSLINT_PATTERN_CACHE": "/somewhere/else"}, Path("/somewhere/else"))],
)
def test_the_folder_from_the_environment(monkeypatch: pytest.MonkeyPatch, env: dict[str, str], expected: Path | None) -> None:
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    assert default_folder() == expected


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="XDG layout")
def test_the_default_folder_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("CORPUSLINT_PATTERN_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_folder() == tmp_path / "corpuslint"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert default_folder() == Path.home() / ".cache" / "corpuslint"


_RUN = """
import sys
from corpuslint import patterns
from corpuslint.cli import main
sys.argv = ["corpuslint", "--isolated", "--no-cache", "-q", "--select", "ALL", sys.argv[1]]
try:
    main()
finally:
    store = patterns._default_store()
    print("LOADED", store.loaded, "NEW", len(store._new), "USED", len(store._used))
"""


def _run(folder: Path, target: Path, seed: str) -> tuple[str, dict[str, int]]:
    env = dict(os.environ, CORPUSLINT_PATTERN_CACHE=str(folder), PYTHONHASHSEED=seed)
    proc = subprocess.run([sys.executable, "-c", _RUN, str(target)], capture_output=True, text=True, env=env)
    out = proc.stdout.splitlines()
    words = out[-1].split()
    return "\n".join(out[:-1]), {words[i]: int(words[i + 1]) for i in range(0, len(words), 2)}


def test_a_second_run_compiles_nothing_and_finds_the_same(tmp_path: Path) -> None:
    """Every pattern of a run (all rules, seeds) is the same string in the next run, whatever
    the string hashing salt of either: the second run compiles none and reports the same."""
    seeds = Path(__file__).resolve().parent.parent / "seeds"
    folder = tmp_path / "store"
    first, one = _run(folder, seeds, "1")
    assert one["NEW"] > 50 and one["LOADED"] == 0 and first
    assert list(folder.iterdir())
    second, two = _run(folder, seeds, "2")
    assert two["NEW"] == 0 and two["LOADED"] == two["USED"] == one["USED"]
    assert second == first
    off, three = _run(Path("0"), seeds, "3")  # store off: compiles everything, same findings
    assert off == first and three["LOADED"] == 0


def test_no_home_folder_no_store(monkeypatch: pytest.MonkeyPatch) -> None:
    """A process without a home folder (a service account, HOME unset) runs without the store."""
    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.delenv("CORPUSLINT_PATTERN_CACHE", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(Path, "home", staticmethod(no_home))
    assert default_folder() is None


def test_corpuslint_runs_without_home(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("HOME", "XDG_CACHE_HOME", "CORPUSLINT_PATTERN_CACHE")}
    (tmp_path / "a.txt").write_text("Un texte propre, sans défaut.\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "corpuslint", "--isolated", "--no-cache", str(tmp_path)],
                          capture_output=True, text=True, env=env)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr  # 1: a finding (no date)
    assert "DAT001" in proc.stdout
