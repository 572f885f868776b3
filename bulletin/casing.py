"""A title in capitals -> sentence case that keeps proper nouns (body text, place list, pymorphy3)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from .incidents import VOCABULARIES, load_vocabulary
from .problems import Problems

WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
ROMAN = re.compile(r"^(?=[MDCLXVI]{2,}$)M*(C[MD]|D?C{0,3})(X[CL]|L?X{0,3})(I[XV]|V?I{0,3})$")
VOWELS = set("аеёиоуыэюяәөұүіaeiouy")
KAZAKH_LETTERS = set("әғқңөұүһі")
ACRONYMS = {"сми", "оон", "обсе", "ес", "сша", "мид", "нпо", "еаэс", "одкб", "цик", "сизо", "ивс", "оо", "тоо",
            "ао", "уик", "еспч", "ук", "упк", "коап", "мрп", "рк", "кнб", "мвд", "мчс", "фсб", "снг",
            "hrw", "ifj", "cpj", "osce", "un", "eu", "ngo"}
# Words of Kazakhstan's news that the analyser takes for first names (Аким, Маслихат…): common nouns.
COMMON = {"аким", "акимат", "мажилис", "маслихат", "тенге", "аул", "батыр", "кенес", "курултай"}
# A word in quotes right after these is the first word of a name: ТОО «Алтын-Ай», газете «Время».
NAMED_BY = {"тоо", "ао", "оо", "ип", "оф", "роо", "пф", "ао", "нао", "рго", "газета", "газеты", "газете", "газету",
            "издание", "издания", "изданию", "изданий", "партия", "партии", "партию", "движение", "движения",
            "фонд", "фонда", "фонду", "компания", "компании", "агентство", "агентства", "телеканал", "телеканала",
            "портал", "портала", "сайт", "сайта", "объединение", "объединения", "союз", "союза", "кәсіподақ"}
SURNAME_END = re.compile(r"(?:ов|ев|ёв|ин|ын)(?:а|у|ым|ой|е|ых)?$")
PROPER = {"Name": "first name", "Surn": "surname", "Patr": "patronymic", "Geox": "place"}
# Case endings that follow a stem, by how the nominative ends (Russian), and Kazakh suffixes (any harmony).
RU_ENDINGS = {
    "adj": ("ая", "ой", "ую", "ою", "ий", "ый", "ого", "ому", "ым", "им", "ом", "ое", "ие", "ые", "их", "ых"),
    "а": ("а", "ы", "и", "е", "у", "ой", "ою", "ей"),
    "й": ("й", "я", "ю", "ем", "ём", "е"),
    "ь": ("ь", "я", "ю", "ем", "е", "и", "ью"),
    "о": ("о", "а", "у", "ом", "е"),
    "consonant": ("", "а", "у", "ом", "ем", "е", "ы"),
}
KK_SUFFIXES = ("", "ның", "нің", "дың", "дің", "тың", "тің", "ға", "ге", "қа", "ке", "на", "не", "а", "е",
               "ны", "ні", "ды", "ді", "ты", "ті", "н", "да", "де", "та", "те", "нда", "нде", "дан", "ден",
               "тан", "тен", "нан", "нен", "мен", "бен", "пен", "дағы", "дегі", "тағы", "тегі", "ндағы", "ндегі")


def ru_forms(word: str) -> set[str]:
    """``жанаозен`` -> {жанаозен, жанаозена, жанаозене, …}; names ending in another vowel do not decline."""
    if word.endswith(("ая", "ий", "ый")):
        return {word[:-2] + e for e in RU_ENDINGS["adj"]}
    if word.endswith(("ово", "ево", "ино")):
        return {word[:-1] + e for e in RU_ENDINGS["о"]}
    last = word[-1]
    if last in "айь":
        return {word[:-1] + e for e in RU_ENDINGS[last]}
    if last in VOWELS:
        return {word}  # Алматы, Актобе, Кокшетау, Форт-Шевченко
    return {word + e for e in RU_ENDINGS["consonant"]}


def kk_forms(word: str) -> set[str]:
    """``жаңаөзен`` -> {жаңаөзен, жаңаөзенде, жаңаөзеннен, …}; ``облысы`` -> облысында, облысының, …"""
    return {word + suffix for suffix in KK_SUFFIXES} | ({word + "н" + s for s in KK_SUFFIXES} if word[-1] in VOWELS
                                                        else set())


def case_like(model: str, lower: str) -> str:
    """``lower`` written with the capitals of ``model`` letter by letter (``Усть-Каменогорск`` -> ``Усть-Каменогорска``)."""
    return "".join(c.upper() if m.isupper() else c for c, m in zip(lower, model)) + lower[len(model):]


@dataclass
class Places:
    """Every derived form of the place list, by lower-case words: ``("жанаозена",) -> ("Жанаозена",)``."""

    names: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)
    longest: int = 1

    def add(self, name: str, lang: str) -> None:
        """Every form of ``name``: in Russian each word agrees (Акмолинской области), in Kazakh only the
        last word takes the suffix (Шығыс Қазақстан облысында)."""
        words = name.split()
        variants: list[tuple[str, ...]] = [()]
        for position, word in enumerate(words):
            lower = word.lower().replace("ё", "е")
            if lang == "kk":
                forms = kk_forms(lower) if position == len(words) - 1 else {lower}
            else:
                forms = ru_forms(lower)
            variants = [v + (f,) for v in variants for f in forms]
        for variant in variants:
            self.names.setdefault(variant, tuple(words))
        self.longest = max(self.longest, len(words))

    def match(self, words: list[str], start: int) -> tuple[int, tuple[str, ...]] | None:
        """The longest place name starting at ``words[start]``: (how many words, those words cased)."""
        for size in range(min(self.longest, len(words) - start), 0, -1):
            span = words[start:start + size]
            model = self.names.get(tuple(w.lower().replace("ё", "е") for w in span))
            if model:
                return size, tuple(case_like(m, w.lower()) for m, w in zip(model, span))
        return None


def load_places(path: Path, problems: Problems) -> Places:
    """content/places.yaml and the regions of regions.yaml beside it -> Places; a missing place list is a
    warning (the analyser alone misses many names)."""
    places = Places()
    regions = load_vocabulary(path.with_name(VOCABULARIES["region"]), "region", problems)
    for term in regions.terms.values() if regions else ():
        _add_place({**term.names, "also": term.also}, places)
    if not path.is_file():
        problems.warning(path, 0, "no place list: Kazakh place names in capitals titles are guessed by the "
                                  "analyser alone (copy content/places.yaml from the sample project)",
                         code="places.missing")
        return places
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.error(path, mark.line + 1 if mark else 0, f"cannot read the place list: {exc}",
                       code="places.unreadable")
        return places
    entries = [*(data.get("cities") or []), *(data.get("other") or [])] if isinstance(data, dict) else None
    for region in (data.get("regions") or []) if isinstance(data, dict) else []:
        # a region is named by its key in regions.yaml (or, in an older list, by its names)
        named = [region.get("region")] if isinstance(region, dict) and isinstance(region.get("region"), dict) else []
        entries += [*named, *(region.get("towns") or [])] if isinstance(region, dict) else [region]
    if entries is None or not all(isinstance(e, dict) for e in entries):
        problems.error(path, 0, "the place list must have 'regions' (each with 'region' and 'towns') and may have "
                                "'other', every place a mapping like {ru: Жанаозен, kk: Жаңаөзен}",
                       code="places.malformed")
        return places
    for entry in entries:
        _add_place(entry, places)
    return places


def _add_place(entry: dict, places: Places) -> None:
    for lang in ("ru", "kk"):
        if isinstance(entry.get(lang), str):
            places.add(entry[lang], lang)
    for name in entry.get("also") or []:
        places.add(str(name), "kk" if set(str(name).lower()) & KAZAKH_LETTERS else "ru")
    for form in entry.get("forms") or []:
        places.names.setdefault(tuple(str(form).lower().replace("ё", "е").split()), tuple(str(form).split()))


@lru_cache(maxsize=1)
def analyser():
    import pymorphy3  # loaded once, and only by an import

    return pymorphy3.MorphAnalyzer()


def is_sentence_start(before: str) -> bool:
    stripped = before.rstrip()
    core = stripped.rstrip("«\"„“'(–—- ")
    if not core or core[-1] in ".!?…":
        return True
    return core[-1] == ":" and core != stripped


@dataclass
class Forms:
    """How each word is written in running text (``exact``, by lower-case word; ``stems``: first 5 letters)."""

    exact: dict[str, Counter] = field(default_factory=dict)
    stems: dict[str, set[str]] = field(default_factory=dict)


def collect_forms(texts: list[str]) -> Forms:
    """Evidence for recasing titles: the words of the body text, sentence starts left out."""
    forms = Forms()
    for text in texts:
        text = re.sub(r"https?://\S+", " ", text)
        for match in WORD.finditer(text):
            if not is_sentence_start(text[:match.start()]):
                lower = match.group().lower()
                forms.exact.setdefault(lower, Counter())[match.group()] += 1
                forms.stems.setdefault(lower[:5], set()).add(lower)
    return forms


def from_body(word: str, forms: Forms) -> str | None:
    """Exact evidence first, else inflected forms sharing all but the last 2 letters (Аксайска ~ Аксайске)."""
    lower = word.lower()
    candidates = forms.exact.get(lower)
    if not candidates and len(lower) >= 5:
        stem = max(5, len(lower) - 2)
        candidates = Counter()
        for key in forms.stems.get(lower[:5], ()):
            if key[:stem] == lower[:stem] and abs(len(key) - len(lower)) <= 3:
                candidates.update(forms.exact[key])
    if not candidates:
        return None
    lowered = sum(n for form, n in candidates.items() if form.islower())
    others = [(n, form) for form, n in candidates.items() if not form.islower()]
    if others and sum(n for n, _ in others) > lowered:
        form = max(others)[1]
        rest = lower[len(form):].upper() if form.isupper() else lower[len(form):]
        return "".join(c.upper() if f.isupper() else c for c, f in zip(lower, form)) + rest
    return lower


def from_analyser(word: str) -> tuple[str, str | None]:
    """(the word cased by its morphology, what was guessed or None when the dictionary is sure)."""
    lower = word.lower()
    if lower in ACRONYMS or ROMAN.match(word):
        return word, None
    if not re.match(r"[а-яё]", lower):  # Latin: a name (Human Rights Watch) unless it has no vowel (HRW)
        return (word, "acronym") if not VOWELS & set(lower) else (lower.capitalize(), "Latin name")
    if KAZAKH_LETTERS & set(lower):  # the analyser knows Russian only
        return lower, "Kazakh word"
    morph = analyser()
    parses = morph.parse(lower)
    top = parses[0]
    known = morph.word_is_known(lower)
    if "Abbr" in top.tag and known:
        return word, None
    if top.normal_form in COMMON or lower in COMMON:
        return lower, None
    close = [p for p in parses if p.score >= top.score * (1 if known else 0.9)]
    # The likeliest reading; on a tie a person before a place (Дархана: a first name, and a town in Mongolia).
    ranked = sorted((-p.score, order, kind) for p in close for order, (g, kind) in enumerate(PROPER.items())
                    if g in p.tag)
    proper = ranked[0][2] if ranked else None
    if proper:
        return "-".join(part.capitalize() for part in lower.split("-")), proper
    if not known and len(lower) >= 2 and not VOWELS & set(lower):
        return word, "acronym"
    return lower, None if known else "unknown word"


def is_common_word(word: str) -> bool:
    morph, lower = analyser(), word.lower()
    return morph.word_is_known(lower) and not any(g in p.tag for p in morph.parse(lower) for g in PROPER)


@dataclass
class Recased:
    title: str
    guesses: list[tuple[str, str]] = field(default_factory=list)  # (word as written, what it was taken for)


def match_places(words: list[str], forms: Forms, places: Places, guesses: list) -> list[str | None]:
    """Each word cased as the place list writes it, or None; the body's own lower-case spelling wins
    (СЕМЕЙ in a title about families is not the town)."""
    cased: list[str | None] = [None] * len(words)
    index = 0
    while index < len(words):
        found = places.match(words, index)
        # A homograph the dictionary knows only as a common word (СЕМЕЙ "of families", ШАР "ball") is the
        # common word, except after в (в Рудном, в Шаре); either way it is a guess.
        if found and found[0] == 1 and is_common_word(words[index]):
            after_v = index > 0 and words[index - 1].lower() in ("в", "во")
            guesses.append((index, found[1][0] if after_v else words[index].lower(), "place or common word?"))
            found = found if after_v else None
        if found and not any(c[0].isupper() and from_body(w, forms) == w.lower()
                             for w, c in zip(words[index:], found[1])):
            cased[index:index + found[0]] = found[1]
        index += found[0] if found else 1
    return cased


def recase_title(raw: str, forms: Forms, places: Places | None = None) -> Recased:
    """``В АЛМАТЫ ЗАДЕРЖАЛИ ОПЕРАТОРА`` -> ``В Алматы задержали оператора``: the body's own spelling first,
    then the place list, then the analyser (whose proper-noun guesses are listed)."""
    matches = list(WORD.finditer(raw))
    words = [m.group() for m in matches]
    guesses: list[tuple[int, str, str]] = []  # (position, word, what it was taken for)
    cased = match_places(words, forms, places, guesses) if places else [None] * len(words)
    out, position, after_name = [], 0, False
    for index, match in enumerate(matches):
        word, guess = words[index], None
        before = raw[:match.start()]
        initial = not before.strip(" «\"„“(") or re.search(r"[.!?…][\s«\"„“(]*$", before) is not None
        result = cased[index] or from_body(word, forms)
        if result is None and len(word) == 1 and raw[match.end():match.end() + 1] == ".":
            result = word  # an initial: А. Сериков
        if result is None:
            result, guess = from_analyser(word)
            # After a first name or patronymic, a word the dictionary does not know (САРЫМ), or one with a
            # surname's ending that it reads otherwise (КАЛИЕВА, "potassium"), is the surname.
            if result.islower() and after_name and (guess == "unknown word" or SURNAME_END.search(result)):
                result, guess = result.capitalize(), "surname, after a first name"
            if re.search(r"[«\"„“]$", before) and not initial and result.islower():
                if index and words[index - 1].lower() in NAMED_BY:  # ТОО «Алтын-Ай», газета «Время»
                    result = result.capitalize()
                else:
                    guess = guess or "a quotation, or a name in quotes?"
            if guess and not (initial and guess != "acronym"):  # a capital either way
                guesses.append((index, result, guess))
        after_name = guess in ("first name", "patronymic")
        out.append(raw[position:match.start()] + (result[0].upper() + result[1:] if initial else result))
        position = match.end()
    out.append(raw[position:])
    return Recased(" ".join("".join(out).split()), [(word, kind) for _, word, kind in sorted(guesses)])


def fix_title_case(raw: str, forms: Forms, places: Places | None = None) -> str:
    return recase_title(raw, forms, places).title
