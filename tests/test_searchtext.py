"""The search normaliser: words as pasted text carries them, terms per language, Latin keys."""

from __future__ import annotations

import pytest

from bulletin.searchtext import analyze_text, make_latin_key, make_term, split_words


def test_words_lose_case_stress_marks_soft_hyphens_and_diaeresis_but_keep_short_i():
    text = "ЁЛКА, мо\u0301локо; Жур\u00adналист\u200b — Йошкар-Ола «Қайырымдылық»\u00a02026"
    assert split_words(text) == ["елка", "молоко", "журналист", "йошкар", "ола", "қайырымдылық", "2026"]


def test_terms_per_language():
    assert make_term("марафонца", "ru") == "марафонец"  # pymorphy3, not Snowball's "марафонц"
    assert make_term("журналистов", "ru") == "журналист"
    assert make_term("detained", "en") == "detain"
    assert make_term("астанада", "kk") == "астанада"  # no Kazakh stemmer: the form itself
    assert make_term("kaztag", "ru") == "kaztag"


@pytest.mark.parametrize("spellings", [
    ("жыланбаев", "zhylanbaev", "zhylanbayev", "jylanbaev", "zhilanbaev"),
    ("касымов", "kassymov", "kasymov"),
    ("қасымбай", "kasymbay", "kasymbai", "qasymbai"),
    ("хабар", "khabar", "habar"),
    ("казтаг", "kaztag"),
])
def test_the_usual_latin_spellings_share_one_key(spellings):
    assert len({make_latin_key(s) for s in spellings}) == 1, [make_latin_key(s) for s in spellings]


def test_analyze_keeps_one_term_form_and_key_per_word_in_order():
    terms, forms, keys = analyze_text("Журналистов задержали в Астане", "ru")
    assert terms == ["журналист", "задержать", "в", "астана"]
    assert forms == ["журналистов", "задержали", "в", "астане"]
    assert keys == ["jurnalistov", "zaderjali", "v", "astane"]
