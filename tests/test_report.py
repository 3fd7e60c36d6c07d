"""`corpuslint report`: the corpus health summary (JSON) and its HTML page (issue #8)."""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report_corpus import make_corpus  # noqa: E402

from corpuslint.cli import main as cli_main  # noqa: E402
from corpuslint.report.cli import main as report_main  # noqa: E402

BASE = ["--isolated", "--no-cache", "-j", "1", "-q"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_corpus(tmp_path_factory.mktemp("corpus") / "c", 300)


def summary_of(paths: list[str], *extra: str, tmp: Path) -> dict:
    out = tmp / "summary.json"
    assert report_main([*paths, "--format", "json", "-o", str(out), *BASE, *extra]) == 0
    return json.loads(out.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def summary(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    mp = pytest.MonkeyPatch()
    mp.chdir(corpus)
    try:
        return summary_of(["."], tmp=tmp_path_factory.mktemp("out"))
    finally:
        mp.undo()


def test_totals_and_shape(summary: dict) -> None:
    t = summary["totals"]
    assert summary["version"] == 1 and summary["tool"] == "corpuslint"
    assert t["documents"] == 300
    assert t["files"] == 1 + 90 + 30  # web.jsonl, articles, books
    assert set(t["languages"]) == {"en", "fr", "de"}
    assert sum(t["languages"].values()) == 300
    assert 0 < t["documents_with_findings"] <= 300
    assert t["rate_per_1k"] == pytest.approx(1000 * t["documents_with_findings"] / 300, abs=0.01)
    for r in summary["rules"]:
        # a superset of the `corpuslint --statistics --format json` rows
        assert {"code", "name", "category", "findings", "documents", "fixable"} <= set(r)
        assert r["documents"] <= min(300, r["findings"]) or r["category"] == "internal"
        assert r["url"].startswith("https://")


def test_sources_and_languages(summary: dict) -> None:
    sources = {r["name"]: r for r in summary["by_source"]}
    # URL domains of the JSONL records, then top-level folders
    assert {"news.example.fr", "blog.example.com", "forum.example.de", "articles", "books"} == set(sources)
    assert sources["articles"]["documents"] == 90
    assert sources["books"]["documents"] == 30
    assert sum(r["documents"] for r in summary["by_source"]) == 300
    assert sum(r["documents"] for r in summary["by_language"]) == 300
    # documents hit per rule add up over the sources
    per_rule = {r["code"]: r["documents"] for r in summary["rules"]}
    for code, n in per_rule.items():
        assert sum(s["rules"].get(code, {}).get("documents", 0) for s in summary["by_source"]) == n, code
    # books carry no site boilerplate
    assert "RES101" not in sources["books"]["rules"] or sources["books"]["rules"]["RES101"]["documents"] < 5


def test_counts_match_cli_statistics(corpus: Path, summary: dict, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(corpus)
    out = tmp_path / "stats.json"
    cli_main([".", "--statistics", "--format", "json", "-o", str(out), *BASE, "--exit-zero"])
    stats = {r["code"]: r for r in json.loads(out.read_text(encoding="utf-8"))}
    mine = {r["code"]: r for r in summary["rules"] if r["findings"]}
    assert set(stats) == set(mine)
    for code, r in stats.items():
        for key in ("findings", "documents", "fixable"):
            assert mine[code][key] == r[key], (code, key)


def test_boilerplate_clusters_worst(summary: dict) -> None:
    texts = {b["text"]: b["documents"] for b in summary["boilerplate"]}
    assert "Subscribe to the Example Blog newsletter for weekly updates" in texts
    assert texts["Subscribe to the Example Blog newsletter for weekly updates"] >= 40
    clusters = summary["clusters"]
    assert clusters and all(c["size"] == len(c["members"]) + 1 for c in clusters if c["size"] <= 12)
    assert {c["kind"] for c in clusters} <= {"duplicate", "near-duplicate"}
    assert summary["distributions"]["cluster_sizes"]["clusters"] >= len(clusters)
    worst = summary["worst_documents"]
    assert len(worst) == 20
    scores = [w["score"] for w in worst]
    assert scores == sorted(scores, reverse=True)
    for w in worst:
        assert w["findings"] and len(w["findings"]) <= 12
        for f in w["findings"]:
            ex = f["excerpt"]
            assert ex is not None
            if f["line"] is not None:
                assert ex["match"] or ex["line"]
    residue = summary["distributions"]["residue_line_share"]
    assert residue["documents"] == 300 and sum(residue["counts"]) + residue["zero"] == 300


def test_examples_have_excerpts_with_the_flagged_text(summary: dict) -> None:
    assert summary["examples"]
    for code, items in summary["examples"].items():
        assert 1 <= len(items) <= 5
        for ex in items:
            assert ex["code"] == code
            if code == "ENC003":  # the flagged span is the mojibake itself
                assert "Ã" in ex["excerpt"]["match"] or "â€" in ex["excerpt"]["match"]


def test_same_summary_whatever_the_jobs(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(corpus)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    one = summary_of(["."], tmp=tmp_path)
    (tmp_path / "summary.json").unlink()
    out = tmp_path / "two.json"
    assert report_main([".", "--format", "json", "-o", str(out), "--isolated", "--no-cache", "-j", "2", "-q"]) == 0
    two = json.loads(out.read_text(encoding="utf-8"))
    assert one == two
    assert one["generated"] == "2023-11-14 22:13 UTC"


def test_cache_gives_the_same_summary(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = tmp_path / "c"
    shutil.copytree(corpus, work)
    monkeypatch.chdir(work)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    args = [".", "--format", "json", "--isolated", "-j", "1", "-q"]
    assert report_main([*args, "-o", str(tmp_path / "a.json")]) == 0
    assert (work / ".corpuslint_cache").is_dir()
    assert report_main([*args, "-o", str(tmp_path / "b.json")]) == 0  # from the cache
    assert json.loads((tmp_path / "a.json").read_text()) == json.loads((tmp_path / "b.json").read_text())


def test_html_is_self_contained(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("matplotlib", reason="the charts need matplotlib (corpuslint[report])")
    monkeypatch.chdir(corpus)
    out = tmp_path / "report.html"
    assert report_main([".", "-o", str(out), *BASE]) == 0
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    # nothing fetched: no external script, style, image or font
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", html)
    assert "@import" not in html and "url(http" not in html
    for chart in ("rules", "categories", "by_source-rate", "by_source-heat", "by_language-rate", "residue", "clusters"):
        assert f'data-chart="{chart}"' in html, chart
    assert html.count('class="sortable"') >= 6
    assert "<mark>" in html  # highlighted spans
    assert "Subscribe to the Example Blog newsletter" in html
    # the SVG ids of different charts must not collide
    ids = re.findall(r'<clipPath id="([^"]+)"', html)
    assert len(ids) == len(set(ids))


def test_repetition_scores_when_dup003_is_on(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(corpus)
    off = summary_of(["books"], tmp=tmp_path)
    assert off["distributions"]["repetition"] is None
    on = summary_of(["books"], "--extend-select", "DUP003", tmp=tmp_path)
    rep = on["distributions"]["repetition"]
    if rep is None:
        pytest.skip("this corpuslint has no repetition_scores (DUP003)")
    assert rep["documents"] == 30
    assert set(rep["metrics"]) == {"dup-line-frac", "dup-para-frac", "top-2gram-char-frac", "dup-5gram-char-frac"}
    assert all(sum(m["counts"]) == 30 for m in rep["metrics"].values())
    assert rep["metrics"]["dup-line-frac"]["threshold"] == pytest.approx(0.30)
    forced = summary_of(["books"], "--repetition-scores", tmp=tmp_path)
    assert forced["distributions"]["repetition"]["documents"] == 30


def test_baseline_new_and_fixed(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = tmp_path / "c"
    shutil.copytree(corpus / "articles", work / "articles")
    monkeypatch.chdir(work)
    baseline = tmp_path / "baseline.json"
    # one document known to have a finding in the baseline (the generated ones may or may not)
    victim = sorted((work / "articles" / "blog").glob("*.txt"))[0]
    victim.write_text("Le cafÃ© est prÃªt, publié le 3 mars 2021.\n", encoding="utf-8")
    assert cli_main([".", "--write-baseline", "--baseline", str(baseline), *BASE]) == 0
    # fix that document, add a new broken one
    victim.write_text("A clean short text without anything wrong, published on 3 March 2021.\n", encoding="utf-8")
    (work / "articles" / "blog" / "zz_new.txt").write_text("Le cafÃ© est prÃªt et lâ€™Ã©tÃ© arrive.\n",
                                                            encoding="utf-8")
    s = summary_of(["."], "--baseline", str(baseline), tmp=tmp_path)
    comp = s["comparison"]
    assert comp["against"] == "baseline"
    assert comp["new"] >= 2 and comp["fixed"] >= 1
    rules = {r["code"]: r for r in comp["rules"]}
    assert rules["ENC003"]["new"] >= 2
    assert any(e["document"].endswith("zz_new.txt") for e in comp["new_examples"])
    assert any(e["document"] == str(Path("articles/blog") / victim.name) for e in comp["fixed_examples"])


def test_compare_with_previous_report(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = tmp_path / "c"
    shutil.copytree(corpus / "articles", work / "articles")
    monkeypatch.chdir(work)
    old = tmp_path / "old.json"
    assert report_main([".", "--format", "json", "-o", str(old), *BASE]) == 0
    for p in sorted((work / "articles" / "news").glob("*.txt"))[:20]:  # strip the site boilerplate
        p.write_text("".join(ln for ln in p.read_text(encoding="utf-8").splitlines(True)
                             if "Rejoignez" not in ln), encoding="utf-8")
    (work / "articles" / "news" / "zz_moji.txt").write_text("Le cafÃ© est prÃªt.\n", encoding="utf-8")
    s = summary_of(["."], "--compare", str(old), tmp=tmp_path)
    comp = s["comparison"]
    assert comp["against"] == "report"
    rows = {r["code"]: r for r in comp["rules"]}
    assert rows["RES101"]["status"] == "better"
    assert rows["RES101"]["documents_after"] < rows["RES101"]["documents_before"]
    assert comp["totals"]["documents"] == {"before": 90, "after": 91}
    # the per-rule statistics of the main command work as a previous state too
    stats = tmp_path / "stats.json"
    cli_main([".", "--statistics", "--format", "json", "-o", str(stats), *BASE, "--exit-zero"])
    s2 = summary_of(["."], "--compare", str(stats), tmp=tmp_path)
    assert s2["comparison"]["against"] == "statistics"
    assert all(r["status"] == "same" for r in s2["comparison"]["rules"])


def test_from_json_renders_the_same_page(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("matplotlib", reason="the charts need matplotlib (corpuslint[report])")
    monkeypatch.chdir(corpus)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    direct, later, data = tmp_path / "a.html", tmp_path / "b.html", tmp_path / "s.json"
    assert report_main(["books", "-o", str(direct), *BASE]) == 0
    assert report_main(["books", "--format", "json", "-o", str(data), *BASE]) == 0
    assert report_main(["--from-json", str(data), "-o", str(later), "-q"]) == 0
    assert direct.read_text(encoding="utf-8") == later.read_text(encoding="utf-8")


def test_without_matplotlib_tables_only(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    from corpuslint.report import charts

    monkeypatch.setattr(charts, "available", lambda: False)
    monkeypatch.chdir(corpus)
    out = tmp_path / "r.html"
    assert report_main(["books", "-o", str(out), "--isolated", "--no-cache", "-j", "1"]) == 0
    html = out.read_text(encoding="utf-8")
    assert "<svg" not in html and 'class="sortable"' in html
    assert "pip install &#x27;corpuslint[report]&#x27;" in html
    assert "corpuslint[report]" in capsys.readouterr().err


def test_errors_exit_2(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(corpus)
    bad = tmp_path / "bad.json"
    bad.write_text('{"hello": 1}', encoding="utf-8")
    assert report_main(["books", "--compare", str(bad), *BASE]) == 2
    assert "not a corpuslint report" in capsys.readouterr().err
    assert report_main(["books", "--baseline", str(bad), *BASE, "-o", str(tmp_path / "x.html")]) == 2
    assert report_main(["books", "--select", "NOPE999", *BASE, "-o", str(tmp_path / "x.html")]) == 2
    assert report_main(["--from-json", str(tmp_path / "nothing.json"), "-q"]) == 2
    # a missing path is reported in the summary, not an error
    s = summary_of(["books", "no-such-dir"], tmp=tmp_path)
    assert s["totals"]["missing"] == ["no-such-dir"]
    assert any(r["code"] == "CL002" and r["findings"] == 1 for r in s["rules"])


def test_metadata_source_field_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "d").mkdir()
    rows = [{"id": 1, "text": "Some text.\nShare this article\n", "source": "cc-2023", "url": "https://a.example/x"},
            {"id": 2, "text": "More text.\n", "url": "https://www.b.example/y"},
            {"id": 3, "text": "Plain text.\n"}]
    (tmp_path / "d" / "part.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    s = summary_of(["d"], tmp=tmp_path)
    assert {r["name"] for r in s["by_source"]} == {"cc-2023", "b.example", "part.jsonl"}


def _tiny_corpus(folder: Path, n: int) -> None:
    """``n`` short records, each with several findings: the findings grow with ``n``."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "big.jsonl", "w", encoding="utf-8") as fh:
        for i in range(n):
            text = (f"Titre {i} : le cafÃ© de la rue {i} est prÃªt\nS'abonner\nPartager\n"
                    f"Un paragraphe {i} avec « une citation jamais fermée et un texte.\n")
            fh.write(json.dumps({"id": i, "text": text, "url": f"https://site{i % 50}.example/{i}"},
                                ensure_ascii=False) + "\n")


def test_report_size_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # (without matplotlib the page has no charts: still bounded)
    sizes = {}
    for n in (500, 5000):
        _tiny_corpus(tmp_path / f"c{n}", n)
        out = tmp_path / f"r{n}.html"
        data = tmp_path / f"r{n}.json"
        assert report_main([f"c{n}", "--format", "json", "-o", str(data), "--isolated", "--no-cache", "-j", "2",
                            "-q"]) == 0
        assert report_main(["--from-json", str(data), "-o", str(out), "-q"]) == 0
        summary = json.loads(data.read_text(encoding="utf-8"))
        assert summary["totals"]["documents"] == n
        assert summary["totals"]["findings"] >= 4 * n
        sizes[n] = (out.stat().st_size, data.stat().st_size)
    # ten times the documents and findings: about the same report
    assert sizes[5000][0] < 1.3 * sizes[500][0], sizes
    assert sizes[5000][1] < 1.3 * sizes[500][1], sizes
    assert sizes[5000][0] < 1_500_000


def test_excerpt_marks_the_flagged_span() -> None:
    from corpuslint.api import Linter
    from corpuslint.model import Finding, Severity
    from corpuslint.report.collect import excerpt

    doc = Linter().document("first line\nsecond line with café\nthird\n" + "x" * 500 + " needle " + "y" * 500)

    def at(line, col, end_line=None, end_col=None):  # noqa: ANN001, ANN202
        return Finding(path="p", code="X", name="n", category="residue", severity=Severity.WARNING, message="m",
                       line=line, column=col, end_line=end_line, end_column=end_col)

    ex = excerpt(doc, at(2, 18, 2, 22))
    assert (ex["before"], ex["match"], ex["after"]) == ("second line with ", "café", "")
    block = excerpt(doc, at(1, 1, 3, 1))  # a block of lines, ending at the start of line 3
    assert block["match"] == "first line\nsecond line with café\n"
    whole = excerpt(doc, at(3, 1))  # no end: the rest of the line
    assert whole["match"] == "third"
    long = excerpt(doc, at(4, 502, 4, 508))
    assert long["match"] == "needle"
    assert long["before"].startswith("…") and len(long["before"]) <= 81 and long["after"].endswith("…")
    top = excerpt(doc, at(None, None))  # a document-level finding: the start of the document
    assert top["match"] == "" and top["before"].startswith("first line") and top["truncated"]


def test_absolute_paths_and_file_arguments(corpus: Path, tmp_path: Path) -> None:
    s = summary_of([str(corpus / "articles"), str(corpus / "web.jsonl")], tmp=tmp_path)
    names = {r["name"] for r in s["by_source"]}
    assert names == {"news", "blog", "news.example.fr", "blog.example.com", "forum.example.de"}
    assert s["totals"]["documents"] == 90 + 180
