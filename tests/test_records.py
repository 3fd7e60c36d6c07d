"""Multi-record inputs: JSONL (plain, gzip, zstd), JSON arrays, Parquet; bad records; --fix on records."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from corpuslint.cli import main
from corpuslint.records import replace_string_field

GOOD = {
    "id": "a1",
    "url": "https://example.fr/zoom",
    "date": "2021-04-07",
    "text": "Zoom interdit l’accès à ses services\n\nLe Kremlin a commenté la décision\u200b de Zoom.\nS'abonner\nLe porte-parole a estimé qu'il fallait passer à autre chose.",
}
CLEAN = {"id": "a3", "text": "Publié le 7 mars 2022\n\nUn texte propre, sans défaut aucun, qui se termine bien."}


def lines_of(*objs: object, extra: list[str] | None = None) -> str:
    rows = [json.dumps(o, ensure_ascii=False) for o in objs]
    for i, raw in enumerate(extra or []):
        rows.insert(1 + i, raw)
    return "\n".join(rows) + "\n"


def lint(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[dict]]:
    code = main(["--isolated", "--format", "json", *argv])
    return code, json.loads(capsys.readouterr().out)


def test_records_are_documents_with_ids_and_positions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "c.jsonl"
    p.write_text(lines_of(GOOD, {"id": "a2", "text": 42}, CLEAN, {"meta": 1}, extra=['{"id": "x", "text": "unterminated'], ), encoding="utf-8")
    code, data = lint(capsys, str(p))
    assert code == 1
    got = [(f["record"], f["code"], f["line"]) for f in data]
    assert got == [
        ("a1", "ENC008", 3),
        ("a1", "RES001", 4),
        ("2", "CL003", None),
        ("a2", "CL003", None),
        ("5", "CL003", None),
    ]
    msgs = {f["record"]: f["message"] for f in data if f["code"] == "CL003"}
    assert msgs["2"].startswith("line 2 is not valid JSON")
    assert msgs["a2"] == "field 'text' is a int, not a string"
    assert msgs["5"] == "record has no 'text' field"


def test_metadata_date_is_used(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "c.jsonl"
    p.write_text(lines_of(GOOD, {"id": "b", "text": GOOD["text"] + " Autre."}), encoding="utf-8")
    _, data = lint(capsys, "--select", "DAT001", str(p))
    assert [f["record"] for f in data] == ["b"]


def test_text_format_and_github_point_at_records(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "c.jsonl"
    p.write_text(lines_of(CLEAN, GOOD), encoding="utf-8")
    main(["--isolated", "--select", "RES001", str(p)])
    out = capsys.readouterr().out
    assert f"{p}:#a1:4:1: RES001 [ui-text] web-page UI text: 'S'abonner'" in out
    main(["--isolated", "--select", "RES001", "--format", "github", str(p)])
    out = capsys.readouterr().out
    assert f"::warning file={p},line=2,title=RES001 ui-text::" in out and "(record a1, text line 4:1)" in out


@pytest.mark.parametrize("suffix", [".jsonl.gz", ".jsonl.zst"])
def test_compressed_jsonl_read_and_fixed_in_place(tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str) -> None:
    data = lines_of(GOOD, CLEAN).encode()
    p = tmp_path / f"c{suffix}"
    if suffix.endswith(".gz"):
        p.write_bytes(gzip.compress(data))
        unpack = gzip.decompress
    else:
        zstandard = pytest.importorskip("zstandard")
        p.write_bytes(zstandard.ZstdCompressor().compress(data))
        unpack = lambda b: zstandard.ZstdDecompressor().decompress(b, max_output_size=10**7)  # noqa: E731
    code, found = lint(capsys, str(p))
    assert {(f["record"], f["code"]) for f in found} == {("a1", "ENC008"), ("a1", "RES001")}
    main(["--isolated", "--fix", str(p)])
    capsys.readouterr()
    after = unpack(p.read_bytes()).decode()
    before = data.decode()
    assert after == before.replace("décision\u200b", "décision")
    # fields other than text kept byte for byte, record order kept
    assert json.loads(after.splitlines()[0])["url"] == GOOD["url"]
    assert list(json.loads(after.splitlines()[0])) == ["id", "url", "date", "text"]


def test_fix_keeps_other_fields_and_escaping_byte_for_byte(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ascii_line = json.dumps(GOOD)  # \\u escapes
    p = tmp_path / "c.jsonl"
    p.write_text(ascii_line + "\n" + json.dumps(CLEAN) + "\n", encoding="utf-8")
    before = p.read_text()
    main(["--isolated", "--fix", str(p)])
    capsys.readouterr()
    after = p.read_text()
    assert after.splitlines()[1] == before.splitlines()[1]
    assert after.splitlines()[0] == before.splitlines()[0].replace("\\u200b", "")
    assert after.isascii()


def test_untouched_jsonl_stays_byte_identical(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "c.jsonl"
    p.write_text(lines_of(CLEAN, CLEAN | {"id": "z"}), encoding="utf-8")
    mtime = p.stat().st_mtime_ns
    main(["--isolated", "--fix", str(p)])
    capsys.readouterr()
    assert p.stat().st_mtime_ns == mtime


def test_json_array(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "c.json"
    p.write_text(json.dumps([CLEAN, GOOD], ensure_ascii=False), encoding="utf-8")
    _, data = lint(capsys, "--select", "RES001", str(p))
    assert [(f["record"], f["line"]) for f in data] == [("a1", 4)]


def test_truncated_gzip_is_a_finding_and_the_run_goes_on(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blob = gzip.compress((lines_of(GOOD) * 200).encode())
    bad = tmp_path / "a.jsonl.gz"
    bad.write_bytes(blob[: len(blob) // 2])
    (tmp_path / "b.jsonl").write_text(lines_of(GOOD), encoding="utf-8")
    code, data = lint(capsys, "--select", "RES001,CL003", str(tmp_path))
    assert code == 1
    trunc = [f for f in data if f["path"].endswith("a.jsonl.gz")]
    assert trunc[-1]["code"] == "CL003" and "truncated or corrupt" in trunc[-1]["message"]
    assert [f["code"] for f in data if f["path"].endswith("b.jsonl")] == ["RES001"]
    assert bad.read_bytes() == blob[: len(blob) // 2]


@pytest.mark.parametrize("cut", [0.3, 0.9])
def test_truncated_zstd_is_a_finding_not_an_empty_file(tmp_path: Path, capsys: pytest.CaptureFixture[str], cut: float) -> None:
    """zstandard's stream reader ended a cut frame as if it were complete: the file read as
    fewer records or none, and the run said "All clean" (found in review)."""
    zstandard = pytest.importorskip("zstandard")
    c = zstandard.ZstdCompressor()
    data = lines_of(*(GOOD | {"id": f"r{i}"} for i in range(300))).encode()
    blob = c.compress(data[: len(data) // 2]) + c.compress(data[len(data) // 2 :])  # two frames
    whole, bad = tmp_path / "whole.jsonl.zst", tmp_path / "bad.jsonl.zst"
    whole.write_bytes(blob)
    bad.write_bytes(blob[: int(len(blob) * cut)])
    code, found = lint(capsys, "--select", "CL003", str(whole))
    assert code == 0 and found == []  # both frames read, nothing lost
    code, found = lint(capsys, "--select", "CL003", str(bad))
    assert code == 1
    assert found[-1]["code"] == "CL003" and "truncated or corrupt" in found[-1]["message"]
    assert "zstd frame" in found[-1]["message"]


def test_huge_line_is_skipped_with_a_finding(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "c.jsonl"
    big = json.dumps({"id": "big", "text": "x" * (2 * 1024 * 1024)})
    p.write_text(json.dumps(CLEAN) + "\n" + big + "\n" + json.dumps(GOOD) + "\n", encoding="utf-8")
    (tmp_path / "corpuslint.toml").write_text("max-record-size = 1\n")
    code = main(["--config", str(tmp_path / "corpuslint.toml"), "--format", "json", "--select", "RES001,CL003", str(p)])
    data = json.loads(capsys.readouterr().out)
    assert code == 1
    assert [(f["record"], f["code"]) for f in data] == [("2", "CL003"), ("a1", "RES001")]


def test_parquet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pa = pytest.importorskip("pyarrow", reason="pyarrow (corpuslint[parquet]) is not installed")
    import pyarrow.parquet as pq

    table = pa.table({"id": ["a1", "a3"], "text": [GOOD["text"], CLEAN["text"]], "date": [GOOD["date"], None]})
    p = tmp_path / "c.parquet"
    pq.write_table(table, p)
    _, data = lint(capsys, "--select", "RES001,DAT001", str(p))
    assert [(f["record"], f["code"]) for f in data] == [("a1", "RES001")]
    pq.write_table(pa.table({"body": ["x"]}), p)
    _, data = lint(capsys, str(p))
    assert data[0]["code"] == "CL003" and "no 'text' column" in data[0]["message"]


def test_replace_string_field_only_touches_that_value() -> None:
    line = '{"id": 1, "meta": {"text": "inner"}, "text": "old \\"q\\"", "z": [1, "text"]}'
    assert replace_string_field(line, "text", "new") == '{"id": 1, "meta": {"text": "inner"}, "text": "new", "z": [1, "text"]}'
    assert replace_string_field('{"a": 1}', "text", "x") is None


def test_a_repeated_id_is_reported_and_the_record_still_linted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Found in review: two records named #r0003 could not be told apart in the output."""
    p = tmp_path / "c.jsonl"
    second = {**GOOD, "id": "a3"}  # CLEAN's id, and GOOD's defects
    p.write_text(lines_of(CLEAN, GOOD, second, {"text": "sans id 4"}, {"id": 4, "text": "l'id 4 du record 5"}), encoding="utf-8")
    _, data = lint(capsys, "--select", "CL003,RES001", str(p))
    got = [(f["record"], f["code"]) for f in data]
    assert ("a3", "CL003") in got and got.count(("a3", "RES001")) == 1 and got.count(("a1", "RES001")) == 1
    msgs = [f["message"] for f in data if f["code"] == "CL003"]
    assert msgs == [
        "record id 'a3' is already the id of record 1 of this file: findings of both are named by it",
        "record id '4' is already the id of record 4 of this file: findings of both are named by it",
    ]


