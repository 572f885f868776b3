"""The DOCX: heading styles, meta style, language, fonts named in styles, titles, contents title."""

from __future__ import annotations

import zipfile

from docx import Document
from docx.oxml.ns import qn

from pdftext import normalize


def paragraphs(path):
    return [(p.style.name, normalize(p.text)) for p in Document(path).paragraphs]


def test_rubrics_are_heading1_entries_heading2_in_order(sample_build, sample_titles):
    paras = paragraphs(sample_build / "bulletin-2026-02-ru.docx")
    h1 = [text for style, text in paras if style == "Heading 1"]
    assert h1 == ["Прогресс?", "Политзаключенные",
                  "Положение правозащитников, гражданских активистов, профсоюзных деятелей и блогеров",
                  "Свобода слова, получения и распространения информации", "Право на свободу мирных собраний"]
    h2 = [text for style, text in paras if style == "Heading 2"]
    expected = [normalize(t) for titles in sample_titles.values() for t in titles]
    assert sorted(h2) == sorted(expected)


def test_meta_line_has_its_own_style_and_body_uses_body_styles(sample_build):
    paras = paragraphs(sample_build / "bulletin-2026-02-ru.docx")
    meta = [text for style, text in paras if style == "Entry Meta"]
    assert "Асель Бекова, Тимур Ли · Информационное агентство «Жаңа Дала» · 16 февраля 2026 г." in meta
    styles = {style for style, _ in paras}
    assert {"First Paragraph", "Body Text", "Entry Source"} <= styles
    assert "Heading 3" in styles  # the entries' own subheadings sit under the entry title


def test_document_language_and_contents_title(sample_build):
    for lang, tag, title in (("ru", "ru-RU", "Содержание"), ("kk", "kk-KZ", "Мазмұны"), ("en", "en-GB", "Contents")):
        path = sample_build / f"bulletin-2026-02-{lang}.docx"
        with zipfile.ZipFile(path) as archive:
            document = archive.read("word/document.xml").decode("utf-8")
            styles = archive.read("word/styles.xml").decode("utf-8")
        assert f'w:val="{tag}"' in document or f'w:val="{tag}"' in styles
        assert f">{title}<" in document


def test_fonts_named_in_styles(sample_build):
    doc = Document(sample_build / "bulletin-2026-02-ru.docx")
    for name, font in (("Normal", "PT Serif"), ("Body Text", "PT Serif"), ("Heading 1", "PT Sans"),
                       ("Heading 2", "PT Sans"), ("Entry Meta", "PT Sans")):
        fonts = doc.styles[name].element.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:ascii")) == font, name
        assert fonts.get(qn("w:asciiTheme")) is None, name


def test_foreign_entries_carry_their_language(sample_build):
    """en uses policy 'original': Russian entries inside the English bulletin are marked ru-RU."""
    with zipfile.ZipFile(sample_build / "bulletin-2026-02-en.docx") as archive:
        document = archive.read("word/document.xml").decode("utf-8")
    assert 'w:lang w:val="ru-RU"' in document
    assert 'w:lang w:val="en-GB"' in document or "en-GB" in archive_styles(sample_build)


def archive_styles(sample_build):
    with zipfile.ZipFile(sample_build / "bulletin-2026-02-en.docx") as archive:
        return archive.read("word/document.xml").decode("utf-8")
