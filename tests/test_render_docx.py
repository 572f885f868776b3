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


def test_contents_filled_in_without_update_prompt(sample_build):
    with zipfile.ZipFile(sample_build / "bulletin-2026-02-ru.docx") as archive:
        document = archive.read("word/document.xml").decode("utf-8")
        settings = archive.read("word/settings.xml").decode("utf-8")
        numbering = archive.read("word/numbering.xml").decode("utf-8")
    assert 'w:dirty="true"' not in document and "updateFields" not in settings
    body = Document(sample_build / "bulletin-2026-02-ru.docx").element.body
    toc = [normalize("".join(t.text or "" for t in p.iter(qn("w:t")))) for p in body.iter(qn("w:p"))
           if p.find(qn("w:pPr")) is not None and p.find(qn("w:pPr")).find(qn("w:pStyle")) is not None
           and p.find(qn("w:pPr")).find(qn("w:pStyle")).get(qn("w:val")) in ("TOC1", "TOC2")]
    assert toc[0] == "Прогресс?" and "Акимат отказал жителям в согласовании пикета в защиту городского парка" in toc
    assert '<w:hyperlink w:anchor="entry-park-picket-refused"' in document
    assert 'w:name="entry-park-picket-refused"' in document  # the bookmark the link jumps to
    assert "\uf0b7" not in numbering and "Symbol" not in numbering


def test_document_properties(sample_build):
    doc = Document(sample_build / "bulletin-2026-02-ru.docx")
    props = doc.core_properties
    assert props.title == "Бюллетень о нарушениях прав человека в Казахстане"
    assert props.author == "Мониторинговая группа «Права человека сегодня»"
    assert props.language == "ru-RU"
    assert props.created.year >= 2026


def test_libreoffice_opens_it_with_contents(sample_build, tmp_path):
    import shutil
    import subprocess
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        import pytest
        pytest.skip("LibreOffice is not installed (.ci/run installs libreoffice-writer-nogui)")
    from conftest import REPO
    conf = tmp_path / "fonts.conf"
    conf.write_text(f'<?xml version="1.0"?><fontconfig><dir>{REPO / "fonts"}</dir>'
                    f'<cachedir>{tmp_path / "fc"}</cachedir></fontconfig>')
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "FONTCONFIG_FILE": str(conf)}
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(sample_build / "bulletin-2026-02-ru.docx")],
                   check=True, capture_output=True, timeout=180, env=env)
    from pdftext import pdf_pages_text
    pages = pdf_pages_text(tmp_path / "bulletin-2026-02-ru.pdf")
    contents = next(page for page in pages if page.startswith("Содержание"))
    assert "Политзаключенные" in contents and "Акимат отказал жителям" in contents
    from pdftext import pdf_fonts
    assert {f for f in pdf_fonts(tmp_path / "bulletin-2026-02-ru.pdf") if not f.startswith(("PT", "Noto"))} == set()
