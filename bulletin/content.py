"""content/<YYYY-MM>/<slug>.<lang>.md -> Entry (front matter validated, body kept with its line)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .config import Config
from .frontmatter import ATTRIBUTES, FIELDS, FRONT_MATTER, entry_env
from .incidents import read_incident
from .validation import MISSING, At
from .problems import Problems
from .source import load_yaml, read_text

MONTH_RE = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])", re.ASCII)  # always with fullmatch: no trailing newline
SLUG = r"[a-z0-9][a-z0-9-]*"
ENTRY_RE = re.compile(rf"^(?P<slug>{SLUG})\.(?P<lang>[a-z]{{2}})\.md$")
ANCHOR_PREFIX = "entry-"
ASSET_SCHEME = "bulletin-asset:"  # bulletin's own image references; an entry may not type it
# C0 controls but tab and newline, DEL and C1: a DOCX holding one is refused by Word and LibreOffice
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Bidirectional overrides and marks, zero-width characters: they can make a name or an address look like another
INVISIBLE = re.compile(r"[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
SPOOFABLE = ("title", "author", "outlet", "source")
MAX_BRACKETS = 8
_MARKER = re.compile(r">|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t])")
_CONTAINERS = re.compile(r"(?:[ \t]*(?:>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t])))*")
_RULE = re.compile(r"[ \t]*([-*_])(?:[ \t]*\1){2,}[ \t]*")
_BRACKETS = re.compile(r"\\.|[\[\]]")
_SIMPLE_TABLE_RULE = re.compile(r"-+(?:[ \t]+-+)+[ \t]*")
_TABLE_RULE = re.compile(r"[|+:=\- \t]+")
_CODE_SPAN = re.compile(r"(`+)[^`]*?\1")
_HTML_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)\b[^<>]*?(/?)>")
_LINK_TARGET = re.compile(r"\]\([^()\s]*\)|^\s*\[[^\]]*\]:\s*\S+")  # never laid out as text
_VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
              "track", "wbr"}



@dataclass
class Entry:
    path: Path
    rel: str
    month: str
    slug: str
    lang: str
    meta: dict = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1
    title: str = ""
    rubric: str | None = None
    date: dt.date | None = None
    authors: list[str] = field(default_factory=list)
    outlet: str | None = None
    source: str | None = None
    weight: int | None = None
    draft: bool = False
    tags: list[str] = field(default_factory=list)
    source_hash: str | None = None
    region: str | None = None  # the incident fields (bulletin/incidents.py)
    violations: list[str] = field(default_factory=list)
    persons: list = field(default_factory=list)  # of incidents.Person

    def line(self, key: str) -> int:
        return self.lines.get(key, 1)

    @property
    def key(self) -> tuple[str, str]:
        return self.slug, self.lang

    @property
    def content_hash(self) -> str:
        return hash_content(self.title, self.body)

    @property
    def anchor(self) -> str:
        """The entry's id in every output; its own ids live under ``<anchor>_`` (slugs have no '_')."""
        return f"{ANCHOR_PREFIX}{self.slug}"


def hash_content(title: str, body: str) -> str:
    """Short hash of what a translator translates; blind to trailing spaces, blank edges and line endings."""
    def clean(text: str) -> str:
        return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").split("\n")).strip("\n")
    text = " ".join(title.split()) + "\n\n" + clean(body)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def list_months(config: Config) -> list[str]:
    if not config.content_dir.is_dir():
        return []
    return sorted(p.name for p in config.content_dir.iterdir() if p.is_dir() and MONTH_RE.fullmatch(p.name))


def month_of(path: Path, config: Config) -> str | None:
    """The month folder an entry file lies in, however deep in its subfolders."""
    try:
        parts = path.resolve().relative_to(config.content_dir.resolve()).parts
    except (ValueError, OSError):
        return None
    return parts[0] if len(parts) > 1 and MONTH_RE.fullmatch(parts[0]) else None


