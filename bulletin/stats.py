"""Source entries of a period -> counts of entries and persons by rubric, region, violation, group, role or month."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from .config import Config
from .content import Entry, MONTH_RE, list_months, load_month
from .incidents import ROLE_NAMES
from .layouts import Messages, load_messages
from .locale import format_month
from .problems import Problems
from .report import json_text


def N_(text: str) -> str:
    """Marks an interface string for `bulletin catalogs`; translated where it is shown."""
    return text


BY = ("rubric", "region", "violation", "group", "role", "month")
# What each --by counts, and its column heading (an interface string, in the catalogs).
COUNTED = {"rubric": "entries", "region": "entries", "violation": "entries", "month": "entries",
           "group": "persons", "role": "persons"}
HEADINGS = {"rubric": N_("Rubric"), "region": N_("Region"), "violation": N_("Violation"), "group": N_("Group"),
            "role": N_("Role"), "month": N_("Month"), "entries": N_("Entries"), "persons": N_("Persons")}
RANGE = re.compile(r"(?P<start>[0-9]{4}-[0-9]{2})\.\.(?P<end>[0-9]{4}-[0-9]{2})", re.ASCII)


@dataclass
class Stats:
    start: str
    end: str
    by: str
    entries: int = 0
    persons: int = 0
    counts: dict[str, int] = field(default_factory=dict)  # vocabulary key -> count, largest first

    def as_json(self) -> dict:
        return {"period": {"from": self.start, "to": self.end}, "entries": self.entries, "persons": self.persons,
                "by": self.by, "counts": self.counts}


def parse_period(text: str | None, months: list[str]) -> tuple[str, str]:
    """``2026-02``, ``2026`` or ``2026-01..2026-06`` -> (first month, last month); none: the newest month.
    Raises ValueError with what was expected."""
    if text is None:
        if not months:
            raise ValueError("no month folders (content/YYYY-MM/) found")
        return months[-1], months[-1]
    text = text.strip()
    if re.fullmatch(r"[0-9]{4}", text, re.ASCII):
        return f"{text}-01", f"{text}-12"
    if MONTH_RE.fullmatch(text):
        return text, text
    found = RANGE.fullmatch(text)
    if found and MONTH_RE.fullmatch(found["start"]) and MONTH_RE.fullmatch(found["end"]):
        if found["start"] > found["end"]:
            raise ValueError(f"period {text}: {found['start']} comes after {found['end']}")
        return found["start"], found["end"]
    raise ValueError(f"period {text!r}: expected YYYY-MM, YYYY or YYYY-MM..YYYY-MM (e.g. 2026-01..2026-06)")


def months_between(start: str, end: str) -> list[str]:
    year, month, out = int(start[:4]), int(start[5:]), []
    while f"{year:04d}-{month:02d}" <= end:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def counted_entries(entries: list[Entry], config: Config) -> list[Entry]:
    """What statistics count: source entries (a translation is the same incident), drafts left out."""
    return [e for e in entries if e.lang == config.default_language and not e.draft]


def distinct_persons(entry: Entry) -> list:
    """Each person once per entry, however often listed: the first listing's role and group count."""
    seen: dict[str, object] = {}
    for person in entry.persons:
        seen.setdefault(" ".join(person.name.casefold().replace("ё", "е").split()), person)
    return list(seen.values())


def _order(config: Config, by: str) -> list[str]:
    """Vocabulary order, which breaks ties between equal counts."""
    if by == "rubric":
        return [r.key for r in config.rubrics]
    if by == "role":
        return list(ROLE_NAMES)
    vocabulary = config.vocabularies.get(by)  # region, violation, group
    return list(vocabulary.terms) if vocabulary else []


def count(entries: list[Entry], config: Config, by: str, start: str, end: str) -> Stats:
    """Counts over ``entries`` (already counted_entries). By rubric, region, violation or month: entries
    (one with two violations counts under each); by group: victims; by role: persons."""
    stats = Stats(start, end, by)
    tally: dict[str, int] = {month: 0 for month in months_between(start, end)} if by == "month" else {}
    for entry in entries:
        persons = distinct_persons(entry)
        stats.entries += 1
        stats.persons += len(persons)
        keys: list[str | None] = {
            "rubric": [entry.rubric], "region": [entry.region], "violation": entry.violations,
            "month": [entry.month], "role": [p.role for p in persons],
            "group": [p.group for p in persons if p.role == "victim"]}[by]
        for key in keys:
            if key is not None:
                tally[key] = tally.get(key, 0) + 1
    if by == "month":
        stats.counts = tally
    else:
        order = {key: index for index, key in enumerate(_order(config, by))}
        stats.counts = dict(sorted(tally.items(), key=lambda kv: (-kv[1], order.get(kv[0], len(order)), kv[0])))
    return stats


