"""Editions: the internal one marked on every page in the bulletin's language and kept out of dist/; serve."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pypdf
import pytest

from bulletin.edition import INTERNAL
from conftest import run
from test_confidential import files_under, html_of, make_site, site, traces  # noqa: F401 - site: a fixture


@pytest.fixture(scope="module")
def internal(tmp_path_factory) -> Path:
    """The internal edition of every language, as `publish --edition internal` writes it."""
    root = make_site(tmp_path_factory.mktemp("internal") / "site")
    result = run("publish", "2026-02", "--edition", "internal", "--project", root)
    assert result.exit_code == 0, result.output
    assert "not published into dist/ and never delivered" in result.output
    return root


def test_the_leak_search_finds_every_needle_in_the_internal_edition(internal):
    built = files_under(internal / "build" / "2026-02" / "internal")
    assert len(built) == 9
    for name, data in built.items():
        script = "ekretba" if "-en." in name else "екретба"
        assert {"zzsecret", script} <= traces(name, data), name


MARKS = {"ru": "ВНУТРЕННЕЕ ИЗДАНИЕ — НЕ ДЛЯ РАСПРОСТРАНЕНИЯ", "kk": "ІШКІ БАСЫЛЫМ — ТАРАТУҒА АРНАЛМАҒАН",
         "en": "INTERNAL EDITION — NOT FOR DISTRIBUTION"}


def plain(text: str) -> str:
    """The typesetter binds short words with no-break spaces; lines end where the layout put them."""
    return text.replace("\u00a0", " ").replace("\n", " ")


def test_the_internal_edition_is_marked_on_every_page_and_never_reaches_dist(internal):
    folder = internal / "build" / "2026-02" / "internal"
    assert not (internal / "dist").exists() and not list((internal / "build" / "2026-02").glob("*.pdf"))
    for lang, mark in MARKS.items():
        base = folder / f"bulletin-2026-02-{lang}"
        pages = pypdf.PdfReader(base.with_suffix(".pdf")).pages
        assert len(pages) >= 3 and all(mark in plain(page.extract_text()) for page in pages), lang
        page = plain(base.with_suffix(".html").read_text(encoding="utf-8"))
        body = page[page.index("<body>"):]
        assert re.search(r'<body>\s*<a class="skip-link"[^>]*>[^<]*</a>\s*<p class="edition-mark" role="note">'
                         + re.escape(mark) + "</p>", body), lang
        with zipfile.ZipFile(io.BytesIO(base.with_suffix(".docx").read_bytes())) as docx:
            headers = [n for n in docx.namelist() if re.fullmatch(r"word/(header|footer)\d+\.xml", n)]
            assert headers and all(mark in plain(docx.read(n).decode()) for n in headers), lang
            document = plain(docx.read("word/document.xml").decode())
            assert document.index(mark) < document.index("<w:sdt>"), lang  # above the cover and contents


def test_the_public_edition_has_no_mark(site):
    assert "edition-mark" not in html_of(site).split("</style>")[1]


def test_internal_edition_is_never_written_into_dist(site):
    result = run("build", "2026-02", "--edition", "internal", "--out", site / "dist" / "x", "--project", site)
    assert result.exit_code == 1
    assert "dist/x: error: the internal edition is never written into dist/" in result.output
    assert not (site / "dist").exists()


def test_serve_previews_either_edition(site):
    from bulletin.serve import Preview

    public, internal = Preview(site), Preview(site, edition=INTERNAL)
    assert not public.rebuild().errors and not internal.rebuild().errors
    assert "ZZSECRETSPAN" not in public.page and "[скрыто]" in public.page and "edition-mark" not in \
        public.page.split("</style>")[1]
    assert "ZZSECRETSPAN" in internal.page
    assert '<p class="edition-mark" role="note">ВНУТРЕННЕЕ ИЗДАНИЕ\u00a0— НЕ\u00a0ДЛЯ РАСПРОСТРАНЕНИЯ</p>' in internal.page
