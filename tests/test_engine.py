"""Engine: corpus rules in two phases, crash isolation, hook wiring."""

from __future__ import annotations

import json
import os
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


# -- compact corpus signatures (docs/performance.md) ---------------------------------------------
def _table(rows: list[tuple[Any, dict[str, Any]]]) -> Any:
    from corpuslint.engine import SignatureTable

    table = SignatureTable()
    for ref, sigs in rows:
        table.add(ref, sigs)
    return table


def test_signature_table_gives_back_what_it_was_given() -> None:
    from corpuslint.rule import DocRef

    rows = [
        (DocRef("c.jsonl", "d1", 0, 0), {"A": b"x" * 16, "B": 7, "C": ("h", 1)}),
        (DocRef("c.jsonl", "d2", 1, 40), {"A": None, "B": None, "C": None}),
        (DocRef("c.jsonl", "é", 2, 80), {"A": b"y" * 16, "B": 2**64 - 1}),  # no C here
        (DocRef("c.jsonl", "d4", 3, 120), {"A": b"short", "B": -1, "C": [1]}),  # A, B lose their packing
        (DocRef("c.jsonl", "d5", 4, None), {"C": {"k": 1}}),
    ]
    import pickle

    built = _table(rows)
    packed = _table(rows[:3])  # A: bytes, B: u64 (with None rows), C: a list, not on every row
    for table in (built, pickle.loads(pickle.dumps(built)), packed, pickle.loads(pickle.dumps(packed))):
        for code in ("A", "B", "C"):
            want = [(ref, sigs[code]) for ref, sigs in rows[: table.rows] if code in sigs]
            got = table[code]
            assert list(got) == want and [got[k] for k in range(len(got))] == want
            assert [type(v) for _, v in got] == [type(v) for _, v in want]
            assert list(got.signatures()) == [v for _, v in want] and got[-1] == want[-1]
        assert table["A"].ref(0).offset == 0 and table["C"].ref(1).offset == 40
        assert set(table) == {"A", "B", "C"} and table.ordered
    assert built["C"].ref(3).offset is None
    again = pickle.loads(pickle.dumps(packed))  # still growing after a round trip (the store extends tables)
    again.add(DocRef("c.jsonl", "d9", 9, 400), {"A": b"z" * 16, "B": 3})
    assert list(again["B"])[-1] == (DocRef("c.jsonl", "d9", 9, 400), 3) and again.column("A").kind == "bytes"


def test_signature_table_keeps_record_lines_and_reads_tables_pickled_without_them() -> None:
    """Each row keeps its record's line in the file (GitHub annotations of corpus-level
    findings); a table pickled before it had lines reads as without them, and rows added to it,
    or tables extended with it, keep their own lines in the right rows."""
    import pickle

    from corpuslint.engine import _table_of
    from corpuslint.rule import DocRef

    new = _table([(DocRef("c.jsonl", "d1", 0, 0, 1), {"A": 1}), (DocRef("c.jsonl", "d2", 1, 30, 3), {"A": 2})])
    assert [new.ref(k).line for k in range(2)] == [1, 3]
    def old_table() -> Any:  # the state of a table from before the lines, a copy each time
        return _table_of(*pickle.loads(pickle.dumps(new.__reduce__()[1]))[:-1])

    old = old_table()
    assert [old.ref(k).line for k in range(2)] == [None, None]
    old.add(DocRef("c.jsonl", "d3", 2, 60, 5), {"A": 3})
    assert [old.ref(k).line for k in range(3)] == [None, None, 5]
    mixed = old_table()
    mixed.extend(new)
    assert [mixed.ref(k).line for k in range(4)] == [None, None, 1, 3]
    new.extend(old_table())
    assert [new.ref(k).line for k in range(4)] == [1, 3, None, None]
    assert pickle.loads(pickle.dumps(new)).ref(1).line == 3


