"""pandoc's default reference.docx -> layouts/reference.docx styled like the PDF (run after style changes).

Usage: python scripts/make_reference_docx.py [OUT]. Needs python-docx (a test dependency).
pandoc's default styles name theme fonts (Aptos), whose theme attributes override explicit font
names in Word; this script removes them so PT Serif / PT Sans are what every style says.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pypandoc
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
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
          keep_next=None, page_break=None, align=None, base=None, kind=WD_STYLE_TYPE.PARAGRAPH):
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
    return s


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
    style(doc, "Body Text", SERIF, 10.5, before=0, after=5, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    style(doc, "First Paragraph", SERIF, 10.5, before=0, after=5, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    style(doc, "Compact", SERIF, 10.5, before=0, after=2)
    style(doc, "Block Text", SERIF, 10, italic=True, before=3, after=5)
    style(doc, "Title", SANS, 28, bold=True, color=TEXT, before=120, after=12)
    style(doc, "Subtitle", SANS, 20, color=ACCENT, after=6)
    style(doc, "Author", SANS, 12, color=MUTED, after=6)
    style(doc, "Date", SANS, 11, color=MUTED)
    style(doc, "Abstract", SANS, 11, color=MUTED)
    style(doc, "Heading 1", SANS, 17, bold=True, color=ACCENT, before=0, after=12, keep_next=True, page_break=True)
    style(doc, "Heading 2", SANS, 12.5, bold=True, color=TEXT, before=16, after=3, keep_next=True)
    style(doc, "Heading 3", SANS, 10.5, bold=True, color=TEXT, before=8, after=3, keep_next=True)
    style(doc, "Heading 4", SANS, 10.5, bold=False, italic=True, color=TEXT, before=6, after=2, keep_next=True)
    style(doc, "TOC Heading", SANS, 18, bold=True, color=TEXT, before=0, after=12, page_break=True)
    style(doc, "Entry Meta", SANS, 9, color=MUTED, before=0, after=5, keep_next=True, base="Normal")
    style(doc, "Entry Source", SANS, 8.5, color=MUTED, before=0, after=14, base="Normal")
    style(doc, "Entry Note", SANS, 9, italic=True, color=RGBColor(0x6B, 0x4A, 0x00), after=4, base="Normal")
    for level, (size, indent) in enumerate(((11, 0), (10, 6)), start=1):
        toc = style(doc, f"toc {level}", SANS if level == 1 else SERIF, size, bold=level == 1, before=4 if level == 1 else 0,
                    after=2, base="Normal")
        toc.element.set(qn("w:styleId"), f"TOC{level}")  # Word's own id for its TOC levels
        toc.element.attrib.pop(qn("w:customStyle"), None)
        toc.paragraph_format.left_indent = Mm(indent)
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
