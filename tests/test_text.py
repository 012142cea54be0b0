"""Polish text: folding for lenient matching, match keys, dictionary order."""

from __future__ import annotations

import pandas as pd
import pytest

from mapping.text import fold, is_blank, match_key, polish_sorted, sort_key


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Łąka", "laka"),
        ("  ŹDŹBŁO  ", "zdzblo"),
        ("Żółć gęślą jaźń", "zolc gesla jazn"),
        ("Café", "cafe"),
    ],
)
def test_fold_drops_case_diacritics_and_outer_spaces(text, folded):
    assert fold(text) == folded


def test_match_key_keeps_only_the_words():
    assert match_key("Zawodzie - Dąbie") == match_key(" ZAWODZIE  DĄBIE ") == "zawodzie dabie"
    assert match_key("„Zespół Szkół” nr 5.") == "zespol szkol nr 5"
    assert match_key(None) == match_key(float("nan")) == ""


def test_polish_order_puts_accented_letters_after_their_base_letter():
    assert polish_sorted(["Brzeźno", "Brętowo"]) == ["Brętowo", "Brzeźno"]
    assert polish_sorted(["Łostowice", "Lipce", "Matarnia"]) == ["Lipce", "Łostowice", "Matarnia"]
    assert polish_sorted(["Śródmieście", "Suchanino", "Stogi", "Tczew"]) == [
        "Stogi",
        "Suchanino",
        "Śródmieście",
        "Tczew",
    ]


def test_polish_order_ignores_case_and_puts_spaces_before_letters():
    assert sort_key("oliwa") < sort_key("Orunia")
    assert polish_sorted(["Przymorzec", "Przymorze Małe"]) == ["Przymorze Małe", "Przymorzec"]


def test_is_blank_treats_missing_and_whitespace_alike():
    values = pd.Series([None, float("nan"), "  ", "2025-01-01"], index=[3, 4, 5, 6])
    assert is_blank(values).tolist() == [True, True, True, False]
    assert list(is_blank(values).index) == [3, 4, 5, 6]
