"""Front-matter persons -> a matcher of their names in any text: case forms, Kazakh endings, Latin spellings."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .content import Entry
from .searchtext import TRANSLIT, morph_analyzer

# A word: letters, with the invisible characters pasted text carries inside words (soft hyphens,
# zero-width spaces), which would otherwise hide a name from the matcher.
WORD = re.compile(r"(?:[^\W\d_]|[\u00ad\u200b-\u200d\u2060\ufeff\u0300-\u036f])+")
_INVISIBLE = re.compile(r"[\u00ad\u200b-\u200d\u2060\ufeff]")
# Latin letters that look Cyrillic: mixed-script words in pasted news ("Кaсымов" with a Latin a).
_LOOKALIKES = str.maketrans("aceopxykmthb", "асеорхукмтнв")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
# Kazakh letters as their Russian neighbours: a Kazakh text spells the name Қасымов, a Russian one Касымов.
_KAZAKH_LETTERS = str.maketrans("қғңөұүһіә", "кгноуухиа")
_LATIN = re.compile(r"[a-z]")
# Kazakh case, plural and possessive endings, every vowel-harmony variant (a name takes up to three:
# Касымовтарға); a few extra matches only ever hide more, never less.
KAZAKH_ENDINGS = sorted({
    "ның", "нің", "дың", "дің", "тың", "тің",                      # genitive
    "ға", "ге", "қа", "ке", "на", "не", "а", "е",                  # dative
    "ны", "ні", "ды", "ді", "ты", "ті", "н",                       # accusative
    "да", "де", "та", "те", "нда", "нде",                          # locative
    "дан", "ден", "тан", "тен", "нан", "нен",                      # ablative
    "мен", "бен", "пен",                                           # instrumental
    "лар", "лер", "дар", "дер", "тар", "тер",                      # plural
    "ы", "і", "сы", "сі", "ым", "ім", "ың", "ің",                   # possessive
}, key=len, reverse=True)
_KAZAKH_TAIL = re.compile("(?:" + "|".join(e.translate(_KAZAKH_LETTERS) for e in KAZAKH_ENDINGS) + "){1,3}")
# Russian endings of names pymorphy may not know (its dictionary misses many Kazakh surnames).
_RUSSIAN_ENDINGS = {
    "surname": ("", "а", "у", "ым", "е", "ой", "ою", "ы", "ых", "ыми"),  # -ов/-ев/-ин/-ын
    "consonant": ("", "а", "у", "ом", "ем", "е", "ы", "и", "ов", "ам", "ами", "ах"),
    "vowel": ("ы", "и", "е", "у", "ю", "ой", "ей", "ою", "ею"),  # -а/-я, ending removed
}
# The letters as the search index spells them (searchtext.TRANSLIT, қ as q); the skeleton below then folds
# what other schemes spell differently (q/k, Kazakh Latin's diacritics, ts/c) for a broader match
_TRANSLIT = str.maketrans(TRANSLIT)
_SKELETON = [(re.compile(p), r) for p, r in (
    (r"[äáà]", "a"), (r"[öó]", "o"), (r"[üúū]", "u"), (r"ğ", "g"), (r"ñ", "ng"), (r"[ıí]", "i"), (r"ş", "sh"),
    (r"ç", "ch"), (r"q", "k"), (r"kh", "h"), (r"dzh|zh|j", "j"), (r"w", "v"), (r"x", "ks"), (r"ts|tz", "c"),
    (r"y(?=[aeiou])", ""), (r"y", "i"), (r"[^a-z]", ""), (r"(.)\1+", r"\1"))]
MIN_STEM = 4  # shorter stems would make check flag ordinary words


def fold(word: str) -> str:
    """A word as compared: composed, invisible characters removed, case and ё folded, Latin lookalikes in a
    Cyrillic word made Cyrillic, Kazakh letters made Russian."""
    word = _INVISIBLE.sub("", unicodedata.normalize("NFC", word)).casefold().replace("ё", "е")
    return word.translate(_LOOKALIKES).translate(_KAZAKH_LETTERS) if _CYRILLIC.search(word) else word


def skeleton(latin: str) -> str:
    """A Latin spelling reduced to what transliteration systems agree on: Yerlan/Erlan, Kassymov/Kasymov/
    Qasymov, Sekretbayev/Sekretbaev come out the same."""
    for pattern, replacement in _SKELETON:
        latin = pattern.sub(replacement, latin)
    return latin


def latin_skeleton(word: str) -> str:
    """The skeleton of a folded word in either script (Cyrillic transliterated first)."""
    return skeleton(word.translate(_TRANSLIT))


@functools.lru_cache(maxsize=4096)
def name_forms(word: str) -> frozenset[str]:
    """A folded name word -> its Russian case forms (pymorphy3, plus the regular paradigm it may miss)."""
    forms = {word}
    if _LATIN.search(word):
        return frozenset(forms)
    for parse in morph_analyzer().parse(word):
        if parse.normal_form == word or {"Name", "Surn", "Patr"} & set(parse.tag.grammemes):
            forms.update(fold(f.word) for f in parse.lexeme)
    if re.search(r"(ов|ев|ёв|ин|ын)а?$", word):
        base = word[:-1] if word.endswith("а") else word
        forms.update(base + ending for ending in _RUSSIAN_ENDINGS["surname"])
    elif word[-1:] in "ая":
        forms.update(word[:-1] + ending for ending in _RUSSIAN_ENDINGS["vowel"])
    elif not re.search(r"[аеёиоуыэюяәіөүұ]$", word):
        forms.update(word + ending for ending in _RUSSIAN_ENDINGS["consonant"])
    return frozenset(forms)


def stem(word: str) -> str:
    """What every form of a name begins with: the word without its final vowel (Касымова -> касымов)."""
    return re.sub(r"[аеиоуыэюяйь]+$", "", word)


@dataclass
class Person:
    """A name from an entry's ``persons``, where it is written."""

    name: str
    confidential: bool
    path: Path
    line: int

    @property
    def words(self) -> list[str]:
        return [fold(w) for w in WORD.findall(self.name)]


