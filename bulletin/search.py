"""A search query (words, "phrases", OR, -exclusions) + filters -> ranked entries from dist/archive.sqlite."""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from .archive import ARCHIVE, SCHEMA_VERSION
from .errors import RefusalError
from .searchtext import WORD, is_cyrillic, knows_ru, make_latin_key, make_term, split_words

LANGUAGES = ("ru", "kk", "en")
TITLE_WEIGHT, BODY_WEIGHT = 3.0, 1.0
SNIPPET_WORDS = 24
MARK = ("**", "**")  # how the text output and JSON mark a matched word
_TOKEN = re.compile(r'\s*(?:(?P<neg>-)?"(?P<phrase>[^"]*)(?P<close>"?)|(?P<word>[^\s"]+))')


class QueryError(RefusalError):
    """A query that cannot be searched; the message says what is wrong and where."""


@dataclass
class Term:
    """A word or a phrase of the query, already split into normalised words."""

    words: list[str]
    negated: bool = False


@dataclass
class Query:
    text: str
    groups: list[list[Term]]  # OR of ANDs

    @property
    def positive_words(self) -> list[str]:
        return [w for group in self.groups for term in group if not term.negated for w in term.words]


@dataclass
class Hit:
    month: str
    lang: str
    slug: str
    title: str
    snippet: str
    rank: float
    text_lang: str = ""
    entry_path: str = ""
    page: str = ""
    permalink: str = ""


@dataclass
class SearchResult:
    query: str
    total: int
    results: list[Hit] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps({"query": self.query, "total": self.total, "results": [
            {"month": h.month, "lang": h.lang, "slug": h.slug, "title": h.title, "snippet": h.snippet,
             "rank": round(h.rank, 4)} for h in self.results]}, ensure_ascii=False, indent=2)


def parse_query(text: str) -> Query:
    """``a b OR "c d" -e`` -> OR groups of terms; every mistake is a QueryError naming its column."""
    groups: list[list[Term]] = [[]]
    position, last_or = 0, None
    text = text.strip()
    if not text:
        raise QueryError("the query is empty")
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:  # only trailing spaces are left
            break
        column = match.start() + len(match.group(0)) - len(match.group(0).lstrip()) + 1
        position = match.end()
        if match["phrase"] is not None:
            if not match["close"]:
                raise QueryError(f"column {column}: the quotation mark opened here is never closed")
            words = split_words(match["phrase"])
            if not words:
                raise QueryError(f"column {column}: the quoted phrase has no words")
            groups[-1].append(Term(words, bool(match["neg"])))
            continue
        word = match["word"]
        if word == "OR":
            if not groups[-1] or last_or == len(groups):
                raise QueryError(f"column {column}: OR needs a word on each side")
            groups.append([])
            last_or = len(groups)
            continue
        negated = word.startswith("-") and len(word) > 1
        words = split_words(word[1:] if negated else word)
        if words:  # punctuation alone is not a word: skipped, as in the text
            groups[-1].append(Term(words, negated))
    if not groups[-1]:
        if len(groups) > 1:
            raise QueryError("OR needs a word on each side")
        raise QueryError("the query has no words to search for")
    for group in groups:
        if all(term.negated for term in group):
            raise QueryError("a leading '-' only excludes: give at least one word to find as well"
                             if len(groups) == 1 else
                             "each side of OR needs at least one word to find, not only exclusions")
    return Query(text, groups)


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _phrase(columns: str, parts: list[tuple[str, bool]]) -> str:
    """``{t_terms b_terms} : ("a" + "b" *)``: an FTS5 phrase whose tokens may each be a prefix."""
    return f"{{{columns}}} : (" + " + ".join(_quote(t) + (" *" if prefix else "") for t, prefix in parts) + ")"


def match_term(term: Term, lang: str) -> str:
    """One query word or phrase -> an FTS5 expression for texts in ``lang``."""
    words = term.words
    latin = not any(is_cyrillic(w) for w in words)
    options = []
    if lang == "kk":
        # No Kazakh stemmer exists: the query's words are prefixes of the text's forms (Астана → Астанада).
        options.append(_phrase("t_surface b_surface", [(w, True) for w in words]))
    else:
        options.append(_phrase("t_terms b_terms", [(make_term(w, lang), False) for w in words]))
        if lang == "ru" and len(words) == 1 and not latin and not knows_ru(words[0]):
            # A form pymorphy3 does not know (many Kazakh names) gets a guessed lemma: match its prefix too.
            options.append(_phrase("t_surface b_surface", [(words[0], True)]))
    if latin or lang == "en":
        # A Latin word finds Cyrillic text, a Cyrillic one English text, and names in any spelling.
        options.append(_phrase("t_latin b_latin", [(make_latin_key(w), True) for w in words]))
    return "(" + " OR ".join(options) + ")"


