"""A language's bulletin -> the view every output format renders (texts localised, bodies converted)."""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..collection import MISSING, Bulletin
from ..config import Config
from ..locale import Messages, format_long_date, format_month
from ..typography import typeset_text
from ..markdown import Converted

PACKAGE_ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_LAYOUTS = PACKAGE_ROOT / "layouts"
DEFAULT_FONTS = PACKAGE_ROOT / "fonts"
FORMATS = ("pdf", "docx", "html")


def layouts_dirs(config: Config) -> list[Path]:
    """The project's layouts first, then the ones shipped with bulletin."""
    dirs = [config.layouts_dir] if config.layouts_dir.is_dir() else []
    if DEFAULT_LAYOUTS.resolve() not in [d.resolve() for d in dirs]:
        dirs.append(DEFAULT_LAYOUTS)
    return dirs


def find_layout(config: Config, name: str) -> Path:
    for folder in layouts_dirs(config):
        if (folder / name).is_file():
            return folder / name
    raise FileNotFoundError(f"layouts/{name} not found")


@functools.lru_cache(maxsize=32)
def read_cmap(path: Path, stamp: int) -> frozenset[int]:
    """The code points a font file has glyphs for; ``stamp`` (its mtime) keys the cache, so an edited
    font is read again."""
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap() or {})


def fonts_dir(config: Config) -> Path:
    return config.fonts_dir if config.fonts_dir.is_dir() and any(config.fonts_dir.glob("*.ttf")) else DEFAULT_FONTS


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
class View:
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

    def gettext(self, text: str) -> str:
        """An interface string, typeset like entry text (the skip link, notes, labels)."""
        return typeset_text(self.messages.gettext(text), self.lang)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return typeset_text(self.messages.ngettext(singular, plural, n), self.lang)

    @property
    def title(self) -> str:
        """For the title bar and metadata: plain spaces, so it can be searched and pasted."""
        return f"{self.publication} — {self.month_title}".replace("\u00a0", " ").replace("\u2060", "")


def _entry_view(item, lang: str, converted: dict, messages: Messages, config: Config) -> EntryView:
    from ..incidents import region_name

    entry = item.entry
    region = region_name(config, entry.region, lang)
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


def write_outputs(outputs: dict[Path, bytes]) -> list[Path]:
    """Write every output to a temporary file first; only when all are on disk, rename them into place.

    A full disk or a read-only folder fails in the first phase, before any existing output is replaced.
    """
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in outputs.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            for stale in path.parent.glob(f".{glob_escape(path.name)}.*.tmp"):  # left by a killed build
                stale.unlink(missing_ok=True)
            handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            staged.append((temp, path))
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            os.chmod(temp, 0o644)
    except BaseException:
        for temp, _ in staged:
            try:
                os.unlink(temp)
            except FileNotFoundError:
                pass
        raise
    for temp, path in staged:
        os.replace(temp, path)
    for folder in {path.parent for _, path in staged}:
        fsync_dir(folder)
    return [path for _, path in staged]


def glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)


def fsync_dir(folder: Path) -> None:
    """Make a rename durable: the folder's entry must reach the disk too."""
    try:
        directory = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
    except OSError:
        pass


def write_atomic(path: Path, data: bytes) -> None:
    """Write beside the target, fsync, rename: readers see the old file or the new one, never half."""
    write_outputs({path: data})
