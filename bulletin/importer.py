"""legacy bulletin text -> entry files"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .config import Config, load_config
from .content import MONTH_RE, URL_RE
from .markdown import PandocError, run_pandoc
from .problems import Problems
from .scaffold import _environment, free_path, slugify, write_new_file
from .source import codec_for, decode_text, detect_encoding

MONTHS = {name: number for number, name in enumerate(
    ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
     "ноября", "декабря"), start=1)}
DATE_LINE = re.compile(r"^(\d{1,2})\s+([а-яё]+)(?:\s+(\d{4}))?(?:\s*(?:г\.?|года))?\.?$", re.IGNORECASE)
NUMERIC_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s*г\.?)?$")
SEPARATOR = re.compile(r"^\*(?:\s*\*){2,}$")
HEADING = re.compile(r"^«([^«»]+)»$")
SOURCE_LABEL = re.compile(r"^(?:ИСТОЧНИКИ?\s*:?|Источники?\s*:)\s*(.*)$")
URL_START = re.compile(r"https?://", re.IGNORECASE)
LIST_ITEM = re.compile(r"^(\d{1,2})[.)]\s+(.*)$")
BULLET = re.compile(r"^[-•*·▪]\s+(.*)$")  # "–" and "—" start dialogue lines, not list items
WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
ROMAN = re.compile(r"^(?=[MDCLXVI]{2,}$)M*(C[MD]|D?C{0,3})(X[CL]|L?X{0,3})(I[XV]|V?I{0,3})$")
TERMINAL = ".!?…,;:"
VOWELS = set("аеёиоуыэюяәөұүіaeiouy")
ACRONYMS = {"сми", "оон", "обсе", "ес", "сша", "мид", "нпо", "еаэс", "одкб", "цик", "сизо", "ивс", "оо", "тоо",
            "ао", "уик", "еспч", "ук", "упк", "коап", "мрп", "рк"}
ZIP_MAGIC, OLE_MAGIC = b"PK\x03\x04", b"\xd0\xcf\x11\xe0"


@dataclass
class ImportedEntry:
    """One item of the legacy document, as found (``lines``: raw body lines, "" for blank) and as written."""

    line: int
    raw_title: str
    rubric: str | None = None
    title: str = ""
    date: dt.date | None = None
    authors: list[str] = field(default_factory=list)
    outlet: str | None = None
    source: str | None = None
    source_outlet: str | None = None
    lines: list[tuple[int, str]] = field(default_factory=list)
    body: str = ""
    path: Path | None = None
    text: str = ""
    skipped: Path | None = None

    @property
    def missing(self) -> list[str]:
        found = {"date": self.date, "author": self.authors, "outlet": self.outlet, "source": self.source}
        return [name for name, value in found.items() if not value]


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
        problems.error(path, 0, f"cannot read: {exc.strerror or exc}")
        return None
    if data.startswith(OLE_MAGIC):
        problems.error(path, 0, "this is an old binary .doc file; save it as .docx or as UTF-8 text")
        return None
    if data.startswith(ZIP_MAGIC) or path.suffix.lower() == ".docx":
        try:
            text = run_pandoc(["-f", "docx", "-t", "plain", "--wrap=none"], data, timeout).decode("utf-8")
        except (PandocError, UnicodeDecodeError) as exc:
            problems.error(path, 0, f"cannot read the .docx: {exc}")
            return None
    elif encoding := detect_encoding(data):
        codec = codec_for(encoding, data)
        try:
            text = data.decode(codec).lstrip("\ufeff")
        except UnicodeDecodeError:
            problems.error(path, 1, f"file looks like {encoding} but does not decode as such; re-save it as UTF-8")
            return None
        problems.warning(path, 1, f"file is encoded as {encoding}, not UTF-8: decoded as {encoding}; "
                                  "check the letters of the result (or re-save the file as UTF-8)")
    else:
        text = decode_text(data, path, problems)
    if text is None:
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        problems.error(path, 0, "no text in the document")
        return None
    return text.split("\n")


def normalize_key(title: str) -> str:
    return " ".join(title.strip().strip("«»").casefold().replace("ё", "е").split())


def is_caps_title(text: str) -> bool:
    cased = [c for c in text if c.isalpha() and c.upper() != c.lower()]
    return (len(cased) >= 10 and all(c.isupper() for c in cased) and len(WORD.findall(text)) >= 3
            and not URL_START.search(text) and not SOURCE_LABEL.match(text))


def looks_like_outlet(text: str) -> bool:
    return (len(text) <= 80 and 1 <= len(text.split()) <= 8 and text[-1] not in TERMINAL
            and text[0] not in "–—-" and not URL_START.search(text) and not LIST_ITEM.match(text)
            and any(c.isalpha() for c in text) and not (is_caps_title(text) and len(text.split()) > 3))


def parse_date(text: str, year: int) -> tuple[int, int, int] | None:
    """``16 февраля 2026 г.`` / ``16 февраля`` / ``16.02.2026`` -> (year, month, day), not yet validated."""
    if match := DATE_LINE.match(text):
        month = MONTHS.get(match.group(2).lower().replace("ё", "е"))
        return (int(match.group(3) or year), month, int(match.group(1))) if month else None
    if match := NUMERIC_DATE.match(text):
        return int(match.group(3)), int(match.group(2)), int(match.group(1))
    return None


def is_name(part: str) -> bool:
    words = part.split()
    if not 2 <= len(words) <= 4 or re.search(r"[\d«»\"]", part):
        return False
    if not all(w[0].isupper() for w in words):
        return False
    return (any(w.isupper() and "." not in w and len(w) >= 2 for w in words)
            and any(not w.isupper() or re.fullmatch(r"(?:[^\W\d_]\.)+", w) for w in words))


def normalize_name(name: str) -> str:
    """``Имя ФАМИЛИЯ-ДВОЙНАЯ`` -> ``Имя Фамилия-Двойная``."""
    return " ".join("-".join(p.capitalize() for p in w.split("-")) if w.isupper() and "." not in w else w
                    for w in name.split())


def split_byline(text: str) -> tuple[list[str], str | None] | None:
    """``Имя ФАМИЛИЯ, Имя ФАМИЛИЯ, интернет-издание «Власть»`` -> (authors, outlet)."""
    parts = [p.strip() for p in text.split(",")]
    names = []
    for part in parts:
        if not is_name(part):
            break
        names.append(normalize_name(part))
    if not names:
        return None
    return names, ", ".join(parts[len(names):]).strip() or None


def repair_url(text: str) -> str:
    """The URL starting in ``text``, with stray spaces removed and trailing punctuation dropped."""
    return re.sub(r"\s+", "", text[URL_START.search(text).start():]).rstrip(".,;")


class _Parser:
    """A line-by-line state machine: outside -> head (byline, date) -> body -> source -> done."""

    def __init__(self, lines: list[str], path: Path, config: Config, year: int, problems: Problems):
        self.lines = [line.strip() for line in lines]
        self.path, self.year, self.problems = path, year, problems
        self.rubrics = {normalize_key(title): r.key for r in config.rubrics for title in r.titles.values()}
        self.known = ", ".join(f"«{r.title(config.default_language, config.default_language)}»"
                               for r in config.rubrics)
        self.entries: list[ImportedEntry] = []
        self.entry: ImportedEntry | None = None
        self.stage, self.rubric, self.rubric_state, self.last_head = "outside", None, "none", False

    def next_line(self, i: int, skip_separators: bool = False) -> str | None:
        for text in self.lines[i + 1:]:
            if text and not (skip_separators and SEPARATOR.match(text)):
                return text
        return None

    def heading(self, i: int, text: str) -> tuple[str, str] | None:
        key = self.rubrics.get(normalize_key(text))
        if key:
            return "known", key
        match = HEADING.match(text)
        if not match:
            return None
        following = self.next_line(i, skip_separators=True)
        if match.group(1).strip()[-1] not in TERMINAL.replace("?", "") and following and is_caps_title(following):
            return "unknown", match.group(1).strip()
        return None

    def run(self) -> list[ImportedEntry]:
        for i, text in enumerate(self.lines):
            number = i + 1
            if not text:
                if self.stage in ("head", "body"):
                    self.entry.lines.append((number, ""))
                continue
            if SEPARATOR.match(text):
                self.close()
                continue
            heading = self.heading(i, text)
            if heading:
                self.close()
                self.rubric, self.rubric_state = (heading[1], "known") if heading[0] == "known" else (None, "unknown")
                if heading[0] == "unknown":
                    self.problems.error(self.path, number, f"unknown rubric heading «{heading[1]}» "
                                                           f"(known: {self.known})")
                continue
            if self.stage == "source" and self.take_source(number, text):
                continue
            if self.stage in ("head", "body") and self.take_line(i, text):
                continue
            if is_caps_title(text):
                self.open(number, text)
            elif self.stage == "done" and URL_START.match(text):
                self.entry.lines.append((number, f"<{repair_url(text)}>"))
                self.problems.warning(self.path, number, "a second source URL: added to the body as a link")
            else:
                self.problems.error(self.path, number, f"text not assigned to any entry: {text[:60]!r}")
        self.close()
        return self.entries

    def open(self, number: int, text: str) -> None:
        self.close()
        self.entry = ImportedEntry(number, re.sub(r"(?<!\.)\.$", "", text), self.rubric)
        self.entries.append(self.entry)
        self.stage, self.last_head = "head", False
        if self.rubric_state == "none":
            self.problems.error(self.path, number, "entry before any rubric heading: its rubric is unknown")

    def close(self) -> None:
        entry = self.entry
        if entry is not None and not any(text for _, text in entry.lines):
            self.problems.warning(self.path, entry.line, f"entry '{entry.raw_title[:60]}' has no text "
                                                         "(is this line, or the one after it, really a title?)")
        self.entry, self.stage = None, "outside"

    def take_source(self, number: int, text: str, label: bool = False) -> bool:
        entry = self.entry
        if not label and is_caps_title(text):
            return False
        if URL_START.search(text):
            before = text[:URL_START.search(text).start()].strip(" ,;:–—-")
            entry.source_outlet = entry.source_outlet or before or None
            entry.source, self.stage = repair_url(text), "done"
            return True
        if entry.source_outlet is None:
            entry.source_outlet = text.strip(" ,;")
            return True
        return False

    def take_line(self, i: int, text: str) -> bool:
        entry, number = self.entry, i + 1
        if match := SOURCE_LABEL.match(text):
            self.stage = "source"
            return not match.group(1) or self.take_source(number, match.group(1), label=True)
        if URL_START.match(text):
            following = self.next_line(i)
            if following is None or SEPARATOR.match(following) or HEADING.match(following) \
                    or is_caps_title(following):
                self.take_bare_source(number, text)
                return True
        said = [t for _, t in entry.lines if t]
        if len(said) <= 1 and self.take_head(i, text, not said):
            self.last_head = True
            return True
        self.last_head = False
        if is_caps_title(text):
            return False
        entry.lines.append((number, text))
        self.stage = "body"
        return True

    def take_head(self, i: int, text: str, no_body: bool) -> bool:
        """A date, byline or outlet line: anywhere before the body, or just after a one-line lede."""
        entry = self.entry
        if (date := parse_date(text, self.year)) and entry.date is None:
            try:
                entry.date = dt.date(*date)
            except ValueError:
                self.problems.warning(self.path, i + 1, f"impossible date '{text}' ignored")
            return True
        if (byline := split_byline(text)) and not entry.authors:
            entry.authors, outlet = byline
            entry.outlet = entry.outlet or outlet
            return True
        following = self.next_line(i) or ""
        near_head = self.last_head or parse_date(following, self.year) or split_byline(following)
        if entry.outlet is None and looks_like_outlet(text) and (no_body or near_head):
            entry.outlet = text
            return True
        return False

    def take_bare_source(self, number: int, text: str) -> None:
        """A URL with no ИСТОЧНИК label ends the entry; a short line just before it names the outlet."""
        entry = self.entry
        said = [index for index, (_, t) in enumerate(entry.lines) if t]
        if len(said) >= 2 and looks_like_outlet(entry.lines[said[-1]][1]):
            entry.source_outlet = entry.lines.pop(said[-1])[1]
        entry.source, self.stage = repair_url(text), "done"


def parse_document(lines: list[str], path: Path, config: Config, year: int,
                   problems: Problems) -> list[ImportedEntry]:
    """Split the legacy text into entries (titles recased, bodies as Markdown); problems are collected."""
    entries = _Parser(lines, path, config, year, problems).run()
    texts = [t for e in entries for _, t in e.lines if t and not is_caps_title(t)]
    texts += [t for e in entries for t in (e.outlet, e.source_outlet, *e.authors) if t]
    forms = collect_forms(texts)
    for entry in entries:
        entry.title = fix_title_case(entry.raw_title, forms)
        entry.outlet = entry.outlet or entry.source_outlet
        entry.body = format_body(entry.lines)
    return entries


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


def recase_word(word: str, forms: Forms, initial: bool) -> str:
    """Exact evidence first, else inflected forms sharing all but the last 2 letters (Аксайска ~ Аксайске)."""
    lower = word.lower()
    candidates = forms.exact.get(lower)
    if not candidates and len(lower) >= 5:
        stem = max(5, len(lower) - 2)
        candidates = Counter()
        for key in forms.stems.get(lower[:5], ()):
            if key[:stem] == lower[:stem] and abs(len(key) - len(lower)) <= 3:
                candidates.update(forms.exact[key])
    if candidates:
        lowered = sum(n for form, n in candidates.items() if form.islower())
        others = [(n, form) for form, n in candidates.items() if not form.islower()]
        if others and sum(n for n, _ in others) > lowered:
            form = max(others)[1]
            rest = lower[len(form):].upper() if form.isupper() else lower[len(form):]
            result = "".join(c.upper() if f.isupper() else c for c, f in zip(lower, form)) + rest
        else:
            result = lower
    elif ROMAN.match(word) or lower in ACRONYMS or (len(lower) >= 2 and not VOWELS & set(lower)):
        result = word
    elif re.match(r"[a-z]", lower):
        result = lower.capitalize()
    else:
        result = lower
    return result[0].upper() + result[1:] if initial else result


def fix_title_case(raw: str, forms: Forms) -> str:
    """``СУД В АКСАЙСКЕ ОПРАВДАЛ КНБ`` -> ``Суд в Аксайске оправдал КНБ``, from how the body writes the words."""
    out, position = [], 0
    for match in WORD.finditer(raw):
        out.append(raw[position:match.start()])
        before = raw[:match.start()]
        initial = not before.strip(" «\"„“(") or re.search(r"[.!?…][\s«\"„“(]*$", before) is not None
        out.append(recase_word(match.group(), forms, initial))
        position = match.end()
    out.append(raw[position:])
    return " ".join("".join(out).split())


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


def render_entry(config: Config, entry: ImportedEntry, date: dt.date) -> str:
    """The entry file's text, from the same archetype as ``bulletin new``."""
    authors = entry.authors
    text = _environment(config).get_template("entry.md.j2").render(
        title=entry.title, rubric=entry.rubric, date=date.isoformat(),
        author=(authors[0] if len(authors) == 1 else authors) or None, outlet=entry.outlet, source=entry.source)
    if "date" in entry.missing:  # the first of the month stands in: say so where the editor will see it
        text = text.replace(f"date: {date.isoformat()}\n",
                            f"date: {date.isoformat()}  # not in the legacy text: check it\n", 1)
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
    if problems.errors:
        return result
    lang = lang or config.default_language
    if lang not in config.languages:
        problems.error(config.config_path, 0, f"unknown language '{lang}' (configured: {', '.join(config.languages)})")
        return result
    if lang != config.default_language:
        problems.warning(path, 0, f"entries in '{lang}' are translations: each needs a "
                                  f"'{config.default_language}' entry with the same slug")
    lines = read_document(path, config.timeouts["pandoc"], problems)
    if lines is None:
        return result
    result.entries = entries = parse_document(lines, path, config, int(month[:4]), problems)
    folder, reserved = config.content_dir / month, set()
    existing = find_imported(folder)
    first_day = dt.date(int(month[:4]), int(month[5:]), 1)
    for entry in entries:
        if entry.source and not URL_RE.match(entry.source):
            problems.warning(path, entry.line, f"source '{entry.source[:80]}' is not a URL; left out")
            entry.source = None
        if entry.date and entry.date.strftime("%Y-%m") != month:
            problems.warning(path, entry.line, f"date {entry.date.isoformat()} is outside {month}; "
                                               f"the entry goes into {month} anyway")
        if entry.rubric is None:
            continue
        same = existing.get(entry.source or entry.title)
        if same:
            entry.skipped = same
            problems.warning(path, entry.line, f"already imported as {problems.where(same)} "
                                               f"(same {'source URL' if entry.source else 'title'}): skipped")
            continue
        entry.path = plan_path(folder, slugify(entry.title), lang, reserved)
        entry.text = render_entry(config, entry, entry.date or first_day)
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
                problems.error(entry.path, 0, f"cannot write: {exc.strerror or exc}")
                return result
    result.written = True
    return result
