"""Language rules -> text: Babel dates and plurals, gettext interface strings (typography: typography.py)."""

from __future__ import annotations

import datetime as dt
import gettext
import io
from dataclasses import dataclass, field
from pathlib import Path

from babel.dates import format_date
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


def catalog_path(layouts: Path, lang: str) -> Path:
    return layouts / "locales" / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@dataclass
class Messages:
    """Interface strings of one language, falling back to the default language (with a warning)."""

    lang: str
    primary: gettext.GNUTranslations | None
    fallback: gettext.GNUTranslations | None
    missing: set[str] = field(default_factory=set)

    def _has(self, trans: gettext.GNUTranslations | None, msgid: str, plural: bool = False) -> bool:
        if trans is None:
            return False
        catalog = trans._catalog  # noqa: SLF001 - gettext has no public "is translated" query
        return bool(catalog.get((msgid, 0) if plural else msgid))

    def gettext(self, msgid: str) -> str:
        if self._has(self.primary, msgid):
            return self.primary.gettext(msgid)
        self.missing.add(msgid)
        if self._has(self.fallback, msgid):
            return self.fallback.gettext(msgid)
        return msgid

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        if self._has(self.primary, singular, plural=True):
            return self.primary.ngettext(singular, plural, n)
        self.missing.add(singular)
        if self._has(self.fallback, singular, plural=True):
            return self.fallback.ngettext(singular, plural, n)
        return singular if n == 1 else plural


def compile_catalog(path: Path, problems: Problems) -> gettext.GNUTranslations | None:
    """Read a .po file and compile it in memory (no .mo files in the repository or the tree)."""
    if not path.is_file():
        return None
    try:
        with path.open("rb") as handle:
            catalog = read_po(handle, abort_invalid=True)
    except Exception as exc:  # babel raises several types for a broken catalog
        line = getattr(exc, "lineno", 0)
        problems.error(path, line, f"cannot read catalog: {exc}")
        return None
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def load_messages(layouts: Path, lang: str, default: str, problems: Problems) -> Messages:
    primary = compile_catalog(catalog_path(layouts, lang), problems)
    fallback = compile_catalog(catalog_path(layouts, default), problems) if lang != default else None
    if primary is None and lang != default:
        problems.warning(catalog_path(layouts, lang), 0,
                         f"no interface catalog for '{lang}'; using '{default}' strings")
    return Messages(lang, primary, fallback)


def report_missing(messages: Messages, layouts: Path, default: str, problems: Problems) -> None:
    if messages.missing and messages.primary is not None:
        shown = ", ".join(sorted(repr(m) for m in messages.missing)[:5])
        more = "" if len(messages.missing) <= 5 else f" and {len(messages.missing) - 5} more"
        problems.warning(catalog_path(layouts, messages.lang), 0,
                         f"{len(messages.missing)} interface string(s) not translated into "
                         f"'{messages.lang}' ({shown}{more}); using '{default}'")


def catalog_completeness(layouts: Path, lang: str) -> tuple[int, int]:
    """(translated, total) messages of a language's catalog."""
    path = catalog_path(layouts, lang)
    if not path.is_file():
        return 0, 0
    with path.open("rb") as handle:
        catalog = read_po(handle)
    messages = [m for m in catalog if m.id]
    done = [m for m in messages if (all(m.string) if isinstance(m.string, tuple) else m.string)
            and not m.fuzzy]
    return len(done), len(messages)
