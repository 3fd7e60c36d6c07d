"""The report as one self-contained HTML page: inline style, inline script, inline SVG charts.

Nothing is loaded from the network: the page opens from disk in any browser.
Tables sort on a click on their headers (a few lines of inline JavaScript) and
can be filtered; everything else is plain HTML, readable without JavaScript.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

__all__ = ["render_html"]

_CSS = """
:root{--fg:#1d2430;--muted:#5b6472;--line:#dde2ea;--bg:#fff;--soft:#f5f7fa;--accent:#2f5d9b}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
header{padding:18px 28px 8px;border-bottom:1px solid var(--line)}
h1{margin:0 0 4px;font-size:24px}
h2{margin:28px 0 10px;font-size:19px;border-bottom:2px solid var(--line);padding-bottom:4px}
h3{margin:18px 0 8px;font-size:15px}
.meta{color:var(--muted);font-size:12.5px}
nav{position:sticky;top:0;background:rgba(255,255,255,.96);border-bottom:1px solid var(--line);padding:6px 28px;z-index:2;font-size:13px}
nav a{margin-right:14px;color:var(--accent);text-decoration:none}
main{padding:0 28px 40px;max-width:1400px}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:14px 0}
.card{background:var(--soft);border:1px solid var(--line);border-radius:8px;padding:10px 14px;min-width:150px}
.card .v{font-size:22px;font-weight:600}
.card .k{color:var(--muted);font-size:12px}
table{border-collapse:collapse;margin:8px 0 14px;font-size:13px}
th,td{border-bottom:1px solid var(--line);padding:4px 9px;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
thead th{background:var(--soft)}
.scroll{overflow-x:auto;max-width:100%}
table.sortable th{cursor:pointer;user-select:none;white-space:nowrap}
table.sortable th::after{content:" \\2195";color:#aab}
table.sortable th[aria-sort=ascending]::after{content:" \\25B2";color:var(--fg)}
table.sortable th[aria-sort=descending]::after{content:" \\25BC";color:var(--fg)}
tr:hover td{background:#fafbfd}
.chip{display:inline-block;border-radius:9px;padding:0 7px;font-size:11.5px;color:#fff;white-space:nowrap}
.sev-error{color:#b3261e;font-weight:600}.sev-warning{color:#9a6700}.sev-info{color:#0b6bcb}
.st-new,.st-worse{color:#b3261e;font-weight:600}.st-fixed,.st-better{color:#1a7f37;font-weight:600}.st-same{color:var(--muted)}
pre.excerpt{white-space:pre-wrap;word-break:break-word;background:var(--soft);border-left:3px solid var(--line);padding:5px 9px;margin:4px 0 10px;font:12.5px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
pre.excerpt mark{background:#ffd7d5;color:inherit;border-bottom:2px solid #e15759;padding:0 1px}
.figure{margin:10px 0 18px}
svg.chart{width:100%;height:auto;display:block}
svg.chart text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif !important}
.note{color:var(--muted);font-size:12.5px}
.doc{border:1px solid var(--line);border-radius:8px;padding:8px 12px;margin:10px 0}
.doc h3{margin:2px 0 6px;font-size:14px;word-break:break-all}
ul.findings{list-style:none;padding:0;margin:0}
ul.findings li{margin:6px 0}
details>summary{cursor:pointer;margin:4px 0}
input.filter{margin:4px 0;padding:4px 8px;border:1px solid var(--line);border-radius:6px;min-width:260px}
.grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:18px}
code{font-size:12.5px}
"""

# Sorting: numbers (data-v, else the cell text) descending on the first click, text
# ascending; a second click reverses. Filtering: rows not containing the text hide.
_JS = """
(function(){
  function key(td){
    var v=td.getAttribute('data-v'); if(v===null){v=td.textContent.trim();}
    var n=Number(v.replace(/,/g,'')); return (v!=='' && !isNaN(n)) ? n : v.toLowerCase();
  }
  function sortBy(table, th, col){
    var numeric = th.classList.contains('n');
    var cur = th.getAttribute('aria-sort');
    var desc = cur ? cur==='ascending' : numeric;
    Array.prototype.forEach.call(th.parentNode.cells, function(c){c.removeAttribute('aria-sort');});
    th.setAttribute('aria-sort', desc ? 'descending' : 'ascending');
    var body=table.tBodies[0]; var rows=Array.prototype.slice.call(body.rows);
    rows.sort(function(a,b){
      var x=key(a.cells[col]), y=key(b.cells[col]);
      var r = (typeof x===typeof y) ? (x<y?-1:(x>y?1:0)) : (typeof x==='number'?-1:1);
      return desc ? -r : r;
    });
    rows.forEach(function(r){body.appendChild(r);});
  }
  Array.prototype.forEach.call(document.querySelectorAll('table.sortable'), function(table){
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function(th, col){
      th.tabIndex=0; th.title='Sort';
      th.addEventListener('click', function(){sortBy(table, th, col);});
      th.addEventListener('keydown', function(e){ if(e.key==='Enter'||e.key===' '){e.preventDefault(); sortBy(table, th, col);} });
    });
  });
  Array.prototype.forEach.call(document.querySelectorAll('input.filter'), function(input){
    var table=document.getElementById(input.getAttribute('data-table'));
    input.addEventListener('input', function(){
      var q=input.value.toLowerCase();
      Array.prototype.forEach.call(table.tBodies[0].rows, function(r){
        r.style.display = r.textContent.toLowerCase().indexOf(q) >= 0 ? '' : 'none';
      });
    });
  });
})();
"""


def _e(value: Any) -> str:
    return escape(str(value), quote=True)


def _num(n: Any, digits: int = 1) -> str:
    if n is None:
        return '<td class="n" data-v="">–</td>'
    if isinstance(n, float):
        text = f"{n:.{digits}f}" if abs(n) < 100 else f"{n:,.0f}"
        return f'<td class="n" data-v="{n}">{text}</td>'
    return f'<td class="n" data-v="{n}">{n:,}</td>'


def _chip(category: str) -> str:
    from corpuslint.report.charts import CATEGORY_COLORS

    color = CATEGORY_COLORS.get(category, "#8a8a8a")
    return f'<span class="chip" style="background:{color}">{_e(category)}</span>'


def _figure(charts: Mapping[str, str], name: str) -> str:
    svg = charts.get(name)
    return f'<div class="figure">{svg}</div>' if svg else ""


def _table(table_id: str, headers: Sequence[tuple[str, bool]], rows: Sequence[str], filterable: bool = False) -> str:
    head = "".join(f'<th class="n" scope="col">{_e(h)}</th>' if num else f'<th scope="col">{_e(h)}</th>'
                   for h, num in headers)
    flt = (f'<input class="filter" type="search" data-table="{table_id}" placeholder="Filter rows…" '
           f'aria-label="Filter the table">' if filterable else "")
    return (f'{flt}<div class="scroll"><table id="{table_id}" class="sortable"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')


def _excerpt(ex: Mapping[str, Any] | None) -> str:
    if not ex:
        return ""
    match = f"<mark>{_e(ex['match'])}</mark>" if ex["match"] else ("<mark>\u200b</mark>" if ex.get("line") else "")
    more = "…" if ex.get("truncated") else ""
    return f'<pre class="excerpt">{_e(ex["before"])}{match}{more}{_e(ex["after"])}</pre>'


def _finding_item(f: Mapping[str, Any], with_document: bool) -> str:
    where = f"line {f['line']}:{f['column']}" if f.get("line") else "document"
    doc = f'<code>{_e(f["document"])}</code> · ' if with_document else ""
    fix = ' <span class="note">[fixable]</span>' if f.get("fixable") else ""
    return (f'<li>{doc}<a href="{_e(f["url"])}" rel="noopener" title="rule documentation"><b>{_e(f["code"])}</b> '
            f'{_e(f["name"])}</a> <span class="sev-{_e(f["severity"])}">{_e(f["severity"])}</span> '
            f'<span class="note">{_e(where)}</span>: {_e(f["message"])}{fix}{_excerpt(f.get("excerpt"))}</li>')


def _overview(s: Mapping[str, Any], charts: Mapping[str, str]) -> str:
    t = s["totals"]
    langs = t["languages"]
    lang_text = ", ".join(f"{_e(k)} {v:,}" for k, v in list(langs.items())[:8]) or "–"
    cards = [
        (f"{t['documents']:,}", "documents", ""),
        (f"{t['megabytes']:,.1f}", "MB of text", f"{t['files']:,} files"),
        (f"{len(langs):,}", "languages", lang_text),
        (f"{t['sources']:,}", "sources", "top-level folders, JSONL source or URL domains"),
        (f"{t['documents_with_findings']:,}", "documents with findings",
         f"{t['rate_per_1k']:.1f} per 1,000 documents"),
        (f"{t['findings']:,}", "findings", f"{t['fixable']:,} with a safe fix (--fix)"),
    ]
    html = ['<section id="overview"><h2>Overview</h2><div class="cards">']
    for v, k, sub in cards:
        html.append(f'<div class="card"><div class="v">{v}</div><div class="k">{_e(k)}</div>'
                    f'<div class="note">{sub if k == "languages" else _e(sub)}</div></div>')
    html.append("</div>")
    if t.get("missing"):
        html.append(f'<p class="note">Not found: {_e(", ".join(t["missing"]))}</p>')
    if t.get("internal_error"):
        html.append('<p class="sev-error">A plugin crashed during the run: see the CL001 findings below.</p>')
    rows = [
        f'<tr><td>{_chip(c["category"])}</td>{_num(c["documents"])}{_num(c["rate_per_1k"])}'
        f'{_num(c["findings"])}{_num(c["fixable"])}</tr>'
        for c in s["categories"]
    ]
    html.append('<div class="grid2"><div><h3>By category</h3>')
    html.append(_table("t-categories", [("category", False), ("documents hit", True), ("per 1,000 docs", True),
                                        ("findings", True), ("fixable", True)], rows))
    html.append(f'</div><div>{_figure(charts, "categories")}</div></div></section>')
    return "".join(html)


def _rules(s: Mapping[str, Any], charts: Mapping[str, str]) -> str:
    hit = [r for r in s["rules"] if r["findings"]]
    clean = [r for r in s["rules"] if not r["findings"]]
    rows = [
        f'<tr><td><a href="{_e(r["url"])}" rel="noopener"><code>{_e(r["code"])}</code></a></td>'
        f'<td>{_e(r["name"])}</td><td data-v="{_e(r["category"])}">{_chip(r["category"])}</td>'
        f'<td class="sev-{_e(r["severity"])}">{_e(r["severity"])}</td>{_num(r["documents"])}'
        f'{_num(r["rate_per_1k"])}{_num(r["findings"])}{_num(r["fixable"])}</tr>'
        for r in hit
    ]
    html = ['<section id="rules"><h2>Rules</h2>',
            '<p class="note">Documents hit: documents with at least one finding of the rule; per 1,000: out of every '
            '1,000 documents of the corpus; fixable: findings that <code>corpuslint --fix</code> repairs safely.</p>',
            _figure(charts, "rules"),
            _table("t-rules", [("code", False), ("rule", False), ("category", False), ("severity", False),
                               ("documents hit", True), ("per 1,000 docs", True), ("findings", True),
                               ("fixable", True)], rows, filterable=True)]
    if clean:
        names = ", ".join(f'<a href="{_e(r["url"])}" rel="noopener">{_e(r["code"])}</a>' for r in clean)
        html.append(f'<details><summary>{len(clean)} active rules found nothing</summary><p>{names}</p></details>')
    html.append("</section>")
    return "".join(html)


def _breakdown(s: Mapping[str, Any], charts: Mapping[str, str], key: str, what: str, anchor: str) -> str:
    rows_data = s[key]
    if not rows_data:
        return ""
    cats = [c["category"] for c in s["categories"] if c["documents"]]
    top_rules = [r for r in s["rules"] if r["documents"]][:10]
    headers = [(what, False), ("documents", True)]
    if key == "by_source":
        headers.append(("MB", True))
    headers += [("with findings", True), ("per 1,000 docs", True), ("findings", True)]
    headers += [(f"{c} per 1,000", True) for c in cats]
    rows = []
    for r in rows_data:
        cells = [f'<td>{_e(r["name"])}</td>', _num(r["documents"])]
        if key == "by_source":
            cells.append(_num(r["megabytes"], 2 if r["megabytes"] < 10 else 1))
        cells += [_num(r["documents_with_findings"]), _num(r["rate_per_1k"]), _num(r["findings"])]
        cells += [_num(r["categories"].get(c, {}).get("rate_per_1k", 0.0)) for c in cats]
        rows.append(f"<tr>{''.join(cells)}</tr>")
    html = [f'<section id="{anchor}"><h2>By {what}</h2>']
    if key == "by_source":
        html.append('<p class="note">A document\'s source is its <code>source</code> field, else the domain of its '
                    '<code>url</code> field (JSONL, Parquet records), else the top-level folder under the linted '
                    'path (a multi-record file is a source of its own).</p>')
    html.append(f'<div class="grid2"><div>{_figure(charts, key.replace("by_", "") + "s")}</div>'
                f'<div>{_figure(charts, key.replace("by_", "") + "s-heat")}</div></div>')
    html.append(_table(f"t-{anchor}", headers, rows, filterable=True))
    if top_rules:
        rh = [(what, False), ("documents", True)] + [(r["code"], True) for r in top_rules]
        rrows = []
        for r in rows_data:
            cells = [f'<td>{_e(r["name"])}</td>', _num(r["documents"])]
            cells += [_num(r["rules"].get(t["code"], {}).get("rate_per_1k", 0.0)) for t in top_rules]
            rrows.append(f"<tr>{''.join(cells)}</tr>")
        html.append(f'<details><summary>Documents hit per 1,000, by {what} and rule (the {len(top_rules)} '
                    f'most frequent rules)</summary>{_table(f"t-{anchor}-rules", rh, rrows)}</details>')
    html.append("</section>")
    return "".join(html)


def _distributions(s: Mapping[str, Any], charts: Mapping[str, str]) -> str:
    d = s["distributions"]
    html = ['<section id="distributions"><h2>Distributions</h2>']
    html.append(_figure(charts, "residue") or '<p class="note">No residue finding: no residue histogram.</p>')
    if "repetition" in charts:
        html.append(_figure(charts, "repetition"))
        rep = d.get("repetition") or {}
        html.append(f'<p class="note">{rep.get("documents", 0):,} documents long enough to be measured; dashed '
                    'lines: the thresholds of DUP003 (Rae et al. 2021, Table A1).</p>')
    else:
        html.append('<p class="note">Repetition scores were not computed: enable DUP003 '
                    '(<code>--extend-select DUP003</code>) or pass <code>--repetition-scores</code>.</p>')
    html.append(_figure(charts, "clusters") or '<p class="note">No duplicate or near-duplicate documents.</p>')
    html.append("</section>")
    return "".join(html)


def _boilerplate(s: Mapping[str, Any]) -> str:
    rows_data = s["boilerplate"]
    html = ['<section id="boilerplate"><h2>Shared boilerplate lines</h2>']
    if not rows_data:
        html.append('<p class="note">No line shared by many documents (RES101).</p></section>')
        return "".join(html)
    rows = [
        f'<tr><td><pre class="excerpt">{_e(r["text"])}</pre></td>{_num(r["documents"])}{_num(r["lines"])}'
        f'<td><code>{_e(r["example"])}</code></td></tr>'
        for r in rows_data
    ]
    html.append('<p class="note">Lines (or runs of lines) found in many documents: site templates. '
                'Documents: how many documents share the line (for a run, its least shared line).</p>')
    html.append(_table("t-boilerplate", [("text", False), ("documents", True), ("lines", True),
                                         ("example", False)], rows, filterable=True))
    html.append("</section>")
    return "".join(html)


def _clusters(s: Mapping[str, Any]) -> str:
    rows_data = s["clusters"]
    html = ['<section id="duplicates"><h2>Duplicate clusters</h2>']
    if not rows_data:
        html.append('<p class="note">No duplicate or near-duplicate documents (DUP101, DUP102).</p></section>')
        return "".join(html)
    rows = []
    for c in rows_data:
        members = "<br>".join(
            f'<code>{_e(m["document"])}</code>'
            + (f' <span class="note">({m["similarity"]:.2f})</span>' if m["code"] == "DUP102" else "")
            for m in c["members"]
        )
        more = c["size"] - 1 - len(c["members"])
        if more > 0:
            members += f'<br><span class="note">and {more:,} more</span>'
        rows.append(f'<tr><td><code>{_e(c["first"])}</code></td><td>{_e(c["kind"])}</td>{_num(c["size"])}'
                    f'<td>{members}</td></tr>')
    html.append('<p class="note">Each cluster is named by its first document (in path order); members are the '
                'later copies, with the Jaccard similarity of near-duplicates.</p>')
    html.append(_table("t-clusters", [("first document", False), ("kind", False), ("documents", True),
                                      ("members", False)], rows, filterable=True))
    html.append("</section>")
    return "".join(html)


def _worst(s: Mapping[str, Any]) -> str:
    docs = s["worst_documents"]
    html = ['<section id="worst"><h2>Worst documents</h2>']
    if not docs:
        html.append('<p class="note">No document has a finding.</p></section>')
        return "".join(html)
    html.append('<p class="note">Ranked by a score: 5 per error, 2 per warning, 1 per info finding. Flagged spans '
                'are highlighted.</p>')
    for d in docs:
        sev = ", ".join(f'<span class="sev-{_e(k)}">{v} {_e(k)}</span>' for k, v in d["severities"].items())
        rules = " · ".join(f"{_e(code)} ×{n}" for code, n in d.get("rules", {}).items())
        shown = len(d["findings"])
        more = f' <span class="note">({shown} of {d["findings_total"]} shown)</span>' if shown < d["findings_total"] else ""
        html.append(
            f'<div class="doc"><h3>{_e(d["document"])}</h3><div class="note">source {_e(d["source"])} · language '
            f'{_e(d["language"])} · {d["lines"]:,} lines · residue {d["residue_share"] * 100:.0f}% of lines · '
            f'score {d["score"]:g} · {sev}{more}<br>{rules}</div><ul class="findings">'
            + "".join(_finding_item(f, False) for f in d["findings"]) + "</ul></div>"
        )
    html.append("</section>")
    return "".join(html)


def _examples(s: Mapping[str, Any]) -> str:
    ex = s["examples"]
    if not ex:
        return ""
    by_code = {r["code"]: r for r in s["rules"]}
    html = ['<section id="examples"><h2>Examples per rule</h2>']
    for code, items in ex.items():
        r = by_code.get(code, {"name": "", "documents": 0, "url": "#"})
        html.append(f'<details><summary><b>{_e(code)}</b> {_e(r["name"])} — {r["documents"]:,} documents '
                    f'(<a href="{_e(r["url"])}" rel="noopener">rule documentation</a>)</summary><ul class="findings">'
                    + "".join(_finding_item(f, True) for f in items) + "</ul></details>")
    html.append("</section>")
    return "".join(html)


def _comparison(s: Mapping[str, Any], charts: Mapping[str, str]) -> str:
    c = s.get("comparison")
    if not c:
        return ""
    html = ['<section id="changes"><h2>Changes</h2>']
    if c["against"] == "baseline":
        html.append(f'<p>Against the baseline <code>{_e(c["file"])}</code> ({c["baseline_findings"]:,} findings): '
                    f'<span class="st-new">{c["new"]:,} new</span>, <span class="st-fixed">{c["fixed"]:,} fixed'
                    f'</span>.</p>')
        html.append(_figure(charts, "comparison"))
        rows = [f'<tr><td><code>{_e(r["code"])}</code></td><td>{_e(r["name"])}</td>{_num(r["new"])}'
                f'{_num(r["fixed"])}</tr>' for r in c["rules"]]
        html.append(_table("t-changes", [("code", False), ("rule", False), ("new", True), ("fixed", True)], rows))
        if c["new_examples"]:
            html.append('<details><summary>New findings (first ones)</summary><ul class="findings">'
                        + "".join(_finding_item(f, True) for f in c["new_examples"]) + "</ul></details>")
        if c["fixed_examples"]:
            items = "".join(f'<li><code>{_e(f["document"])}</code> {_e(f["code"])}'
                            f'{" line " + str(f["line"]) if f.get("line") else ""}</li>' for f in c["fixed_examples"])
            html.append(f'<details><summary>Fixed findings (first ones)</summary><ul class="findings">{items}'
                        '</ul></details>')
    else:
        since = f' of {_e(c["generated_before"])}' if c.get("generated_before") else ""
        counts = ", ".join(
            f'<span class="{"st-" + k if c[k] else "st-same"}">{c[k]} {label}</span>'
            for k, label in (("new", "rules newly hit"), ("fixed", "rules no longer hit"), ("better", "better"),
                             ("worse", "worse"))
        )
        html.append(f'<p>Against the previous report <code>{_e(c["file"])}</code>{since}: {counts} '
                    '(by documents hit per 1,000).</p>')
        if c.get("totals"):
            rows = [f'<tr><td>{_e(k.replace("_", " "))}</td>{_num(v["before"])}{_num(v["after"])}</tr>'
                    for k, v in c["totals"].items()]
            html.append(_table("t-changes-totals", [("total", False), ("before", True), ("now", True)], rows))
        html.append(_figure(charts, "comparison"))
        rows = [
            f'<tr><td><code>{_e(r["code"])}</code></td><td>{_e(r["name"])}</td>'
            f'<td class="st-{_e(r["status"])}">{_e(r["status"])}</td>{_num(r["documents_before"])}'
            f'{_num(r["documents_after"])}{_num(r["rate_before"])}{_num(r["rate_after"])}'
            f'{_num(r["findings_before"])}{_num(r["findings_after"])}</tr>'
            for r in c["rules"]
        ]
        html.append(_table("t-changes", [("code", False), ("rule", False), ("status", False), ("docs before", True),
                                         ("docs now", True), ("per 1,000 before", True), ("per 1,000 now", True),
                                         ("findings before", True), ("findings now", True)], rows))
    html.append("</section>")
    return "".join(html)


def render_html(summary: Mapping[str, Any], charts: Mapping[str, str] | None = None, note: str | None = None) -> str:
    """The report page of a summary (see :func:`corpuslint.report.build_report`)."""
    charts = charts or {}
    s = summary
    nav = [("overview", "Overview")]
    if s.get("comparison"):
        nav.append(("changes", "Changes"))
    nav += [("rules", "Rules"), ("sources", "Sources"), ("languages", "Languages"),
            ("distributions", "Distributions"), ("boilerplate", "Boilerplate"), ("duplicates", "Duplicates"),
            ("worst", "Worst documents")]
    if s["examples"]:
        nav.append(("examples", "Examples"))
    paths = " ".join(s["paths"])
    config = f' · config <code>{_e(s["config"])}</code>' if s.get("config") else ""
    notice = f'<p class="note">{_e(note)}</p>' if note else ""
    body = "".join([
        _overview(s, charts),
        _comparison(s, charts),
        _rules(s, charts),
        _breakdown(s, charts, "by_source", "source", "sources"),
        _breakdown(s, charts, "by_language", "language", "languages"),
        _distributions(s, charts),
        _boilerplate(s),
        _clusters(s),
        _worst(s),
        _examples(s),
    ])
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="generator" content="corpuslint ' + _e(s["corpuslint_version"]) + '">'
        f"<title>{_e(s['title'])}: {_e(paths)}</title><style>{_CSS}</style></head><body>"
        f'<header><h1>{_e(s["title"])}</h1><div class="meta"><code>{_e(paths)}</code> · generated {_e(s["generated"])} '
        f'by corpuslint {_e(s["corpuslint_version"])}{config}</div>{notice}</header>'
        "<nav>" + "".join(f'<a href="#{a}">{_e(t)}</a>' for a, t in nav) + "</nav>"
        f"<main>{body}</main><script>{_JS}</script></body></html>\n"
    )
