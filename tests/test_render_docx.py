"""The DOCX: heading styles, meta style, language, embedded fonts, cover, page furniture, contents, hyphenation."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from fontTools.ttLib import TTFont

from bulletin.render.docx_fonts import obfuscate
from conftest import REPO, entry, run
from pdftext import normalize, pdf_fonts

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


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
    assert "Асель Бекова, Тимур Ли · Информационное агентство «Жаңа Дала» · 16 февраля 2026 г. · Павлодарская область" \
        in meta  # the region ends the meta line
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


def part(path, name: str) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read(name).decode("utf-8")


def embedded_fonts(path) -> dict[tuple[str, str], TTFont]:
    """Every embedded font, de-obfuscated with its key and loaded: (family, embed element) -> TTFont."""
    from xml.etree import ElementTree

    with zipfile.ZipFile(path) as archive:
        rels = {rel.get("Id"): rel.get("Target") for rel in
                ElementTree.fromstring(archive.read("word/_rels/fontTable.xml.rels"))}
        fonts = {}
        for font in ElementTree.fromstring(archive.read("word/fontTable.xml")).iter(f"{W}font"):
            for embed in font:
                if embed.tag.startswith(f"{W}embed"):
                    data = archive.read("word/" + rels[embed.get(f"{R}id")])
                    clear = obfuscate(data, embed.get(f"{W}fontKey"))
                    fonts[font.get(f"{W}name"), embed.tag[len(W):]] = TTFont(io.BytesIO(clear))
    return fonts


def texts_by_style(path) -> dict[str, str]:
    out: dict[str, str] = {}
    for paragraph in Document(path).paragraphs:
        out[paragraph.style.style_id] = out.get(paragraph.style.style_id, "") + paragraph.text
    return out


def test_embedded_fonts_decode_to_subset_truetype_covering_the_text(sample_build):
    path = sample_build / "bulletin-2026-02-ru.docx"
    fonts = embedded_fonts(path)
    assert {("PT Serif", "embedRegular"), ("PT Sans", "embedRegular"), ("PT Sans", "embedBold")} <= set(fonts)
    for (family, _), font in fonts.items():
        assert font["name"].getBestFamilyName() == family
        assert len(font.getGlyphOrder()) < 250  # the full PT Serif has 700 glyphs: this is a subset
    body = "".join(text for style, text in texts_by_style(path).items() if style in ("BodyText", "FirstParagraph"))
    cmap = fonts["PT Serif", "embedRegular"].getBestCmap()
    assert {c for c in body if ord(c) not in cmap and c != "\u00ad"} == set()
    assert "Ж" in body and ord("Ж") in cmap
    settings = part(path, "word/settings.xml")
    assert "<w:embedTrueTypeFonts/>" in settings and "<w:saveSubsetFonts/>" in settings
    assert 'Extension="odttf" ContentType="application/vnd.openxmlformats-officedocument.obfuscatedFont"' in \
        part(path, "[Content_Types].xml")


def test_a_subset_is_the_same_bytes_on_another_day():
    """The subset keeps the font's own head.modified and its key comes from its bytes: rebuilds are identical."""
    import time

    from bulletin.render.docx_fonts import font_key, subset_font

    chars = frozenset("Қазақстан 2026")
    first = subset_font.__wrapped__(REPO / "fonts" / "PT_Sans-Bold.ttf", 0, chars)
    time.sleep(1.1)  # fontTools would otherwise stamp the current second into the head table
    again = subset_font.__wrapped__(REPO / "fonts" / "PT_Sans-Bold.ttf", 0, chars)
    assert first == again and font_key(first) == font_key(again)
    assert re.fullmatch(r"\{[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}\}", font_key(first))
    assert obfuscate(obfuscate(first, font_key(first)), font_key(first)) == first != obfuscate(first, font_key(first))


MESSY = ("Штраф — 86\u00a0500 ₸, «стоимость» выросла на 3‐4 %; см. **таблицу**:\n\n"
         "| Город | Сумма |\n|---|---|\n| Жаңаөзен | 50 000 ₸ |\n")