def test_signature_store_views_in_order_and_sorts_what_is_not() -> None:
    import pickle

    from corpuslint.engine import FileResult, SignatureStore
    from corpuslint.rule import DocRef

    big = _table([(DocRef("b.jsonl", f"r{k}", k), {"A": k}) for k in range(300)])  # kept as is
    small = [_table([(DocRef(f"{c}.txt"), {"A": ord(c)})]) for c in "cde"]  # merged into one table
    store = SignatureStore.of([FileResult("a.txt"), FileResult("b.jsonl", signatures=big),
                               *(FileResult(f"{c}.txt", signatures=t) for c, t in zip("cde", small))])
    view = store.signatures("A")
    assert len(view) == 303 and view[300] == (DocRef("c.txt"), ord("c")) and list(view)[-1] == (DocRef("e.txt"), ord("e"))
    assert pickle.loads(pickle.dumps(big))["A"][5] == (DocRef("b.jsonl", "r5", 5), 5)  # the cache keeps tables
    # a file split across shards arrives out of order: sorted, as before; plain dicts too
    store = SignatureStore.of([FileResult("x", signatures=_table([(DocRef("b.jsonl", "r2", 2), {"A": 2})])),
                               FileResult("y", signatures={"A": [(DocRef("a.txt"), 0)]}),
                               FileResult("z", signatures=_table([(DocRef("b.jsonl", "r1", 1), {"A": 1})]))])
    assert [ref.path + str(ref.index) for ref, _ in store.signatures("A")] == ["a.txtNone", "b.jsonl1", "b.jsonl2"]


def test_bytes_matrix_is_a_view_of_packed_signatures() -> None:
    from corpuslint.rule import DocRef

    np = pytest.importorskip("numpy")
    table = _table([(DocRef("a", str(k), k), {"A": bytes([k]) * 4 if k != 1 else None}) for k in range(3)])
    matrix, mask = table["A"].bytes_matrix(4)
    assert matrix.tolist() == [[0] * 4, [0] * 4, [2] * 4] and mask.tolist() == [True, False, True]
    assert np.shares_memory(matrix, np.frombuffer(table.column("A").data, dtype=np.uint8))


def test_findings_built_without_init_equal_ordinary_ones(tmp_path: Path) -> None:
    import dataclasses

    from corpuslint.model import Finding

    s = open_session(isolated=True)
    findings, _, _ = s.engine().lint_document(s.document("Le cafÃ© est prÃªt.  Il a dit «  oui.\n", "a.txt"))
    assert findings
    for f in findings:
        assert f == Finding(**{fl.name: getattr(f, fl.name) for fl in dataclasses.fields(Finding)})
        assert set(vars(f)) == {fl.name for fl in dataclasses.fields(Finding)}