def test_fix_writes_the_value_json_reads_when_a_key_repeats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A record with its text field twice: parsers keep the last value; the fix goes there and
    the first stays as it was (found in review: the fix overwrote the first, and never settled)."""
    p = tmp_path / "c.jsonl"
    p.write_text('{"id": "d", "text": "Premier.", "text": "Le cafÃ© de l’étÃ©."}\n', encoding="utf-8")
    main(["--isolated", "--fix", "--select", "ENC003", str(p)])
    capsys.readouterr()
    assert p.read_text(encoding="utf-8") == '{"id": "d", "text": "Premier.", "text": "Le café de l’été."}\n'
    assert json.loads(p.read_text(encoding="utf-8"))["text"] == "Le café de l’été."
    before = p.stat().st_mtime_ns
    main(["--isolated", "--fix", "--select", "ENC003", str(p)])
    assert "Fixed" not in capsys.readouterr().out and p.stat().st_mtime_ns == before


def test_utf16_jsonl_and_empty_compressed_file_are_clear_findings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Found in review: a UTF-16 file was split on 0x0A before decoding (misleading errors, four
    records of five lost), and a 0-byte .jsonl.gz passed in silence."""
    text = lines_of(GOOD, CLEAN)
    (tmp_path / "bom.jsonl").write_bytes(text.encode("utf-16"))
    (tmp_path / "le.jsonl").write_bytes(text.encode("utf-16-le"))
    (tmp_path / "empty.jsonl.gz").write_bytes(b"")
    (tmp_path / "ok.jsonl").write_text(lines_of(CLEAN), encoding="utf-8")
    _, data = lint(capsys, str(tmp_path))
    got = {(Path(f["path"]).name, f["code"]): f["message"] for f in data}
    assert set(got) == {("bom.jsonl", "CL003"), ("le.jsonl", "CL003"), ("empty.jsonl.gz", "CL003")}
    assert "JSON Lines must be UTF-8" in got[("bom.jsonl", "CL003")] and "UTF-8" in got[("le.jsonl", "CL003")]
    assert got[("empty.jsonl.gz", "CL003")] == "file is empty (0 bytes): not gzip data"


