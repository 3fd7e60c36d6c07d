"""Residue family: what the web page left around the article.

Phrase and pattern rules take their vocabulary from the packs in ``rules/residue/``;
the script and structure rules need no vocabulary, so they work on sites and
languages nobody listed.
"""

from __future__ import annotations

import hashlib
import inspect
import re
import sys
from array import array
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from corpuslint.families.residue_structure import (
    CommentSection,
    ForeignLanguageLine,
    LineSource,
    ResidueBlock,
    TrailingResidue,
)
from corpuslint.hookspecs import hookimpl
from corpuslint.kinds import PhraseRule, code_lines, normalized_lines
from corpuslint.langid import line_script, script_counts
from corpuslint.model import Document, Edit, Fix, Severity, Violation
from corpuslint.rule import CorpusRule, CorpusViolation, DocRef, Option, Rule, RuleContext, rule


def _doc(cls: type) -> str:
    return inspect.cleandoc(cls.__doc__ or "")


class UiText(PhraseRule):
    """Buttons, menus and prompts of the web page: `S'abonner`, `Share`, `Log in`, `Read more`.

    ## What it does
    Compares each short line (up to `max-length` characters) with the UI
    phrases of the residue packs (`rules/residue/ui-*.toml`: subscribe, log in,
    share, print, follow us, newsletter, cookies, read also, related articles,
    advertisement, back to top, widget labels such as `loader`), as a whole
    line or as a line prefix, ignoring case, spacing, surrounding punctuation
    and variant spellings (Turkish dotted and dotless i, Greek accents,
    Romanian ş/ș and ţ/ț, Arabic alef and hamza forms, tanwin and tatweel). Packs of every language apply to every document: UI text is
    often in another language than the article. A link prefix (`Read also`,
    `Lees ook`, `Leia também`) without a colon after it is UI text only before a
    title: a line it opens that ends with a full stop, or goes on in lower case
    on the next line, is a sentence of the text. `See also` is UI text on a news
    page, and the heading of an encyclopedia article's closing section where a
    list of topics and a references heading with citations follow it: there it
    is not flagged, nor its list by the structural rules.

    ## Why it matters
    These lines are not part of any text: they are the page's interface, and
    they repeat across every article of a site, so they dominate n-gram counts
    and teach a model to end articles with `S'abonner`.

    ## Example
    ```text
    seeds/003.txt:5:1: RES001 [ui-text] web-page UI text: 'S'abonner'
    ```

    ## Fix
    Delete the line (unsafe fix: a pack can mark a phrase as `safe-lines`).
    Add phrases for your sites in a pack of your own (`rule-paths`).
    """

    code = "RES001"
    name = "ui-text"
    category = "residue"
    severity = Severity.WARNING
    default_message = "web-page UI text: '{match}'"


class MetadataFragment(PhraseRule):
    """Metadata of the page glued to or left in the text: ` date 2017-06 `, `Tags :`, `Source :`.

    ## What it does
    Matches the metadata patterns of the packs (`rules/residue/metadata.toml`):
    field labels followed by values (`Tags :`, `Mots-clés :`, `Catégorie :`,
    `Schlagwörter:`), and fragments such as ` date 2017-06 ` at the start of a
    paragraph. Only the fragment is flagged when it is glued to real text.

    ## Why it matters
    Such fragments come from the page's templates, not its text; glued to the
    first sentence they corrupt it (`date 2017-06 Après avoir…`).

    ## Example
    ```text
    seeds/004.txt:1:1: RES003 [metadata-fragment] metadata fragment: 'date 2017-06'
    ```

    ## Fix
    Delete the fragment (unsafe fix).
    """

    code = "RES003"
    name = "metadata-fragment"
    category = "residue"
    severity = Severity.WARNING
    default_message = "metadata fragment: '{match}'"


