"""Layouts folders in order: templates, stylesheets and interface strings (project first, then bulletin's)."""

from __future__ import annotations

import concurrent.futures
import re

from bulletin.layouts import load_messages, render_template
from bulletin.problems import Problems
from conftest import REPO, entry, make_project, run

ENTRY = {"content/2026-02/a.ru.md": entry(title="Заголовок", source="https://example.org/a")}
PARTIAL_RU = '''msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "Contents"
msgstr "Оглавление"
'''


def built_html(root) -> str:
    result = run("build", "--project", root, "--lang", "ru", "--format", "html")
    assert result.exit_code == 0, result.output
    return (root / "build" / "2026-02" / "bulletin-2026-02-ru.html").read_text(encoding="utf-8")


def visible(page: str) -> str:
    return re.sub(r"<style>.*?</style>|<[^>]+>", " ", page, flags=re.S)


def test_a_project_overriding_only_screen_css_keeps_the_russian_strings(tmp_path):
    css = (REPO / "layouts" / "screen.css").read_text(encoding="utf-8") + "\n.project-mark { color: red }\n"
    root = make_project(tmp_path / "p", {**ENTRY, "layouts/screen.css": css})
    page = built_html(root)
    assert ".project-mark" in page  # the project's stylesheet is the one used
    text = visible(page)
    assert "Содержание" in text and "Источник:" in text
    assert "Contents" not in text and "Source:" not in text


def test_a_project_catalog_with_one_string_takes_the_rest_from_bulletins(tmp_path):
    """Each layouts folder's catalog in turn: the project's changes one string, bulletin's gives the others
    (a catalog that replaced bulletin's whole made "Source:" an error: no Russian translation)."""
    root = make_project(tmp_path / "p", {**ENTRY, "layouts/locales/ru/LC_MESSAGES/bulletin.po": PARTIAL_RU})
    result = run("build", "--project", root, "--lang", "ru", "--format", "html")
    assert result.exit_code == 0, result.output
    assert ": error: " not in result.output
    text = visible((root / "build" / "2026-02" / "bulletin-2026-02-ru.html").read_text(encoding="utf-8"))
    assert "Оглавление" in text and "Содержание" not in text
    assert "Источник:" in text and "Source:" not in text


def test_a_string_the_project_catalog_lists_untranslated_is_not_taken_from_the_next_folder(tmp_path):
    layouts = tmp_path / "layouts"
    po = layouts / "locales" / "kk" / "LC_MESSAGES" / "bulletin.po"
    po.parent.mkdir(parents=True)
    po.write_text(PARTIAL_RU.replace('msgstr "Оглавление"', 'msgstr ""'), encoding="utf-8")
    problems = Problems(tmp_path)
    messages = load_messages([layouts, REPO / "layouts"], "kk", "ru", problems)
    assert messages.gettext("Contents") == "Содержание"  # the default language's, not bulletin's kk
    assert messages.gettext("Source:") == "Дереккөз:"  # not listed by the project: bulletin's kk
    assert messages.missing == {"Contents"}


def test_renders_in_other_languages_at_once_keep_their_own_strings(tmp_path):
    """One Jinja environment, never changed by a render: threads rendering ru and kk never mix strings."""
    from bulletin.config import load_config

    root = make_project(tmp_path / "p")
    config = load_config(root, Problems(root))
    catalogs = {lang: load_messages([REPO / "layouts"], lang, "ru", Problems()) for lang in ("ru", "kk")}

    def render(lang: str) -> str:
        messages = catalogs[lang]
        return render_template(config, "archive.html.j2", messages.gettext, messages.ngettext, lang=lang,
                               releases=[], years=[], site=None, css="", publication="P", publisher="")

    alone = {lang: render(lang) for lang in catalogs}
    assert alone["ru"] != alone["kk"]
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        langs = ["ru", "kk"] * 40
        assert [alone[lang] for lang in langs] == list(pool.map(render, langs))
