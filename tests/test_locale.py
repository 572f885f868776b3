"""Dates, cover months, plurals, interface strings and typography per language."""

from __future__ import annotations

import datetime as dt

import pytest

from bulletin.locale import format_long_date, format_month, load_messages
from bulletin.problems import Problems
from conftest import REPO

NB = "\u00a0"


# ru breaks only between the day-month and the year; kk and en never inside.
@pytest.mark.parametrize("lang,expected", [("ru", f"16{NB}февраля 2026{NB}г."), ("kk", f"2026{NB}ж.{NB}16{NB}ақпан"),
                                           ("en", f"16{NB}February{NB}2026")])
def test_long_date(lang, expected):
    assert format_long_date(dt.date(2026, 2, 16), lang) == expected


@pytest.mark.parametrize("lang,expected", [("ru", "Февраль 2026"), ("kk", "Ақпан 2026"), ("en", f"February{NB}2026")])
def test_cover_month_nominative_capitalised(lang, expected):
    assert format_month("2026-02", lang) == expected


@pytest.mark.parametrize("n,ru,en", [(1, "1 материал", "1 item"), (3, "3 материала", "3 items"),
                                     (12, "12 материалов", "12 items"), (21, "21 материал", "21 items"),
                                     (0, "0 материалов", "0 items")])
def test_plurals(n, ru, en):
    layouts = REPO / "layouts"
    for lang, expected in (("ru", ru), ("en", en)):
        messages = load_messages(layouts, lang, "ru", Problems())
        assert messages.ngettext("%(num)d item", "%(num)d items", n) % {"num": n} == expected
    kk = load_messages(layouts, "kk", "ru", Problems())
    assert kk.ngettext("%(num)d item", "%(num)d items", n) % {"num": n} == f"{n} материал"


def test_missing_string_falls_back_to_default_language(tmp_path):
    import shutil
    layouts = tmp_path / "layouts"
    shutil.copytree(REPO / "layouts" / "locales", layouts / "locales")
    po = layouts / "locales" / "kk" / "LC_MESSAGES" / "bulletin.po"
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "Мазмұны"', 'msgstr ""'), encoding="utf-8")
    messages = load_messages(layouts, "kk", "ru", Problems())
    assert messages.gettext("Contents") == "Содержание"
    assert messages.missing == {"Contents"}
