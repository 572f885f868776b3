"""Lines of a legacy bulletin -> ImportedEntry records: rubric, title in capitals, head fields, body lines."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from .casing import WORD
from .config import Config
from .problems import Problems

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
TERMINAL = ".!?…,;:"


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
    guesses: list[tuple[str, str]] = field(default_factory=list)  # words whose case was guessed, and as what

    @property
    def missing(self) -> list[str]:
        found = {"date": self.date, "author": self.authors, "outlet": self.outlet, "source": self.source}
        return [name for name, value in found.items() if not value]


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


class LegacyParser:
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
        self.preamble: list[tuple[int, str]] = []  # a masthead or introduction before the first rubric

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
                self.skip_preamble()
                self.rubric, self.rubric_state = (heading[1], "known") if heading[0] == "known" else (None, "unknown")
                if heading[0] == "unknown":
                    self.problems.error(self.path, number, f"unknown rubric heading «{heading[1]}» "
                                                           f"(known: {self.known})",
                                        code="import.unknown-rubric-heading")
                continue
            if self.rubric_state == "none":
                self.preamble.append((number, text))
                continue
            if self.stage == "source" and self.take_source(number, text):
                continue
            if self.stage in ("head", "body") and self.take_line(i, text):
                continue
            if is_caps_title(text):
                self.open(number, text)
            elif self.stage == "done" and URL_START.match(text):
                self.entry.lines.append((number, f"<{repair_url(text)}>"))
                self.problems.warning(self.path, number, "a second source URL: added to the body as a link",
                                      code="import.second-source")
            else:
                self.problems.error(self.path, number, f"text not assigned to any entry: {text[:60]!r}",
                                    code="import.unassigned-text")
        self.close()
        self.skip_preamble()
        if self.rubric_state == "none":
            self.problems.error(self.path, 0, f"no rubric heading found (known: {self.known}): "
                                              "each rubric starts with its title on a line of its own",
                                code="import.no-rubric-heading")
        return self.entries

    def skip_preamble(self) -> None:
        if self.rubric_state == "none" and self.preamble:
            (first, text), last = self.preamble[0], self.preamble[-1][0]
            lines = f"line {first}" if first == last else f"lines {first}–{last}"
            titles = sum(1 for _, t in self.preamble if is_caps_title(t))
            hint = f"; {titles} of them in capitals: is a rubric heading missing?" if titles else ""
            self.problems.warning(self.path, first, f"{lines} before the first rubric heading skipped "
                                                    f"(a masthead or introduction?): {text[:60]!r}{hint}",
                                  code="import.preamble-skipped")

    def open(self, number: int, text: str) -> None:
        self.close()
        self.entry = ImportedEntry(number, re.sub(r"(?<!\.)\.$", "", text), self.rubric)
        self.entries.append(self.entry)
        self.stage, self.last_head = "head", False

    def close(self) -> None:
        entry = self.entry
        if entry is not None and not any(text for _, text in entry.lines):
            self.problems.warning(self.path, entry.line, f"entry '{entry.raw_title[:60]}' has no text "
                                                         "(is this line, or the one after it, really a title?)",
                                  code="import.entry-without-text")
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
                self.problems.warning(self.path, i + 1, f"impossible date '{text}' ignored",
                                      code="import.impossible-date")
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
