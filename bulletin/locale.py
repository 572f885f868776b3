"""Language rules -> text: Babel dates, months and sizes (catalogs: layouts.py; typography: typography.py)."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date, format_skeleton

from .typography import NBSP, typeset_text

BABEL_LOCALES = {"ru": "ru_RU", "kk": "kk_KZ", "en": "en_GB"}
LANGUAGE_TAGS = {"ru": "ru-RU", "kk": "kk-KZ", "en": "en-GB"}
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


def format_size(size: int, lang: str) -> str:
    """``1,2 МБ`` / ``1.2 MB``: decimal units, as CLDR defines them."""
    from babel.units import format_unit

    if size < 1_000_000:
        return format_unit(max(1, round(size / 1000)), "digital-kilobyte", locale=BABEL_LOCALES[lang], length="short")
    return format_unit(size / 1_000_000, "digital-megabyte", locale=BABEL_LOCALES[lang], length="short",
                       format="#,##0.0")
