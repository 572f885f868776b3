"""Published releases (dist/<month>/bulletin-<month>-<lang>.html) -> dist/archive.sqlite, an FTS5 index.

The index is read from what publish wrote, never from entry Markdown, so text a public edition leaves
out cannot reach it. Only the entries' classification fields (tags, region, violations, groups) come
from front matter. A release is re-indexed only when its HTML or those fields changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import sqlite3
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from .content import ANCHOR_PREFIX, ENTRY_RE, MONTH_RE
from .problems import Problems
from .searchtext import analyze_text

ARCHIVE = "archive.sqlite"
SCHEMA_VERSION = "1"  # bump when the normaliser or the tables change: every release is then re-indexed
LISTED_FIELDS = ("tags", "region", "violations", "groups")  # front matter, read tolerantly when present
RELEASE_HTML = re.compile(r"bulletin-(?P<month>[0-9]{4}-[0-9]{2})-(?P<lang>[a-z]{2})\.html")
FTS_COLUMNS = ("t_terms", "t_surface", "t_latin", "b_terms", "b_surface", "b_latin")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
BREAKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "br", "td", "th", "tr", "div", "dd", "dt"}

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS releases(month TEXT, lang TEXT, digest TEXT, indexed_at TEXT,
    times_indexed INTEGER, page TEXT, PRIMARY KEY(month, lang));
CREATE TABLE IF NOT EXISTS entries(id INTEGER PRIMARY KEY, month TEXT, lang TEXT, text_lang TEXT, slug TEXT,
    position INTEGER, title TEXT, body TEXT, body_html TEXT, rubric TEXT, rubric_title TEXT, date TEXT,
    outlet TEXT, authors TEXT, source TEXT, tags TEXT, region TEXT, violations TEXT, groups_ TEXT,
    entry_path TEXT, page TEXT);
CREATE INDEX IF NOT EXISTS entries_release ON entries(month, lang);
CREATE VIRTUAL TABLE IF NOT EXISTS entries_fts USING fts5({", ".join(FTS_COLUMNS)},
    tokenize="unicode61 remove_diacritics 0");
"""


@dataclass
class Article:
    """One entry as a published page shows it."""

    slug: str
    lang: str
    rubric: str = ""
    rubric_title: str = ""
    title: str = ""
    authors: list[str] = field(default_factory=list)
    outlet: str = ""
    date: str = ""
    body: str = ""
    body_html: str = ""
    source: str = ""
    untranslated: bool = False


@dataclass
class IndexResult:
    path: Path
    indexed: list[tuple[str, str]]
    removed: list[tuple[str, str]]
    entries: int