def test_characters_the_pt_fonts_lack_come_from_an_embedded_noto_and_tables_have_borders(project):
    root = project({"content/2026-02/fine.ru.md": entry(title="Штраф в ₸", body=MESSY)})
    assert run("build", "--project", root, "--format", "docx", "--lang", "ru").exit_code == 0
    path = root / "build" / "2026-02" / "bulletin-2026-02-ru.docx"
    document = part(path, "word/document.xml")
    tenge = re.findall(r'<w:r><w:rPr>(?:(?!</w:rPr>).)*</w:rPr><w:t xml:space="preserve">[^<]*₸', document)
    assert tenge and all('w:ascii="Noto Serif"' in r or 'w:ascii="Noto Sans"' in r for r in tenge)
    fonts = embedded_fonts(path)
    assert ord("₸") in fonts["Noto Serif", "embedRegular"].getBestCmap()
    assert ord("₸") in fonts["Noto Sans", "embedRegular"].getBestCmap()  # the title, in PT Sans
    assert ("PT Serif", "embedBold") in fonts  # **таблицу**
    # Tables: pandoc names the style "Table"; reference.docx gives it rules on every side and between cells.
    assert '<w:tblStyle w:val="Table" />' in document
    table = Document(path).styles["Table"].element
    borders = table.find(qn("w:tblPr")).find(qn("w:tblBorders"))
    assert {b.tag[len(W):]: b.get(qn("w:val")) for b in borders} == {
        side: "single" for side in ("top", "left", "bottom", "right", "insideH", "insideV")}


def test_a_font_whose_licence_forbids_embedding_is_left_out_with_a_warning(project):
    files = {"content/2026-02/a.ru.md": entry()}
    root = project(files)
    (root / "fonts").mkdir()
    for font in (REPO / "fonts").glob("*.ttf"):
        shutil.copy(font, root / "fonts" / font.name)
    restricted = TTFont(root / "fonts" / "PT_Serif-Regular.ttf")
    restricted["OS/2"].fsType = 0x0002
    restricted.save(root / "fonts" / "PT_Serif-Regular.ttf")
    result = run("build", "--project", root, "--format", "docx", "--lang", "ru")
    assert result.exit_code == 0
    assert ("fonts/PT_Serif-Regular.ttf: warning: PT Serif is not embedded in the DOCX: its licence forbids "
            "embedding (OS/2 fsType 0x0002, restricted)") in result.output
    fonts = embedded_fonts(root / "build" / "2026-02" / "bulletin-2026-02-ru.docx")
    assert ("PT Serif", "embedRegular") not in fonts and ("PT Sans", "embedRegular") in fonts


def field_instructions(xml: str) -> list[str]:
    return [t.strip() for t in re.findall(r"<w:instrText[^>]*>([^<]*)</w:instrText>", xml)]


def test_page_numbers_in_the_footer_and_the_rubric_in_the_header(sample_build):
    path = sample_build / "bulletin-2026-02-ru.docx"
    document = Document(path)
    body = document.sections[-1]
    assert field_instructions(body.footer._element.xml) == ["PAGE \\* MERGEFORMAT"]
    assert field_instructions(body.header._element.xml) == ['STYLEREF "Heading 1" \\* MERGEFORMAT']
    # Cover: no header, no footer; contents: the page number only; rubrics: both, as in the PDF.
    cover, contents = document.sections[0], document.sections[1]
    refs = [[r.tag[len(W):] for r in s._sectPr if r.tag.endswith("Reference")] for s in document.sections]
    assert refs == [[], ["footerReference"], ["headerReference", "footerReference"]]
    assert cover.page_height == body.page_height and contents.left_margin == body.left_margin


def test_each_rubric_starts_a_new_page(sample_build):
    document = Document(sample_build / "bulletin-2026-02-ru.docx")
    assert document.styles["Heading 1"].paragraph_format.page_break_before is True
    rubrics = [p for p in document.paragraphs if p.style.style_id == "Heading1"]
    assert len(rubrics) == 5 and all(p.paragraph_format.page_break_before is None for p in rubrics)


@pytest.mark.parametrize("lang, count", [("ru", "9 материалов"), ("kk", "3 материал"), ("en", "9 items")])
def test_cover_shows_publisher_title_month_and_item_count(sample_build, lang, count):
    paragraphs = Document(sample_build / f"bulletin-2026-02-{lang}.docx").paragraphs
    cover = [(p.style.style_id, normalize(p.text)) for p in paragraphs[:4]]
    assert [style for style, _ in cover] == ["Author", "Title", "Subtitle", "Date"]
    assert cover[3][1] == count
    assert cover[2][1] in ("Февраль 2026", "Ақпан 2026", "February 2026")


def test_hyphenation_on_every_run_has_a_language_and_kazakh_carries_soft_hyphens(sample_build):
    for lang, tag in (("ru", "ru-RU"), ("kk", "kk-KZ"), ("en", "en-GB")):
        path = sample_build / f"bulletin-2026-02-{lang}.docx"
        assert re.search(r"<w:autoHyphenation ?/>", part(path, "word/settings.xml"))
        runs = [r for r in Document(path).element.body.iter(qn("w:r")) if r.find(qn("w:t")) is not None]
        langs = {r.find(qn("w:rPr")).find(qn("w:lang")).get(qn("w:val")) for r in runs}
        assert tag in langs and langs <= {"ru-RU", "kk-KZ", "en-GB"}
    kazakh = part(sample_build / "bulletin-2026-02-kk.docx", "word/document.xml")
    words = re.findall(r"(?:\w+</w:t><w:softHyphen/><w:t xml:space=\"preserve\">)+\w+", kazakh)
    assert len(words) > 50
    assert "\u00ad" not in kazakh and "<w:softHyphen/>" not in part(sample_build / "bulletin-2026-02-ru.docx",
                                                                     "word/document.xml")


