"""The HTML report in a real browser: headless Chromium driven by Selenium (issue #8).

Needs Debian's ``chromium`` and ``chromium-driver`` (``apt-get install -y chromium
chromium-driver``), or ``CORPUSLINT_CHROMIUM`` / ``CORPUSLINT_CHROMEDRIVER`` pointing
at a browser and its driver; the test is skipped, saying why, without them.
``CORPUSLINT_UPDATE_DOCS=1`` also writes the screenshots shown in docs/report.md.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report_corpus import make_corpus  # noqa: E402

from corpuslint.report.cli import main as report_main  # noqa: E402

DOCS_IMG = Path(__file__).resolve().parent.parent / "docs" / "img"
# the flags that work on a closed network (see the machine notes): no background traffic
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1400,1000", "--hide-scrollbars"]


def _binaries() -> tuple[str, str]:
    browser = os.environ.get("CORPUSLINT_CHROMIUM") or next(
        (p for p in (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")) if p), None)
    driver = os.environ.get("CORPUSLINT_CHROMEDRIVER") or shutil.which("chromedriver")
    if not browser or not driver or not os.path.exists(browser) or not os.path.exists(driver):
        pytest.skip("Chromium or ChromeDriver not found (apt-get install -y chromium chromium-driver): "
                    "the HTML report is not tested in a browser")
    return browser, driver


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("matplotlib", reason="the report's charts need matplotlib (corpuslint[report])")
    root = tmp_path_factory.mktemp("browser")
    corpus = make_corpus(root / "corpus", 300)
    out = root / "report.html"
    mp = pytest.MonkeyPatch()
    mp.chdir(corpus)
    try:
        code = report_main([".", "-o", str(out), "--isolated", "--no-cache", "-j", "2", "-q",
                            "--extend-select", "DUP003", "--title", "Corpus health report: example"])
    finally:
        mp.undo()
    assert code == 0
    return out


@pytest.fixture(scope="module")
def driver():
    webdriver = pytest.importorskip("selenium.webdriver", reason="the browser test needs selenium")
    from selenium.webdriver.chrome.service import Service

    browser, chromedriver = _binaries()
    opts = webdriver.ChromeOptions()
    for flag in FLAGS:
        opts.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="corpuslint-chromium-")
    opts.add_argument(f"--user-data-dir={profile}")
    opts.binary_location = browser
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    d = webdriver.Chrome(service=Service(chromedriver), options=opts)
    try:
        yield d
    finally:
        d.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _column(d, table_id: str, col: int) -> list[str]:
    return d.execute_script(
        "return Array.from(document.getElementById(arguments[0]).tBodies[0].rows)"
        ".filter(r => r.style.display !== 'none').map(r => r.cells[arguments[1]].textContent.trim())",
        table_id, col)


def _header(d, table_id: str, col: int):
    from selenium.webdriver.common.by import By

    return d.find_elements(By.CSS_SELECTOR, f"#{table_id} thead th")[col]


def _click(d, element) -> None:
    """Click like a user, with the element in the middle of the window (not under the sticky menu)."""
    d.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


def _numbers(values: list[str]) -> list[float]:
    return [float(v.replace(",", "")) for v in values]


def test_report_in_chromium(driver, report: Path, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    d = driver
    from selenium.webdriver.support.ui import WebDriverWait

    d.get(report.as_uri())
    WebDriverWait(d, 30).until(lambda drv: drv.execute_script("return document.readyState") == "complete")
    assert "Corpus health report" in d.title

    # no error in the console, nothing fetched from anywhere
    severe = [e for e in d.get_log("browser") if e["level"] == "SEVERE"]
    assert not severe, severe
    assert d.execute_script("return performance.getEntriesByType('resource').length") == 0

    # the charts are there and drawn with a size
    charts = d.find_elements(By.CSS_SELECTOR, "svg.chart")
    names = {c.get_attribute("data-chart") for c in charts}
    assert {"rules", "categories", "by_source-rate", "by_source-heat", "by_language-rate", "residue",
            "repetition", "clusters"} <= names
    for c in charts:
        size = c.size
        assert size["width"] > 200 and size["height"] > 80, (c.get_attribute("data-chart"), size)
        assert d.execute_script("return arguments[0].querySelectorAll('text').length", c) > 3

    # the rules table sorts: by code (text, ascending), then by documents (numbers, descending, then ascending)
    _click(d, _header(d, "t-rules", 0))
    codes = _column(d, "t-rules", 0)
    assert codes == sorted(codes, key=str.lower) and len(codes) > 5
    assert _header(d, "t-rules", 0).get_attribute("aria-sort") == "ascending"
    _click(d, _header(d, "t-rules", 4))
    docs = _numbers(_column(d, "t-rules", 4))
    assert docs == sorted(docs, reverse=True)
    assert _header(d, "t-rules", 4).get_attribute("aria-sort") == "descending"
    assert _header(d, "t-rules", 0).get_attribute("aria-sort") is None
    _click(d, _header(d, "t-rules", 4))
    assert _numbers(_column(d, "t-rules", 4)) == sorted(docs)
    # numbers sort as numbers, not as text ("1,615" after "115")
    _click(d, _header(d, "t-rules", 6))
    findings = _numbers(_column(d, "t-rules", 6))
    assert findings == sorted(findings, reverse=True)

    # the sources table sorts by name too
    _click(d, _header(d, "t-sources", 0))
    names_sorted = _column(d, "t-sources", 0)
    assert names_sorted == sorted(names_sorted, key=str.lower)

    # the filter box hides rows
    box = d.find_element(By.CSS_SELECTOR, 'input.filter[data-table="t-rules"]')
    d.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
    box.send_keys("RES")
    shown = _column(d, "t-rules", 0)
    assert shown and all(c.startswith("RES") for c in shown)
    d.execute_script("arguments[0].value=''; arguments[0].dispatchEvent(new Event('input'))", box)  # cleared
    assert len(_column(d, "t-rules", 0)) == len(codes)

    # the navigation works, the flagged spans are highlighted
    _click(d, d.find_element(By.CSS_SELECTOR, 'nav a[href="#worst"]'))
    assert d.execute_script("return window.scrollY") > 1000
    marks = d.find_elements(By.CSS_SELECTOR, "#worst pre.excerpt mark")
    assert marks and any(m.text for m in marks)
    assert not [e for e in d.get_log("browser") if e["level"] == "SEVERE"]

    # screenshots (the top of the page, and the sources), shown in docs/report.md
    d.execute_script("window.scrollTo(0, 0)")
    top = tmp_path / "report.png"
    assert d.save_screenshot(str(top))
    d.execute_script("document.getElementById('sources').scrollIntoView()")
    sources = tmp_path / "report-sources.png"
    assert d.save_screenshot(str(sources))
    for shot in (top, sources):
        data = shot.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    if os.environ.get("CORPUSLINT_UPDATE_DOCS"):
        DOCS_IMG.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(top, DOCS_IMG / "report.png")
        shutil.copyfile(sources, DOCS_IMG / "report-sources.png")
