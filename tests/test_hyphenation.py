"""Kazakh soft-hyphen insertion: syllable breaks on real words, safety limits, and text left intact."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bulletin.hyphenation import MIN_EDGE, SOFT_HYPHEN, hyphenate_text, hyphenate_word

# Expected breaks worked out by hand from the emle rules, written with "-" at each allowed break.
SYLLABIFIED = [
    "қа-зақ-стан",  # the loan onset "ст" is carried whole, not қазақс-тан
    "бос-тан-ды-ғы",
    "құ-қық-та-ры",
    "аза-мат-тық",  # а-за-: a single letter never stays behind
    "бел-сен-ді-лер",
    "жи-на-лыс-тар",
    "мем-ле-кет-тік",
    "ақ-па-рат",
    "тұт-қын-дар",
    "жур-на-лис-тер",  # у after a consonant is a vowel
    "әлеу-мет-тік-эко-но-ми-ка-лық",  # hard hyphen kept, each part hyphenated
    "Қа-зақ-стан-да-ғы",
    "ҚА-ЗАҚ-СТАН-ДА-ҒЫ",
    "Өз-бек-стан",
    "Ау-ған-стан",  # у after a vowel is the glide /w/
    "айт-қан",  # three consonants: a native coda keeps two
    "спорт-тық",
    "ми-нистр-лік",
    "ак-три-са",
    "сай-ла-уы",
    "тау-лар-да",
    "оқу-шы-лар",
    "ки-ім-дер",
    "сот-тал-ды",
    "ад-во-кат-та-ры",
    "на-ра-зы-лық",
    "мү-ше-ле-рі",
    "объ-ект",  # ъ before a vowel closes the syllable
    "подъ-езд",
    "боль-шой",  # ь rides on its consonant
    "биль-ярд",
    "тый-ым",  # й ends the syllable of the vowel before it
    "ұй-ым-дас-ты-ру",
]


def expected(syllabified: str) -> tuple[str, list[int]]:
    """The plain word and its break indices: every syllable boundary at least MIN_EDGE letters from either end
    of its part; in the compound the hyphen after тік is the real one."""
    compounds = {"әлеу-мет-тік-эко-но-ми-ка-лық": "әлеуметтік-экономикалық"}
    word = compounds.get(syllabified, syllabified.replace("-", ""))
    positions, index = [], 0
    for ch in syllabified:
        if ch == "-" and (index >= len(word) or word[index] != "-"):
            positions.append(index)
        else:
            index += 1
    ends = [(s, s + len(part)) for s, part in _parts(word)]
    return word, [p for p in positions if any(a + MIN_EDGE <= p <= b - MIN_EDGE for a, b in ends)]


def _parts(word: str) -> list[tuple[int, str]]:
    out, offset = [], 0
    for part in word.split("-"):
        out.append((offset, part))
        offset += len(part) + 1
    return out


@pytest.mark.parametrize("syllabified", SYLLABIFIED)
def test_breaks_follow_syllables(syllabified):
    word, positions = expected(syllabified)
    assert hyphenate_word(word) == positions


@pytest.mark.parametrize("word", ["объект", "подъезд", "большой", "бильярд", "компьютер", "секретарь", "альбомы"])
def test_never_breaks_before_signs_or_short_y(word):
    for position in hyphenate_word(word):
        assert word[position] not in "ьъй"


@pytest.mark.parametrize("syllabified", SYLLABIFIED)
def test_never_leaves_single_letters(syllabified):
    word, _ = expected(syllabified)
    for part in word.split("-"):
        for position in hyphenate_word(part):
            assert 3 <= position <= len(part) - 3  # never a two-letter fragment


@pytest.mark.parametrize("word", ["ауыл", "тау", "киім", "ойын", "қоян", "ел", "ту", "БҰҰ", ""])
def test_short_words_untouched(word):
    assert hyphenate_word(word) == []
    assert hyphenate_text(word) == word


@pytest.mark.parametrize(
    "text",
    [
        "COVID-19-ға",
        "2026жылғы",
        "Almaty",
        "Almatyдағы",
        "бос\u00adтандығы",  # someone already placed a soft hyphen
        "әлеуметтік\u2011экономикалық",  # non-breaking hyphen: keep together
        "Қазақстан_2026",
        "Українська",  # Cyrillic, but not a Kazakh letter in it
    ],
)
def test_mixed_tokens_untouched(text):
    assert hyphenate_text(text) == text


def test_punctuation_and_spaces_preserved():
    text = "«Қазақстандағы» журналистер,\u00a0белсенділер — (азаматтық) бостандығы!\nМемлекеттік…"
    out = hyphenate_text(text)
    assert out.replace(SOFT_HYPHEN, "") == text
    assert out == (
        "«Қазақ\xadстан\xadдағы» жур\xadна\xadлис\xadтер,\u00a0бел\xadсен\xadді\xadлер — "
        "(аза\xadмат\xadтық) бос\xadтан\xadдығы!\nМем\xadле\xadкет\xadтік…"
    )


def test_other_languages_unchanged():
    text = "Журналистер мемлекеттік бостандығы"
    assert hyphenate_text(text, "ru") == text
    assert hyphenate_text(text, "en") == text
    assert SOFT_HYPHEN in hyphenate_text(text)


def test_compound_keeps_hard_hyphen():
    assert hyphenate_text("әлеуметтік-экономикалық") == "әлеу\xadмет\xadтік-эко\xadно\xadми\xadка\xadлық"


ALPHABET = "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюяАӘҚҰҮӨІЙЬ -–—,.;:!?«»()\"'\n\u00a0\u20112aZ"


@given(st.text(alphabet=ALPHABET, max_size=80))
def test_removing_soft_hyphens_gives_input_back(text):
    out = hyphenate_text(text)
    assert out.replace(SOFT_HYPHEN, "") == text
    assert SOFT_HYPHEN + SOFT_HYPHEN not in out


@given(st.text(alphabet="аәбғдежзийкқлмнңоөпрстуұүшыіьъ", min_size=1, max_size=20))
def test_breaks_always_safe(word):
    positions = hyphenate_word(word)
    assert positions == sorted(set(positions))
    if len(word) < 6:
        assert positions == []
    for position in positions:
        assert 3 <= position <= len(word) - 3
        assert word[position] not in "ьъй"
