"""Language rules -> text: Babel dates and plurals, gettext interface strings (typography: typography.py)."""

from __future__ import annotations

import datetime as dt
import gettext
import io
from dataclasses import dataclass, field
from pathlib import Path

from babel.dates import format_date, format_skeleton
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from .problems import Problems
from .typography import NBSP, typeset_text

BABEL_LOCALES = {"ru": "ru_RU", "kk": "kk_KZ", "en": "en_GB"}
LANGUAGE_TAGS = {"ru": "ru-RU", "kk": "kk-KZ", "en": "en-GB"}
DOMAIN = "bulletin"
# PT fonts have no U+202F/U+2009; Babel uses U+202F in ru/kk dates ("2026 г."), a plain NBSP looks the same.
SPACES = str.maketrans({"\u202f": NBSP, "\u2009": NBSP})


def format_long_date(date: dt.date, lang: str) -> str:
    """ru ``16 февраля 2026 г.``, kk ``2026 ж. 16 ақпан``, en ``16 February 2026``, with the no-break
    spaces the typesetter gives any date (ru breaks only before the year, kk and en never)."""
    return typeset_text(format_date(date, "long", locale=BABEL_LOCALES[lang]).translate(SPACES), lang)


def format_month(month: str, lang: str) -> str:
    """The cover's month, stand-alone (nominative) and capitalised: ``Февраль 2026``."""
    year, number = (int(x) for x in month.split("-"))
    text = format_date(dt.date(year, number, 1), "LLLL y", locale=BABEL_LOCALES[lang]).translate(SPACES)
    return typeset_text(text[:1].upper() + text[1:], lang)


def format_month_in_text(month: str, lang: str) -> str:
    """The month inside a sentence, as CLDR writes it there: ``февраль 2026 г.``, ``2026 ж. ақпан``,
    ``February 2026``; lower case in Russian and Kazakh, unlike the cover's ``Февраль 2026``."""
    year, number = (int(x) for x in month.split("-"))
    return format_skeleton("yMMMM", dt.date(year, number, 1), locale=BABEL_LOCALES[lang]).translate(SPACES)


def _first(layouts: Path | list[Path], name: str) -> Path:
    """``name`` in the first layouts folder that has it (the project's, then bulletin's), else the first's."""
    folders = [layouts] if isinstance(layouts, Path) else layouts
    paths = [folder / "locales" / name for folder in folders]
    return next((path for path in paths if path.is_file()), paths[0])


def catalog_path(layouts: Path | list[Path], lang: str) -> Path:
    return _first(layouts, f"{lang}/LC_MESSAGES/{DOMAIN}.po")


def template_path(layouts: Path | list[Path]) -> Path:
    return _first(layouts, f"{DOMAIN}.pot")


@dataclass
class Catalog:
    """One compiled .po file: its translations, and the line of each msgid it lists (translated or not)."""

    path: Path
    translations: gettext.GNUTranslations
    lines: dict[str, int]

    def has(self, msgid: str, plural: bool = False) -> bool:
        catalog = self.translations._catalog  # noqa: SLF001 - gettext has no public "is translated" query
        return bool(catalog.get((msgid, 0) if plural else msgid))


@dataclass
class Messages:
    """Interface strings of one language. A string it lacks comes from the default language (``missing``,
    a warning); a string the default language lacks too is ``absent`` (an error): never English by accident."""

    lang: str
    default: str
    primary: Catalog | None
    fallback: Catalog | None
    missing: set[str] = field(default_factory=set)
    absent: set[str] = field(default_factory=set)

    def _lookup(self, msgid: str, plural: bool) -> gettext.GNUTranslations | None:
        if self.primary is not None and self.primary.has(msgid, plural):
            return self.primary.translations
        if self.lang != self.default:
            self.missing.add(msgid)
            if self.fallback is not None and self.fallback.has(msgid, plural):
                return self.fallback.translations
        self.absent.add(msgid)
        return None

    def gettext(self, msgid: str) -> str:
        found = self._lookup(msgid, plural=False)
        return found.gettext(msgid) if found else msgid

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        found = self._lookup(singular, plural=True)
        if found:
            return found.ngettext(singular, plural, n)
        return singular if n == 1 else plural