class _PageReader(HTMLParser):
    """The bulletin template's articles -> Article; text parts by the classes the template gives them."""

    def __init__(self, text: str, lang: str):
        super().__init__(convert_charrefs=True)
        self.source, self.lang = text, lang
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.articles: list[Article] = []
        self.stack: list[tuple[str, str]] = []  # (tag, role) of open elements
        self.rubric = self.rubric_title = ""
        self.article: Article | None = None
        self.body_start: int | None = None

    def char_offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def role(self) -> str:
        for _, role in reversed(self.stack):
            if role:
                return role
        return ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        role = ""
        if tag == "section" and "rubric" in classes:
            self.rubric = (attrs.get("id") or "").removeprefix("rubric-")
        elif tag == "h2" and "rubric-title" in classes and self.article is None:
            role, self.rubric_title = "rubric-title", ""
        elif tag == "article" and "entry" in classes:
            slug = (attrs.get("id") or "").removeprefix(ANCHOR_PREFIX)
            self.article = Article(slug, attrs.get("lang") or self.lang, self.rubric, self.rubric_title.strip(),
                                   untranslated="entry-untranslated" in classes)
            role = "article"
        elif self.article is not None:
            if tag == "h3" and "entry-title" in classes:
                role = "title"
            elif tag == "span" and "entry-author" in classes:
                role = "author"
            elif tag == "span" and "entry-outlet" in classes:
                role = "outlet"
            elif tag == "time" and self.role() != "body":
                self.article.date = attrs.get("datetime") or ""
            elif tag == "div" and "entry-body" in classes and self.body_start is None:
                role, self.body_start = "body", self.char_offset() + len(self.get_starttag_text() or "")
            elif tag == "p" and "entry-source" in classes:
                role = "source"
            elif tag == "a" and self.role() == "source":
                self.article.source = attrs.get("href") or ""
            if tag in BREAKS and self.role() == "body":
                self.article.body += " "
        if tag not in VOID:
            self.stack.append((tag, role))

    def handle_endtag(self, tag):
        if tag in VOID or not any(open_tag == tag for open_tag, _ in self.stack):
            return
        while self.stack:
            open_tag, role = self.stack.pop()
            if role == "body" and self.article is not None:
                self.article.body_html = self.source[self.body_start:self.char_offset()].strip()
                self.body_start = None
            if role == "article" and self.article is not None:
                self.article.body = " ".join(self.article.body.split())
                self.articles.append(self.article)
                self.article = None
            if open_tag == tag:
                break
        if tag in BREAKS and self.role() == "body":
            self.article.body += " "

    def handle_data(self, data):
        role = self.role()
        data = data.replace("\u00a0", " ").replace("\u00ad", "").replace("\u2060", "")
        if role == "rubric-title":
            self.rubric_title += data
        elif self.article is None:
            return
        elif role == "title":
            self.article.title += data
        elif role == "author":
            self.article.authors += [a.strip() for a in data.split(",") if a.strip()]
        elif role == "outlet":
            self.article.outlet += data
        elif role == "body":
            self.article.body += data


def read_page(html: str, lang: str) -> list[Article]:
    """A published HTML bulletin -> its articles, in page order (the untranslated list is not one)."""
    reader = _PageReader(html, lang)
    reader.feed(html)
    reader.close()
    for article in reader.articles:
        article.title = " ".join(article.title.split())
        article.outlet = " ".join(article.outlet.split())
    return reader.articles


def find_releases(dist: Path) -> dict[tuple[str, str], Path]:
    """Every published (month, language) HTML bulletin in dist/."""
    found = {}
    for folder in sorted(p for p in dist.iterdir() if p.is_dir() and MONTH_RE.fullmatch(p.name)):
        for page in sorted(folder.glob(f"bulletin-{folder.name}-*.html")):
            match = RELEASE_HTML.fullmatch(page.name)
            if match and match["month"] == folder.name:
                found[(folder.name, match["lang"])] = page
    return found


def _as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value if isinstance(v, (str, int, float)) and str(v).strip()]
    if isinstance(value, dict):
        return [str(k) for k in value]
    return [str(value)] if str(value).strip() else []


def read_fields(content_dir: Path, month: str, source_lang: str) -> dict[tuple[str, str], dict]:
    """(slug, lang) -> the listed front-matter fields; a translation inherits what it does not set.

    Read tolerantly: a field of a shape this reader does not know is left out, never fatal, because
    `check` is what reports front-matter mistakes; this only classifies entries already published.
    """
    import yaml

    from .content import split_front_matter

    raw: dict[tuple[str, str], dict] = {}
    for path in sorted((content_dir / month).glob("*.md")):
        match = ENTRY_RE.match(path.name)
        if not match:
            continue
        try:
            parts = split_front_matter(path.read_text(encoding="utf-8"), path, Problems())
            meta = yaml.safe_load(parts[0]) if parts else {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        if isinstance(meta, dict):
            raw[(match["slug"], match["lang"])] = meta
    fields = {}
    for (slug, lang), meta in raw.items():
        inherited = raw.get((slug, source_lang), {})
        fields[(slug, lang)] = {key: _as_list(meta.get(key, inherited.get(key))) for key in LISTED_FIELDS}
    return fields


def open_archive(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path)
    version = None
    try:
        version = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
    except sqlite3.DatabaseError:
        pass
    if version is None or version[0] != SCHEMA_VERSION:
        db.executescript("DROP TABLE IF EXISTS meta; DROP TABLE IF EXISTS releases; DROP TABLE IF EXISTS entries;"
                         "DROP TABLE IF EXISTS entries_fts;")
    db.executescript(SCHEMA)
    db.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
    return db


def _insert(db: sqlite3.Connection, month: str, lang: str, page: str, position: int, article: Article,
            extra: dict, content_root: str) -> None:
    text_lang = article.lang
    meta_text = " ".join([article.outlet, *article.authors, article.rubric_title,
                          *(v for key in LISTED_FIELDS for v in extra.get(key, []))])
    title = analyze_text(article.title, text_lang)
    body = analyze_text(article.body + " " + meta_text, text_lang)
    cursor = db.execute(
        "INSERT INTO entries(month, lang, text_lang, slug, position, title, body, body_html, rubric, rubric_title,"
        " date, outlet, authors, source, tags, region, violations, groups_, entry_path, page)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (month, lang, text_lang, article.slug, position, article.title, article.body, article.body_html,
         article.rubric, article.rubric_title, article.date, article.outlet, json.dumps(article.authors,
         ensure_ascii=False), article.source, *(json.dumps(extra.get(k, []), ensure_ascii=False)
                                                 for k in LISTED_FIELDS),
         f"{content_root}/{month}/{article.slug}.{text_lang}.md", page))
    db.execute(f"INSERT INTO entries_fts(rowid, {', '.join(FTS_COLUMNS)}) VALUES (?,?,?,?,?,?,?)",
               (cursor.lastrowid, *(" ".join(part) for part in (*title, *body))))


