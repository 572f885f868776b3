"""A month's entries and translations -> one language's side-by-side review page (HTML; reads, never writes)."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import zip_longest
from pathlib import Path

from babel import Locale
from markupsafe import Markup

from .collection import MISSING, STALE, Family, Item, sort_key
from .config import Config
from .history import ADDED, REMOVED, SAME, Paragraph, source_diff, split_paragraphs
from .layouts import Messages
from .layouts import render_template

@dataclass
class Row:
    """One aligned pair: the source paragraph (as word chunks: kind, text) and the translation's."""

    kind: str
    source: list[tuple[str, str]]
    translation: str


@dataclass
class EntryReview:
    slug: str
    status: str
    title: Row
    rows: list[Row] = field(default_factory=list)
    changed: int | None = None  # changed paragraphs of a stale entry; None when its old version is unknown
    command: str = ""
    found: bool = True


def align(paragraphs: list[Paragraph], translation: list[str]) -> list[Row]:
    """The translation was made from the old source: its n-th paragraph sits beside the old n-th paragraph."""
    rows, position = [], 0
    for paragraph in paragraphs:
        text = ""
        if paragraph.kind != ADDED and position < len(translation):
            text, position = translation[position], position + 1
        rows.append(Row(paragraph.kind, paragraph.chunks, text))
    rows += [Row(SAME, [], text) for text in translation[position:]]
    return rows


def review_entry(root: Path, family: Family, lang: str) -> EntryReview:
    source, translation = family.source, family.translations.get(lang)
    status = family.status(lang)
    target = translation.rel if translation else source.path.with_name(f"{source.slug}.{lang}.md").relative_to(
        root).as_posix()
    command = (f"bulletin new --translation-of {source.rel} --lang {lang}" if translation is None
               else f"bulletin translations --stamp {target}")
    theirs = split_paragraphs(translation.body) if translation and status != MISSING else []
    their_title = translation.title if translation and status != MISSING else ""
    diff = source_diff(root, source, translation) if translation is not None and status == STALE else None
    if diff is not None:
        title = Row(diff.title.kind, diff.title.chunks, their_title)
        return EntryReview(source.slug, status, title, align(diff.paragraphs, theirs), diff.changed, command)
    rows = [Row(SAME, [(SAME, mine)] if mine else [], text)
            for mine, text in zip_longest(split_paragraphs(source.body), theirs, fillvalue="")]
    return EntryReview(source.slug, status, Row(SAME, [(SAME, source.title)], their_title), rows, None, command,
                       found=status != STALE)


def review_month(config: Config, families: dict[str, Family], lang: str) -> list[EntryReview]:
    """Every entry of the month (drafts left out): stale ones first, then in the bulletin's order."""
    rubrics = {rubric.key: index for index, rubric in enumerate(config.rubrics)}
    chosen = [f for f in families.values() if f.source is not None and not f.source.draft]
    chosen.sort(key=lambda f: (f.status(lang) != STALE, rubrics.get(f.source.rubric, len(rubrics)),
                               sort_key(Item(f.source, f.source, ""))))
    return [review_entry(config.root, family, lang) for family in chosen]


def render_review(config: Config, month: str, families: dict[str, Family], lang: str, messages: Messages,
                  script: str = "") -> str:
    """The page; ``script`` is the server's live-reload script (its own markup, never entry text)."""
    ui = messages.lang
    names = {code: Locale.parse(code).get_display_name(ui) for code in (lang, config.default_language)}
    names = {code: name[:1].upper() + name[1:] for code, name in names.items()}  # ru/kk names are lower case
    return render_template(
        config, "review.html.j2", messages.gettext, messages.ngettext, entries=review_month(config, families, lang), month=month, lang=lang, source_lang=config.default_language,
        ui=ui, names=names, script=Markup(script), REMOVED=REMOVED, ADDED=ADDED, SAME=SAME)
