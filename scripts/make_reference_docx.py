"""pandoc's default reference.docx -> layouts/reference.docx styled like the PDF (run after style changes).

Usage: python scripts/make_reference_docx.py [OUT]. Needs python-docx (a test dependency).
pandoc's default styles name theme fonts (Aptos), whose theme attributes override explicit font
names in Word; this script removes them so PT Serif / PT Sans are what every style says.
pandoc copies this file's styles, page setup, header and footer, and settings into every DOCX;
the cover's and the contents' own sections are added by bulletin/render/docx.py.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pypandoc
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor

SERIF, SANS = "PT Serif", "PT Sans"
ACCENT, MUTED, TEXT = RGBColor(0x8A, 0x1C, 0x1C), RGBColor(0x44, 0x44, 0x44), RGBColor(0x11, 0x11, 0x11)


def set_font(rpr_owner, name: str) -> None:
    rpr = rpr_owner.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        if attr.endswith("Theme"):
            del fonts.attrib[attr]
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), name)


def style(doc, name, font=SERIF, size=None, bold=None, italic=None, color=None, before=None, after=None,
          keep_next=None, page_break=None, align=None, base=None, line=None, kind=WD_STYLE_TYPE.PARAGRAPH):
    styles = doc.styles
    s = styles[name] if name in [x.name for x in styles] else styles.add_style(name, kind)
    if base:
        s.base_style = styles[base]
    set_font(s.element, font)
    f = s.font
    if size:
        f.size = Pt(size)
    if bold is not None:
        f.bold = bold
    if italic is not None:
        f.italic = italic
    if color is not None:
        f.color.rgb = color
    if kind == WD_STYLE_TYPE.PARAGRAPH:
        p = s.paragraph_format
        if before is not None:
            p.space_before = Pt(before)
        if after is not None:
            p.space_after = Pt(after)
        if keep_next is not None:
            p.keep_with_next = keep_next
        if page_break is not None:
            p.page_break_before = page_break
        if align is not None:
            p.alignment = align
        if line is not None:
            p.line_spacing = line  # a multiple of the font's own line (1.325 em in PT Serif): 1.07 is CSS 1.42
    return s


def add_field(paragraph, instruction: str) -> None:
    """A complex field with an empty result: Word and LibreOffice compute it on every page."""
    for xml in ('<w:r %s><w:fldChar w:fldCharType="begin"/></w:r>',
                f'<w:r %s><w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r>',
                '<w:r %s><w:fldChar w:fldCharType="separate"/></w:r>', '<w:r %s><w:fldChar w:fldCharType="end"/></w:r>'):
        paragraph._p.append(parse_xml(xml % nsdecls("w")))


def set_child(parent, xml: str, after: str | None = None) -> None:
    """Replace or add one child element (given as XML), placed after ``after`` where the schema orders it."""
    element = parse_xml(xml)
    old = parent.find(element.tag)
    if old is not None:
        parent.replace(old, element)
    elif after is not None and parent.find(qn(after)) is not None:
        parent.find(qn(after)).addnext(element)
    else:
        parent.append(element)


def page_furniture(doc) -> None:
    """As the PDF: the current rubric in the header, the page number in the footer."""
    style(doc, "Header", SANS, 8.5, color=MUTED, align=WD_ALIGN_PARAGRAPH.CENTER, base="Normal")
    style(doc, "Footer", SANS, 9, color=TEXT, align=WD_ALIGN_PARAGRAPH.CENTER, base="Normal")
    section = doc.sections[0]
    section.header_distance, section.footer_distance = Mm(10), Mm(12)
    header = section.header.paragraphs[0]
    header.style = doc.styles["Header"]
    add_field(header, 'STYLEREF "Heading 1" \\* MERGEFORMAT')
    footer = section.footer.paragraphs[0]
    footer.style = doc.styles["Footer"]
    add_field(footer, "PAGE \\* MERGEFORMAT")


def table_style(doc) -> None:
    """pandoc's tables use the style "Table": thin grey rules around every cell, as in the PDF."""
    table = doc.styles["Table"].element
    rules = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="999999"/>'
                    for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    set_child(table.find(qn("w:tblPr")), f'<w:tblBorders {nsdecls("w")}>{rules}</w:tblBorders>', after="w:tblInd")
    set_child(table, f'<w:rPr {nsdecls("w")}><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>', after="w:qFormat")
    margins = "".join(f'<w:{side} w:w="{width}" w:type="dxa"/>' for side, width in
                      (("top", 28), ("left", 85), ("bottom", 28), ("right", 85)))  # the PDF's 0.5 mm / 1.5 mm
    set_child(table.find(qn("w:tblPr")), f'<w:tblCellMar {nsdecls("w")}>{margins}</w:tblCellMar>')


