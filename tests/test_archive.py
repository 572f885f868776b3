"""dist/archive.sqlite: read from the published HTML, incremental, classification fields from front matter."""

from __future__ import annotations

import json
import sqlite3

from conftest import build_archive, run
from bulletin.archive import read_page
from bulletin.searchindex import front_decode


def releases(root) -> dict[tuple[str, str], tuple[int, str]]:
    with sqlite3.connect(root / "dist" / "archive.sqlite") as db:
        return {(m, lang): (n, digest) for m, lang, n, digest in
                db.execute("SELECT month, lang, times_indexed, digest FROM releases")}


def test_only_a_republished_month_is_indexed_again(tmp_path):
    root = build_archive(tmp_path / "project")
    assert run("index", "--project", root).exit_code == 0
    before = releases(root)
    assert set(before) == {(m, lang) for m in ("2026-01", "2026-03") for lang in ("ru", "kk", "en")}
    again = run("index", "--project", root)
    assert again.output.endswith("0 release(s) re-indexed\n") and releases(root) == before

    path = root / "content/2026-03/picket-dispersed.ru.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Гульнар Сеитова", "Гульнар Сеитова-Омарова"),
                    encoding="utf-8")
    assert run("build", "2026-03", "--lang", "ru", "--format", "html", "--project", root, "--out",
               root / "dist").exit_code == 0
    result = run("index", "--project", root)
    assert result.output.splitlines()[0] == "indexed 2026-03 ru"
    after = releases(root)
    assert after[("2026-03", "ru")][0] == 2 and after[("2026-03", "ru")][1] != before[("2026-03", "ru")][1]
    assert {k: v for k, v in after.items() if k != ("2026-03", "ru")} == \
           {k: v for k, v in before.items() if k != ("2026-03", "ru")}
    found = json.loads(run("search", "Омарова", "--project", root, "--format", "json").output)
    assert [(r["month"], r["lang"]) for r in found["results"]] == [("2026-03", "ru")]


def test_a_withdrawn_release_leaves_the_index(tmp_path):
    root = build_archive(tmp_path / "project")
    run("index", "--project", root)
    (root / "dist/2026-01/bulletin-2026-01-en.html").unlink()
    result = run("index", "--project", root)
    assert "removed 2026-01 en (no longer published)" in result.output
    assert ("2026-01", "en") not in releases(root)
    assert json.loads(run("search", "Zhylanbayev", "--lang", "en", "--project", root, "--format",
                          "json").output)["total"] == 0


def test_the_index_holds_what_the_published_page_says_not_the_markdown(tmp_path):
    """Text the public edition withholds never reaches the index, whatever the entry's Markdown holds: the
    marker is in a [...]{.confidential} span, which the public edition (confidential.py) replaces."""
    root = build_archive(tmp_path / "project")
    for lang in ("ru", "kk"):
        html = (root / f"dist/2026-01/bulletin-2026-01-{lang}.html").read_text(encoding="utf-8")
        assert "ZZSECRET" not in html and "Союз журналистов" in html
    assert "ZZSECRET" in (root / "content/2026-01/journalists-accreditation.ru.md").read_text(encoding="utf-8")
    assert run("index", "--project", root).exit_code == 0
    for name in ("archive.sqlite", "search-index.js", "2026-01/ru/index.html", "tags-ru.html"):
        data = (root / "dist" / name).read_bytes()
        assert "ZZSECRET".encode() not in data and "zzsecret".encode() not in data, name
    assert "Союз журналистов".encode() in (root / "dist/archive.sqlite").read_bytes()
    script = (root / "dist/search-index.js").read_text(encoding="utf-8")
    static = json.loads(script[script.index("=") + 1:].rstrip().rstrip(";"))
    assert "союз" in front_decode(static["languages"]["ru"]["terms"])  # the page's text is there


def test_read_page_takes_the_parts_by_the_templates_classes(archive_site):
    html = (archive_site / "dist/2026-01/bulletin-2026-01-ru.html").read_text(encoding="utf-8")
    first, second = read_page(html, "ru")
    assert (first.slug, first.rubric, first.rubric_title, first.date) == \
           ("runner-detained", "assembly", "Свобода собраний", "2026-01-14")
    assert first.title == "В Астане задержан марафонец Ержан Жыланбаев — после забега «За чистый воздух»"
    assert first.outlet == "Интернет-издание «Степь.kz»"
    assert first.source.startswith("https://example.org/step/2026/01/14/zhylanbaev-zaderzhan?utm_source=")
    assert first.body.startswith("Утром 14 января полиция задержала марафонца Ержана Жыланбаева")
    assert first.body_html.startswith("<p>") and first.body_html.endswith("</p>")
    assert second.slug == "journalists-accreditation" and not second.untranslated
    kk = read_page((archive_site / "dist/2026-01/bulletin-2026-01-kk.html").read_text(encoding="utf-8"), "kk")
    # kk shows the untranslated Russian entry in the original: indexed once, as the Russian entry
    assert [(a.slug, a.lang, a.untranslated) for a in kk] == [("runner-detained", "kk", False),
                                                              ("journalists-accreditation", "ru", True)]


def test_tags_and_regions_come_from_front_matter_and_translations_inherit_them(archive_site):
    with sqlite3.connect(archive_site / "dist/archive.sqlite") as db:
        rows = dict(((lang, slug), (json.loads(tags), json.loads(region))) for lang, slug, tags, region in db.execute(
            "SELECT lang, slug, tags, region FROM entries WHERE month = '2026-01'"))
    assert rows[("ru", "runner-detained")] == (["задержание", "марафон"], ["astana"])
    assert rows[("en", "runner-detained")] == (["задержание", "марафон"], ["astana"])
    assert rows[("ru", "journalists-accreditation")] == ([], ["astana"])
