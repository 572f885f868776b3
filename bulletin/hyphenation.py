"""Kazakh words -> the same words with soft hyphens at syllable boundaries (pyphen has no kk dictionary)."""

from __future__ import annotations

import re
from functools import lru_cache

SOFT_HYPHEN = "\u00ad"
# Kazakh Cyrillic alphabet (42 letters, a superset of Russian); a token with any other character is left alone.
KAZAKH_LETTERS = frozenset("аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя")
# у is not here: it depends on its left neighbour, see classify_nuclei.
VOWELS = frozenset("аәеёиоөұүыіэюя")
SIGNS = frozenset("ъь")
# Compounds split on these (әлеуметтік-экономикалық); U+2011, the non-breaking hyphen, means "keep together".
HARD_HYPHENS = "-\u2010"
MIN_WORD = 6  # a break needs MIN_EDGE letters on each side
MIN_EDGE = 3  # never fewer than 3 letters either side of a break, as hyphenate-limit-chars in the CSS
# Native Kazakh syllables begin with at most one consonant, but Russian/Persian loans bring clusters that the
# orthographic rules (емле ережелері, тасымал) carry over whole: Қазақ-стан, Ауған-стан, ак-три-са, ин-спек-тор.
# Only these are accepted as a syllable onset, and only inside clusters of three or more consonants.
LOAN_ONSETS = frozenset(
    "ст ск сп шт шк зд тр пр кр бр гр др вр фр пл бл кл гл фл стр скр спр".split()
)
# A run of word characters plus the marks that make a token "not a plain word" (soft/hard hyphens, combining
# accents), so that e.g. a decomposed "й" keeps its word together and the word is then left alone.
TOKEN_RE = re.compile(r"[\w\u0300-\u036f\u00ad\u2010\u2011-]+")


def classify_nuclei(word: str) -> list[int]:
    """Indices of syllable nuclei in a lower-case word."""
    nuclei = []
    for i, ch in enumerate(word):
        # After a vowel, у is the glide /w/ closing the syllable (тау, әлеу-мет, сау-да, ба-уыр); elsewhere it
        # carries the syllable (ту, оқу-шы, жур-на-лист). и is always a nucleus: the Kazakh /ɯj/ reading
        # (ки-ім, си-ыр) and loanword /i/ (ге-ро-изм) both make it syllabic. ю and я (/jw/, /ja/) likewise.
        if ch in VOWELS or (ch == "у" and not (nuclei and nuclei[-1] == i - 1)):
            nuclei.append(i)
    return nuclei


def split_cluster(word: str, start: int, end: int) -> int:
    """Where the syllable boundary falls in the consonants word[start:end] between two nuclei."""
    if start == end or word[end - 1] in SIGNS:
        # Vowel hiatus, or ъ/ь before a vowel (объ-ект, биль-ярд): the sign closes the syllable.
        return end
    # ь/ъ ride on the preceding consonant so that a break never falls in front of them (боль-шой, пись-мо).
    units = [i for i in range(start, end) if word[i] not in SIGNS]
    if len(units) <= 2:
        # One consonant goes to the next syllable, of two the first stays: а-за-мат, ақ-па-рат, бос-тан.
        return units[-1]
    # Three or more: a native coda keeps up to two (айт-қан, жұрт-қа, спорт-тық, пункт-тер), unless the tail is
    # a loanword onset the standard carries over whole (қазақ-стан rather than қазақс-тан).
    for unit in units[1:]:
        if word[unit:end] in LOAN_ONSETS:
            return unit
    return units[-1]


@lru_cache(maxsize=65536)
def find_breaks(word: str) -> tuple[int, ...]:
    """Break positions in one part of a word (no hard hyphens inside)."""
    lower = word.lower()
    if len(word) < MIN_WORD or not all(ch in KAZAKH_LETTERS for ch in lower):
        return ()
    nuclei = classify_nuclei(lower)
    breaks = []
    for left, right in zip(nuclei, nuclei[1:]):
        position = split_cluster(lower, left + 1, right)
        if lower[position] == "й":
            # й is a glide ending the syllable of the vowel before it, never an onset (тый-ым, май-ор).
            position += 1
        if MIN_EDGE <= position <= len(word) - MIN_EDGE and position not in breaks:
            breaks.append(position)
    return tuple(breaks)


def hyphenate_word(word: str) -> list[int]:
    """Indices in ``word`` where a soft hyphen may go; a hard-hyphen compound is hyphenated part by part."""
    if any(ch in word for ch in (SOFT_HYPHEN, "\u2011")):
        return []  # someone already decided how this word breaks
    parts = re.split(f"([{HARD_HYPHENS}])", word)
    words = parts[::2]
    if len(words) > 1 and not all(not part or all(ch in KAZAKH_LETTERS for ch in part.lower()) for part in words):
        return []  # "COVID-19-ға": a compound is hyphenated only if every part is a Kazakh word
    positions, offset = [], 0
    for part in parts:
        positions.extend(offset + position for position in find_breaks(part))
        offset += len(part)
    return positions


def insert_soft_hyphens(match: re.Match[str]) -> str:
    word = match.group()
    positions = hyphenate_word(word)
    if not positions:
        return word
    pieces = [word[start:end] for start, end in zip([0, *positions], [*positions, len(word)])]
    return SOFT_HYPHEN.join(pieces)


def hyphenate_text(text: str, lang: str = "kk") -> str:
    """``text`` with U+00AD at Kazakh syllable boundaries; other languages are left to pyphen, unchanged."""
    if lang != "kk":
        return text
    return TOKEN_RE.sub(insert_soft_hyphens, text)
