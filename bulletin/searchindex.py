"""dist/archive.sqlite -> dist/search-index.js, the compact index the offline search page loads as a script.

It holds what the browser cannot compute: each text form's term (pymorphy3's lemma, Snowball's stem),
every term's documents, and the normaliser's transliteration table, so the page folds Latin queries with
the very rules the CLI uses. Postings are delta-coded in a 64-letter alphabet and word lists front-coded; no text is shipped
but each entry's title (the page lists titles; a year's index must stay under 5 MB).
"""

from __future__ import annotations

import json
import math
import sqlite3
from pathlib import Path

from .searchtext import INVISIBLE, LATIN_FOLDS, TRANSLIT, make_latin_key

SEARCH_INDEX = "search-index.js"
GLOBAL = "BULLETIN_SEARCH_INDEX"
TITLE_CHARS = 72  # a year's titles in full would be a quarter of the index
BLOCK = 32  # words, numbers or postings per block of the index's lists
DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"  # 32 final, 32 continuing


PREFIX_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # never in a normalised (lower-case) word, so they also separate


def encode_numbers(numbers) -> str:
    """Each number in 5-bit groups, high groups first: A–f end a number, g–_ carry on."""
    out = []
    for number in numbers:
        groups = [DIGITS[number & 31]]
        number >>= 5
        while number:
            groups.append(DIGITS[32 + (number & 31)])
            number >>= 5
        out.extend(reversed(groups))
    return "".join(out)


def decode_numbers(text: str) -> list[int]:
    numbers, value = [], 0
    for char in text:
        digit = DIGITS.index(char)
        value = (value << 5) | (digit & 31)
        if digit < 32:
            numbers.append(value)
            value = 0
    return numbers


def encode_postings(ids: list[int]) -> str:
    """Sorted document numbers -> their gaps (less one) Rice-coded: the parameter k as one letter, then per
    gap its quotient by 2**k in unary (ones, a zero) and k low bits; six bits a letter, padded with ones.
    A term in most entries costs about two bits an entry, a rare one about log2 of its mean gap."""
    gaps = [b - a - 1 for a, b in zip([-1, *ids], ids)]
    guess = max(0, int(math.log2(sum(gaps) / len(gaps) + 1)))
    k = min(range(max(0, guess - 1), guess + 2), key=lambda k: sum((g >> k) + 1 + k for g in gaps))
    bits = "".join("1" * (g >> k) + "0" + (format(g & ((1 << k) - 1), f"0{k}b") if k else "") for g in gaps)
    bits += "1" * (-len(bits) % 6)
    return DIGITS[k] + "".join(DIGITS[int(bits[i:i + 6], 2)] for i in range(0, len(bits), 6))


def decode_postings(text: str) -> list[int]:
    """The inverse of encode_postings (search.js does the same)."""
    k = DIGITS.index(text[0])
    bits = "".join(format(DIGITS.index(char), "06b") for char in text[1:])
    ids, previous, position = [], -1, 0
    while True:
        end = bits.find("0", position)
        if end < 0 or end + 1 + k > len(bits):
            return ids
        low = int(bits[end + 1:end + 1 + k], 2) if k else 0
        previous += ((end - position) << k) + low + 1
        ids.append(previous)
        position = end + 1 + k


def front_code(words: list[str]) -> str:
    """Sorted words -> one string: each word as the length it shares with the one before (a capital letter,
    at most 25) and the rest; blocks of BLOCK words, each starting with a whole word, joined by ",",
    so the page finds a word by decoding one block, never the whole list."""
    out, previous = [], ""
    for number, word in enumerate(words):
        if number and number % BLOCK == 0:
            out.append(",")
            previous = ""
        shared = 0
        while shared < min(len(word), len(previous), len(PREFIX_DIGITS) - 1) and word[shared] == previous[shared]:
            shared += 1
        out.append(PREFIX_DIGITS[shared] + word[shared:])
        previous = word
    return "".join(out)


def front_decode(text: str) -> list[str]:
    words = []
    for block in text.split(","):
        previous, start = "", 0
        for end in range(1, len(block) + 1):
            if end == len(block) or block[end] in PREFIX_DIGITS:
                previous = previous[:PREFIX_DIGITS.index(block[start])] + block[start + 1:end]
                words.append(previous)
                start = end
    return words


