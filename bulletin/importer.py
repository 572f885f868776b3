"""legacy bulletin text (.txt or .docx) -> entry files in content/<month>/, all or nothing"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

from .casing import Places, collect_forms, load_places, recase_title
from .config import Config, load_config
from .content import MONTH_RE
from .options import URL_RE
from .legacy import BULLET, LIST_ITEM, TERMINAL, URL_START, ImportedEntry, LegacyParser, is_caps_title
from .markdown import PandocError, run_pandoc
from .problems import Problems
from .scaffold import free_path, render_archetype, slugify, write_new_file
from .source import codec_for, decode_text, detect_encoding

ZIP_MAGIC, OLE_MAGIC = b"PK\x03\x04", b"\xd0\xcf\x11\xe0"


@dataclass
class ImportResult:
    root: Path
    month: str
    entries: list[ImportedEntry]
    problems: Problems
    written: bool = False


def read_document(path: Path, timeout: int, problems: Problems) -> list[str] | None:
    """Lines of a .txt (UTF-8; Windows-1251 and UTF-16 decoded with a warning) or a .docx (via pandoc)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        problems.error(path, 0, f"cannot read: {exc.strerror or exc}", code="file.unreadable")
        return None
    if data.startswith(OLE_MAGIC):
        problems.error(path, 0, "this is an old binary .doc file; save it as .docx or as UTF-8 text",
                       code="import.binary-doc")
        return None
    if data.startswith(ZIP_MAGIC) or path.suffix.lower() == ".docx":
        try:
            text = run_pandoc(["-f", "docx", "-t", "plain", "--wrap=none"], data, timeout).decode("utf-8")
        except (PandocError, UnicodeDecodeError) as exc:
            problems.error(path, 0, f"cannot read the .docx: {exc}", code="import.unreadable-docx")
            return None
    elif encoding := detect_encoding(data):
        codec = codec_for(encoding, data)
        try:
            text = data.decode(codec).lstrip("\ufeff")
        except UnicodeDecodeError:
            problems.error(path, 1, f"file looks like {encoding} but does not decode as such; re-save it as UTF-8",
                           code="import.undecodable")
            return None
        problems.warning(path, 1, f"file is encoded as {encoding}, not UTF-8: decoded as {encoding}; "
                                  "check the letters of the result (or re-save the file as UTF-8)",
                         code="import.not-utf8")
    else:
        text = decode_text(data, path, problems)
    if text is None:
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        problems.error(path, 0, "no text in the document", code="import.empty")
        return None
    return text.split("\n")


def parse_document(lines: list[str], path: Path, config: Config, year: int, problems: Problems,
                   places: Places | None = None) -> list[ImportedEntry]:
    """Split the legacy text into entries (titles recased, bodies as Markdown); problems are collected."""
    entries = LegacyParser(lines, path, config, year, problems).run()
    texts = [t for e in entries for _, t in e.lines if t and not is_caps_title(t)]
    texts += [t for e in entries for t in (e.outlet, e.source_outlet, *e.authors) if t]
    forms = collect_forms(texts)
    for entry in entries:
        recased = recase_title(entry.raw_title, forms, places)
        entry.title, entry.guesses = recased.title, recased.guesses
        entry.outlet = entry.outlet or entry.source_outlet
        entry.body = format_body(entry.lines)
    return entries


def escape_markdown(text: str) -> str:
    text = re.sub(r"([\\`*_\[\]<>^~])", r"\\\1", text)
    text = re.sub(r"^([#+-])", r"\\\1", text)
    return re.sub(r"^(\d+)([.)])(\s)", r"\1\\\2\3", text)


def is_subheading(text: str) -> bool:
    return (len(text) <= 80 and len(text.split()) <= 10 and text[-1] not in TERMINAL and text[0].isupper()
            and not (text.startswith("«") and text.endswith("»")) and not URL_START.search(text))


def format_body(lines: list[tuple[int, str]]) -> str:
    """Raw lines -> Markdown: one paragraph per line (hard-wrapped lines rejoined), ``1)`` -> ``1.``,
    short standalone lines -> ``## …``, dialogue lines kept apart."""
    blocks: list[list[str]] = []
    blank = True
    for _, text in lines:
        if not text:
            blank = True
            continue
        item, bullet = LIST_ITEM.match(text), BULLET.match(text)
        if text.startswith("<http") and text.endswith(">"):
            blocks.append(["link", text])
        elif item:
            blocks.append(["item", f"{item.group(1)}. {escape_markdown(item.group(2))}"])
        elif bullet:
            blocks.append(["bullet", f"- {escape_markdown(bullet.group(1))}"])
        elif (not blank and blocks and blocks[-1][0] == "para" and blocks[-1][1][-1] not in TERMINAL + "»\""
              and text[0].islower()):
            blocks[-1][1] += " " + text
        else:
            blocks.append(["para" if text[0] not in "–—" else "dialogue", text])
        blank = False
    out: list[str] = []
    for index, (kind, text) in enumerate(blocks):
        if kind in ("item", "bullet") and index and blocks[index - 1][0] == kind:
            out[-1] += "\n" + text
        elif kind in ("item", "bullet", "link"):
            out.append(text)
        elif kind == "para" and index < len(blocks) - 1 and is_subheading(text):
            out.append("## " + escape_markdown(text))
        else:
            out.append(escape_markdown(text))
    return "\n\n".join(out)


