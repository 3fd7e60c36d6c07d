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
        # Persian and Urdu: the zero-width non-joiner or a space, the Arabic keyboard's kaf and yeh
        ("اشتراک\u200cگذاری", "اشتراک گذاری", "اشتراك گذاري", "اشتراک\u200c گذاری"),
        ("پربازدیدترین\u200cها", "پربازدیدترین ها"),
        ("نظرات", "\u200fنظرات\u200f", "نظرات:"),
        ("رمز عبور را فراموش کرده\u200cاید؟", "رمز عبور را فراموش کرده اید"),
        ("یہ بھی پڑھیں", "يہ بھی پڑھيں", "یہ بھی پڑھیں۔"),
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
        ("اشتراکگذاری", "اشتراک گذاری"),  # written without the non-joiner nor a space: another line
        ("کہ", "که"),  # Urdu's heh goal is not Persian's heh
    ],
)
def test_other_letters_stay_apart(a: str, b: str) -> None:
    assert normalize_line(a) != normalize_line(b)


def test_a_line_of_marks_only_is_empty() -> None:
    assert normalize_line("ـــ") == ""
    assert normalize_line("  ً  ") == ""
