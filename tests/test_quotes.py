"""Quote marks: each language's marks by nesting level, apostrophes, one character in for one out."""

from __future__ import annotations

import pytest

from bulletin.quotes import set_quotes
from bulletin.typography import NBSP as NB, typeset_text


def test_typography_english_curly_quotes():
    assert typeset_text('The "illegal strike" isn\'t over', "en") == "The “illegal strike” isn’t over"


@pytest.mark.parametrize("lang,text,expected", [
    ("ru", 'Компания "ТОО "Ақ жол"" обжаловала. Он сказал: "Это "провокация"". Потом "ещё" слово.',
     "Компания «ТОО „Ақ жол“» обжаловала. Он сказал: «Это „провокация“». Потом «ещё» слово."),
    ("kk", '"Мұнайшы" кәсіподағы', "«Мұнайшы» кәсіподағы"),
    ("en", 'The "illegal strike" isn\'t over, "a \'b\' c" -- and O\'Neil...',
     "The “illegal strike” isn’t over, “a ‘b’ c” – and O’Neil…"),
])
def test_nested_straight_quotes(lang, text, expected):
    assert typeset_text(text, lang).replace(NB, " ") == expected


@pytest.mark.parametrize("lang,text,expected", [
    ("ru", '"Он сказал: \'да\'" и ушёл', "«Он сказал: „да“» и ушёл"),
    ("en", "The \"wildcat 'strike'\" isn't the workers' fault", "The “wildcat ‘strike’” isn’t the workers’ fault"),
    ("kk", "„Ақ жол“ мен «Нұр»", "«Ақ жол» мен «Нұр»"),
])
def test_set_quotes_alone_changes_only_the_marks(lang, text, expected):
    """The rules' pass relies on it: each character keeps its place, so its origin in the AST stays."""
    out = set_quotes(text, lang)
    assert out == expected and len(out) == len(text)
