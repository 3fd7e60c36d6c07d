"""Quotes family: quotation marks that open and close within a paragraph.

Quote pairs per language come from ``rules/quotes/`` (``extends = "quotes"``).
Apostrophes are never quotes: a straight ``'`` is ignored, and ``’`` only ever
closes a ``‘`` that is open.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from corpuslint.hookspecs import hookimpl
from corpuslint.model import Document, Edit, Fix, Paragraph, Severity, Violation
from corpuslint.packs import Pack, PackError
from corpuslint.rule import Rule, RuleContext

__all__ = ["QuoteScan", "scan_paragraph"]

_WEAK_CLOSERS = frozenset("’")  # also the apostrophe: closes an open ‘, else ignored
_OPEN_CONTEXT = frozenset("([{<—–-/")
_CLOSE_CONTEXT = frozenset(".,;:!?)]}…")


@dataclass
class QuoteVocabulary:
    #: language -> list of (open, close)
    pairs: dict[str, list[tuple[str, str]]]

    def for_language(self, lang: str) -> list[tuple[str, str]]:
        return self.pairs.get(lang) or self.pairs.get("*") or [("«", "»"), ("“", "”")]


@dataclass
class QuoteScan:
    """Result of scanning one paragraph."""

    unclosed: list[tuple[int, str]] = field(default_factory=list)  # (offset, char)
    stray: list[tuple[int, str]] = field(default_factory=list)
    crossed: list[tuple[int, str, int, str]] = field(default_factory=list)  # inner open, its char, closer pos, closer
    straight_pairs: list[tuple[int, int]] = field(default_factory=list)
    unclosed_straight: list[int] = field(default_factory=list)
    stray_straight: list[int] = field(default_factory=list)

    @property
    def balanced(self) -> bool:
        return not (self.unclosed or self.stray or self.crossed or self.unclosed_straight or self.stray_straight)


def _is_letter(c: str | None) -> bool:
    return c is not None and c.isalpha()


def scan_paragraph(s: str, pairs: Sequence[tuple[str, str]], continued: bool = False) -> QuoteScan:
    """Match quote marks in ``s``. ``continued``: the previous paragraph left a quote open."""
    openers = {o: c for o, c in pairs}
    closers = {c for _, c in pairs}
    marks = set(openers) | closers | {'"'}
    res = QuoteScan()
    stack: list[tuple[int, str]] = []
    crossed_pos: set[int] = set()
    straight: list[int] = []
    n = len(s)
    first_mark = True
    for k, ch in enumerate(s):
        if ch not in marks:
            continue
        if ch == '"':
            prev = s[k - 1] if k else None
            nxt = s[k + 1] if k + 1 < n else None
            prev_open = prev is None or prev.isspace() or prev in _OPEN_CONTEXT or prev in openers
            elision = prev in ("'", "’") and k >= 2 and _is_letter(s[k - 2])  # d'"urgence"
            next_close = nxt is None or nxt.isspace() or nxt in _CLOSE_CONTEXT or nxt in closers
            if prev is not None and prev.isdigit() and not _is_letter(nxt) and not straight:
                continue  # inches: 5' 10"
            if elision:
                is_open = True
            elif prev_open and not next_close:
                is_open = True
            elif next_close and not prev_open:
                is_open = False
            else:
                is_open = not straight
            if is_open:
                straight.append(k)
            elif straight:
                res.straight_pairs.append((straight.pop(), k))
            else:
                res.stray_straight.append(k)
            first_mark = False
            continue
        if stack and openers.get(stack[-1][1]) == ch:
            stack.pop()
        elif ch in openers and not (ch in _WEAK_CLOSERS):
            if continued and first_mark and ch in closers and not stack:
                pass  # old French style: » reopening a continued quotation
            else:
                stack.append((k, ch))
        elif ch in _WEAK_CLOSERS:
            pass  # an apostrophe
        elif ch in closers:
            deeper = [i for i, (_, o) in enumerate(stack) if openers.get(o) == ch]
            if deeper:
                # ch closes an outer quotation while inner ones are open: report the inner
                # ones once and keep them open, so their own closers still match
                i = deeper[-1]
                for pos, o in stack[i + 1 :]:
                    if pos not in crossed_pos:
                        res.crossed.append((pos, o, k, ch))
                        crossed_pos.add(pos)
                del stack[i]
            elif not (continued and first_mark):
                res.stray.append((k, ch))
        first_mark = False
    res.unclosed = [x for x in stack if x[0] not in crossed_pos]
    res.unclosed_straight = straight
    return res


class QuoteRule(Rule):
    category = "quotes"
    unit = "document"
    pack_group: ClassVar[str | None] = "quotes"
    pack_schema: ClassVar = {"pairs": list}

    def __init__(self) -> None:
        self.doc = inspect.cleandoc(type(self).__doc__ or "")

    def compile_packs(self, packs: Sequence[Pack]) -> QuoteVocabulary:
        pairs: dict[str, list[tuple[str, str]]] = {}
        for p in packs:
            for item in p.data.get("pairs", []):
                if not (isinstance(item, list) and len(item) == 2 and all(isinstance(x, str) and len(x) == 1 for x in item)):
                    raise PackError(f"{p.path}: key 'pairs' items must be [open, close] single characters, got {item!r}")
                pairs.setdefault(p.language, []).append((item[0], item[1]))
        return QuoteVocabulary(pairs)

    def scans(self, doc: Document, vocab: QuoteVocabulary) -> list[tuple[Paragraph, QuoteScan]]:
        """Scan every paragraph once per document (shared by the quote rules)."""
        cached = doc.facts.get("_quote_scans")
        if cached is not None:
            return cached  # type: ignore[no-any-return]
        pairs = vocab.for_language(doc.language)
        openers = {o for o, _ in pairs} | {'"'}
        out = []
        paras = doc.paragraphs
        continued = False
        for i, para in enumerate(paras):
            scan = scan_paragraph(para.text, pairs, continued)
            nxt = paras[i + 1].text.lstrip() if i + 1 < len(paras) else ""
            # a quotation running over paragraphs reopens at the next paragraph's start
            reopen = bool(nxt) and (nxt[0] in openers or any(nxt[0] == c for _, c in pairs))
            if reopen and (scan.unclosed or scan.unclosed_straight):
                if scan.unclosed and all(nxt[0] in (o, dict(pairs).get(o)) for _, o in scan.unclosed[-1:]):
                    scan.unclosed = scan.unclosed[:-1]
                    continued = True
                elif scan.unclosed_straight and nxt[0] == '"':
                    scan.unclosed_straight = scan.unclosed_straight[:-1]
                    continued = True
                else:
                    continued = False
            else:
                continued = False
            out.append((para, scan))
        doc.facts["_quote_scans"] = out
        return out


class UnbalancedQuotes(QuoteRule):
    """A quotation mark that is never closed, or closes nothing, within its paragraph.

    ## What it does
    Matches the quote pairs of the document's language (French `« »` and
    `‹ ›`, English `“ ”`, German `„ “` and `» «`, straight `"`) paragraph by
    paragraph and reports, at its column, an opening mark never closed, a
    closing mark that closes nothing, and marks that cross (`« … “ … » … ”`).
    A straight `"` opens or closes by the spaces around it. A quotation
    continued over paragraphs (each paragraph reopening with `«` or `"`) is
    not reported. Apostrophes (`l’Ukraine`, `aujourd'hui`, `rock 'n' roll`) and
    inch marks (`5' 10"`) are not quotes.

    ## Why it matters
    An unbalanced quote attributes words to the wrong speaker and breaks any
    tool that segments quotations; it usually means text was cut or glued by
    the scraper.

    ## Example
    ```text
    seeds/001.txt:14:175: QUO001 [unbalanced-quotes] closing " has no opening quote in this paragraph
    ```

    ## Fix
    Restore the missing mark or delete the stray one. No automatic fix: where
    the quotation ends is a matter of meaning.
    """

    code = "QUO001"
    name = "unbalanced-quotes"
    severity = Severity.WARNING

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Violation]:
        for para, scan in self.scans(doc, ctx.vocabulary):
            b = para.start
            found = []
            for pos, ch in scan.unclosed:
                found.append((pos, f"opening {ch} is never closed in this paragraph"))
            for pos in scan.unclosed_straight:
                found.append((pos, 'opening " is never closed in this paragraph'))
            for pos, ch in scan.stray:
                found.append((pos, f"closing {ch} has no opening quote in this paragraph"))
            for pos in scan.stray_straight:
                found.append((pos, 'closing " has no opening quote in this paragraph'))
            for pos, ch, kpos, closer in scan.crossed:
                found.append((pos, f"{ch} opened here is still open when {closer} closes the quotation around it"))
            for pos, msg in sorted(found):
                yield Violation(msg, b + pos, b + pos + 1)


class SpaceInsideQuotes(QuoteRule):
    """Spaces just inside straight quotes: `" urgence nationale "`.

    ## What it does
    In paragraphs whose quotes balance, reports a pair of straight double
    quotes with a space after the opening mark and before the closing one:
    French guillemet spacing copied onto straight quotes, or quotes converted
    from `« … »` by a careless tool.

    ## Why it matters
    The quoted text does not attach to its marks, so quote matching, tokenizers
    and readers see two stray marks instead of a quotation.

    ## Example
    ```text
    seeds/001.txt:8:98: QUO002 [space-inside-quotes] spaces inside the quotes of '" partenaire technique de confiance "'
    ```

    ## Fix
    `--fix` removes the inner spaces (safe). Consider converting to the
    language's own marks (`« partenaire technique de confiance »`).
    """

    code = "QUO002"
    name = "space-inside-quotes"
    fixable = True
    severity = Severity.WARNING

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Violation]:
        for para, scan in self.scans(doc, ctx.vocabulary):
            if not scan.balanced:
                continue
            s = para.text
            for a, z in scan.straight_pairs:
                if z - a < 3 or not (s[a + 1].isspace() and s[z - 1].isspace()):
                    continue
                inner = s[a + 1 : z]
                stripped = inner.strip()
                if not stripped:
                    continue
                lead = len(inner) - len(inner.lstrip())
                trail = len(inner) - len(inner.rstrip())
                b = para.start
                shown = " ".join(s[a : z + 1].split())
                yield Violation(
                    f"spaces inside the quotes of '{shown}'",
                    b + a,
                    b + z + 1,
                    Fix(
                        "Remove the spaces inside the quotes",
                        (Edit(b + a + 1, b + a + 1 + lead, ""), Edit(b + z - trail, b + z, "")),
                    ),
                )


@hookimpl
def corpuslint_rules() -> list[Rule]:
    return [UnbalancedQuotes(), SpaceInsideQuotes()]
