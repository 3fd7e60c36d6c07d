"""Duplication family: repeated lines inside a document, duplicate documents across the corpus."""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import regex

from corpuslint.hookspecs import hookimpl
from corpuslint.model import Document, Edit, Fix, Severity, Violation
from corpuslint.rule import CorpusRule, CorpusViolation, DocRef, Option, Rule, RuleContext, rule

_PUNCT = regex.compile(r"[\p{P}\p{S}\s]+")
_DIALOGUE = regex.compile(r"^\s*(?:[-–—―•*]|\d+[.)]|[«\"“„])")


def normalize_for_dup(line: str) -> str:
    """Line key for duplicate detection: case, punctuation, quotes and spacing ignored."""
    return _PUNCT.sub(" ", line.casefold()).strip()


@rule(
    "DUP001",
    "repeated-lines",
    category="duplication", fixable=True,
    severity="warning",
    options=[
        Option("min-length", int, 30, "Shortest line (characters, normalized) whose non-adjacent repeat is reported.", min=1),
        Option("adjacent-min-length", int, 2, "Shortest line whose immediate repeat (stutter) is reported.", min=1),
    ],
)
def repeated_lines(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    """Lines or paragraphs that repeat earlier ones in the same document.

    ## What it does
    Compares every line with the earlier lines of the document, ignoring case,
    punctuation, quotes and spacing. A repeated line of at least `min-length`
    characters is reported at the repeat, with the line it repeats; a run of
    consecutive repeated lines (a pasted-twice block) is one finding spanning
    the block. A line repeated right after itself (`© Netflix` twice) is
    reported from `adjacent-min-length` characters, except dialogue and list
    lines (`— Oui.`).

    ## Why it matters
    Duplicated passages skew every count made on the corpus and teach a model
    to repeat itself. Scrapers produce them when a page holds the same block
    twice (teaser and body, mobile and desktop layouts).

    ## Example
    ```text
    seeds/002.txt:5:1: DUP001 [repeated-lines] lines 5-7 repeat lines 2-4
    ```

    ## Fix
    Delete the repeat. The fix is safe for a line that exactly repeats the line
    just before it, unsafe otherwise (a repeat may be deliberate).
    """
    min_len = ctx.options["min-length"]
    adj_min = ctx.options["adjacent-min-length"]
    lines = doc.lines
    first: dict[str, int] = {}
    hits: list[tuple[int, int, bool]] = []  # (line index, first index, adjacent exact)
    prev_idx = -1
    prev_key = ""
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        key = normalize_for_dup(line)
        if not key:
            prev_idx, prev_key = i, key
            continue
        j = first.get(key)
        if j is None:
            first[key] = i
        else:
            adjacent = key == prev_key and not _DIALOGUE.match(line)
            if len(key) >= min_len or (adjacent and len(key) >= adj_min):
                exact = adjacent and line.strip() == lines[prev_idx].strip()
                hits.append((i, j if not adjacent else prev_idx, exact))
        prev_idx, prev_key = i, key
    # merge runs: consecutive non-blank repeats whose originals also advance
    blocks: list[list[tuple[int, int, bool]]] = []
    for h in hits:
        if blocks:
            last = blocks[-1][-1]
            between = lines[last[0] + 1 : h[0]]
            if all(not x.strip() for x in between) and h[1] > last[1] and h[1] < blocks[-1][0][0]:
                blocks[-1].append(h)
                continue
        blocks.append([h])
    starts = doc.line_starts
    for b in blocks:
        a, z = b[0][0], b[-1][0]
        fa, fz = b[0][1], b[-1][1]
        if a == z:
            msg = f"line {a + 1} repeats line {fa + 1}"
        else:
            msg = f"lines {a + 1}-{z + 1} repeat lines {fa + 1}-{fz + 1}"
        start = starts[a]
        end = starts[z] + len(lines[z])
        del_start = starts[a]
        del_end = starts[z + 1] if z + 1 < len(starts) else end
        if z + 1 >= len(starts) and a > 0:  # last line: remove the break before it instead
            del_start = starts[a] - (2 if doc.text[starts[a] - 2 : starts[a]] == "\r\n" else 1)
        safe = all(h[2] for h in b)
        yield Violation(msg, start, end, Fix("Delete the repeated lines", (Edit(del_start, del_end, ""),), safe=safe))


class DuplicateDocument(CorpusRule):
    """A document whose text is the same as an earlier document's.

    ## What it does
    Hashes each document's text after folding case and collapsing punctuation
    and spacing, and reports every document after the first with the same
    hash, naming the first (in path order). Documents shorter than `min-length`
    characters are ignored.

    ## Why it matters
    Exact duplicates are the commonest corpus defect: the same article under
    two URLs, a file copied twice. They over-weight their content in every
    statistic and model trained on the corpus.

    ## Example
    ```text
    news/b.txt: DUP101 [duplicate-document] same text as news/a.txt
    ```

    ## Fix
    Remove all but one copy. No automatic fix: which copy to keep is a choice.
    """

    code = "DUP101"
    name = "duplicate-document"
    category = "duplication"
    severity = Severity.WARNING
    options = (Option("min-length", int, 50, "Shortest document (characters) compared.", min=0),)

    def __init__(self) -> None:
        self.doc = inspect.cleandoc(type(self).__doc__ or "")

    def collect(self, doc: Document, ctx: RuleContext) -> Any:
        if len(doc.text) < ctx.options["min-length"]:
            return None
        key = normalize_for_dup(doc.text)
        if len(key) < ctx.options["min-length"] // 2:
            return None
        return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big")

    def finalize(self, signatures: Sequence[tuple[DocRef, Any]], options: Mapping[str, Any]) -> Iterator[CorpusViolation]:
        first: dict[int, DocRef] = {}
        for ref, h in signatures:
            if h is None:
                continue
            if h in first:
                orig = first[h]
                name = orig.path if orig.record is None else f"{orig.path}:#{orig.record}"
                yield CorpusViolation(ref, f"same text as {name}", span_digest=f"{h:016x}")
            else:
                first[h] = ref


@hookimpl
def corpuslint_rules() -> list[Rule]:
    return [repeated_lines, DuplicateDocument()]