def split_front_matter(text: str, path: Path, problems: Problems) -> tuple[str, int, str, int] | None:
    """Return (yaml text, its first line, body, body's first line)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        problems.error(path, 1, "missing front matter: the file must start with a line '---'")
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return "\n".join(lines[1:index]), 2, "\n".join(lines[index + 1:]), index + 2
    problems.error(path, 1, "front matter opened on line 1 is never closed with '---'")
    return None


def describe_char(char: str) -> str:
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" ({name})" if name else "")


def _check_characters(entry: Entry, problems: Problems) -> None:
    """Front matter text that no output can carry (control characters) or that can spoof a name (invisible ones)."""
    for key, value in entry.meta.items():
        for text in (value if isinstance(value, list) else [value]):
            if not isinstance(text, str):
                continue
            control = CONTROL.search(text)
            if control:
                problems.error(entry.path, entry.line(str(key)), f"'{key}' contains the control character "
                               f"{describe_char(control.group())}: remove it (no output format can hold it)",
                               code="entry.control-character")
            hidden = INVISIBLE.search(text)
            if hidden and key in SPOOFABLE:
                problems.warning(entry.path, entry.line(str(key)), f"'{key}' contains the invisible character "
                                 f"{describe_char(hidden.group())}, which can make a name or address pass for "
                                 "another: remove it", code="entry.invisible-character")


def _read_fields(entry: Entry, doc, config: Config, problems: Problems, is_source: bool) -> None:
    _check_characters(entry, problems)
    env = entry_env(config, is_source)
    values = FRONT_MATTER.check(entry.meta, At.of(doc, entry.path, problems, line=1, env=env))
    for key, option in FIELDS.items():  # a value the entry lacks keeps the Entry's default (None for a new row)
        value, attribute = values.get(key, option.default(env)), ATTRIBUTES.get(key, key)
        if value is not MISSING or not hasattr(entry, attribute):
            setattr(entry, attribute, None if value is MISSING else value)
    line = entry.line
    for key, text in (("title", entry.title), ("author", " ".join(entry.authors)), ("outlet", entry.outlet)):
        if text:
            check_words(text, entry.path, line(key), config, problems)
    if entry.date and entry.date.strftime("%Y-%m") != entry.month:
        problems.warning(entry.path, line("date"), f"date {entry.date.isoformat()} is outside the month of its "
                                                   f"folder ({entry.month})", code="entry.date-outside-month")


def check_structure(body: str, first_line: int, path: Path, config: Config, problems: Problems) -> bool:
    """Refuse, before pandoc sees it, Markdown that would take minutes to lay out or overflow recursion."""
    depth_limit, columns_limit = config.limits["nesting"], config.limits["table_columns"]
    tags: list[str] = []  # HTML elements still open: WeasyPrint recurses once per level, and 150 overflow it
    brackets = cells = table_line = 0  # a table's layout grows faster than its cells: 8,000 took 24 s
    for number, line in enumerate(body.split("\n"), start=first_line):
        stripped = line.lstrip()
        control = CONTROL.search(line)
        if control:
            problems.error(path, number, f"the control character {describe_char(control.group())} is in the text: "
                                         "remove it (no output format can hold it)")
            return False
        if ASSET_SCHEME in line.lower():
            problems.error(path, number, f"'{ASSET_SCHEME}' is reserved for bulletin's own image references: "
                                         "link images by file name")
            return False
        if not check_words(_LINK_TARGET.sub("", _HTML_TAG.sub("", line)), path, number, config, problems):
            return False
        if not _open_tags(_CODE_SPAN.sub("", line), tags, config.limits["inline_nesting"]):
            problems.error(path, number, f"HTML elements nested more than {config.limits['inline_nesting']} deep "
                                         "(limit: limits.inline_nesting in bulletin.yaml)")
            return False
        # '> - > 1. x' opens a container per marker, on one line as well as by indentation
        prefix = _CONTAINERS.match(line).end()
        depth = 0 if _RULE.fullmatch(line) else len(_MARKER.findall(line[:prefix + 1]))
        indent = (len(line) - len(stripped)) // 2
        if depth > depth_limit or (indent > 2 * depth_limit and re.match(r"([-*+]|\d+[.)])\s", stripped)):
            problems.error(path, number, f"blockquotes or lists nested more than {depth_limit} deep "
                                         f"(limit: limits.nesting in bulletin.yaml)")
            return False
        # pandoc's time grows exponentially with nested [ ] (links, spans), also across a paragraph's lines
        brackets = 0 if not stripped else brackets
        for char in _BRACKETS.findall(line):  # escapes (\\[, \\\\) match as two characters and count nothing
            brackets = brackets + 1 if char == "[" else max(0, brackets - 1) if char == "]" else brackets
            if brackets > MAX_BRACKETS:
                problems.error(path, number, f"square brackets nested more than {MAX_BRACKETS} deep "
                                             f"(write a literal bracket as \\[)")
                return False
        pipes = stripped.count("|")  # pipe tables need no outer pipes: a|b|c is three columns
        columns = pipes + 1 - stripped.startswith("|") - stripped.rstrip().endswith("|") if pipes else 0
        if stripped.startswith("+-"):
            columns = max(columns, stripped.count("+") - 1)
        elif _SIMPLE_TABLE_RULE.fullmatch(stripped):
            columns = max(columns, len(stripped.split()))
        if columns > columns_limit:
            problems.error(path, number, f"table with {columns} columns, over the limit of "
                                         f"{columns_limit} (limits.table_columns in bulletin.yaml)")
            return False
        table_line = table_line if cells else number
        cells = cells + columns * (not _TABLE_RULE.fullmatch(stripped)) if pipes else 0
        if cells > config.limits["table_cells"]:
            problems.error(path, table_line, f"table with more than {config.limits['table_cells']} cells "
                                             "(limit: limits.table_cells in bulletin.yaml): split it")
            return False
    return True


def check_words(text: str, path: Path, line: int, config: Config, problems: Problems) -> bool:
    """Refuse a word too long to lay out: WeasyPrint's line breaking is quadratic in the length of a run it
    cannot break (3,200 Cyrillic letters took 12 s, 400 KB of them exhausted the memory). Digits, combining
    accents and joiners inside the run count too (measured: letters with digits cost the same)."""
    limit = config.limits["word_length"]
    word = re.search(r"[\w\u0300-\u036f\u0483-\u0489\u200c\u200d]{%d,}" % (limit + 1), text)
    if word:
        problems.error(path, line, f"a word of {len(word.group())} characters without a space or hyphen, over "
                                   f"the limit of {limit} (limits.word_length in bulletin.yaml)")
    return word is None


def _open_tags(line: str, tags: list[str], limit: int) -> bool:
    """Follow one line's HTML start and end tags on the stack ``tags``; False once it is deeper than ``limit``."""
    for match in _HTML_TAG.finditer(line):
        closing, name, self_closing = match.group(1), match.group(2).lower(), match.group(3)
        if name in _VOID_TAGS or self_closing:
            continue
        if not closing:
            tags.append(name)
            if len(tags) > limit:
                return False
        elif name in tags:  # an end tag closes everything opened after its start tag, as browsers do
            del tags[len(tags) - 1 - tags[::-1].index(name):]
    return True