def libreoffice_pdf(docx, tmp_path):
    """LibreOffice's PDF of the DOCX, on a machine view where fontconfig sees one system font and none of ours
    (LibreOffice refuses to start with no font at all)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (.ci/run installs libreoffice-writer-nogui)")
    system = [path for path in (Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
                                Path("/usr/share/fonts/truetype/libreoffice/opens___.ttf")) if path.is_file()]
    if not system:
        pytest.skip("no DejaVu Sans or OpenSymbol font to give LibreOffice (it needs one font to start)")
    (tmp_path / "fonts").mkdir()
    shutil.copy(system[0], tmp_path / "fonts")
    conf = tmp_path / "fonts.conf"
    conf.write_text(f'<?xml version="1.0"?><fontconfig><dir>{tmp_path / "fonts"}</dir>'
                    f'<cachedir>{tmp_path / "fc"}</cachedir></fontconfig>')
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "FONTCONFIG_FILE": str(conf)}
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(docx)], check=True, capture_output=True, timeout=180, env=env)
    return tmp_path / docx.with_suffix(".pdf").name


def test_libreoffice_without_our_fonts_installed_renders_it_in_the_embedded_ones(sample_build, tmp_path):
    pdf = libreoffice_pdf(sample_build / "bulletin-2026-02-kk.docx", tmp_path)
    from pdftext import pdf_pages_text
    pages = pdf_pages_text(pdf)
    assert pages[0].startswith("«АДАМ ҚҰҚЫҚТАРЫ БҮГІН» МОНИТОРИНГ ТОБЫ")
    contents = next(page for page in pages if page.startswith("Мазмұны"))
    assert "Саяси тұтқындар" in contents
    assert pdf_fonts(pdf) == {"PTSans-Regular", "PTSans-Bold", "PTSerif-Regular", "PTSerif-Italic"}


UPDATE_MACRO = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" script:language="StarBasic">
Sub UpdateIndexes(inUrl As String, outUrl As String)
  Dim hidden(0) As New com.sun.star.beans.PropertyValue
  hidden(0).Name = &quot;Hidden&quot;
  hidden(0).Value = True
  doc = StarDesktop.loadComponentFromURL(inUrl, &quot;_blank&quot;, 0, hidden())
  For i = 0 To doc.getDocumentIndexes().getCount() - 1
    doc.getDocumentIndexes().getByIndex(i).update()
  Next
  Dim pdf(0) As New com.sun.star.beans.PropertyValue
  pdf(0).Name = &quot;FilterName&quot;
  pdf(0).Value = &quot;writer_pdf_Export&quot;
  doc.storeToURL(outUrl, pdf())
  doc.close(True)
End Sub
</script:module>
"""


def test_libreoffice_update_index_fills_in_page_numbers(sample_build, tmp_path):
    """The contents is a real TOC field: LibreOffice's Tools > Update > Indexes (run here as a macro) rebuilds
    it with a page number for every rubric and entry."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (.ci/run installs libreoffice-writer-nogui)")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    profile = f"-env:UserInstallation=file://{tmp_path}/lo"
    subprocess.run([soffice, "--headless", profile, "--terminate_after_init"], capture_output=True, timeout=180,
                   env=env)
    module = tmp_path / "lo" / "user" / "basic" / "Standard" / "Module1.xba"
    if not module.is_file():
        pytest.skip("LibreOffice did not create a user profile with a Basic library")
    module.write_text(UPDATE_MACRO, encoding="utf-8")
    docx, pdf = sample_build / "bulletin-2026-02-ru.docx", tmp_path / "updated.pdf"
    subprocess.run([soffice, "--headless", profile, f'macro:///Standard.Module1.UpdateIndexes("{docx.as_uri()}",'
                    f'"{pdf.as_uri()}")'], check=True, capture_output=True, timeout=180, env=env)
    from pdftext import pdf_pages_text
    contents = pdf_pages_text(pdf)[1]
    assert contents.startswith("Содержание")
    for title, page in (("Прогресс?", 3), ("Политзаключенные", 4), ("Право на свободу мирных собраний", 7),
                        ("Акимат отказал жителям в согласовании пикета в защиту городского парка", 7)):
        assert re.search(re.escape(title) + rf"\.+ ?{page}\b", contents), title
