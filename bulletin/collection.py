"""Entries -> one language's bulletin: rubrics in configured order, translations linked, fallbacks."""

from __future__ import annotations

from dataclasses import dataclass, field

from .config import Config, Rubric
from .content import Entry
from .frontmatter import INHERITED
from .problems import Problems

SOURCE, OK, STALE, UNVERIFIED, MISSING = "source", "ok", "stale", "unverified", "missing"
STATUSES = (OK, MISSING, STALE, UNVERIFIED)


@dataclass
class Item:
    """An entry as printed in one bulletin: its own text, or the original when not translated."""

    entry: Entry
    source: Entry
    status: str

    @property
    def lang(self) -> str:
        return self.entry.lang

    @property
    def anchor(self) -> str:
        return self.entry.anchor


@dataclass
class Section:
    rubric: Rubric
    title: str
    items: list[Item]

    @property
    def anchor(self) -> str:
        return f"rubric-{self.rubric.key}"


@dataclass
class Bulletin:
    config: Config
    month: str
    lang: str
    sections: list[Section] = field(default_factory=list)
    untranslated: list[Item] = field(default_factory=list)

    @property
    def items(self) -> list[Item]:
        return [item for section in self.sections for item in section.items]


@dataclass
class Family:
    """A source entry and its translations, by language."""

    source: Entry | None
    translations: dict[str, Entry] = field(default_factory=dict)

    def untouched(self, lang: str) -> bool:
        """A skeleton from `new --translation-of` whose title and body are still the source's."""
        entry = self.translations.get(lang)
        return entry is not None and self.source is not None and entry.content_hash == self.source.content_hash

    def status(self, lang: str) -> str:
        if self.source is not None and lang == self.source.lang:
            return SOURCE
        entry = self.translations.get(lang)
        if entry is None or entry.draft or self.untouched(lang):
            return MISSING
        if entry.source_hash is None:
            return UNVERIFIED
        if self.source is not None and entry.source_hash != self.source.content_hash:
            return STALE
        return OK


def link_translations(entries: list[Entry], config: Config, problems: Problems) -> dict[str, Family]:
    """Group entries by slug, inherit shared fields into translations, report orphans and stale ones."""
    families: dict[str, Family] = {}
    for entry in entries:
        family = families.setdefault(entry.slug, Family(None))
        if entry.lang == config.default_language:
            family.source = entry
        else:
            family.translations[entry.lang] = entry
    for slug, family in list(families.items()):
        source = family.source
        if source is None:
            for entry in family.translations.values():
                expected = entry.path.with_name(f"{slug}.{config.default_language}.md")
                problems.error(entry.path, 1, f"translation without a source: "
                                              f"{problems.where(expected)} does not exist",
                               code="translation.no-source")
            del families[slug]
            continue
        for entry in family.translations.values():
            _inherit(entry, source, problems)
            if family.untouched(entry.lang) and not entry.draft:
                problems.warning(entry.path, entry.line("title"), "not translated yet: the title and body are still "
                                                                  f"those of {source.rel} (counted as missing)",
                                 code="translation.not-translated")
            if family.status(entry.lang) == STALE and not source.draft:
                problems.warning(entry.path, entry.line("source_hash"),
                                 f"stale translation: {source.rel} changed since it was translated "
                                 f"(see what changed: bulletin translations --diff {entry.rel}; after review: "
                                 f"bulletin translations --stamp {entry.rel})", code="translation.stale")
    return families


def _shown(value) -> str:
    if value is None or value == []:
        return "not set"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _inherit(entry: Entry, source: Entry, problems: Problems) -> None:
    for key in INHERITED:
        mine, theirs = getattr(entry, key), getattr(source, key)
        # a family sits in one rubric in every language: its source's
        used = "the source's" if key == "rubric" else "the translation's"
        if key in entry.meta and mine not in (None, []) and mine != theirs:
            problems.warning(entry.path, entry.line(key),
                             f"'{key}' differs from the source {source.rel} ({_shown(mine)} vs {_shown(theirs)}); "
                             f"{used} value is used", code="translation.differs-from-source")
        if key not in entry.meta or mine in (None, []) or key == "rubric":
            setattr(entry, key, theirs)
    if "author" not in entry.meta:
        entry.authors = list(source.authors)
    if "outlet" not in entry.meta:
        entry.outlet = source.outlet


def sort_key(item: Item) -> tuple:
    entry = item.entry
    return (entry.weight is None, entry.weight or 0, entry.date.isoformat() if entry.date else "",
            entry.title.casefold())


def assemble_bulletin(config: Config, month: str, lang: str, families: dict[str, Family],
                      problems: Problems) -> Bulletin:
    """Place each family in its rubric; a missing translation is omitted or shown in the original."""
    bulletin = Bulletin(config, month, lang)
    by_rubric: dict[str, list[Item]] = {}
    policy = config.policy(lang)
    for family in families.values():
        source = family.source
        if source is None or source.draft or source.rubric is None:
            continue
        status = family.status(lang)
        if status == MISSING:
            item = Item(source, source, MISSING)
            if policy == "omit":
                bulletin.untranslated.append(item)
                continue
        else:
            item = Item(family.translations.get(lang, source), source, status)
        by_rubric.setdefault(source.rubric, []).append(item)
    for rubric in config.rubrics:
        items = by_rubric.get(rubric.key)
        if not items:
            continue
        if lang not in rubric.titles:
            problems.warning(config.rubrics_path, rubric.line,
                             f"rubric '{rubric.key}' has no title in '{lang}'; "
                             f"using the '{config.default_language}' title", code="rubric.untitled-in-language")
        bulletin.sections.append(Section(rubric, rubric.title(lang, config.default_language),
                                         sorted(items, key=sort_key)))
    bulletin.untranslated.sort(key=sort_key)
    return bulletin


def report_empty(bulletin: Bulletin, problems: Problems) -> None:
    """Warn before rendering a bulletin that would be nothing but a list of untranslated titles."""
    if not bulletin.sections and bulletin.untranslated:
        problems.warning(bulletin.config.config_path, 0,
                         f"the '{bulletin.lang}' bulletin of {bulletin.month} has no entries: all "
                         f"{len(bulletin.untranslated)} are untranslated and the '{bulletin.lang}' policy is omit",
                         code="translation.none-in-language")


def report_translations(families: dict[str, Family], config: Config, langs: list[str] | None = None) -> dict:
    """Status of every entry in every language, and counts per language (drafts left out)."""
    langs = langs or [lang for lang in config.languages if lang != config.default_language]
    entries: dict[str, dict[str, str]] = {}
    summary = {lang: {status: 0 for status in STATUSES} for lang in langs}
    for slug in sorted(families):
        family = families[slug]
        if family.source is None or family.source.draft:
            continue
        row = {config.default_language: SOURCE}
        for lang in langs:
            status = family.status(lang)
            row[lang] = status
            summary[lang][status] += 1
        entries[slug] = row
    return {"entries": entries, "summary": summary}
