"""Document positions and structure."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from corpuslint.model import Document, Edit, Finding, Fix, Severity, fingerprint

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def doc(text: str) -> Document:
    return Document(path="t.txt", raw=text.encode(), text=text)


def test_lines_and_positions_are_one_based_characters() -> None:
    d = doc("ab\nçé\r\nx\ry")
    assert d.lines == ["ab", "çé", "x", "y"]
    assert d.line_starts == [0, 3, 7, 9]
    assert d.position(0) == (1, 1)
    assert d.position(4) == (2, 2)
    assert d.position(10) == (4, 2)
    assert d.line_span(2) == (3, 5)


def test_paragraphs_blank_separated() -> None:
    d = doc("Titre\n\nUn.\nDeux.\n\n\nTrois.\n")
    assert [(p.start_line, p.end_line, p.text) for p in d.paragraphs] == [
        (1, 1, "Titre"),
        (3, 4, "Un.\nDeux."),
        (7, 7, "Trois."),
    ]


def test_document_without_blank_lines_has_one_paragraph_per_line() -> None:
    text = (SEEDS / "002_029dc54680174176.txt").read_text(encoding="utf-8")
    d = doc(text)
    assert len(d.paragraphs) == 7
    assert [p.start_line for p in d.paragraphs] == list(range(1, 8))


def _reference_structure(text: str) -> tuple[list[int], list[tuple[int, int, int, int, int, str]]]:
    """The line starts and paragraphs as the first, line-by-line implementation computed them."""
    import re

    starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
    lines = re.split(r"\r\n|\r|\n", text)
    blank = [not ln.strip() for ln in lines]
    has_blank = any(blank[i] for i in range(len(lines)) if 0 < i < len(lines) - 1)
    out = []
    i, n = 0, len(lines)
    while i < n:
        if blank[i]:
            i += 1
            continue
        j = i
        if has_blank:
            while j + 1 < n and not blank[j + 1]:
                j += 1
        start, end = starts[i], starts[j] + len(lines[j])
        out.append((len(out), i + 1, j + 1, start, end, text[start:end]))
        i = j + 1
    return starts, out


_LINES = st.lists(
    st.one_of(st.just(""), st.just("  \t"), st.just("\u00a0\u2003"), st.just("\x1c"), st.text(max_size=12)),
    max_size=12,
)


@settings(max_examples=400, deadline=None)
@given(_LINES, st.sampled_from(["\n", "\r\n", "\r"]))
def test_line_starts_and_paragraphs_match_the_line_by_line_reference(lines: list[str], end: str) -> None:
    text = end.join(lines)
    d = doc(text)
    starts, paras = _reference_structure(text)
    assert d.line_starts == starts
    assert [(p.index, p.start_line, p.end_line, p.start, p.end, p.text) for p in d.paragraphs] == paras
    assert all(p == type(p)(*astuple) for p, astuple in zip(d.paragraphs, paras))


def test_script_and_language_guess() -> None:
    assert doc("Le chat est sur la table et il dort dans le salon.").language == "fr"
    assert doc("The cat is on the table and it sleeps in the room.").language == "en"
    assert doc("Die Katze ist auf dem Tisch und sie schläft nicht.").language == "de"
    assert doc("El gato está en la mesa y duerme en el salón de la casa.").language == "es"
    assert doc("Il gatto è sul tavolo e dorme nella stanza della casa.").language == "it"
    assert doc("Кошка сидит на столе и спит в комнате, как и всегда.").language == "ru"
    assert doc("Η γάτα κάθεται στο τραπέζι.").script == "Greek"
    for f in sorted(SEEDS.glob("*.txt")):
        d = doc(f.read_text(encoding="utf-8"))
        assert (d.script, d.language) == ("Latin", "fr"), f.name


def test_language_falls_back_to_configured_default() -> None:
    d = Document(path="t", raw=b"", text="Zoom", default_language="fr")
    assert d.language == "fr"
    d = Document(path="t", raw=b"", text="The cat sat.", metadata={"lang": "EN-us"})
    assert d.language_guess == ("en", 1.0)
    # a guess at 0.5 is unsure: a short Turkish text's `da` and `i` read as Portuguese and Polish
    text = ("İstanbul'da yeni metro hattı açıldı\n5 Haziran 2024\n\nBakan, “Marmaray”ın ardından “Gayrettepe-İstanbul "
            "Havalimanı Metrosu”nun da hizmete girdiğini söyledi. Proje 2,5 milyar liraya mal oldu.\n")
    assert Document(path="t", raw=b"", text=text).language_guess[1] == 0.5
    assert Document(path="t", raw=b"", text=text, default_language="tr").language == "tr"


def test_fingerprint_ignores_spacing_and_case() -> None:
    assert fingerprint("a.txt", "RES001", "S'abonner ") == fingerprint("a.txt", "RES001", "s'abonner")
    assert fingerprint("a.txt", "RES001", "S'abonner") != fingerprint("b.txt", "RES001", "S'abonner")


# -- Finding's fast JSON form and pickling (the JSON reporters' and the cache's hot paths) --

_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)
_pos = st.one_of(st.none(), st.integers(min_value=0, max_value=10**7))
_edits = st.lists(
    st.tuples(st.tuples(st.integers(1, 9999), st.integers(1, 9999)), st.tuples(st.integers(1, 9999), st.integers(1, 9999)),
              _text),
    max_size=3,
).map(tuple)


@st.composite
def findings(draw: st.DrawFn) -> Finding:
    edits = draw(_edits)
    fix = None
    if draw(st.booleans()):
        fix = Fix(draw(_text), tuple(Edit(i, i + 1, t) for i, (_, _, t) in enumerate(edits)),
                  safe=draw(st.booleans()), encoding=draw(st.sampled_from([None, "utf-8"])))
    return Finding(
        path=draw(_text), code=draw(_text), name=draw(_text), category=draw(_text),
        severity=draw(st.sampled_from(list(Severity))), message=draw(_text), line=draw(_pos), column=draw(_pos),
        end_line=draw(_pos), end_column=draw(_pos), record=draw(st.one_of(st.none(), _text)), fix=fix,
        fix_edits=edits if fix else (), fingerprint=draw(_text), url=draw(_text), source_line=draw(_pos),
        record_index=draw(_pos),
    )


@settings(max_examples=300, deadline=None)
@given(findings())
def test_finding_to_json_is_json_dumps_of_to_dict(f: Finding) -> None:
    assert f.to_json() == json.dumps(f.to_dict(), ensure_ascii=False)


@settings(max_examples=300, deadline=None)
@given(findings())
def test_finding_pickles_to_an_equal_finding(f: Finding) -> None:
    back = pickle.loads(pickle.dumps(f))
    assert back == f
    assert repr(back) == repr(f)
    assert back.severity is f.severity
    assert hash(back) == hash(f)


def test_to_json_of_real_findings() -> None:
    from corpuslint.session import open_session

    found = open_session(isolated=True).lint([str(SEEDS)]).findings
    assert any(f.fix for f in found) and any(f.fix is None for f in found)
    for f in found:
        assert f.to_json() == json.dumps(f.to_dict(), ensure_ascii=False)
        assert pickle.loads(pickle.dumps(f)) == f


def test_findings_built_without_init_have_every_field(tmp_path: Path) -> None:
    """The engine builds findings with Finding._of (no frozen __init__): each must still hold
    every field, per-document and corpus findings alike."""
    import dataclasses
    import shutil

    from corpuslint.session import open_session

    for name in ("000_b34cd99637ad82f6.txt", "002_029dc54680174176.txt"):
        shutil.copy(SEEDS / name, tmp_path / name)
    shutil.copy(SEEDS / "000_b34cd99637ad82f6.txt", tmp_path / "copy.txt")
    found = open_session(isolated=True).lint([str(tmp_path)]).findings
    assert {"DUP101", "RES001"} <= {f.code for f in found}
    names = {f.name for f in dataclasses.fields(Finding)}
    for f in found:
        assert set(vars(f)) == names, f.code
