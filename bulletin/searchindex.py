"""dist/archive.sqlite -> dist/search-index.js, the compact index the offline search page loads as a script.

It holds what the browser cannot compute: each text form's term (pymorphy3's lemma, Snowball's stem),
every term's documents, and the normaliser's transliteration table, so the page folds Latin queries with
the very rules the CLI uses. Postings are delta-coded in a 64-letter alphabet; no full text is shipped,
only each entry's title and opening words.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from .searchtext import INVISIBLE, LATIN_FOLDS, TRANSLIT

SEARCH_INDEX = "search-index.js"
GLOBAL = "BULLETIN_SEARCH_INDEX"
LEAD_CHARS = 140
DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"  # 32 final, 32 continuing


def encode_postings(ids: list[int]) -> str:
    """Sorted document numbers -> gaps, each in 5-bit groups, high groups first: A–f end a number, g–_ go on."""
    out, previous = [], -1
    for number in ids:
        gap, groups = number - previous - 1, []
        previous = number
        groups.append(DIGITS[gap & 31])
        gap >>= 5
        while gap:
            groups.append(DIGITS[32 + (gap & 31)])
            gap >>= 5
        out.extend(reversed(groups))
    return "".join(out)


def decode_postings(text: str) -> list[int]:
    """The inverse of encode_postings (the page does the same in search.js)."""
    ids, value, previous = [], 0, -1
    for char in text:
        digit = DIGITS.index(char)
        if digit >= 32:
            value = (value << 5) | (digit - 32)
            continue
        previous += ((value << 5) | digit) + 1
        ids.append(previous)
        value = 0
    return ids


def make_lead(body: str) -> str:
    """The opening of the body, cut at a word end: the page's snippet (the index holds no full text)."""
    if len(body) <= LEAD_CHARS:
        return body
    cut = body.rfind(" ", 0, LEAD_CHARS)
    return body[:cut if cut > 40 else LEAD_CHARS].rstrip(" ,;:—–-") + " …"


def build_search_index(db_path: Path, months: dict[str, str], language_names: dict[str, str],
                       month_page: str = "index.html") -> dict:
    """Documents newest first; per text language: forms, their terms, the terms' postings (all, title)."""
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        rows = db.execute(
            "SELECT entries.month, entries.lang, entries.text_lang, entries.slug, entries.title, entries.body,"
            " entries.rubric, entries_fts.t_terms, entries_fts.t_surface, entries_fts.b_terms, entries_fts.b_surface"
            " FROM entries JOIN entries_fts ON entries_fts.rowid = entries.id"
            " ORDER BY entries.month DESC, entries.lang, entries.position").fetchall()
    finally:
        db.close()
    docs, languages = [], {}
    for number, (month, lang, text_lang, slug, title, body, rubric, t_terms, t_forms, b_terms, b_forms) in \
            enumerate(rows):
        docs.append([month, lang, slug, title, make_lead(body)])
        language = languages.setdefault(text_lang, {"forms": {}, "all": {}, "title": {}})
        for terms, forms, kind in ((t_terms, t_forms, "title"), (b_terms, b_forms, "all")):
            for term, form in zip(terms.split(), forms.split()):
                language["forms"][form] = term
                language[kind].setdefault(term, set()).add(number)
                if kind == "title":
                    language["all"].setdefault(term, set()).add(number)
    packed = {}
    for code, language in sorted(languages.items()):
        terms = sorted(language["all"])
        position = {term: i for i, term in enumerate(terms)}
        forms = sorted(language["forms"])
        identity = all(language["forms"][form] == form for form in forms)
        packed[code] = {
            "terms": terms,
            "postings": [encode_postings(sorted(language["all"][t])) for t in terms],
            "titles": [encode_postings(sorted(language["title"].get(t, ()))) for t in terms],
            # Kazakh and any language without lemmas: every form is its own term, so nothing to map.
            "forms": None if identity else forms,
            "formTerms": None if identity else [position[language["forms"][f]] for f in forms],
        }
    return {"version": 1, "docs": docs, "languages": packed, "months": months, "languageNames": language_names,
            "monthPage": month_page,
            "normalizer": {"invisible": INVISIBLE.pattern, "translit": TRANSLIT, "folds": LATIN_FOLDS}}


def write_search_index(dist: Path, db_path: Path, months: dict[str, str], language_names: dict[str, str],
                       month_page: str) -> tuple[Path, bytes]:
    """The index as a script defining one global (a page on file:// may load scripts, not fetch JSON)."""
    data = build_search_index(db_path, months, language_names, month_page)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return dist / SEARCH_INDEX, f"window.{GLOBAL} = {text};\n".encode("utf-8")
