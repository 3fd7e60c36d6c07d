"""The command line end to end: formats, exit codes, fixes, baseline, bad input, parallel runs."""

from __future__ import annotations

import codecs
import io
import json
import os
import shutil
import stat
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import pytest

from corpuslint.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

CLEAN = """Zoom interdit l’accès à ses services aux structures publiques russes
Publié le 7 avril 2021

Le Kremlin a commenté les informations selon lesquelles la société Zoom a interdit à ses distributeurs de vendre l'accès à ses services.

« Il faut passer aux alternatives, elles existent », a indiqué le porte-parole du Président, Dmitri Peskov.
"""
# another document (so it is not a duplicate of CLEAN) with one safe fix: a zero-width space
FIXABLE = CLEAN.replace("Le Kremlin", "Le\u200b Kremlin").replace("Dmitri Peskov", "Dmitri Peskov, hier soir")
FIXED = FIXABLE.replace("\u200b", "")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(SEEDS, tmp_path / "seeds")
    (tmp_path / "clean.txt").write_text(CLEAN, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_text_format_and_summary(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "seeds")
    assert code == 1
    lines = out.splitlines()
    assert "seeds/003_a82796ccd2587049.txt:5:1: RES001 [ui-text] web-page UI text: 'S'abonner'" in lines
    assert "seeds/002_029dc54680174176.txt: DAT001 [missing-date] no publication date in the first 10 lines or the metadata" in lines
    assert lines[-1].startswith("Found ") and "residue" in lines[-1]
    assert "\x1b[" not in out  # no colour when not a terminal


def test_clean_document_exit_0(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "clean.txt")
    assert code == 0
    assert out.strip() == "All clean: 1 document checked."


def test_default_path_is_cwd(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--format", "json")
    paths = {f["path"] for f in json.loads(out)}
    assert "seeds/000_b34cd99637ad82f6.txt" in paths


def test_exit_zero_and_fail_on(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--exit-zero", "seeds")[0] == 0
    assert run(capsys, "--fail-on", "error", "--select", "residue", "seeds")[0] == 0
    assert run(capsys, "--fail-on", "error", "--select", "residue,QUO", "seeds")[0] == 0
    assert run(capsys, "--fail-on", "warning", "--select", "residue", "seeds")[0] == 1


def test_jsonl_and_github_formats(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "--format", "jsonl", "seeds")
    rows = [json.loads(x) for x in out.splitlines()]
    assert len(rows) > 20 and all(r["path"].startswith("seeds/") for r in rows)
    _, out, _ = run(capsys, "--format", "github", "seeds/003_a82796ccd2587049.txt")
    assert "::warning file=seeds/003_a82796ccd2587049.txt,line=5,col=1,endLine=5,endColumn=10,title=RES001 ui-text::RES001 [ui-text] web-page UI text: 'S'abonner'" in out.splitlines()
    _, out, _ = run(capsys, "--format", "github", "seeds/002_029dc54680174176.txt", "--select", "DAT001")
    assert out.startswith("::warning file=seeds/002_029dc54680174176.txt,title=DAT001 missing-date::")


def test_unknown_format_is_exit_2(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--format", "xml", "seeds")
    assert code == 2 and "unknown format 'xml'" in err


def test_statistics(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--statistics", "seeds")
    assert code == 1
    assert any(line.split("\t")[1:2] == ["RES001"] for line in out.splitlines())
    assert not any(line.startswith("seeds/") for line in out.splitlines())


def test_output_file(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--format", "json", "-o", "report.json", "seeds")
    assert code == 1 and out == ""
    assert len(json.loads((corpus / "report.json").read_text())) > 20


def test_list_rules_and_explain(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "--list-rules")
    assert any(line.startswith("RES001  on ") for line in out.splitlines())
    _, out, _ = run(capsys, "--list-rules", "--format", "json")
    rules = json.loads(out)
    assert {"ENC003", "DUP001", "RES001", "DAT001", "QUO001", "DUP101", "RES101"} <= {r["code"] for r in rules}
    code, out, _ = run(capsys, "--explain", "QUO001")
    assert code == 0 and "unbalanced-quotes" in out and "**Why it matters.**" in out
    assert run(capsys, "--explain", "repeated-lines")[0] == 0
    code, _, err = run(capsys, "--explain", "NOPE001")
    assert code == 2 and "no rule" in err


def test_version() -> None:
    p = subprocess.run([sys.executable, "-m", "corpuslint", "--version"], capture_output=True, text=True)
    assert p.returncode == 0 and p.stdout.startswith("corpuslint ")


def test_missing_path_is_a_finding(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--format", "json", "nope.txt", "clean.txt")
    data = json.loads(out)
    assert code == 1
    assert [(f["path"], f["code"], f["message"]) for f in data] == [("nope.txt", "CL002", "no such file or directory")]


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else True, reason="root can read anything")
def test_unreadable_file_is_a_finding(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = corpus / "secret.txt"
    p.write_text("x")
    p.chmod(0)
    code, out, _ = run(capsys, "--format", "json", "secret.txt")
    assert code == 1 and json.loads(out)[0]["code"] == "CL002"


def test_directory_permission_and_broken_link(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (corpus / "d").mkdir()
    os.symlink(corpus / "gone.txt", corpus / "d" / "link.txt")
    code, out, _ = run(capsys, "--format", "json", "d")
    data = json.loads(out)
    assert [(f["path"], f["code"], f["message"]) for f in data] == [("d/link.txt", "CL002", "broken symbolic link")]


def test_binary_empty_and_cp1252_files(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (corpus / "bad").mkdir()
    (corpus / "bad" / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01")
    (corpus / "bad" / "empty.txt").write_bytes(b"")
    text = (SEEDS / "000_b34cd99637ad82f6.txt").read_text(encoding="utf-8")
    (corpus / "bad" / "legacy.txt").write_bytes(text.encode("cp1252", errors="replace"))
    code, out, _ = run(capsys, "--format", "json", "--select", "encoding", "bad")
    data = json.loads(out)
    assert code == 1
    got = [(f["path"], f["code"]) for f in data]
    assert ("bad/image.txt", "ENC005") in got
    assert ("bad/legacy.txt", "ENC001") in got
    assert not any(p == "bad/empty.txt" for p, _ in got)
    legacy = next(f for f in data if f["code"] == "ENC001")
    assert "cp1252" in legacy["message"]


def test_fix_is_atomic_keeps_mode_and_leaves_clean_files_untouched(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = corpus / "fixme.txt"
    target.write_text(FIXABLE, encoding="utf-8")
    target.chmod(0o640)
    clean = corpus / "clean.txt"
    before = clean.stat().st_mtime_ns
    code, out, _ = run(capsys, "--fix", "--ignore", "DUP1", "fixme.txt", "clean.txt")
    assert code == 0, out
    assert target.read_text(encoding="utf-8") == FIXED
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert clean.stat().st_mtime_ns == before
    assert not list(corpus.glob("*.corpuslint-tmp"))
    assert "Fixed 1." in out
    # a second run changes nothing
    code, out, _ = run(capsys, "--fix", "fixme.txt")
    assert code == 0 and target.read_text(encoding="utf-8") == FIXED


def test_fix_reports_what_remains_and_never_touches_undecodable_files(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = FIXABLE.encode() + b"\nl'\xe9t\xe9\n"
    (corpus / "mixed.txt").write_bytes(raw)
    code, out, _ = run(capsys, "--fix", "--format", "json", "mixed.txt")
    assert code == 1
    assert (corpus / "mixed.txt").read_bytes() == raw
    assert {f["code"] for f in json.loads(out)} >= {"ENC002", "ENC008"}


def test_unsafe_fix_reencodes_to_utf8(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (SEEDS / "000_b34cd99637ad82f6.txt").read_text(encoding="utf-8")
    legacy = corpus / "legacy.txt"
    legacy.write_bytes(text.encode("cp1252", errors="replace"))
    run(capsys, "--fix", "--select", "ENC001", "legacy.txt")
    assert legacy.read_bytes() == text.encode("cp1252", errors="replace")  # unsafe: not applied
    run(capsys, "--fix", "--unsafe-fixes", "--select", "ENC001", "--config", str(_conf(corpus)), "legacy.txt")
    assert legacy.read_bytes().decode("utf-8") == text.encode("cp1252", errors="replace").decode("cp1252")


def _conf(corpus: Path) -> Path:
    p = corpus / "low.toml"
    p.write_text('[rules.ENC001]\nfix-min-confidence = 0.3\n')
    return p


def test_diff_does_not_write(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = corpus / "fixme.txt"
    target.write_text(FIXABLE, encoding="utf-8")
    code, out, _ = run(capsys, "--diff", "fixme.txt")
    assert code == 1
    assert "--- a/fixme.txt" in out and "-Le\u200b Kremlin" in out and "+Le Kremlin" in out
    assert target.read_text(encoding="utf-8") == FIXABLE
    assert run(capsys, "--diff", "clean.txt")[0] == 0


def test_diff_marks_a_last_line_without_a_line_break() -> None:
    """A JSONL record's text rarely ends with a line break: git's marker keeps the changed last
    line apart from the next line of the diff, and `patch` reads it (found in review)."""
    import shutil
    import subprocess
    import tempfile

    from corpuslint.fixes import unified_diff

    old, new = "one\ncafÃ© two", "one\ncafé two"
    diff = unified_diff("x.txt", old, new)
    assert diff.endswith("-cafÃ© two\n\\ No newline at end of file\n+café two\n\\ No newline at end of file\n")
    if shutil.which("patch") is None:
        return  # the marker is checked above; applying the diff needs patch(1)
    with tempfile.TemporaryDirectory() as d:
        Path(d, "x.txt").write_text(old, encoding="utf-8")
        p = subprocess.run(["patch", "-p1", "-s"], input=diff, cwd=d, capture_output=True, text=True)
        assert p.returncode == 0, p.stderr
        assert Path(d, "x.txt").read_text(encoding="utf-8") == new


def test_parallel_output_equals_serial(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for i in range(12):
        (corpus / "seeds" / f"copy{i}.txt").write_text(CLEAN + f"\nS'abonner {i}\n", encoding="utf-8")
    _, serial, _ = run(capsys, "--format", "json", "--jobs", "1", "seeds")
    _, parallel, _ = run(capsys, "--format", "json", "--jobs", "2", "seeds")
    assert serial == parallel
    assert any(f["code"] == "DUP101" for f in json.loads(serial)) is False


def test_baseline_hides_known_findings_only(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--write-baseline", "seeds")
    assert code == 0 and "wrote" in err
    baseline = corpus / "corpuslint-baseline.json"
    assert baseline.exists()
    code, out, _ = run(capsys, "--baseline", str(baseline), "seeds")
    assert code == 0 and "hidden by the baseline" in out
    # an edit elsewhere in the file keeps old findings hidden; a new defect shows
    seed = corpus / "seeds" / "003_a82796ccd2587049.txt"
    seed.write_text("Nouvelle première ligne du document.\n" + seed.read_text(encoding="utf-8") + "\nPartager\n", encoding="utf-8")
    code, out, _ = run(capsys, "--format", "json", "--baseline", str(baseline), "seeds")
    new = json.loads(out)
    assert code == 1
    assert [(f["code"], f["message"]) for f in new if f["code"] == "RES001"] == [("RES001", "web-page UI text: 'Partager'")]


def test_broken_baseline_is_exit_2(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (corpus / "b.json").write_text("{not json")
    code, _, err = run(capsys, "--baseline", "b.json", "seeds")
    assert code == 2 and "not valid JSON" in err


def test_bad_jobs_is_usage_error(corpus: Path) -> None:
    with pytest.raises(SystemExit) as e:
        main(["--jobs", "0", "seeds"])
    assert e.value.code == 2


def test_statistics_as_json(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--isolated", "--statistics", "--format", "json", "--select", "RES001,DUP001,DAT001", "seeds")
    rows = json.loads(out)
    assert code == 1
    by = {r["code"]: r for r in rows}
    assert set(by) == {"RES001", "DUP001", "DAT001"}
    assert by["DAT001"] == {"code": "DAT001", "name": "missing-date", "category": "date", "findings": 1, "documents": 1, "fixable": 0}
    assert by["DUP001"]["documents"] == 2 and by["DUP001"]["fixable"] == 1
    assert by["RES001"]["findings"] >= by["RES001"]["documents"] >= 2
    assert [r["findings"] for r in rows] == sorted((r["findings"] for r in rows), reverse=True)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_progress_line_on_a_terminal_only(corpus: Path, monkeypatch: pytest.MonkeyPatch, jobs: str) -> None:
    """Documents, MB, rate, share and ETA on stderr when it is a terminal (sizes from
    discovery); nothing with --quiet or when stderr is piped."""
    import corpuslint.progress

    clock = iter(range(10**6))  # a second between updates: every one is shown
    monkeypatch.setattr(corpuslint.progress, "time", types.SimpleNamespace(monotonic=lambda: float(next(clock))))
    tty = _Terminal()
    monkeypatch.setattr(sys, "stderr", tty)
    main(["--no-cache", "--jobs", jobs, "--format", "json", "seeds", "clean.txt"])
    shown = tty.getvalue()
    assert "6 docs" in shown and " MB/s" in shown and "100%" in shown and "ETA 0:00" in shown
    assert shown.endswith("\r\x1b[K")  # the line is cleared before the report ends
    tty = _Terminal()
    monkeypatch.setattr(sys, "stderr", tty)
    main(["--no-cache", "--jobs", jobs, "-q", "seeds"])
    assert "docs" not in tty.getvalue()
    piped = io.StringIO()
    monkeypatch.setattr(sys, "stderr", piped)
    main(["--no-cache", "--jobs", jobs, "--format", "json", "seeds"])
    assert "docs" not in piped.getvalue()


def test_findings_of_many_files_are_reported_in_file_order_and_all_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The findings of consecutive files are reported a few hundred at a time: none is lost,
    none repeated, the order is the files' and the summary counts them all."""
    monkeypatch.chdir(tmp_path)
    seed = sorted(SEEDS.glob("*.txt"))[0].read_text(encoding="utf-8")
    for k in range(40):
        (tmp_path / f"doc{k:03d}.txt").write_text(seed + f"\nS'abonner\nPartager {k}\n", encoding="utf-8")
    code, out, _ = run(capsys, "--isolated", "--no-cache", "--format", "jsonl", "-j", "1", ".")
    rows = [json.loads(line) for line in out.splitlines()]
    per_doc = [r for r in rows if r["code"] not in ("DUP101", "DUP102", "RES101")]
    assert len(per_doc) > 256 and code == 1
    paths = [r["path"] for r in per_doc]
    assert paths == sorted(paths)
    assert len({json.dumps(r, sort_keys=True) for r in rows}) == len(rows)
    code, text, _ = run(capsys, "--isolated", "--no-cache", "-j", "1", ".")
    assert f"Found {len(rows)} findings in 40 documents" in text.splitlines()[-1]


def test_an_interrupted_run_reports_the_findings_of_the_files_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from corpuslint.engine import Engine

    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text("Le même paragraphe.\nLe même paragraphe.\nLe même paragraphe.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text(CLEAN, encoding="utf-8")
    real = Engine.iter_results

    def interrupted(self: Engine, files: Any, jobs: int = 1) -> Any:
        for k, res in enumerate(real(self, files, jobs)):
            if k == 1:
                raise KeyboardInterrupt
            yield res

    monkeypatch.setattr(Engine, "iter_results", interrupted)
    code, out, err = run(capsys, "--isolated", "--no-cache", "--format", "jsonl", "--select", "DUP001", "-j", "1", ".")
    assert code == 130 and "interrupted" in err
    assert {json.loads(line)["path"] for line in out.splitlines()} == {"a.txt"}


_THREADS_PROBE = """
import os, sys
sys.argv = ["corpuslint", "--isolated", "--no-cache", "-q", "-j1", sys.argv[1]]
from corpuslint.cli import main
main()
print(os.environ.get("OPENBLAS_NUM_THREADS"), "numpy" in sys.modules, len(os.listdir("/proc/self/task")))
"""


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="counts threads in /proc")
@pytest.mark.parametrize("preset", [None, "2"])
def test_the_command_keeps_numpy_from_starting_blas_threads(tmp_path: Path, preset: str | None) -> None:
    """As its own process the command asks OpenBLAS for one thread (none spinning beside the
    run); a value the user set is kept."""
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    if preset is not None:
        env["OPENBLAS_NUM_THREADS"] = preset
    p = subprocess.run([sys.executable, "-c", _THREADS_PROBE, str(ROOT / "seeds")], capture_output=True, text=True,
                       env=env, cwd=tmp_path)
    value, numpy_loaded, threads = p.stdout.split()[-3:]
    assert numpy_loaded == "True"  # the default rules loaded numpy: the check means something
    assert value == (preset or "1")
    if preset is None:
        assert threads == "1"


def test_main_called_in_process_leaves_blas_settings_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    main(["--isolated", "--no-cache", "-q", "-j1", str(ROOT / "seeds")])
    assert "OPENBLAS_NUM_THREADS" not in os.environ


def test_a_diff_ends_lines_where_the_file_does() -> None:
    """A vertical tab, a record separator or U+2028 ends a line for ``str.splitlines``, not
    for the file nor for ``patch`` (sixth review: the diff printed a 'No newline' marker in
    the middle of a hunk)."""
    from corpuslint.fixes import unified_diff

    old = "Titre\nWord line\x0bbreak, Paris\x1f12\x1eLyon\u2028fin\n"
    new = "Titre\nWord line\nbreak, Paris\t12\nLyon\nfin\n"
    diff = unified_diff("a.txt", old, new)
    assert "No newline" not in diff
    assert "-Word line\x0bbreak, Paris\x1f12\x1eLyon\u2028fin\n+Word line\n" in diff
    assert unified_diff("b.txt", "un\rdeux\r", "un\rtrois\r").splitlines()[-2:] == ["-deux", "+trois"]


def test_fix_writes_through_a_symlink_and_keeps_hard_links(tmp_path: Path) -> None:
    """`--fix` on a symbolic link wrote a regular file in its place and left the target
    unfixed; a hard-linked file got a new inode, the other name keeping the old text (sixth
    review)."""
    from corpuslint.fixes import write_atomic

    target = tmp_path / "target.txt"
    target.write_bytes(b"old\n")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    write_atomic(link, b"new\n")
    assert link.is_symlink() and target.read_bytes() == b"new\n"
    other = tmp_path / "other.txt"
    os.link(target, other)
    inode = target.stat().st_ino
    write_atomic(target, b"newer\n")
    assert target.stat().st_ino == inode and other.read_bytes() == b"newer\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.txt", "other.txt", "target.txt"]  # no copy left


def test_fix_keeps_a_utf16_file_s_byte_order(tmp_path: Path) -> None:
    """A big-endian UTF-16 file was written back little-endian, every byte changed (sixth
    review): the fixed file keeps its byte order and byte-order mark."""
    p = tmp_path / "be.txt"
    p.write_bytes(codecs.BOM_UTF16_BE + "City council\nIt\u00e2\u20ac\u2122s done.\n".encode("utf-16-be"))
    assert main(["--isolated", "--no-cache", "-q", "--select", "ENC003", "--fix", str(p)]) == 0
    assert p.read_bytes() == codecs.BOM_UTF16_BE + "City council\nIt\u2019s done.\n".encode("utf-16-be")


def test_a_fix_the_file_s_charset_cannot_hold_is_not_offered(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A cp1251 file cannot hold the `é` of `&eacute;`: the finding was marked fixable, and
    `--fix` then silently dropped every fix of the file (sixth review)."""
    p = tmp_path / "ru.txt"
    p.write_bytes("Москва, кафе «Caf&eacute; Pouchkine» и ресторан на Тверской улице.\n".encode("cp1251"))
    main(["--isolated", "--no-cache", "--format", "json", "--select", "ENC012", str(p)])
    found = json.loads(capsys.readouterr().out)
    assert [f["code"] for f in found] == ["ENC012"] and found[0]["fix"] is None


def test_a_fix_that_could_not_be_written_is_not_counted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """No plugin writes the records of a JSON array: the run said so, and its summary still
    said 'Fixed 1' (sixth review)."""
    p = tmp_path / "arr.json"
    p.write_text(json.dumps([{"id": "a", "text": "Le caf\u00c3\u00a9 est ouvert depuis ce matin."}]), encoding="utf-8")
    before = p.read_bytes()
    assert main(["--isolated", "--no-cache", "--select", "ENC003", "--fix", str(p)]) == 2
    out = capsys.readouterr().out
    assert "no plugin can write the records" in out and "Fixed" not in out and p.read_bytes() == before


def test_diff_shows_a_change_of_charset(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`--diff --unsafe-fixes` printed nothing where `--fix --unsafe-fixes` then rewrote a
    whole file from iso8859-9 to UTF-8: the text is the same, the bytes are not (sixth review)."""
    p = tmp_path / "tr.txt"
    p.write_bytes("İstanbul'da yağmur bekleniyor; öğleden sonra hava ısınacak ve güneşli olacak.\n".encode("cp1254") * 3)
    code = main(["--isolated", "--no-cache", "-q", "--select", "ENC001", "--diff", "--unsafe-fixes", str(p)])
    out = capsys.readouterr().out
    assert code == 1 and "written as utf-8" in out