def render_entry(config: Config, entry: ImportedEntry, date: dt.date, problems: Problems) -> str:
    """The entry file's text, from the same archetype as ``bulletin new``; a date the legacy text lacks
    (the first of the month stands in) is marked where the editor will see it."""
    authors = entry.authors
    text = render_archetype(config, "entry.md.j2", problems, title=entry.title, rubric=entry.rubric,
                            date=date.isoformat(), date_unsure="date" in entry.missing,
                            author=(authors[0] if len(authors) == 1 else authors) or None, outlet=entry.outlet,
                            source=entry.source)
    return text.rstrip("\n") + "\n\n" + entry.body.strip("\n") + "\n"


def plan_path(folder: Path, slug: str, lang: str, reserved: set[str]) -> Path:
    """A free ``<slug>.<lang>.md`` (slug-2, slug-3… when taken on disk or earlier in this import)."""
    number = 1
    while True:
        candidate = slug if number == 1 else f"{slug}-{number}"
        path = free_path(folder, candidate, lang)
        if path.name.split(".")[0] == candidate and candidate not in reserved:
            reserved.add(candidate)
            return path
        number += 1


def find_imported(folder: Path) -> dict[str, Path]:
    """Source URLs and titles of the entries already in the month folder, to skip items imported before."""
    found: dict[str, Path] = {}
    for path in sorted(folder.rglob("*.md")) if folder.is_dir() else []:
        head = path.read_text("utf-8", "replace").split("\n---", 1)[0]
        for match in re.finditer(r"^(?:source|title):[ \t]*(.+?)[ \t]*$", head, re.MULTILINE):
            value = match.group(1)
            try:
                value = json.loads(value) if value.startswith('"') else value.strip("'")
            except ValueError:
                pass
            found.setdefault(str(value), path)
    return found


def import_document(root: Path, path: Path, month: str, lang: str | None = None,
                    dry_run: bool = False) -> ImportResult:
    """Parse ``path`` and write its entries into content/<month>/, all or nothing: any error writes nothing."""
    if not MONTH_RE.fullmatch(month):
        raise ValueError(f"'{month}' is not a month in the form YYYY-MM")
    problems = Problems(root.resolve())
    result = ImportResult(root.resolve(), month, [], problems)
    config = load_config(root, problems)
    problems.silence(config.ignore)
    if problems.errors:
        return result
    lang = lang or config.default_language
    if lang not in config.languages:
        problems.error(config.config_path, 0, f"unknown language '{lang}' (configured: {', '.join(config.languages)})",
                       code="import.unknown-language")
        return result
    if lang != config.default_language:
        problems.warning(path, 0, f"entries in '{lang}' are translations: each needs a "
                                  f"'{config.default_language}' entry with the same slug", code="import.translations")
    lines = read_document(path, config.timeouts["pandoc"], problems)
    if lines is None:
        return result
    places = load_places(config.content_dir / "places.yaml", problems)
    result.entries = entries = parse_document(lines, path, config, int(month[:4]), problems, places)
    folder, reserved = config.content_dir / month, set()
    existing = find_imported(folder)
    first_day = dt.date(int(month[:4]), int(month[5:]), 1)
    for entry in entries:
        if entry.source and not URL_RE.match(entry.source):
            problems.warning(path, entry.line, f"source '{entry.source[:80]}' is not a URL; left out",
                             code="import.source-not-url")
            entry.source = None
        if entry.date and entry.date.strftime("%Y-%m") != month:
            problems.warning(path, entry.line, f"date {entry.date.isoformat()} is outside {month}; "
                                               f"the entry goes into {month} anyway", code="import.date-outside-month")
        if entry.rubric is None:
            continue
        same = existing.get(entry.source or entry.title)
        if same:
            entry.skipped = same
            problems.warning(path, entry.line, f"already imported as {problems.where(same)} "
                                               f"(same {'source URL' if entry.source else 'title'}): skipped",
                             code="import.already-imported")
            continue
        entry.path = plan_path(folder, slugify(entry.title), lang, reserved)
        entry.text = render_entry(config, entry, entry.date or first_day, problems)
    if problems.errors or dry_run:
        return result
    for entry in (e for e in entries if e.path is not None):
        while True:
            try:
                write_new_file(entry.path, entry.text)
                break
            except FileExistsError:
                entry.path = plan_path(folder, slugify(entry.title), lang, reserved)
            except OSError as exc:
                problems.error(entry.path, 0, f"cannot write: {exc.strerror or exc}", code="import.cannot-write")
                return result
    result.written = True
    return result