def month_totals(entries: list[Entry], config: Config) -> dict[str, int]:
    """A month's entries and persons, counted as `bulletin stats` counts them, for its release's manifest."""
    stats = count(counted_entries(entries, config), config, "rubric", "", "")
    return {"entries": stats.entries, "persons": stats.persons}


def year_totals(releases: list[dict]) -> list[dict]:
    """Released months' manifests -> per year, newest first: entries, persons and the issues that carry them
    (a release published before manifests had totals is not in them)."""
    years: dict[str, dict] = {}
    for release in releases:
        totals = release.get("totals")
        if isinstance(totals, dict):
            year = years.setdefault(release["month"][:4], {"year": release["month"][:4], "entries": 0, "persons": 0,
                                                          "issues": 0})
            year["entries"] += int(totals.get("entries", 0))
            year["persons"] += int(totals.get("persons", 0))
            year["issues"] += 1
    return [years[key] for key in sorted(years, reverse=True)]


def load_period(config: Config, start: str, end: str, problems: Problems) -> list[Entry]:
    """The counted entries of every month folder from ``start`` to ``end``."""
    entries: list[Entry] = []
    for month in list_months(config):
        if start <= month <= end:
            entries += counted_entries(load_month(config, month, problems), config)
    return entries


def label(config: Config, by: str, key: str, lang: str) -> str:
    """A counted key's name in ``lang``: the rubric's title, the vocabulary's name, the month."""
    default = config.default_language
    if by == "rubric":
        rubric = config.rubric(key)
        return rubric.title(lang, default) if rubric else key
    if by == "role":
        return ROLE_NAMES[key].get(lang) or ROLE_NAMES[key]["en"]
    if by == "month":
        return format_month(key, lang)
    vocabulary = config.vocabularies.get(by)
    return vocabulary.name(key, lang, default) if vocabulary else key


def rows(stats: Stats, config: Config, lang: str) -> list[tuple[str, int]]:
    return [(label(config, stats.by, key, lang).replace("\u00a0", " "), number) for key, number in stats.counts.items()]


def headings(stats: Stats, messages: Messages) -> tuple[str, str]:
    return messages.gettext(HEADINGS[stats.by]), messages.gettext(HEADINGS[COUNTED[stats.by]])


def period_text(stats: Stats) -> str:
    return stats.start if stats.start == stats.end else f"{stats.start}..{stats.end}"


def format_stats(stats: Stats, config: Config, lang: str, messages: Messages, output: str) -> str:
    """``output``: json (keys), csv or table (names in ``lang``)."""
    if output == "json":
        return json_text(stats.as_json())
    name, number = headings(stats, messages)
    table = rows(stats, config, lang)
    if output == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([name, number])
        writer.writerows(table)
        return buffer.getvalue().rstrip("\n")
    width = max([len(name)] + [len(text) for text, _ in table])
    digits = max([len(number)] + [len(str(n)) for _, n in table])
    lines = [f"{period_text(stats)} · {messages.gettext(HEADINGS['entries'])}: {stats.entries} · "
             f"{messages.gettext(HEADINGS['persons'])}: {stats.persons}", "",
             f"{name:<{width}}  {number:>{digits}}", f"{'-' * width}  {'-' * digits}"]
    lines += [f"{text:<{width}}  {n:>{digits}}" for text, n in table]
    return "\n".join(lines)


def report_stats(root, period: str | None, by: str, lang: str | None, output: str) -> str:
    """What `bulletin stats` prints; BulletinError with the problems that stopped it, UsageError for a bad
    PERIOD or language."""
    from .config import load_config
    from .errors import BulletinError, UsageError
    from .layouts import layouts_dirs

    problems = Problems(root.resolve())
    config = load_config(root, problems)
    if problems.errors:
        raise BulletinError(problems)
    lang = lang or config.default_language
    if lang not in config.languages:
        raise UsageError(f"unknown language {lang} (configured: {', '.join(config.languages)})")
    try:
        start, end = parse_period(period, list_months(config))
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    entries = load_period(config, start, end, problems)
    messages = load_messages(layouts_dirs(config), lang, config.default_language, problems)
    if problems.errors:
        raise BulletinError(problems)
    return format_stats(count(entries, config, by, start, end), config, lang, messages, output)
