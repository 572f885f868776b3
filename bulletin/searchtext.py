"""Text -> search terms: tokens, ё→е, Russian lemmas, English stems, Kazakh surface forms, Latin keys.

One normaliser serves the SQLite index, the CLI's queries and the static site's index, so a word is
folded the same way wherever it is looked up.
"""

from __future__ import annotations

import functools
import re
import unicodedata

WORD = re.compile(r"[^\W_]+")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
# Stress marks (acute, grave: not the breve of й), soft hyphens and joiners pasted text carries in words.
INVISIBLE = re.compile(r"[\u0300\u0301\u00ad\u200b-\u200d\u2060\ufeff]")

# One common scheme (BGN/PCGN-like, as Kazakhstan's English-language press spells names), Kazakh letters
# included; LATIN_FOLDS then merges the spellings that scheme and its rivals disagree on.
TRANSLIT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "zh", "з": "z", "и": "i", "й": "y",
    "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e",
    "ю": "yu", "я": "ya", "ә": "a", "ғ": "g", "қ": "q", "ң": "ng", "ө": "o", "ұ": "u", "ү": "u", "һ": "h",
    "і": "i",
}
# Applied in order to a lower-case Latin word (a transliterated one or one typed by the user): zh/j, kh/h,
# q/k, x/ks and w/v are one letter, y is i everywhere (Kasymbay/Kasymbai), "ie" after y→i is "e"
# (Zhylanbayev/Zhylanbaev), and doubled letters count once (Kassymov/Kasymov). JavaScript-compatible.
LATIN_FOLDS = [
    ("dzh", "j"), ("zh", "j"), ("kh", "h"), ("q", "k"), ("x", "ks"), ("w", "v"), ("y", "i"),
    ("([aeiou])ie", "$1e"), ("^ie", "e"), ("(.)\\1+", "$1"),
]
_FOLDS = [(re.compile(pattern), replacement.replace("$1", r"\1")) for pattern, replacement in LATIN_FOLDS]

KAZAKH_ONLY = re.compile(r"[әғқңөұүһі]")


def normalize_text(text: str) -> str:
    """Lower case, NFKC, no stress marks or soft hyphens, ё as е: what every token is cut from."""
    text = unicodedata.normalize("NFD", text)
    text = INVISIBLE.sub("", text)
    text = unicodedata.normalize("NFKC", text).lower()
    return text.replace("ё", "е")


def split_words(text: str) -> list[str]:
    return WORD.findall(normalize_text(text))


def is_cyrillic(word: str) -> bool:
    return bool(CYRILLIC.search(word))


@functools.lru_cache(maxsize=1)
def morph_analyzer():
    """pymorphy3's Russian analyzer, loaded once per process (the search terms and names.py share it)."""
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@functools.lru_cache(maxsize=1)
def _english():
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@functools.lru_cache(maxsize=200_000)
def lemmatize_ru(word: str) -> str:
    """pymorphy3's first normal form (context-free, so a word form always gets the same lemma)."""
    return morph_analyzer().parse(word)[0].normal_form.replace("ё", "е")


@functools.lru_cache(maxsize=200_000)
def knows_ru(word: str) -> bool:
    """Whether the dictionary knows the form; an unknown one (a Kazakh name) is also matched by prefix."""
    return morph_analyzer().word_is_known(word)


@functools.lru_cache(maxsize=200_000)
def stem_en(word: str) -> str:
    return _english().stemWord(word)


def make_term(word: str, lang: str) -> str:
    """The indexed form of a normalised word in a text of ``lang``."""
    if word.isdigit():
        return word
    if lang == "ru" and is_cyrillic(word):
        return lemmatize_ru(word)
    if lang == "en" and not is_cyrillic(word):
        return stem_en(word)
    return word  # Kazakh, and words in another script: the form itself


@functools.lru_cache(maxsize=200_000)
def make_latin_key(word: str) -> str:
    """``Жыланбаева`` and ``Zhylanbayeva`` -> ``jilanbaeva``: the key a Latin query is matched against."""
    latin = "".join(TRANSLIT.get(char, char) for char in word)
    for pattern, replacement in _FOLDS:
        latin = pattern.sub(replacement, latin)
    return latin


def analyze_text(text: str, lang: str) -> tuple[list[str], list[str], list[str]]:
    """(terms, surface forms, Latin keys), one of each per word, in order, so phrases keep positions."""
    words = split_words(text)
    return [make_term(w, lang) for w in words], words, [make_latin_key(w) for w in words]
