"""Dates, cover months, plurals, interface strings and typography per language."""

from __future__ import annotations

import datetime as dt

import pytest

from bulletin.locale import format_long_date, format_month, load_messages
from bulletin.typography import typeset_text
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


def test_typography_russian():
    text = typeset_text('Суд в Алматы - "решение" и штраф 86 500 тенге, № 87', "ru")
    assert text == f"Суд в{NB}Алматы{NB}— «решение» и{NB}штраф 86{NB}500{NB}тенге, №{NB}87"


def test_typography_english_curly_quotes():
    assert typeset_text('The "illegal strike" isn\'t over', "en") == "The “illegal strike” isn’t over"


def test_typography_in_bodies(project):
    from conftest import entry, run
    root = project({"content/2026-02/a.ru.md": entry(body='Он сказал "нет" и ушёл - к 5 часам. "Внешние \'внутренние\' кавычки"')})
    assert run("build", "--project", root, "--format", "html").exit_code == 0
    html = (root / "build" / "2026-02" / "bulletin-2026-02-ru.html").read_text(encoding="utf-8")
    assert "«нет»" in html and "“нет”" not in html
    assert "„внутренние“" in html
    assert "и&nbsp;ушёл&nbsp;— к&nbsp;5&nbsp;часам" in html or f"и{NB}ушёл{NB}— к{NB}5{NB}часам" in html


@pytest.mark.parametrize("lang,text,expected", [
    ("ru", 'Компания "ТОО "Ақ жол"" обжаловала. Он сказал: "Это "провокация"". Потом "ещё" слово.',
     "Компания «ТОО „Ақ жол“» обжаловала. Он сказал: «Это „провокация“». Потом «ещё» слово."),
    ("kk", '"Мұнайшы" кәсіподағы', "«Мұнайшы» кәсіподағы"),
    ("en", 'The "illegal strike" isn\'t over, "a \'b\' c" -- and O\'Neil...',
     "The “illegal strike” isn’t over, “a ‘b’ c” – and O’Neil…"),
])
def test_nested_straight_quotes(lang, text, expected):
    assert typeset_text(text, lang).replace(NB, " ") == expected


def test_nested_quotes_in_bodies_and_titles(project):
    from conftest import entry, run
    body = 'Компания "ТОО "Ақ жол"" обжаловала *"решение"* суда --- снова.'
    root = project({"content/2026-02/a.ru.md": entry(title='\'Дело "ТОО "Ақ жол"" закрыто\'', body=body)})
    assert run("build", "--project", root, "--format", "html,docx").exit_code == 0
    html = (root / "build" / "2026-02" / "bulletin-2026-02-ru.html").read_text(encoding="utf-8").replace("&nbsp;", " ")
    assert "Компания «ТОО „Ақ жол“» обжаловала <em>«решение»</em> суда — снова." in html.replace(NB, " ")
    assert "Дело «ТОО „Ақ жол“» закрыто" in html.replace(NB, " ")
