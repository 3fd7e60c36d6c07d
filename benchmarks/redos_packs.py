"""Look for rules whose time grows faster than the text on adversarial lines (ReDoS and
other quadratic scans).

    python benchmarks/redos_packs.py [--size 50000] [--all-rules]

Each document is one long line of a repeated token (digits and spaces, dates, quotes,
separators, credits...) or that line with a breadcrumb, a credit or a counter after it; it
is linted at ``size`` characters and at twice that. A document whose time more than triples
(and takes over 0.1 s) is printed, with the rules that take the time. A scraped page can hold
a line of a megabyte: such a rule hangs the linter. Run on demand (timing: never in the test
suite). Before this check, a line of `le 12 mars 2024, ` x 4,000 took over two minutes, a
line of `2024 ` x 200,000 21 s.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TOKENS = ["2024 ", "1 ", "1.", "a ", "A. ", "ab.", "« ", "\" ", "“ ", "‘ ", "- ", ": ", "| ", "› ", "© ", "@a ",
          "# ", "a-", "1,", "1/", "12:30 ", "le 12 mars 2024, ", "Mar 17 ", "  ", "\t", ". ", "Photo ", "By ",
          "Share ", "0 ", "(1) ", "[a] ", "*", "_a ", "Ã© ", "&amp; ", "<b>", "\u200b", "e\u0301", "? ", "中文 "]
TAILS = ["", "Home > News > World", "Photo: AFP", "12 comments", "Read more", "— Jane (@jane) March 3, 2024"]


_LINTERS: dict[str, object] = {}


def lint_seconds(text: str, code: str | None) -> float:
    """Seconds to lint ``text`` with the default rules, or with rule ``code`` alone."""
    from corpuslint.api import Linter

    key = code or ""
    if key not in _LINTERS:
        _LINTERS[key] = Linter({"select": [code]} if code else None)
        _LINTERS[key].lint_text("warm up")  # type: ignore[attr-defined]
    t = time.perf_counter()
    _LINTERS[key].lint_text(text)  # type: ignore[attr-defined]
    return time.perf_counter() - t


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, default=50000, help="characters of the smaller document (default 50,000)")
    args = ap.parse_args(argv)
    from corpuslint.session import open_session

    codes = [a.code for a in open_session(isolated=True).ruleset.active]
    lint_seconds("warm up", None)
    bad = 0
    for tok in TOKENS:
        for tail in TAILS:
            small = tok * (args.size // len(tok)) + tail
            big = tok * (2 * args.size // len(tok)) + tail
            t1, t2 = lint_seconds(small, None), lint_seconds(big, None)
            if t2 > 3 * t1 and t2 > 0.1:
                bad += 1
                slow = sorted(((lint_seconds(big, c), c) for c in codes), reverse=True)[:3]
                print(f"{tok!r} x n + {tail!r}: {t1:.2f} s -> {t2:.2f} s; slowest: "
                      + ", ".join(f"{c} {s:.2f} s" for s, c in slow))
    print(f"{len(TOKENS) * len(TAILS)} documents: {bad} grow faster than the text")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