def compile_catalog(path: Path, problems: Problems) -> Catalog | None:
    """Read a .po file and compile it in memory (no .mo files in the repository or the tree)."""
    if not path.is_file():
        return None
    try:
        with path.open("rb") as handle:
            catalog = read_po(handle, abort_invalid=True)
    except Exception as exc:  # babel raises several types for a broken catalog
        line = getattr(exc, "lineno", 0)
        problems.error(path, line, f"cannot read catalog: {exc}", code="catalog.unreadable")
        return None
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    lines = {_msgid(m): m.lineno or 0 for m in catalog if m.id}
    return Catalog(path, gettext.GNUTranslations(buffer), lines)


def _msgid(message) -> str:
    return message.id[0] if isinstance(message.id, tuple) else message.id


def load_messages(layouts: Path | list[Path], lang: str, default: str, problems: Problems) -> Messages:
    primary_path, default_path = catalog_path(layouts, lang), catalog_path(layouts, default)
    primary = compile_catalog(primary_path, problems)
    fallback = compile_catalog(default_path, problems) if lang != default else primary
    if fallback is None and not default_path.is_file():
        problems.error(default_path, 0, f"no interface catalog for the default language '{default}'",
                       code="catalog.missing-default")
    elif primary is None and not primary_path.is_file():
        problems.warning(primary_path, 0, f"no interface catalog for '{lang}': every interface string "
                                          f"falls back to the default language '{default}'", code="catalog.missing")
    return Messages(lang, default, primary, fallback)


def report_missing(messages: Messages, problems: Problems) -> None:
    """One problem per interface string used but not translated, at the catalog (and line) that lacks it."""
    default = messages.fallback
    for msgid in sorted(messages.absent):
        if default is not None:
            problems.error(default.path, default.lines.get(msgid, 0),
                           f"msgid {msgid!r} has no translation in the default language's catalog "
                           f"('{messages.default}'); add it there", code="catalog.default-untranslated")
    if messages.primary is None:
        return  # said once, when the catalog was not found
    for msgid in sorted(messages.missing - messages.absent):
        problems.warning(messages.primary.path, messages.primary.lines.get(msgid, 0),
                         f"msgid {msgid!r} is not translated into '{messages.lang}': "
                         f"using the default language's ('{messages.default}') translation",
                         code="catalog.untranslated")


def template_msgids(layouts: Path | list[Path]) -> dict[str, bool]:
    """The msgids of bulletin.pot (every interface string the code and templates use): msgid -> plural."""
    path = template_path(layouts)
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        return {_msgid(m): isinstance(m.id, tuple) for m in read_po(handle) if m.id}


def check_default_catalog(layouts: Path | list[Path], default: str, problems: Problems) -> None:
    """Every string of the template looked up in the default language's catalog, so that ``check`` reports
    the same errors a build would, before anything is rendered."""
    messages = load_messages(layouts, default, default, Problems())
    for msgid, plural in template_msgids(layouts).items():
        messages._lookup(msgid, plural)  # noqa: SLF001 - the lookup records what is absent
    report_missing(messages, problems)


def catalog_completeness(layouts: Path | list[Path], lang: str) -> tuple[int, int, list[str]]:
    """(translated, total, untranslated msgids) of a language's catalog, counted against the template
    (bulletin.pot) too, so a catalog that was never updated with new strings does not look complete."""
    expected = set(template_msgids(layouts))
    path = catalog_path(layouts, lang)
    done: set[str] = set()
    if path.is_file():
        with path.open("rb") as handle:
            catalog = read_po(handle)
        for message in (m for m in catalog if m.id):
            expected.add(_msgid(message))
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if all(strings) and not message.fuzzy:
                done.add(_msgid(message))
    return len(done), len(expected), sorted(expected - done)
