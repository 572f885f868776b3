"""Dates, cover months, plurals, interface strings and typography per language."""

from __future__ import annotations

import datetime as dt

import pytest

from bulletin.layouts import load_messages

from bulletin.locale import format_long_date, format_month
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


def catalogs_without(tmp_path, lang: str, msgstr: str):
    """A copy of the shipped catalogs in which ``lang`` lacks one translation (its msgstr emptied)."""
    import shutil
    layouts = tmp_path / "layouts"
    shutil.copytree(REPO / "layouts" / "locales", layouts / "locales")
    po = layouts / "locales" / lang / "LC_MESSAGES" / "bulletin.po"
    text = po.read_text(encoding="utf-8")
    assert f'msgstr "{msgstr}"' in text
    po.write_text(text.replace(f'msgstr "{msgstr}"', 'msgstr ""'), encoding="utf-8")
    return layouts


def test_missing_string_falls_back_to_default_language_with_a_warning(tmp_path):
    from bulletin.layouts import report_missing
    layouts = catalogs_without(tmp_path, "kk", "Мазмұны")
    problems = Problems(tmp_path)
    messages = load_messages(layouts, "kk", "ru", problems)
    assert messages.gettext("Contents") == "Содержание"
    assert messages.gettext("Source:") == "Дереккөз:"
    report_missing(messages, problems)
    assert [str(p) for p in problems.items] == [
        "layouts/locales/kk/LC_MESSAGES/bulletin.po:27: warning: msgid 'Contents' is not translated into 'kk': "
        "using the default language's ('ru') translation"]


def test_string_the_default_catalog_lacks_is_an_error_naming_catalog_and_msgid(tmp_path):
    from bulletin.layouts import report_missing
    layouts = catalogs_without(tmp_path, "ru", "Содержание")
    catalogs_without(tmp_path / "other", "en", "Contents")  # en lacks it too: nothing left to fall back to
    (layouts / "locales" / "en").replace(layouts / "locales" / "en-old")
    (tmp_path / "other" / "layouts" / "locales" / "en").replace(layouts / "locales" / "en")
    error = ("layouts/locales/ru/LC_MESSAGES/bulletin.po:29: error: msgid 'Contents' has no translation in "
             "the default language's catalog ('ru'); add it there")
    for lang in ("ru", "en"):  # the error only: the warning's "using the default language's" would be false
        problems = Problems(tmp_path)
        messages = load_messages(layouts, lang, "ru", problems)
        assert messages.gettext("Contents") == "Contents"
        report_missing(messages, problems)
        assert [str(p) for p in problems.items] == [error]


def test_build_fails_when_the_default_catalog_lacks_a_string(project):
    from conftest import entry, run
    root = project({"content/2026-02/a.ru.md": entry()})
    catalogs_without(root, "ru", "Содержание")
    result = run("build", "--project", root, "--lang", "ru", "--format", "html")
    assert result.exit_code == 1
    assert "layouts/locales/ru/LC_MESSAGES/bulletin.po:29: error: msgid 'Contents' has no translation in the " \
           "default language's catalog ('ru'); add it there" in result.output + result.stderr
    assert not (root / "build").exists()


def test_translations_shows_every_catalog_default_included(project):
    from conftest import entry, run
    root = project({"content/2026-02/a.ru.md": entry()})
    catalogs_without(root, "ru", "Содержание")
    result = run("translations", "--project", root)
    assert result.exit_code == 0, result.output
    from babel.messages.pofile import read_po
    with (REPO / "layouts" / "locales" / "bulletin.pot").open("rb") as handle:
        total = sum(1 for message in read_po(handle) if message.id)
    lines = result.output.splitlines()
    assert f"ru: default language; interface strings {total - 1}/{total} (untranslated: Contents)" in lines
    assert f"kk: 0 ok, 1 missing, 0 stale, 0 unverified; interface strings {total}/{total}" in lines
    data = __import__("json").loads(run("translations", "--json", "--project", root).output)
    assert data["catalogs"]["ru"] == {"translated": total - 1, "total": total, "untranslated": ["Contents"]}


def test_check_reports_what_the_default_catalog_lacks_before_any_build(project):
    from conftest import entry, run
    root = project({"content/2026-02/a.ru.md": entry()})
    catalogs_without(root, "ru", "Уважаемые коллеги!")  # used only by deliver's e-mails, never by a build
    result = run("check", "--project", root)
    assert result.exit_code == 1
    assert result.output.splitlines()[0].startswith("layouts/locales/ru/LC_MESSAGES/bulletin.po:")
    assert result.output.splitlines()[0].endswith(": error: msgid 'Dear colleagues,' has no translation in the "
                                                  "default language's catalog ('ru'); add it there")