class CreditCaption(PhraseRule):
    """Image credits and captions: `© Netflix`, `Photo : AFP`, `Crédit :`, `…, 1920, 07.04.2021`.

    ## What it does
    Matches credit and caption lines from the packs (`rules/residue/credits.toml`):
    short lines that start with `©`, `Photo :`, `Crédit :`, `Bildquelle:`…, and
    caption lines carrying an image width (`1920`) between commas. A copyright
    sign inside a sentence of the article is not flagged.

    ## Why it matters
    Credits and captions describe pictures the corpus does not have; they
    interrupt the text and repeat across articles.

    ## Example
    ```text
    seeds/000.txt:6:1: RES004 [credit-caption] image credit or caption: '© Netflix'
    ```

    ## Fix
    Delete the line (unsafe fix).
    """

    code = "RES004"
    name = "credit-caption"
    category = "residue"
    severity = Severity.WARNING
    default_message = "image credit or caption: '{match}'"


class WidgetCounter(PhraseRule):
    """Counters of page widgets: `Commentaires (10)`, `12 comments`, a lone `0`.

    ## What it does
    Matches counter lines from the packs (`rules/residue/counters.toml`):
    comment, like, share and view counts in several languages, and lines that
    are nothing but a short number.

    ## Why it matters
    Counters are page state, not text. A lone number line also breaks
    paragraph and sentence statistics.

    ## Example
    ```text
    seeds/000.txt:37:1: RES005 [widget-counter] widget counter: 'Commentaires (0)'
    ```

    ## Fix
    Delete the line (unsafe fix).
    """

    code = "RES005"
    name = "widget-counter"
    category = "residue"
    severity = Severity.WARNING
    default_message = "widget counter: '{match}'"


class SocialEmbed(PhraseRule):
    """Embedded posts and their furniture: `— Netflix US (@netflix) June 15, 2017`, `pic.twitter.com/…`.

    ## What it does
    Matches the signatures of embedded tweets and posts, `pic.twitter.com`
    links, lines made only of hashtags, and "view this post on Instagram"
    labels (`rules/residue/social.toml`).

    ## Why it matters
    An embed is another document pasted into the article, in its own voice,
    language and date; its signature line is page furniture.

    ## Example
    ```text
    seeds/004.txt:7:97: RES006 [social-embed] social media embed: '— Netflix US (@netflix) June 15, 2017'
    ```

    ## Fix
    Delete the signature (unsafe fix); decide whether the embedded text belongs
    in the corpus.
    """

    code = "RES006"
    name = "social-embed"
    category = "residue"
    severity = Severity.WARNING
    default_message = "social media embed: '{match}'"


class EmojiShortcode(PhraseRule):
    """Emoji shortcodes left as text: `:persevere:`, `:roll_eyes:`.

    ## What it does
    Matches `:name:` shortcodes (lowercase letters, digits, `_`, `+`, `-`) that
    stand alone, not inside URLs, times or `a::b` paths (`rules/residue/emoji.toml`).

    ## Why it matters
    A forum or chat renders them as pictures; in a text corpus they are noise
    that no reader saw.

    ## Example
    ```text
    seeds/000.txt:44:19: RES007 [emoji-shortcode] emoji shortcode: ':persevere:'
    ```

    ## Fix
    Delete the shortcode or replace it with the emoji (unsafe fix: delete).
    """

    code = "RES007"
    name = "emoji-shortcode"
    category = "residue"
    severity = Severity.INFO
    default_message = "emoji shortcode: '{match}'"


_CJK = {"Han": "CJK", "Hiragana": "CJK", "Katakana": "CJK"}
#: what a CJK character weighs against a letter of another script, in a CJK document's line
_CJK_WEIGHT = 3


