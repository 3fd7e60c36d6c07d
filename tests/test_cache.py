"""The result cache: keyed by content and configuration, never by mtime alone."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from corpuslint.cli import main
from corpuslint.engine import Engine

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(SEEDS, tmp_path / "seeds")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def count_processing(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    original = Engine._lint_one

    def spy(self: Engine, doc, active):  # type: ignore[no-untyped-def]
        seen.append(doc.path)
        return original(self, doc, active)

    monkeypatch.setattr(Engine, "_lint_one", spy)
    return seen


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> list[dict]:
    main(["--isolated", "--format", "json", "--jobs", "1", *argv])
    return json.loads(capsys.readouterr().out)


def test_second_run_reads_the_cache(corpus: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    seen = count_processing(monkeypatch)
    first = run_json(capsys, "seeds")
    assert len(seen) == 5
    assert (corpus / ".corpuslint_cache" / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    seen.clear()
    second = run_json(capsys, "seeds")
    assert seen == [] and second == first


def test_content_change_invalidates_even_with_same_mtime(corpus: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    seen = count_processing(monkeypatch)
    run_json(capsys, "seeds")
    p = corpus / "seeds" / "003_a82796ccd2587049.txt"
    st = p.stat()
    p.write_text(p.read_text(encoding="utf-8").replace("S'abonner", "S'ABONNER"), encoding="utf-8")
    os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns))
    seen.clear()
    data = run_json(capsys, "seeds")
    assert seen == ["seeds/003_a82796ccd2587049.txt"]
    assert any("S'ABONNER" in f["message"] for f in data)


def test_config_change_invalidates(corpus: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    seen = count_processing(monkeypatch)
    run_json(capsys, "seeds")
    seen.clear()
    run_json(capsys, "--select", "residue", "seeds")
    assert len(seen) == 5


def test_no_cache_and_clean(corpus: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    seen = count_processing(monkeypatch)
    run_json(capsys, "--no-cache", "seeds")
    assert not (corpus / ".corpuslint_cache").exists()
    run_json(capsys, "seeds")
    assert (corpus / ".corpuslint_cache").exists()
    assert main(["clean"]) == 0
    assert not (corpus / ".corpuslint_cache").exists()
    assert len(seen) == 10


def test_corpus_rules_are_recomputed_from_cached_signatures(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed = corpus / "seeds" / "000_b34cd99637ad82f6.txt"
    shutil.copy(seed, corpus / "seeds" / "999_copy.txt")
    assert [f["path"] for f in run_json(capsys, "--select", "DUP101", "seeds")] == ["seeds/999_copy.txt"]
    (corpus / "seeds" / "999_copy.txt").unlink()
    assert run_json(capsys, "--select", "DUP101", "seeds") == []


def test_fix_never_uses_the_cache(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = corpus / "seeds" / "zw.txt"
    p.write_text("Publié le 7 mars 2022\n\nLe\u200b Kremlin a commenté.\n", encoding="utf-8")
    run_json(capsys, "seeds")
    main(["--isolated", "--fix", "seeds/zw.txt"])
    capsys.readouterr()
    assert "\u200b" not in p.read_text(encoding="utf-8")


def test_corpus_phase_is_cached_when_every_file_hits(corpus: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(corpus / "seeds" / "000_b34cd99637ad82f6.txt", corpus / "seeds" / "999_copy.txt")
    first = run_json(capsys, "seeds")
    calls: list[int] = []
    original = Engine._finalize_corpus

    def spy(self: Engine, results):  # type: ignore[no-untyped-def]
        calls.append(1)
        return original(self, results)

    monkeypatch.setattr(Engine, "_finalize_corpus", spy)
    assert run_json(capsys, "seeds") == first and calls == []
    (corpus / "seeds" / "999_copy.txt").write_text("Autre texte, tout à fait différent du premier.\n", encoding="utf-8")
    second = run_json(capsys, "seeds")
    assert calls == [1] and not any(f["code"] == "DUP101" for f in second)


def _spy_tails(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    from corpuslint.cache import Cache

    keys: list[str] = []
    original = Cache.get_tail

    def spy(self: Cache, key: str):  # type: ignore[no-untyped-def]
        keys.append(key)
        return original(self, key)

    monkeypatch.setattr(Cache, "get_tail", spy)
    return keys


def test_cached_signatures_are_read_only_when_the_corpus_phase_runs(
    corpus: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    seeds = corpus / "seeds"
    for k in range(3):  # exact duplicates: the corpus phase has something to find
        shutil.copy(seeds / "000_b34cd99637ad82f6.txt", seeds / f"9{k}_copy.txt")
    reference = run_json(capsys, "--no-cache", "seeds")
    assert "DUP101" in {f["code"] for f in reference}
    tails = _spy_tails(monkeypatch)
    assert run_json(capsys, "seeds") == reference and tails == []  # first run: nothing to read back
    assert run_json(capsys, "seeds") == reference and tails == []  # unchanged: the corpus phase is cached too
    (seeds / "90_copy.txt").write_text("Un texte neuf.\n", encoding="utf-8")  # one file changed: the phase runs
    changed = run_json(capsys, "seeds")
    assert changed == run_json(capsys, "--no-cache", "seeds")
    assert len(tails) == 7  # the signatures of the 7 unchanged files, read back from the cache, once each


def test_cache_cleaned_during_the_run_is_an_error_not_a_crash(
    corpus: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    seeds = corpus / "seeds"
    run_json(capsys, "seeds")
    (seeds / "new.txt").write_text("Un texte neuf.\n", encoding="utf-8")  # the corpus phase will run
    original = Engine._finalize_corpus

    def clean_first(self: Engine, results):  # type: ignore[no-untyped-def]
        shutil.rmtree(corpus / ".corpuslint_cache")  # another process runs `corpuslint clean`
        return original(self, results)

    monkeypatch.setattr(Engine, "_finalize_corpus", clean_first)
    found = run_json(capsys, "seeds")
    errors = [f for f in found if f["code"] == "CL001"]
    assert len(errors) == 1 and "corpus rules could not run" in errors[0]["message"]
    assert any(f["code"] == "RES001" for f in found)  # the per-file findings are all there


@pytest.mark.parametrize("size", [0, 1, 4096, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 3 << 20])
def test_file_digest_is_the_blake2b_of_the_whole_file(tmp_path: Path, size: int) -> None:
    import hashlib
    import random

    from corpuslint.cache import file_digest

    data = random.Random(size).randbytes(size)
    (tmp_path / "f.bin").write_bytes(data)
    assert file_digest(tmp_path / "f.bin") == hashlib.blake2b(data, digest_size=16).hexdigest()
