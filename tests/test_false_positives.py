"""Clean text that the default rule set must not flag, in any category (issue #5).

tests/fp_corpus/ holds clean documents in forty-one languages and ten scripts: article bodies with headings and
intertitles, dialogue, lists and numbered steps, poetry (short lines without punctuation),
French typography (« », thin spaces, ; : ! ?), an English sentence quoted inside French
text, a legitimate copyright notice inside the article, a recipe whose ingredients carry no
bullets, forum answers, laws, lyrics, right-to-left text with Latin names inside (Arabic,
Hebrew, Persian, Dari, Urdu with its quotes typed ”…“), mail threads with quoted sign-offs, chat and IRC logs, press releases ending with a contact block, letters,
bibliographies citing works in another language, subtitles, timetables. Each starts
with a title and a date line (so `missing-date` has nothing to say).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from corpuslint.model import Finding
from corpuslint.session import open_session

CORPUS = Path(__file__).parent / "fp_corpus"
DOCS = sorted(p.name for p in CORPUS.glob("*.txt"))


@pytest.fixture(scope="module")
def findings() -> list[Finding]:
    session = open_session(isolated=True, entry_points=False)
    # one run over the folder: the corpus rules (shared lines, duplicates) see it too
    return session.lint([str(CORPUS)]).findings


def test_corpus_is_multilingual() -> None:
    langs = {name.split("_")[0] for name in DOCS}
    assert len(DOCS) >= 15 and len(langs) >= 6


@pytest.mark.parametrize("name", DOCS)
def test_clean_document_gets_no_finding(name: str, findings: list[Finding]) -> None:
    mine = [f"{f.line}:{f.column} {f.code} {f.message}" for f in findings if Path(f.path).name == name]
    assert not mine, f"{name}: " + "; ".join(mine)