@rule(
    "RES002",
    "foreign-script-line",
    category="residue", fixable=True,
    severity="warning",
    options=[
        Option("min-letters", int, 4, "Fewest letters a line needs before its script is judged.", min=1),
        Option("min-share", float, 0.6, "Share of the line's letters that must be in the foreign script.", min=0, max=1),
    ],
)
def foreign_script_line(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    """A line written in another script than the document: a Cyrillic header under a French article.

    ## What it does
    Finds the dominant script of the document (Latin, Cyrillic, Greek, Arabic,
    CJK, ...) and reports each line whose letters are mostly (`min-share`) in a
    different script, from `min-letters` letters up. Single foreign words inside
    a line (a name in Cyrillic within French text) are not flagged. In a Chinese
    or Japanese document a CJK character weighs three letters (it is a word or
    half of one), so `Cora晚安：` or a hotel's Latin name after its Chinese one
    stays a line of the document.

    ## Why it matters
    A line in another script is almost always a leftover of the page: a widget
    title in the site's other language, a language switcher, a hidden
    accessibility header. It breaks language identification and tokenizer
    statistics.

    ## Example
    ```text
    seeds/003.txt:45:1: RES002 [foreign-script-line] line in Cyrillic script in a Latin-script document
    ```

    ## Fix
    Delete the line (unsafe fix).
    """
    starts = doc.line_starts
    for i, script, main in foreign_script_lines(doc, ctx.options["min-letters"], ctx.options["min-share"]):
        line = doc.lines[i]
        start = starts[i] + (len(line) - len(line.lstrip()))
        end = starts[i] + len(line.rstrip())
        line_end = starts[i + 1] if i + 1 < len(starts) else end
        yield Violation(
            f"line in {script} script in a {main}-script document",
            start,
            end,
            Fix("Delete the line", (Edit(starts[i], line_end, ""),), safe=False),
        )


# characters of no other script than Latin: Latin letters and marks, spaces, punctuation,
# symbols, arrows, shapes, dingbats, emoji, private use (a line without any other
# character is not looked at further; issue #5: residue checks must stay cheap)
_NOT_LATIN = re.compile(
    "[^\x00-\u036f\u1e00-\u1eff\u2000-\u20ff\u2150-\u2bff\u2c60-\u2c7f\ua720-\ua7ff"
    "\ue000-\uf8ff\ufb00-\ufb06\ufe00-\ufe0f\ufeff\U0001f000-\U0001faff]"
)


@rule("RES012", "empty-document", category="residue", severity="warning")
def empty_document(doc: Document, ctx: RuleContext) -> Iterator[Violation]:
    """A document without text: empty, or only blanks and line breaks.

    ## What it does
    Reports a document (a file, or a record's text) that holds no character
    but spaces, tabs and line breaks.

    ## Why it matters
    An empty document is what an extraction that failed leaves (a page whose
    text was all in scripts or images, a paywall, a record whose text field
    was blanked): it counts as a document in every statistic and carries
    nothing. Most pipelines drop it; a corpus check should say where it is.

    ## Example
    ```text
    corpus.jsonl:#e6: RES012 [empty-document] document is empty
    ```

    ## Fix
    Drop the document, or extract its text again from the source.
    """
    text = doc.text
    if not text:
        yield Violation("document is empty")
    elif text.isspace():
        yield Violation(f"document holds only blanks and line breaks ({len(text)} characters)")


def _latin_only(line: str) -> bool:
    """``_NOT_LATIN`` finds nothing in ``line``. Of the characters that Windows-1252 encodes (most
    lines of Western European text), only ``™`` is one it finds; its codec reads a line several
    times faster than the pattern."""
    try:
        line.encode("cp1252")
    except UnicodeEncodeError:
        return _NOT_LATIN.search(line) is None
    return "™" not in line


def foreign_script_lines(doc: Document, min_letters: int = 4, min_share: float = 0.6) -> list[tuple[int, str, str]]:
    """(0-based line, its script, the document's script) of lines mostly in another script
    (computed once per document and options: RES002 and the structural rules share it)."""
    per_doc: dict[tuple[int, float], list[tuple[int, str, str]]] | None = doc.facts.get("_foreign_script_lines")
    if per_doc is None:
        per_doc = doc.facts["_foreign_script_lines"] = {}
    found = per_doc.get((min_letters, min_share))
    if found is None:
        found = per_doc[(min_letters, min_share)] = _foreign_script_lines(doc, min_letters, min_share)
    return found


#: an e-mail or web address
_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?:https?://|www\.)\S+")
#: a bibliographic reference, written in the script of the work it cites: its year after a
#: comma at its end (`Steven Runciman, Byzantine Monemvasia, Cambridge University Press,
#: 1980.`), in brackets after its authors (`Runciman, S. (1980).`), before a volume
#: (`2010;12:34`), or an ISBN or a DOI
_CITATION = re.compile(
    r",\s*(?:1[5-9]|20)\d\d[a-z]?\.?\s*$|\((?:1[5-9]|20)\d\d[a-z]?\)\.|\b(?:1[5-9]|20)\d\d;\s*\d|\bISBN\b|\bdoi\b|\b10\.\d{4,}/",
    re.IGNORECASE,
)


def _foreign_script_lines(doc: Document, min_letters: int, min_share: float) -> list[tuple[int, str, str]]:
    main = doc.script
    if main == "None":
        return []
    main = _CJK.get(main, main)
    latin = main == "Latin"
    out = []
    code = code_lines(doc)
    lines = doc.lines
    for i, line in enumerate(lines):
        if len(line) < min_letters or line.isascii() and latin:
            continue
        if code and (i in code or (i + 1 in code and line.rstrip().endswith(":"))):
            continue  # a program's words, or the line that introduces them (`Для Python API:`)
        if latin and _latin_only(line):
            continue  # accented Latin letters, punctuation and symbols only: no other script
        script, letters = line_script(line)
        if letters < min_letters:
            continue
        if script == "Latin" and ("@" in line or "://" in line or "www." in line):
            # an e-mail address or a web address is written in Latin letters in any language
            # (a press release's `press@severveter.ru`): what is left of the line is judged
            script, letters = line_script(_ADDRESS.sub(" ", line))
            if letters < min_letters:
                continue
        script = _CJK.get(script, script)
        if script in (main, "None", "Other"):
            continue
        if line.count(",") + line.count(".") >= 2 and _CITATION.search(line):
            continue  # a reference to a work in its own script, in an article's notes
        counts = script_counts(line)
        if main == "CJK":
            # a Chinese or Japanese character is a word or half of one, a Latin letter a
            # fifth: `Cora晚安：` and `美麗信酒店 Miramar Hotel Hsinchu` are lines of the
            # document that name something in Latin letters
            letters += (_CJK_WEIGHT - 1) * sum(v for k, v in counts.items() if k in _CJK)
        share = sum(v for k, v in counts.items() if _CJK.get(k, k) == script) / letters
        if share >= min_share:
            out.append((i, script, main))
    return out


class SharedBoilerplateLine(CorpusRule):
    """A line that appears in many documents of the corpus: site boilerplate.

    ## What it does
    Hashes every line (normalized like `ui-text` does) of every document, and
    reports the lines found in at least `min-documents` documents and at least
    `min-share` of the corpus, with the number of documents that share them.
    Consecutive shared lines of a document are one finding. Lines shorter than
    `min-length` characters are ignored. A document whose shared lines are most
    of its text, in lines as long as paragraphs, is a copy of an article (a
    wire story on many sites): duplicate-document and near-duplicate-document
    (DUP101, DUP102) report it, and its paragraphs are no boilerplate here. Only the hashes travel to the parent
    process, never the text.

    ## Why it matters
    The strongest residue signal there is: a line printed on every page of a
    site (`Rejoignez la communauté Clubic`) is the site's template, in whatever
    language and wording, listed in a pack or not. This rule is filed under
    `residue` (not `duplication`) because what it finds is page furniture.

    ## Example
    ```text
    clubic/a.txt:38:1: RES101 [shared-boilerplate-line] line shared by 212 documents of the corpus (site boilerplate)
    ```

    ## Fix
    Delete the line from every document (no automatic fix; a pack of your own
    can list the site's phrases).
    """

    code = "RES101"
    name = "shared-boilerplate-line"
    category = "residue"
    severity = Severity.WARNING
    options = (
        Option("min-documents", int, 5, "Fewest documents that must share a line.", min=2),
        Option("min-share", float, 0.0, "Smallest fraction of the corpus's documents that must share a line.", min=0, max=1),
        Option("min-length", int, 4, "Shortest line (characters, normalized) considered.", min=1),
        Option("max-lines", int, 500, "Lines per document hashed (the first ones and the last ones).", min=1),
    )

    def __init__(self) -> None:
        self.doc = _doc(type(self))

    def collect(self, doc: Document, ctx: RuleContext) -> Any:
        min_len = ctx.options["min-length"]
        limit = ctx.options["max-lines"]
        lines = doc.lines
        norms = normalized_lines(doc)  # shared with the phrase rules; "" for the long paragraphs
        idx = range(len(lines)) if len(lines) <= limit else [*range(limit // 2), *range(len(lines) - limit // 2, len(lines))]
        hashes, at, widths = array("Q"), array("I"), array("I")
        seen = set()
        for i in idx:
            key = norms[i]
            if len(key) < min_len or len(key) > 300:
                continue
            h = int.from_bytes(hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big")
            if h in seen:
                continue
            seen.add(h)
            hashes.append(h)
            at.append(i + 1)
            widths.append(len(lines[i]) + 1)
        # packed, little-endian: 16 bytes per line (a list of tuples of ints took ~100, and the
        # main process keeps every document's signature until the corpus phase)
        if _BIG_ENDIAN:
            for a in (hashes, at, widths):
                a.byteswap()
        return hashes.tobytes() + at.tobytes() + widths.tobytes()

    def finalize(self, signatures: Sequence[tuple[DocRef, Any]], options: Mapping[str, Any]) -> Iterator[CorpusViolation]:
        threshold = max(options["min-documents"], options["min-share"] * len(signatures))
        counts = _shared_counts(signatures, threshold)
        shared = counts.keys()
        if not shared:
            return
        for ref, sig in signatures:
            hashes, at, widths = _lines_of(sig)
            hits = sorted((ln, h, width) for h, ln, width in zip(hashes, at, widths) if h in shared)
            if _a_copy(hits, widths):
                continue  # a syndicated or copied article: its paragraphs are shared, no template
            block: list[tuple[int, int, int]] = []
            for hit in [*hits, (-1, 0, 0)]:
                if block and hit[0] != block[-1][0] + 1:
                    a, z = block[0], block[-1]
                    n = min(counts[h] for _, h, _ in block)
                    what = "line" if a is z else f"{len(block)} lines"
                    yield CorpusViolation(
                        ref,
                        f"{what} shared by {n} documents of the corpus (site boilerplate)",
                        line=a[0],
                        column=1,
                        end_line=z[0],
                        end_column=z[2],
                        span_digest="".join(f"{h:016x}" for _, h, _ in block),
                    )
                    block = []
                if hit[0] >= 0:
                    block.append(hit)


#: a document whose shared lines hold this share of its hashed characters or more ...
_COPY_SHARE = 0.5
#: ... in lines this long on average (characters) is a copy of an article, not a page with a template
_COPY_WIDTH = 80


def _a_copy(hits: Sequence[tuple[int, int, int]], widths: Sequence[int]) -> bool:
    """Whether the shared lines of a document are its article: most of its text, in lines
    as long as paragraphs. A wire story on many sites shares its paragraphs, which DUP101
    and DUP102 report as copies; a site's template is short lines around a text of its own."""
    if not hits:
        return False
    shared = sum(w for _, _, w in hits)
    return shared >= _COPY_SHARE * sum(widths) and shared >= _COPY_WIDTH * len(hits)


def _lines_of(sig: Any) -> tuple[Sequence[int], Sequence[int], Sequence[int]]:
    """A RES101 signature's (line hashes, line numbers, widths + 1): from its packed bytes, or
    from the list of (hash, line, width) tuples of a cache or shard written before it was packed."""
    if not isinstance(sig, bytes):
        return tuple(zip(*sig)) or ((), (), ())  # type: ignore[return-value]
    n = len(sig) // 16
    hashes, at, widths = array("Q"), array("I"), array("I")
    hashes.frombytes(sig[: 8 * n])
    at.frombytes(sig[8 * n : 12 * n])
    widths.frombytes(sig[12 * n :])
    if _BIG_ENDIAN:
        for a in (hashes, at, widths):
            a.byteswap()
    return hashes, at, widths


def _shared_counts(signatures: Sequence[tuple[DocRef, Any]], threshold: float) -> dict[int, int]:
    """The line hashes found in at least ``threshold`` documents, with their counts.

    Counted in one numpy array of every document's hashes (8 bytes per line of the corpus),
    not a Counter: nearly every line of a corpus is its own, and a dict entry for each took
    more memory than all the signatures.
    """
    from corpuslint.families import minhash

    np = minhash._np()
    parts = [
        np.frombuffer(sig, dtype="<u8", count=len(sig) // 16) if isinstance(sig, bytes)
        else np.fromiter((h for h, _, _ in sig), dtype=np.uint64)
        for _, sig in signatures
    ]
    values, n = np.unique(np.concatenate(parts) if parts else np.empty(0, np.uint64), return_counts=True)
    keep = n >= threshold
    return dict(zip(values[keep].tolist(), n[keep].tolist()))


_BIG_ENDIAN = sys.byteorder == "big"
assert array("Q").itemsize == 8 and array("I").itemsize == 4  # the packing above


def _phrase_source(r: PhraseRule, cue: str) -> LineSource:
    def lines(doc: Document) -> dict[int, str]:
        return dict.fromkeys(r.whole_lines(doc), cue)

    return lines


def _section_source(r: PhraseRule, cue: str) -> LineSource:
    """The ``section-lines`` that head a reference work's closing sections: the structural
    rules keep them (``kept_lines``), and still see the line of a web page's interface that
    they are, for what the page prints around them (``[``, ``]``, a note's ``^``)."""
    def lines(doc: Document) -> dict[int, str]:
        return dict.fromkeys(r.section_headings(doc), cue)

    return lines


def _script_source(doc: Document) -> dict[int, str]:
    # only short lines: a long paragraph in another script is RES002's alone
    return {i: "foreign script" for i, _, _ in foreign_script_lines(doc) if len(doc.lines[i]) <= 120}


@hookimpl
def corpuslint_rules() -> list[Rule]:
    ui, meta, credit, counter, social = UiText(), MetadataFragment(), CreditCaption(), WidgetCounter(), SocialEmbed()
    # the structural rules use the phrase rules' whole-line matches as strong evidence
    sources = [
        _phrase_source(ui, "UI text"),
        _section_source(ui, "UI text"),
        _phrase_source(meta, "metadata"),
        _phrase_source(credit, "credit or caption"),
        _phrase_source(counter, "counter"),
        _phrase_source(social, "social embed"),
        _script_source,
    ]
    # and the closing sections of a reference work that its ``section-lines`` found as part of the text
    keeps = [ui.kept_lines]
    return [
        ui,
        foreign_script_line,
        meta,
        credit,
        counter,
        social,
        EmojiShortcode(),
        TrailingResidue(sources, keeps),
        ResidueBlock(sources, keeps),
        CommentSection(sources, keeps),
        ForeignLanguageLine(),
        empty_document,
        SharedBoilerplateLine(),
    ]
