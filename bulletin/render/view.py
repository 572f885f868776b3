"""A language's bulletin -> the view every output format renders (texts localised, bodies converted)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..collection import MISSING, Bulletin
from ..config import Config
from ..layouts import Messages
from ..locale import format_long_date, format_month
from ..typography import typeset_text
from ..markdown import Converted
from ..fonts import fonts_dir


class Typeset:
    """Interface strings of a view's ``messages``, typeset like entry text (the skip link, notes, labels)."""

    messages: Messages
    lang: str

    def gettext(self, text: str) -> str:
        return typeset_text(self.messages.gettext(text), self.lang)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return typeset_text(self.messages.ngettext(singular, plural, n), self.lang)


@dataclass
class EntryView:
    anchor: str
    title: str
    lang: str
    foreign: bool
    untranslated: bool
    authors: list[str]
    outlet: str | None
    date: dt.date | None
    date_text: str
    source: str | None
    source_text: str
    body: Converted | None
    rel: str
    region: str | None = None  # its name in the bulletin's language, for the meta line


@dataclass
class SectionView:
    anchor: str
    key: str
    title: str
    entries: list[EntryView]


@dataclass
class View(Typeset):
    """Everything a template or writer needs, already in the bulletin's language."""

    config: Config
    month: str
    lang: str
    publication: str
    publisher: str
    month_title: str
    count_text: str
    sections: list[SectionView]
    untranslated: list[EntryView]
    messages: Messages
    created: dt.datetime
    extra: dict = field(default_factory=dict)

    @property
    def title(self) -> str:
        """For the title bar and metadata: plain spaces, so it can be searched and pasted."""
        return f"{self.publication} — {self.month_title}".replace("\u00a0", " ").replace("\u2060", "")


def _entry_view(item, lang: str, converted: dict, messages: Messages, config: Config) -> EntryView:
    from ..incidents import region_name

    region = region_name(config, item.entry.region, lang)
    entry = item.entry
    text_lang = entry.lang
    source_text = entry.source or ""  # printed in full: a shortened URL is no citation on paper
    return EntryView(
        anchor=item.anchor, title=typeset_text(entry.title, text_lang), lang=text_lang,
        foreign=text_lang != lang, untranslated=item.status == MISSING,
        authors=[typeset_text(a, text_lang) for a in entry.authors],
        outlet=typeset_text(entry.outlet, text_lang) if entry.outlet else None, date=entry.date,
        date_text=format_long_date(entry.date, lang) if entry.date else "", source=entry.source,
        source_text=source_text, body=converted.get(entry.key), rel=entry.rel,
        region=typeset_text(region, lang) if region else None)


def make_view(bulletin: Bulletin, converted: dict, messages: Messages, created: dt.datetime | None = None) -> View:
    """``created``: the time written into the outputs; by default the content's (bulletin/epoch.py)."""
    from ..epoch import build_time

    config, lang = bulletin.config, bulletin.lang
    sections = [SectionView(s.anchor, s.rubric.key, typeset_text(s.title, lang),
                            [_entry_view(i, lang, converted, messages, config) for i in s.items])
                for s in bulletin.sections]
    count = sum(len(s.entries) for s in sections)
    view = View(
        config=config, month=bulletin.month, lang=lang,
        publication=typeset_text(config.localized(config.publication, lang), lang),
        publisher=typeset_text(config.localized(config.publisher, lang), lang) if config.publisher else "",
        month_title=format_month(bulletin.month, lang),
        count_text=typeset_text(messages.ngettext("%(num)d item", "%(num)d items", count) % {"num": count}, lang),
        sections=sections,
        untranslated=[_entry_view(i, lang, converted, messages, config) for i in bulletin.untranslated],
        messages=messages, created=created or build_time(config, bulletin.month, lang))
    from ..stats_section import make_stats_view  # the statistics section (statistics: true), charts drawn here
    view.extra["statistics"] = make_stats_view(bulletin, messages, fonts_dir(config))
    return view