def test_a_lone_surrogate_is_reported_and_does_not_stop_the_record_s_fixes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`\\ud800` in a record's JSON: ENC002 names it, and the record's safe fixes are still
    written (found in review: "1 fixable", then --fix and --diff did nothing, silently)."""
    p = tmp_path / "c.jsonl"
    p.write_text('{"id":"p2","text":"Plain caf\\u00c3\\u00a9 and lone \\ud800 here.","date":"2023-05-16"}\n', encoding="utf-8")
    code, data = lint(capsys, "--select", "ENC002,ENC003", str(p))
    assert code == 1
    assert [(f["code"], f["column"]) for f in data] == [("ENC003", 7), ("ENC002", 22)]
    assert "lone surrogate U+D800" in data[1]["message"]
    main(["--isolated", "--fix", "--select", "ENC002,ENC003", str(p)])
    capsys.readouterr()
    assert p.read_text(encoding="utf-8") == '{"id":"p2","text":"Plain caf\\u00e9 and lone \\ud800 here.","date":"2023-05-16"}\n'


def test_an_id_with_a_line_break_stays_on_one_line_of_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The text format writes a record id's control characters as escapes: `"id": "a\\nb"` split
    a finding over two lines (found in review); the JSON keeps the id as it is."""
    p = tmp_path / "c.jsonl"
    p.write_text(json.dumps({"id": "line\nbreak", "text": "Share on Facebook\nThe council met on Tuesday."}) + "\n", encoding="utf-8")
    main(["--isolated", "--select", "RES001", str(p)])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith("c.jsonl:#line\\nbreak:1:1: RES001 [ui-text] web-page UI text: 'Share on Facebook'")
    assert lines[1].startswith("Found 1 finding in 1 document checked")
    code, data = lint(capsys, "--select", "RES001", str(p))
    assert data[0]["record"] == "line\nbreak"