def encode_form_terms(terms: list[int]) -> str:
    """Each form's term number, in blocks: as the change from the form before in its block, zigzagged
    (0, -1, 1, -2 … -> 0, 1, 2, 3 …), since a word's forms sort together and share their term."""
    blocks = []
    for start in range(0, len(terms), BLOCK):
        previous, changes = 0, []
        for term in terms[start:start + BLOCK]:
            change, previous = term - previous, term
            changes.append(2 * change if change >= 0 else -2 * change - 1)
        blocks.append(encode_numbers(changes))
    return ";".join(blocks)


def join_blocks(items: list[str], inner: str) -> str:
    """BLOCK items per block, joined by ``inner``, blocks by ";": the page splits only the block it needs."""
    return ";".join(inner.join(items[i:i + BLOCK]) for i in range(0, len(items), BLOCK))


def make_key_starts(forms: list[str]) -> dict[str, list[str]]:
    """First letter of a Latin key -> the two-letter beginnings of the forms whose key starts with it.

    A Latin query then folds only those forms, not a whole language's (дж…, ж… and j… all give j…).
    """
    starts: dict[str, set[str]] = {}
    for form in forms:
        key = make_latin_key(form)
        if key:
            starts.setdefault(key[0], set()).add(form[:2])
    return {initial: sorted(beginnings) for initial, beginnings in sorted(starts.items())}


def shorten_title(title: str) -> str:
    """A result's title, cut at a word end after TITLE_CHARS (the month page has it whole)."""
    if len(title) <= TITLE_CHARS:
        return title
    cut = title.rfind(" ", 0, TITLE_CHARS)
    return title[:cut if cut > TITLE_CHARS // 2 else TITLE_CHARS].rstrip(" ,;:—–-") + "…"


def build_search_index(db_path: Path, months: dict[str, str], language_names: dict[str, str],
                       month_page: str = "index.html") -> dict:
    """Documents by language, newest first; per text language: forms, their terms, the terms' postings."""
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        rows = db.execute(
            "SELECT entries.month, entries.lang, entries.text_lang, entries.slug, entries.title,"
            " entries.rubric, entries_fts.t_terms, entries_fts.t_surface, entries_fts.b_terms, entries_fts.b_surface"
            " FROM entries JOIN entries_fts ON entries_fts.rowid = entries.id"
            # one language's documents numbered together: its postings' gaps stay small
            " ORDER BY entries.text_lang, entries.month DESC, entries.lang, entries.position").fetchall()
    finally:
        db.close()
    releases, languages = [], {}
    for number, (month, lang, text_lang, slug, title, rubric, t_terms, t_forms, b_terms, b_forms) in enumerate(rows):
        if not releases or releases[-1][:2] != [month, lang]:
            releases.append([month, lang, []])
        releases[-1][2] += [slug, shorten_title(title)]
        language = languages.setdefault(text_lang, {"forms": {}, "all": {}})
        for terms, forms in ((t_terms, t_forms), (b_terms, b_forms)):
            for term, form in zip(terms.split(), forms.split()):
                language["forms"][form] = term
                language["all"].setdefault(term, set()).add(number)
    packed = {}
    for code, language in sorted(languages.items()):
        terms = sorted(language["all"])
        position = {term: i for i, term in enumerate(terms)}
        forms = sorted(language["forms"])
        identity = all(language["forms"][form] == form for form in forms)
        packed[code] = {
            "terms": front_code(terms),
            "postings": join_blocks([encode_postings(sorted(language["all"][t])) for t in terms], ","),
            # Kazakh and any language without lemmas: every form is its own term, so nothing to map.
            "forms": None if identity else front_code(forms),
            "formTerms": None if identity else encode_form_terms([position[language["forms"][f]] for f in forms]),
            "keyStarts": make_key_starts(forms),
        }
    return {"version": 1, "releases": releases, "languages": packed, "months": months, "languageNames": language_names,
            "monthPage": month_page,
            "normalizer": {"invisible": INVISIBLE.pattern, "translit": TRANSLIT, "folds": LATIN_FOLDS}}


def write_search_index(dist: Path, db_path: Path, months: dict[str, str], language_names: dict[str, str],
                       month_page: str) -> tuple[Path, bytes]:
    """The index as a script defining one global (a page on file:// may load scripts, not fetch JSON)."""
    data = build_search_index(db_path, months, language_names, month_page)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return dist / SEARCH_INDEX, f"window.{GLOBAL} = {text};\n".encode("utf-8")