def load_entry(path: Path, month: str, config: Config, problems: Problems) -> Entry | None:
    match = ENTRY_RE.match(path.name)
    if not match:
        problems.error(path, 1, "entry file names must be <slug>.<lang>.md with a lower-case Latin slug "
                                "(letters, digits, '-') and a language code, e.g. court-ruling.ru.md")
        return None
    slug, lang = match["slug"], match["lang"]
    if lang not in config.languages:
        problems.error(path, 1, f"unknown language '{lang}' (configured: {', '.join(config.languages)})")
        return None
    try:  # a symbolic link may not pull a file from outside the project into the bulletin
        path.resolve().relative_to(config.content_dir.resolve())
    except (ValueError, OSError):
        problems.error(path, 1, "is a symbolic link to a file outside content/; copy the file in instead")
        return None
    limit = config.limits["front_matter_bytes"] + config.limits["body_bytes"]
    text = read_text(path, problems, max_bytes=limit)
    if text is None:
        return None
    parts = split_front_matter(text, path, problems)
    if parts is None:
        return None
    head, head_line, body, body_line = parts
    if len(head.encode("utf-8")) > config.limits["front_matter_bytes"]:
        problems.error(path, 1, f"front matter is over the limit of {config.limits['front_matter_bytes']} bytes")
        return None
    if len(body.encode("utf-8")) > config.limits["body_bytes"]:
        problems.error(path, body_line, f"body is over the limit of {config.limits['body_bytes']} bytes")
        return None
    if not check_structure(body, body_line, path, config, problems):
        return None
    doc = load_yaml(head, path, problems, first_line=head_line)
    if doc is None:
        return None
    if doc.data is None:
        doc.data = {}
    if not isinstance(doc.data, dict):
        problems.error(path, head_line, "front matter must be a mapping of keys to values")
        return None
    root = config.root
    entry = Entry(path=path, rel=problems.where(path) if problems.root else str(path.relative_to(root)),
                  month=month, slug=slug, lang=lang, meta=doc.data, lines=doc.key_lines(),
                  body=body.strip("\n"), body_line=body_line + len(body) - len(body.lstrip("\n")))
    _read_fields(entry, doc, config, problems, is_source=(lang == config.default_language))
    read_incident(entry, doc, config.vocabularies, problems)
    if not entry.body.strip():
        problems.warning(path, body_line, "empty body")
    return entry


def load_month(config: Config, month: str, problems: Problems) -> list[Entry]:
    """Every entry file of a month, validated; duplicates of slug and language are errors."""
    folder = config.content_dir / month
    if not folder.is_dir():
        problems.error(folder, 0, f"no such month folder (months: {', '.join(list_months(config)) or 'none'})")
        return []
    entries: list[Entry] = []
    seen: dict[tuple[str, str], Entry] = {}
    for path in sorted(folder.rglob("*.md")):
        entry = load_entry(path, month, config, problems)
        if entry is None:
            continue
        if entry.key in seen:
            other = seen[entry.key]
            problems.error(path, 1, f"duplicate entry '{entry.slug}' in language '{entry.lang}' "
                                    f"(also {other.rel})")
            continue
        seen[entry.key] = entry
        entries.append(entry)
    report_duplicate_sources(entries, problems)
    return entries


def _normal_url(url: str) -> str:
    url = url.strip().lower().split("#")[0].rstrip("/")
    return re.sub(r"^https?://(www\.)?", "", url)


def report_duplicate_sources(entries: list[Entry], problems: Problems) -> None:
    """The same news item entered twice: same source URL in two entries of one language."""
    first: dict[tuple[str, str], Entry] = {}
    for entry in entries:
        if not entry.source or "source" not in entry.meta or entry.draft:
            continue
        key = (entry.lang, _normal_url(entry.source))
        if key in first:
            problems.warning(entry.path, entry.line("source"),
                             f"same source as {first[key].rel}: is this news item entered twice?")
        else:
            first[key] = entry
