"""--shard I/N writes slices; `corpuslint merge` gives exactly the unsharded output."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from pathlib import Path

import pytest

from corpuslint.cli import main

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def run(*argv: str) -> tuple[int, str]:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main(list(argv))
    return code, buf.getvalue()


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(SEEDS, tmp_path / "seeds")
    shutil.copy(SEEDS / "000_b34cd99637ad82f6.txt", tmp_path / "seeds" / "005_copy.txt")  # a corpus-level finding
    records = [{"id": f"r{i}", "text": (SEEDS / "003_a82796ccd2587049.txt").read_text(encoding="utf-8") + f"\nS'abonner {i}\n"} for i in range(7)]
    (tmp_path / "c.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("fmt", ["text", "json", "jsonl", "github"])
def test_merged_shards_equal_one_run_byte_for_byte(corpus: Path, fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    inputs = ["seeds", "c.jsonl", "missing.txt"]
    for i in range(3):
        code, out = run("--isolated", "--shard", f"{i}/3", "-j1", *inputs)
        assert code == 0 and out == ""
    shards = sorted(str(p) for p in (corpus / "corpuslint-shards").iterdir())
    assert len(shards) == 3
    merged_code, merged = run("merge", "--isolated", "--format", fmt, *shards)
    single_code, single = run("--isolated", "--no-cache", "--format", fmt, "-j2", *inputs)
    assert merged == single
    assert merged_code == single_code == 1
    assert "DUP101" in merged and "CL002" in merged


def test_shards_split_records_and_files(corpus: Path) -> None:
    docs = []
    for i in range(2):
        run("--isolated", "--shard", f"{i}/2", "--shard-dir", f"s{i}", "seeds", "c.jsonl")
        docs.append(json.loads((corpus / f"s{i}" / "meta.json").read_text())["documents"])
    assert sum(docs) == 6 + 7 and all(d > 0 for d in docs)


def test_merge_refuses_incomplete_or_foreign_shards(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run("--isolated", "--shard", "0/2", "--shard-dir", "a", "seeds")
    assert main(["merge", "--isolated", "a"]) == 2
    assert "missing [1]" in capsys.readouterr().err
    run("--isolated", "--select", "residue", "--shard", "1/2", "--shard-dir", "b", "seeds")
    assert main(["merge", "--isolated", "a", "b"]) == 2
    assert "another configuration" in capsys.readouterr().err
    assert main(["--isolated", "--shard", "2/2", "seeds"]) == 2
    assert "0 <= I < N" in capsys.readouterr().err


def test_merge_with_its_own_exit_options_and_from_another_folder(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`--fail-on` and the folder `merge` runs from change no finding: they must not make the
    shards "another configuration" (found in review: `merge --fail-on error` exited 2)."""
    for i in range(2):
        run("--shard", f"{i}/2", "--shard-dir", f"s{i}", "-j1", "seeds", "c.jsonl")
    single = run("--no-cache", "--fail-on", "error", "-j1", "seeds", "c.jsonl")
    code, out = run("merge", "--fail-on", "error", "s0", "s1")
    assert (code, out) == single and "DUP101" in out
    other = corpus / "elsewhere"
    other.mkdir()
    monkeypatch.chdir(other)
    code, again = run("merge", "--fail-on", "error", str(corpus / "s0"), str(corpus / "s1"))
    assert code == single[0] and again == out