def read_persons(entries: list[Entry]) -> list[Person]:
    """Every person named in the front matter of the month's entries (drafts and translations too: a flag
    written anywhere protects the name everywhere). Read tolerantly: validation is content's job."""
    persons = []
    for entry in entries:
        listed = entry.meta.get("persons")
        for item in listed if isinstance(listed, list) else []:
            if isinstance(item, dict) and isinstance(item.get("name"), str) and item["name"].strip():
                flag = item.get("confidential")
                secret = flag is True or (isinstance(flag, str) and flag.strip().lower() in ("true", "yes"))
                persons.append(Person(item["name"].strip(), secret, entry.path, entry.line("persons")))
    return persons


class NameMatcher:
    """Decides which words of a text are a confidential person's name (or one of its forms)."""

    def __init__(self, persons: list[Person]):
        self.secret: set[str] = set()  # folded forms, Cyrillic
        self.bases: set[str] = set()   # forms a Kazakh ending may follow
        self.latin: set[str] = set()   # skeletons of the Latin spellings
        self.stems: set[str] = set()   # for check's looser search
        self.public: list[list[frozenset[str]]] = []  # non-confidential persons: the forms of each word
        for person in persons:
            if not person.confidential:
                self.public.append([name_forms(w) for w in person.words])
                continue
            for word in person.words:
                forms = name_forms(word)
                self.secret.update(f for f in forms if not _LATIN.search(f))
                self.bases.update(f for f in forms if len(f) >= 3 and not _LATIN.search(f))
                self.latin.update(latin_skeleton(f) for f in forms)
                if len(stem(word)) >= MIN_STEM:
                    self.stems.add(stem(word))
        self.latin.discard("")
        self.latin_stems = {latin_skeleton(s) for s in self.stems}
        self._seen: dict[str, bool] = {}  # a month repeats its words: each is decided once
        self.key = "\0".join(sorted(self.secret | self.latin)) + "\1" + repr(self.public)

    def __bool__(self) -> bool:
        return bool(self.secret or self.latin)

    def is_secret(self, word: str) -> bool:
        known = self._seen.get(word)
        if known is None:
            known = self._seen[word] = self._is_secret(word)
        return known

    def _is_secret(self, word: str) -> bool:
        word = fold(word)
        if _LATIN.search(word) and not _CYRILLIC.search(word):
            return skeleton(word) in self.latin
        if word in self.secret:
            return True
        return any(word[:k] in self.bases and _KAZAKH_TAIL.fullmatch(word[k:]) for k in range(3, len(word)))

    def resembles(self, word: str) -> bool:
        """Looser than is_secret: any word beginning like a confidential name (for check's leak warning)."""
        word = fold(word)
        if _LATIN.search(word) and not _CYRILLIC.search(word):
            return any(skeleton(word).startswith(s) for s in self.latin_stems)
        return any(word.startswith(s) for s in self.stems)

    def of_public_person(self, words: list[str], index: int) -> bool:
        """Whether the word at ``index`` belongs, with a neighbour, to a listed person who is not confidential
        (``Айгерим Сарсенова`` stays when only another Айгерим is protected)."""
        word = fold(words[index])
        for name in self.public:
            for position, forms in enumerate(name):
                if word not in forms:
                    continue
                for step in (-1, 1):
                    other, near = position + step, index + step
                    if 0 <= other < len(name) and 0 <= near < len(words) \
                            and fold(words[near]) in name[other] and not self.is_secret(words[near]):
                        return True
        return False

    def spans(self, text: str, test=None) -> list[tuple[int, int]]:
        """(start, end) of each run of name words in ``text`` (with initials beside them: ``Е. Касымов``).

        In running text a name is capitalised: ``Азамат`` is a name, ``азаматтар`` (citizens) is not, and
        hiding common words would garble the text and hint at the name. A word of one or two letters
        (``Ли``) counts only beside another word of the name.
        """
        test = test or self.is_secret
        tokens = list(WORD.finditer(text))
        words = [t.group(0) for t in tokens]
        hits = [w[:1].isupper() and test(w) and not self.of_public_person(words, i) for i, w in enumerate(words)]
        beside = [any(0 <= j < len(hits) and hits[j] and not text[min(tokens[i].end(), tokens[j].end()):
                                                                   max(tokens[i].start(), tokens[j].start())].strip()
                      for j in (i - 1, i + 1)) for i in range(len(hits))]
        hits = [hit and (len(fold(w)) > 2 or near) for hit, w, near in zip(hits, words, beside)]
        for i, token in enumerate(tokens):  # an initial next to a name is part of it
            if len(token.group(0)) == 1 and text[token.end():token.end() + 1] == "." and \
                    ((i + 1 < len(tokens) and hits[i + 1]) or (i > 0 and hits[i - 1])):
                hits[i] = True
        found: list[list[int]] = []
        for token, hit in zip(tokens, hits):
            if not hit:
                continue
            start, end = token.start(), token.end() + (text[token.end():token.end() + 1] == "." and
                                                        len(token.group(0)) == 1)
            if found and re.fullmatch(r"[\s\u00a0\-‐‑]*", text[found[-1][1]:start]):
                found[-1][1] = end
            else:
                found.append([start, end])
        return [(a, b) for a, b in found]

    def replace(self, text: str, placeholder: str) -> str:
        if not self:
            return text
        for start, end in reversed(self.spans(text)):
            text = text[:start] + placeholder + text[end:]
        return text