def update_archive(dist: Path, content_dir: Path, source_lang: str, content_root: str = "content",
                   now: dt.datetime | None = None) -> IndexResult:
    """Re-index the releases whose HTML or classification changed, drop withdrawn ones; one transaction."""
    path = dist / ARCHIVE
    releases = find_releases(dist) if dist.is_dir() else {}
    stamp = (now or dt.datetime.now(dt.timezone.utc)).isoformat(timespec="seconds")
    db = open_archive(path)
    indexed, removed, fields_by_month = [], [], {}
    try:
        with db:
            known = {(m, lang): digest for m, lang, digest in db.execute("SELECT month, lang, digest FROM releases")}
            for key in sorted(set(known) - set(releases)):
                _delete(db, *key)
                db.execute("DELETE FROM releases WHERE month = ? AND lang = ?", key)
                removed.append(key)
            for (month, lang), page_path in sorted(releases.items()):
                if month not in fields_by_month:
                    fields_by_month[month] = read_fields(content_dir, month, source_lang) if content_dir.is_dir() else {}
                fields = fields_by_month[month]
                data = page_path.read_bytes()
                listed = {f"{slug}.{code}": value for (slug, code), value in sorted(fields.items())}
                digest = hashlib.sha256(data + json.dumps(listed, ensure_ascii=False).encode()).hexdigest()
                if known.get((month, lang)) == digest:
                    continue
                _delete(db, month, lang)
                page = page_path.relative_to(dist).as_posix()
                articles = [a for a in read_page(data.decode("utf-8", "replace"), lang) if not a.untranslated]
                for position, article in enumerate(articles):
                    _insert(db, month, lang, page, position, article, fields.get((article.slug, article.lang), {}),
                            content_root)
                db.execute("INSERT INTO releases VALUES (?,?,?,?,1,?) ON CONFLICT(month, lang) DO UPDATE SET"
                           " digest = excluded.digest, indexed_at = excluded.indexed_at,"
                           " times_indexed = times_indexed + 1, page = excluded.page",
                           (month, lang, digest, stamp, page))
                indexed.append((month, lang))
        total = db.execute("SELECT count(*) FROM entries").fetchone()[0]
    finally:
        db.close()
    return IndexResult(path, indexed, removed, total)


def _delete(db: sqlite3.Connection, month: str, lang: str) -> None:
    ids = [row[0] for row in db.execute("SELECT id FROM entries WHERE month = ? AND lang = ?", (month, lang))]
    db.executemany("DELETE FROM entries_fts WHERE rowid = ?", [(i,) for i in ids])
    db.execute("DELETE FROM entries WHERE month = ? AND lang = ?", (month, lang))