def match_query(query: Query, lang: str) -> str:
    groups = []
    for group in query.groups:
        found = " AND ".join(match_term(t, lang) for t in group if not t.negated)
        excluded = "".join(f" NOT {match_term(t, lang)}" for t in group if t.negated)
        groups.append(f"(({found}){excluded})")
    return " OR ".join(groups)


def open_index(dist: Path) -> sqlite3.Connection:
    path = dist / ARCHIVE
    if not path.is_file():
        raise QueryError(f"{path}: no archive index yet; run `bulletin index` (publish also writes it)")
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        version = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
    except sqlite3.DatabaseError as exc:
        db.close()
        raise QueryError(f"{path}: not an archive index ({exc}); run `bulletin index` to rebuild it")
    if not version or version[0] != SCHEMA_VERSION:
        db.close()
        raise QueryError(f"{path}: made by another version of bulletin; run `bulletin index` to rebuild it")
    return db


def search_archive(dist: Path, text: str, lang: str = "all", month_from: str | None = None,
                   month_to: str | None = None, rubric: str | None = None, region: str | None = None,
                   limit: int = 20) -> SearchResult:
    query = parse_query(text)
    languages = LANGUAGES if lang == "all" else (lang,)
    filters, params = ["entries.lang IN (%s)" % ",".join("?" * len(languages))], list(languages)
    for clause, value in (("entries.month >= ?", month_from), ("entries.month <= ?", month_to),
                          ("entries.rubric = ?", rubric)):
        if value:
            filters.append(clause)
            params.append(value)
    if region:
        filters.append("EXISTS (SELECT 1 FROM json_each(entries.region) WHERE value = ?)")
        params.append(region)
    db = open_index(dist)
    rows = []
    try:
        for text_lang in LANGUAGES:
            sql = ("SELECT entries.month, entries.lang, entries.slug, entries.title, entries.body, entries.text_lang,"
                   " entries.entry_path, entries.page,"
                   f" bm25(entries_fts, {TITLE_WEIGHT}, {TITLE_WEIGHT}, {TITLE_WEIGHT}, {BODY_WEIGHT},"
                   f" {BODY_WEIGHT}, {BODY_WEIGHT}) AS score"
                   " FROM entries_fts JOIN entries ON entries.id = entries_fts.rowid"
                   f" WHERE entries_fts MATCH ? AND entries.text_lang = ? AND {' AND '.join(filters)}")
            try:
                rows += db.execute(sql, [match_query(query, text_lang), text_lang, *params]).fetchall()
            except sqlite3.Error as exc:  # should not happen: every term is quoted; never a traceback
                raise QueryError(f"the query could not be searched ({exc})")
    finally:
        db.close()
    # bm25 is lower for better matches; newer months first among equals.
    rows.sort(key=lambda r: (r[8], -int(r[0].replace("-", "")), r[1], r[2]))
    hits = [Hit(month, lang_, slug, title, make_snippet(body, query, text_lang), -score, text_lang, entry_path,
                page, f"{month}/{lang_}/#{slug}")
            for month, lang_, slug, title, body, text_lang, entry_path, page, score in rows[:limit]]
    return SearchResult(text, len(rows), hits)


def _matches(word: str, wanted: list[str], lang: str) -> bool:
    term, key = make_term(word, lang), make_latin_key(word)
    for query_word in wanted:
        if lang == "kk" and word.startswith(query_word):
            return True
        if lang != "kk" and term == make_term(query_word, lang):
            return True
        if is_cyrillic(query_word) != is_cyrillic(word) and key.startswith(make_latin_key(query_word)):
            return True
        if lang == "ru" and not knows_ru(query_word) and word.startswith(query_word):
            return True
    return False


def make_snippet(body: str, query: Query, lang: str) -> str:
    """About SNIPPET_WORDS words of the body around the first match, each matched word marked."""
    words = body.split()
    wanted = query.positive_words

    def matches(chunk: str) -> bool:
        return any(_matches(w, wanted, lang) for w in split_words(chunk))

    # Only up to the first match is analysed, then the window: a long body costs no more than that.
    first = next((i for i, chunk in enumerate(words) if matches(chunk)), 0)
    start = max(0, first - SNIPPET_WORDS // 3)
    window = range(start, min(len(words), start + SNIPPET_WORDS))
    marked = [WORD.sub(lambda m: MARK[0] + m.group() + MARK[1] if matches(m.group()) else m.group(), words[i])
              for i in window]
    return ("… " if start else "") + " ".join(marked) + (" …" if window.stop < len(words) else "")
