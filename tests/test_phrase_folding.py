"""Variant spellings fold to one normalized line, so that one pack entry matches them all."""

from __future__ import annotations

import pytest

from corpuslint.kinds import normalize_line


@pytest.mark.parametrize(
    "variants",
    [
        ("İLGİLİ HABERLER", "İlgili haberler", "ilgili haberler", "ILGILI HABERLER", "ılgılı haberler"),
        ("ΔΙΑΒΑΣΤΕ ΕΠΙΣΗΣ", "Διαβάστε επίσης", "διαβαστε επισης", "ΔΙΑΒΆΣΤΕ ΕΠΊΣΗΣ"),
        ("Citeşte şi", "Citește și", "CITEŞTE ŞI", "CITEȘTE ȘI"),
        ("Conţinut sponsorizat", "Conținut sponsorizat"),
        ("اقرأ أيضاً", "إقرأ أيضا", "اقرا ايضا", "اقـرأ أيضـاً", "اقرأ أيضًا", "آقرأ ايضاً"),
        ("مكتبة الموسيقى", "مكتبه الموسيقي"),
    ],
)
def test_variants_fold_to_one_line(variants: tuple[str, ...]) -> None:
    assert len({normalize_line(v) for v in variants}) == 1, [normalize_line(v) for v in variants]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Read more", "Read mare"),
        ("Lire la suite", "Lire la suité"),  # other accents are kept: only Greek's are folded
        ("ΠΟΛΗ", "ΠΟΛΟ"),
        ("قرأ", "قرر"),
    ],
)
def test_other_letters_stay_apart(a: str, b: str) -> None:
    assert normalize_line(a) != normalize_line(b)


def test_a_line_of_marks_only_is_empty() -> None:
    assert normalize_line("ـــ") == ""
    assert normalize_line("  ً  ") == ""