def test_date_field_names_the_publication_date(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`date-field` names the field the date rules read (found in review: a `published` field
    was ignored, and FineWeb's crawl time in `date` taken for the publication date); `""`
    reads none."""
    p = tmp_path / "c.jsonl"
    text = "The council met on Tuesday and approved the budget after a long debate."
    p.write_text(json.dumps({"id": "a", "text": text, "published": "2023-05-16", "date": "2024-01-01T10:00:00Z"}) + "\n"
                 + json.dumps({"id": "b", "text": text + " Again.", "date": "2024-01-01T10:00:00Z"}) + "\n", encoding="utf-8")
    conf = tmp_path / "pyproject.toml"
    found = {}
    for value in ("date", "published", ""):
        conf.write_text(f'[tool.corpuslint]\ndate-field = "{value}"\n', encoding="utf-8")
        main(["--config", str(conf), "--no-cache", "--format", "json", "--select", "DAT001", str(p)])
        found[value] = sorted(f["record"] for f in json.loads(capsys.readouterr().out))
    assert found == {"date": [], "published": ["b"], "": ["a", "b"]}


def test_bad_records_name_their_file_line_and_record_number(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """After a blank line a record's number and its line in the file differ: the message gives
    both (found in review: `#11: record 11 is a JSON list` stood on line 13)."""
    p = tmp_path / "c.jsonl"
    p.write_text('{"id":"a","text":"x"}\n\n{"id":"b","text":"y"}\n[1,2]\n{bad\n', encoding="utf-8")
    _, data = lint(capsys, "--select", "CL003", str(p))
    assert [(f["record"], f["message"].split(" is ")[0]) for f in data] == [("3", "line 4 (record 3)"), ("4", "line 5 (record 4)")]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_github_annotations_of_corpus_findings_point_at_the_record_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], jobs: str
) -> None:
    """A corpus-level finding on a record (DUP101) names the record's line in the file, as a
    per-document finding does (found in review: it had no `line=`); after a blank line the
    record's line is not its number."""
    p = tmp_path / "c.jsonl"
    text = "The council met on Tuesday and approved the budget for the next year after a long debate about transport."
    p.write_text(json.dumps({"id": "a", "text": text}) + "\n\n" + json.dumps({"id": "b", "text": text}) + "\n", encoding="utf-8")
    main(["--isolated", "--no-cache", "-j", jobs, "--format", "github", "--select", "DUP101", str(p)])
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1 and out[0].startswith(f"::warning file={p},line=3,title=DUP101")