@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz"])
def test_load_documents_reads_only_the_wanted_records(tmp_path: Path, suffix: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import gzip

    from corpuslint import records

    lines = "".join(json.dumps({"id": f"r{k}", "text": f"texte numéro {k} " * 5}) + "\n" for k in range(50))
    path = tmp_path / f"c{suffix}"
    if suffix.endswith(".gz"):
        path.write_bytes(gzip.compress(lines.encode()))
    else:
        path.write_text(lines, encoding="utf-8")
    s = open_session(isolated=True)
    engine = s.engine()
    engine._paths = {"c": path}
    docs = list(engine.read(Discovered(path, "c")))
    from corpuslint.engine import _ref_of

    refs = [_ref_of(docs[k]) for k in (3, 31, 7)]
    assert all(r.offset is not None for r in refs)
    parsed = []
    real = records._parse_record
    monkeypatch.setattr(records, "_parse_record", lambda *a: parsed.append(a[2]) or real(*a))
    got = engine.load_documents(refs)
    assert {r: d.text for r, d in got.items()} == {r: docs[r.index].text for r in refs}
    assert sorted(parsed) == [4, 8, 32]  # record numbers: nothing else was parsed


def test_linted_documents_leave_no_reference_cycles() -> None:
    """A document and what rules computed on it (lines, scans, matches) go as soon as the
    engine is done with it: no cycle left for the garbage collector to find (memory stays flat,
    and no collector pauses over a worker's batch)."""
    import gc

    from corpuslint.session import open_session

    session = open_session(isolated=True, overrides={"select": ["ALL"]})
    engine = session.engine()
    files, _ = session.discover([str(Path(__file__).resolve().parent.parent / "seeds")])
    for f in files:  # one-time caches filled first
        engine.process_file(f)
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        for f in files:
            engine.process_file(f)
        found = gc.collect()
        kinds = sorted({type(o).__name__ for o in gc.garbage})
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert found == 0, kinds


class _BoomReader:
    """Claims ``*.boom`` files and crashes after their first document."""

    @hookimpl(tryfirst=True)
    def corpuslint_read(self, path: Path, display_path: str, settings: Any) -> Any:
        if path.suffix != ".boom":
            return None

        def docs() -> Any:
            yield Document(path=display_path, raw=b"x", text="S'abonner\n", record="0")
            raise RuntimeError("reader bug")

        return docs()


def _mixed_corpus(root: Path) -> None:
    """Small files (fixable, clean, residue), a JSONL file, a file whose reader crashes."""
    for i in range(40):
        body = f"Article {i} : le conseil municipal a voté le budget après {i + 3} heures de débat.\n"
        if i % 3 == 0:
            body = body.replace("conseil", "con\u200bseil") + "S'abonner\n"
        (root / f"{i:02d}.txt").write_text(body + "Rejoignez la communauté\nPartagez vos passions\n", encoding="utf-8")
    (root / "copy.txt").write_text((root / "03.txt").read_text(encoding="utf-8"), encoding="utf-8")
    lines = [json.dumps({"id": f"r{k}", "text": f"Texte {k} avec\u200b un défaut.\nS'abonner\n"}) for k in range(30)]
    (root / "records.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "bad.boom").write_text("ignored")


@pytest.mark.parametrize("small_files_whole", [True, False])
def test_parallel_run_equals_serial_run(tmp_path: Path, small_files_whole: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers reading whole files (or the parent reading every file, when none is small
    enough): same findings, same fixes, same read errors as one process."""
    import corpuslint.engine as engine_mod

    if not small_files_whole:
        monkeypatch.setattr(engine_mod, "_BATCH_BYTES", 1)
    outputs = []
    for jobs in (1, 2):
        root = tmp_path / f"j{jobs}"
        root.mkdir()
        _mixed_corpus(root)
        s = open_session(isolated=True, entry_points=False, extra_plugins=[_BoomReader()],
                         overrides={"include": ["*.txt", "*.jsonl", "*.boom"]})
        files, _ = s.discover([str(root)])
        (root / "07.txt").unlink()  # gone between discovery and reading: CL002, the run goes on
        result = s.engine(fix=True).run(files, jobs=jobs)
        found = [(Path(f.path).name, f.record, f.code, f.line, f.column, f.message.replace(str(root), "")) for f in result.findings]
        written = {p.name: p.read_bytes() for p in sorted(root.iterdir())}
        outputs.append((found, written, result.documents, result.fixed, result.internal_error))
    assert outputs[0] == outputs[1]
    found, written, documents, fixed, internal = outputs[1]
    codes = {(name, code) for name, _, code, _, _, _ in found}
    assert ("07.txt", "CL002") in codes and ("bad.boom", "CL001") in codes and ("bad.boom", "RES001") in codes
    assert ("copy.txt", "DUP101") in codes and any(code == "RES101" for _, code in codes)
    assert internal and fixed > 0 and documents == 40 + 30 + 1
    assert "\u200b" not in written["00.txt"].decode() and "\u200b" not in written["records.jsonl"].decode()
    assert written["bad.boom"] == b"ignored"


def test_forked_corpus_phase_falls_back_when_the_child_dies(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from corpuslint.engine import _in_child

    # other tests of this process may have left threads (Ray's, a browser's): _in_child then
    # starts no child at all, which this test is not about
    monkeypatch.setattr(threading, "active_count", lambda: 1)

    def answer(work: Any) -> Any:
        child = _in_child(work)
        assert child is not None
        return child.result()

    assert answer(lambda: {"a": [1, 2]}) == {"a": [1, 2]}
    assert answer(lambda: os._exit(3)) is None  # killed, crashed: the caller redoes the work
    assert answer(lambda: (lambda: 1)) is None  # an answer that cannot be pickled
    child = _in_child(lambda: __import__("time").sleep(60))
    assert child is not None
    child.cancel()  # the parent's part failed (Ctrl-C): the child is stopped and reaped
    with pytest.raises(ChildProcessError):
        os.waitpid(child.pid, os.WNOHANG)


def test_forked_corpus_phase_gives_the_findings_of_one_process(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for i in range(6):
        (tmp_path / f"{i}.txt").write_text(ARTICLE + f"Ligne propre au texte {i}.\n", encoding="utf-8")
    out = []
    for jobs in ("1", "2"):
        main(["--isolated", "--no-cache", "--format", "json", "--select", "DUP101,DUP102,RES101", "--jobs", jobs, str(tmp_path)])
        out.append(capsys.readouterr().out)
    assert out[0] == out[1]
    assert {f["code"] for f in json.loads(out[1])} == {"DUP102", "RES101"}


def test_corpus_phase_runs_here_when_fork_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    for i in range(6):
        (tmp_path / f"{i}.txt").write_text(ARTICLE + f"Ligne propre au texte {i}.\n", encoding="utf-8")
    argv = ["--isolated", "--no-cache", "--format", "json", "--select", "DUP101,DUP102,RES101", str(tmp_path)]
    main([*argv, "--jobs", "1"])
    serial = capsys.readouterr().out
    import corpuslint.engine as engine_mod

    real_fork = os.fork
    forks = []

    def refuse_after_workers() -> int:
        forks.append(1)
        if len(forks) > 2:  # the two workers fork; the corpus phase's child is refused
            raise OSError(11, "Resource temporarily unavailable")
        return real_fork()

    monkeypatch.setattr(engine_mod.os, "fork", refuse_after_workers)
    import threading

    monkeypatch.setattr(threading, "active_count", lambda: 1)  # threads left by other tests: see above
    main([*argv, "--jobs", "2"])
    assert capsys.readouterr().out == serial and len(forks) == 3


def test_fix_write_error_sorted_like_a_serial_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file linted whole by a worker, whose fixes cannot be written: the CL002 takes its
    place among the file's findings as in one process (reporters stream file by file)."""
    import corpuslint.engine as engine_mod

    def refuse(path: Any, data: bytes) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(engine_mod, "write_atomic", refuse)
    (tmp_path / "a.txt").write_text("Le con\u200bseil a voté le budget.\nS'abonner\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Un autre texte, propre.\n", encoding="utf-8")
    s = open_session(isolated=True)
    files, _ = s.discover([str(tmp_path)])
    per_file = [[[(f.code, f.line) for f in r.findings] for r in s.engine(fix=True).iter_results(files, jobs)]
                for jobs in (1, 2)]
    assert per_file[0] == per_file[1]
    assert per_file[0][0][0] == ("CL002", None) and len(per_file[0][0]) > 1  # a file-level finding: first


def test_reader_raw_bytes_that_are_not_the_text(tmp_path: Path) -> None:
    """A plugin reader may keep the file's bytes (a PDF, HTML) as ``raw`` beside the text it
    extracted: the encoding rules read the text, they do not crash on the bytes."""

    class PdfReader:
        @hookimpl(tryfirst=True)
        def corpuslint_read(self, path: Path, display_path: str, settings: Any) -> Any:
            if path.suffix != ".pdf":
                return None
            raw = b"%PDF-1.4 \xe2\x80\x93 \xff\xd8\xff stream of bytes that are no text at all"
            return [Document(path=display_path, raw=raw, text="Le conseil a vot\u00e9 \u00c3\u00a9t\u00c3\u00a9.\n")]

    (tmp_path / "x.pdf").write_bytes(b"ignored")
    s = open_session(isolated=True, entry_points=False, extra_plugins=[PdfReader()], overrides={"select": ["ENC", "CL"]})
    result = s.engine().run([Discovered(tmp_path / "x.pdf", "x.pdf")])
    assert [(f.code, f.line, f.column) for f in result.findings] == [("ENC003", 1, 19)]


def test_corpus_phase_starts_no_child_beside_other_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    """A forked copy of a process with other threads running (an API host's) could hang on a
    lock one of them held: the corpus phase then runs in this process."""
    import threading

    from corpuslint.engine import _in_child

    monkeypatch.setattr(threading, "active_count", lambda: 2)
    assert _in_child(lambda: 1) is None


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_named_pipe_in_a_folder_is_left_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A pipe without a writer would block the run forever when read: a folder's pipes (and
    sockets, devices) are not files to lint."""
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "a.txt").write_text("S'abonner\n", encoding="utf-8")
    files, missing = open_session(isolated=True).discover([str(tmp_path)])
    assert [f.display.rsplit("/", 1)[-1] for f in files] == ["a.txt"] and missing == []
    assert main(["--isolated", "--no-cache", "--format", "json", "--jobs", "2", str(tmp_path)]) == 1
    assert {Path(f["path"]).name for f in json.loads(capsys.readouterr().out)} == {"a.txt"}


def test_only_small_uncompressed_files_go_to_a_worker_whole(tmp_path: Path) -> None:
    from corpuslint.engine import _BATCH_BYTES, _whole_file_size

    def item(name: str, size: int) -> Discovered:
        return Discovered(tmp_path / name, name, size)

    assert _whole_file_size(item("a.txt", 3400)) == 3400
    assert _whole_file_size(item("a.jsonl", 900_000)) == 900_000
    assert _whole_file_size(item("big.jsonl", _BATCH_BYTES)) == -1
    # 0.9 MB of gzip can hold 20 MB of text: read here, its records spread over the workers
    assert _whole_file_size(item("c.jsonl.gz", 900_000)) == -1
    assert _whole_file_size(item("d.JSONL.ZST", 10)) == -1
    assert _whole_file_size(item("e.parquet", 10)) == -1
    # a walked file's size is left unknown by discovery (no stat there): taken here when needed
    (tmp_path / "f.txt").write_bytes(b"x" * 100)
    assert _whole_file_size(Discovered(tmp_path / "f.txt", "f.txt")) == 100
    assert _whole_file_size(Discovered(tmp_path / "gone.txt", "gone.txt")) == -1  # the reader reports it


def test_a_file_reached_twice_is_linted_once(tmp_path: Path) -> None:
    """Discovery keys a walked file by its folder's device and its inode (no stat per file):
    a hard link, a symlink beside its target and a file also named on the command line are
    each one file, the first path in sorted order kept."""
    (tmp_path / "a.txt").write_text("S'abonner\n", encoding="utf-8")
    os.link(tmp_path / "a.txt", tmp_path / "b.txt")
    os.symlink(tmp_path / "a.txt", tmp_path / "c.txt")
    (tmp_path / "d.txt").write_text("autre\n", encoding="utf-8")
    files, missing = open_session(isolated=True).discover([str(tmp_path), str(tmp_path / "d.txt")])
    assert [f.display.rsplit("/", 1)[-1] for f in files] == ["a.txt", "d.txt"] and missing == []
    files, _ = open_session(isolated=True).discover([str(tmp_path / "d.txt"), str(tmp_path)])
    assert sorted(f.display.rsplit("/", 1)[-1] for f in files) == ["a.txt", "d.txt"]


@rule("EX901", "reports-frozen-objects", category="residue")
def _frozen_count(doc: Document, ctx: RuleContext) -> Any:
    """Reports how many objects the collector of the process leaves alone.

    ## What it does
    One finding per document, its message the process's ``gc.get_freeze_count()``.
    """
    import gc

    yield Violation(f"frozen={gc.get_freeze_count()} pid={os.getpid()}", 0, 1)


class FrozenPlugin:
    @hookimpl
    def corpuslint_rules(self) -> list:
        return [_frozen_count]


def test_workers_fork_with_a_frozen_collector_and_the_host_keeps_its_own(tmp_path: Path) -> None:
    """Forked workers leave what they inherit out of their collections; the process that ran
    the engine (a host program, here pytest) gets its collector back as it was."""
    import gc

    gc.unfreeze()
    for i in range(6):
        (tmp_path / f"{i}.txt").write_text(f"Texte {i}.\n", encoding="utf-8")
    session = open_session(isolated=True, entry_points=False, extra_plugins=[FrozenPlugin()],
                           overrides={"select": ["EX901"]})
    result = session.lint([str(tmp_path)], jobs=2)
    counts = {int(f.message.split()[0].split("=")[1]) for f in result.findings}
    pids = {f.message.split()[1] for f in result.findings}
    assert len(result.findings) == 6 and f"pid={os.getpid()}" not in pids
    assert min(counts) > 0  # the workers inherited a frozen collector
    assert gc.get_freeze_count() == 0  # and this process's is as it was
