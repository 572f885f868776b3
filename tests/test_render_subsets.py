"""Font subsets merged after assembly (render/subsets.py): one font program per font, every glyph drawn as
before, the same text; subsets that are not of one font are left as they are."""

from __future__ import annotations

import io
import pikepdf
import pytest
from fontTools.pens.recordingPen import DecomposingRecordingPen
from fontTools.ttLib import TTFont

from bulletin.fonts import DEFAULT_FONTS
from bulletin.render.assembly import assemble
from pdfcheck import page_texts

# й and ё are composites in PT Serif (a base letter and an accent): their accents are components that
# WeasyPrint renumbers past the last glyph a chunk uses, differently in each chunk.
TEXTS = ("Съезд «йода» и 2030 год: рейд", "Ёжик, ёлка, бой — «объём» 15 МРП")


def render(text: str, font: str = "PT_Serif-Regular.ttf", subsetter: str = "harfbuzz") -> bytes:
    """``subsetter`` "fonttools": WeasyPrint's subsets as on a machine without HarfBuzz's subsetter."""
    import weasyprint
    import weasyprint.pdf.fonts as fonts

    if subsetter == "fonttools" and fonts.harfbuzz_subset:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(fonts, "harfbuzz_subset", None)
            return render(text, font, subsetter)

    css = (f'@font-face {{ font-family: "Body"; src: url("{(DEFAULT_FONTS / font).as_uri()}"); }} '
           'body { font-family: "Body"; font-size: 14pt; }')
    return weasyprint.HTML(string=f"<html lang=ru><style>{css}</style><p>{text}</p>").write_pdf()


@pytest.fixture(scope="module")
def pieces():
    return [render(text) for text in TEXTS]


def programs(data: bytes) -> dict[str, set]:
    """Font name -> the font programs embedded under it."""
    found: dict[str, set] = {}
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            for font in page.Resources.Font.values():
                program = font.DescendantFonts[0].FontDescriptor.FontFile2
                found.setdefault(str(font.BaseFont), set()).add(program.objgen)
    return found


def drawn(data: bytes) -> list[list[tuple]]:
    """Each page's glyphs as drawn: (font name, glyph id, the outline the font program gives it)."""
    pages = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            fonts = {name: (str(font.BaseFont), TTFont(io.BytesIO(
                font.DescendantFonts[0].FontDescriptor.FontFile2.read_bytes()))) for name, font in page.Resources.Font.items()}
            glyphs, current = [], None
            for operands, operator in pikepdf.parse_content_stream(page):
                if str(operator) == "Tf":
                    current = fonts[str(operands[0])]
                shown = [operands[0]] if str(operator) == "Tj" else list(operands[0]) if str(operator) == "TJ" else []
                for item in shown:
                    if isinstance(item, pikepdf.String):
                        raw = bytes(item)
                        for gid in (int.from_bytes(raw[i:i + 2], "big") for i in range(0, len(raw), 2)):
                            pen = DecomposingRecordingPen(current[1].getGlyphSet())
                            current[1].getGlyphSet()[current[1].getGlyphOrder()[gid]].draw(pen)
                            glyphs.append((current[0], gid, tuple(pen.value)))
            pages.append(glyphs)
    return pages


@pytest.mark.parametrize("subsetter", ["harfbuzz", "fonttools"])
def test_each_font_is_embedded_once_and_draws_every_glyph_as_its_chunk_did(subsetter):
    pieces = [render(text, subsetter=subsetter) for text in TEXTS]
    assert all(len(p) == 1 for p in programs(pieces[0]).values())
    merged = assemble([(data, frozenset()) for data in pieces])
    assert {name: len(found) for name, found in programs(merged).items()} == {
        name: 1 for name in programs(pieces[0])}
    before = [glyphs for data in pieces for glyphs in drawn(data)]
    assert drawn(merged) == before
    assert any(outline for glyphs in before for _, _, outline in glyphs)  # outlines were compared, not nothing
    assert page_texts(merged) == [text for data in pieces for text in page_texts(data)]


def outlines(data: bytes) -> int:
    """The glyphs with an outline in the first page's (only) font program."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        [font] = pdf.pages[0].Resources.Font.values()
        program = TTFont(io.BytesIO(font.DescendantFonts[0].FontDescriptor.FontFile2.read_bytes()))
    return sum(1 for name in program.getGlyphOrder() if program["glyf"][name].numberOfContours != 0)


def test_the_merged_font_holds_each_accent_once_though_each_chunk_numbered_its_own():
    merged = assemble([(render(text), frozenset()) for text in ("й", "ё", "йё")])
    assert [len(found) for found in programs(merged).values()] == [1]
    assert outlines(merged) == outlines(render("йё"))  # й, ё, и, е, breve, dieresis


def test_subsets_of_different_fonts_under_one_name_are_left_as_they_are(pieces):
    other = render(TEXTS[1], "PT_Sans-Regular.ttf")  # the same family name, "Body", but another font
    assert programs(other).keys() == programs(pieces[0]).keys()
    merged = assemble([(pieces[0], frozenset()), (other, frozenset())])
    assert [len(found) for found in programs(merged).values()] == [2]
    assert drawn(merged) == drawn(pieces[0]) + drawn(other)