def main(out: Path) -> None:
    data = subprocess.run([pypandoc.get_pandoc_path(), "--print-default-data-file", "reference.docx"],
                          check=True, capture_output=True).stdout
    doc = Document(io.BytesIO(data))
    # Document defaults: PT Serif, no theme fonts, Russian proofing language.
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts"))
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), SERIF)
    lang = rpr.find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:val"), "ru-RU")
    for s in doc.styles:
        element = s.element.find(qn("w:rPr"))
        if element is not None and element.find(qn("w:rFonts")) is not None:
            set_font(s.element, SANS if s.name.startswith(("Heading", "Title", "Subtitle", "TOC")) else SERIF)
        if s.type == WD_STYLE_TYPE.PARAGRAPH or s.type == WD_STYLE_TYPE.CHARACTER:
            color = s.element.find(qn("w:rPr"))
            if color is not None and color.find(qn("w:color")) is not None:
                c = color.find(qn("w:color"))
                for attr in list(c.attrib):
                    if attr.endswith(("themeColor", "themeShade", "themeTint")):
                        del c.attrib[attr]

    style(doc, "Normal", SERIF, 10.5, color=TEXT)
    style(doc, "Body Text", SERIF, 10.5, before=0, after=5, align=WD_ALIGN_PARAGRAPH.JUSTIFY, line=1.07)
    style(doc, "First Paragraph", SERIF, 10.5, before=0, after=5, align=WD_ALIGN_PARAGRAPH.JUSTIFY, line=1.07)
    style(doc, "Compact", SERIF, 10.5, before=0, after=2, line=1.07)
    style(doc, "Block Text", SERIF, 10, italic=True, before=3, after=5, line=1.07)
    # The cover, in the PDF's order: publisher (Author), title, month (Subtitle), item count (Date).
    style(doc, "Title", SANS, 30, bold=True, color=TEXT, before=0, after=22, align=WD_ALIGN_PARAGRAPH.LEFT)
    style(doc, "Subtitle", SANS, 20, bold=False, color=ACCENT, before=0, after=8)
    author = style(doc, "Author", SANS, 11, bold=False, color=MUTED, before=0, after=17)
    author.font.all_caps = True
    set_child(author.element.find(qn("w:rPr")), f'<w:spacing {nsdecls("w")} w:val="18"/>', after="w:color")
    style(doc, "Date", SANS, 11, bold=False, color=MUTED, before=0)
    style(doc, "Abstract", SANS, 11, color=MUTED)
    style(doc, "Heading 1", SANS, 17, bold=True, color=ACCENT, before=0, after=12, keep_next=True, page_break=True)
    style(doc, "Heading 2", SANS, 12.5, bold=True, color=TEXT, before=16, after=3, keep_next=True)
    style(doc, "Heading 3", SANS, 10.5, bold=True, color=TEXT, before=8, after=3, keep_next=True)
    style(doc, "Heading 4", SANS, 10.5, bold=False, italic=True, color=TEXT, before=6, after=2, keep_next=True)
    toc_heading = style(doc, "TOC Heading", SANS, 18, bold=True, color=TEXT, before=0, after=12, page_break=True)
    set_child(toc_heading.element.get_or_add_pPr(), f'<w:pBdr {nsdecls("w")}><w:bottom w:val="nil"/></w:pBdr>',
              after="w:pageBreakBefore")  # it is based on Heading 1, whose rule only rubrics have
    style(doc, "Entry Meta", SANS, 9, color=MUTED, before=0, after=5, keep_next=True, base="Normal")
    style(doc, "Entry Source", SANS, 8.5, color=MUTED, before=0, after=14, base="Normal")
    style(doc, "Entry Note", SANS, 9, italic=True, color=RGBColor(0x6B, 0x4A, 0x00), after=4, base="Normal")
    for level, (size, indent) in enumerate(((11, 0), (10, 6)), start=1):
        toc = style(doc, f"toc {level}", SANS if level == 1 else SERIF, size, bold=level == 1, before=4 if level == 1 else 0,
                    after=2, base="Normal")
        toc.element.set(qn("w:styleId"), f"TOC{level}")  # Word's own id for its TOC levels
        toc.element.attrib.pop(qn("w:customStyle"), None)
        toc.paragraph_format.left_indent = Mm(indent)
    for level in (1, 2):  # leaders and page numbers at the right margin, as the PDF's contents
        doc.styles[f"toc {level}"].paragraph_format.tab_stops.add_tab_stop(Mm(168), WD_TAB_ALIGNMENT.RIGHT,
                                                                          WD_TAB_LEADER.DOTS)
    rubric = doc.styles["Heading 1"].element.get_or_add_pPr()
    set_child(rubric, f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="6" w:space="6" w:color="8A1C1C"/>'
                      '</w:pBdr>', after="w:pageBreakBefore")
    page_furniture(doc)
    table_style(doc)
    # Word and LibreOffice hyphenate by each run's language; Kazakh, which neither knows, carries soft hyphens.
    set_child(doc.settings.element, f'<w:autoHyphenation {nsdecls("w")}/>', after="w:defaultTabStop")
    style(doc, "Hyperlink", SANS, color=RGBColor(0x1A, 0x4F, 0x8A), kind=WD_STYLE_TYPE.CHARACTER)
    for section in doc.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin, section.right_margin = Mm(22), Mm(20)
        section.top_margin, section.bottom_margin = Mm(22), Mm(24)
    doc.core_properties.title = ""
    doc.core_properties.author = ""
    doc.save(out)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "layouts" / "reference.docx")
