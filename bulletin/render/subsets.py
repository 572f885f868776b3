"""An assembled PDF's font subsets, one per chunk and font -> one subset per font.

Its glyphs, widths and ToUnicode map are the union of theirs. WeasyPrint 70 subsets a TrueType
font keeping the ids of the glyphs a chunk uses (HarfBuzz with RETAIN_GIDS, then every glyph up to the
last used one, so the text's CIDs are the font's own ids); only the components of composite glyphs
beyond that last one are renumbered after it. The glyphs of every chunk's subset are therefore put
back together at their ids, and the renumbered components deduplicated by their outline. A font whose
subsets do not agree (another font under the same name, an encoding other than Identity-H, a PDF/A-1
CIDSet) is left as it is: merging is only ever a saving of bytes.
"""

from __future__ import annotations

import io
import re

import pikepdf
from pikepdf import Array, Name

# Tables that differ from one subset of a font to another only by what the subset holds: rebuilt from the
# merged glyphs. Every other table must be the same bytes in each subset, or they are not one font.
PER_SUBSET = {"glyf", "loca", "hmtx", "hhea", "maxp", "head", "OS/2", "cmap", "post", "GlyphOrder"}
_BFCHAR = re.compile(rb"<([0-9a-fA-F]{4})>\s*<([0-9a-fA-F]*)>")
CMAP_HEAD = b"""/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CIDSystemInfo
<< /Registry (Adobe)
/Ordering (UCS)
/Supplement 0
>> def
/CMapName /Adobe-Identity-UCS def
/CMapType 2 def
1 begincodespacerange
<0000> <ffff>
endcodespacerange
"""
CMAP_TAIL = b"endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"


class Disagree(Exception):
    """The subsets cannot be merged into one font; the font is left as it is."""


def merge_subsets(pdf: pikepdf.Pdf) -> int:
    """Every group of same-named TrueType subsets in ``pdf`` replaced by one; the number of font
    dictionaries that gave way. Fonts are found in every resource dictionary (pages, forms, patterns)."""
    holders = [obj.Resources.Font for obj in pdf.objects
               if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)) and "/Resources" in obj
               and isinstance(obj.Resources, pikepdf.Dictionary) and "/Font" in obj.Resources]
    groups: dict[str, dict[tuple[int, int], pikepdf.Dictionary]] = {}
    for fonts in holders:
        for font in fonts.values():
            if font.is_indirect and _mergeable(font):
                groups.setdefault(str(font.BaseFont), {})[font.objgen] = font
    replaced: dict[tuple[int, int], pikepdf.Dictionary] = {}
    for group in groups.values():
        if len(group) < 2:
            continue
        fonts = list(group.values())
        try:
            _merge_into(pdf, fonts)
        except Disagree:
            continue
        replaced.update({font.objgen: fonts[0] for font in fonts[1:]})
    for fonts in holders:
        for name, font in list(fonts.items()):
            if font.objgen in replaced:
                fonts[name] = replaced[font.objgen]
    return len(replaced)


def _mergeable(font) -> bool:
    if font.get("/Subtype") != Name.Type0 or font.get("/Encoding") != Name("/Identity-H") \
            or "/ToUnicode" not in font or len(font.get("/DescendantFonts", [])) != 1:
        return False
    cid = font.DescendantFonts[0]
    descriptor = cid.get("/FontDescriptor")
    return (cid.get("/Subtype") == Name.CIDFontType2 and cid.get("/CIDToGIDMap") == Name.Identity
            and descriptor is not None and "/FontFile2" in descriptor and "/CIDSet" not in descriptor)


def _merge_into(pdf: pikepdf.Pdf, fonts: list) -> None:
    """The first font dictionary of the group becomes the merged font (the others are then unused)."""
    texts: dict[int, bytes] = {}
    widths: dict[int, object] = {}
    programs: dict[tuple[int, int], tuple[pikepdf.Stream, set[int]]] = {}
    for font in fonts:
        used = _read_cmap(font.ToUnicode.read_bytes(), texts)
        _read_widths(font.DescendantFonts[0].W, widths)
        program = font.DescendantFonts[0].FontDescriptor.FontFile2
        programs.setdefault(program.objgen, (program, set()))[1].update(used)
    data = merge_programs([(program.read_bytes(), max(used)) for program, used in programs.values() if used])
    first = fonts[0]
    cid = first.DescendantFonts[0]
    descriptor = cid.FontDescriptor
    descriptor.FontFile2 = pikepdf.Stream(pdf, data)
    descriptor.FontFile2.Length1 = len(data)
    values = [float(w) for w in widths.values()]
    bbox = list(descriptor.FontBBox)
    descriptor.FontBBox = Array([bbox[0], bbox[1], max(values), bbox[3]])
    fixed = len(values) > 1 and len(set(values)) == 1  # FixedPitch, as WeasyPrint sets it
    descriptor.Flags = (int(descriptor.Flags) & ~1) | int(fixed)
    cid.W = _write_widths(widths)
    first.ToUnicode = pikepdf.Stream(pdf, _write_cmap(texts))


def _read_cmap(data: bytes, texts: dict[int, bytes]) -> set[int]:
    """WeasyPrint's ToUnicode (bfchar lines only) into ``texts``; the glyph ids it maps."""
    if b"bfrange" in data:
        raise Disagree("a ToUnicode map with ranges")
    used = set()
    for glyph, text in _BFCHAR.findall(data):
        gid = int(glyph, 16)
        if texts.setdefault(gid, text.lower()) != text.lower():
            raise Disagree(f"glyph {gid} stands for different text in two subsets")
        used.add(gid)
    return used


def _write_cmap(texts: dict[int, bytes]) -> bytes:
    items = sorted(texts.items())
    lines = [CMAP_HEAD]
    for start in range(0, len(items), 100):  # at most 100 entries per bfchar block (PDF 32000 9.10.3)
        batch = items[start:start + 100]
        lines.append(b"%d beginbfchar\n" % len(batch))
        lines += [b"<%04x> <%s>\n" % (gid, text) for gid, text in batch]
        lines.append(b"endbfchar\n")
    return b"".join(lines) + CMAP_TAIL


def _read_widths(array, widths: dict[int, object]) -> None:
    items = list(array)
    if len(items) % 2:
        raise Disagree("a /W array with ranges")
    for first, run in zip(items[::2], items[1::2]):
        if not isinstance(run, Array):
            raise Disagree("a /W array with ranges")
        for gid, width in enumerate(run, int(first)):
            if float(widths.setdefault(gid, width)) != float(width):
                raise Disagree(f"glyph {gid} has different widths in two subsets")


def _write_widths(widths: dict[int, object]) -> Array:
    result, previous = Array(), None
    for gid in sorted(widths):
        if previous is None or gid != previous + 1:
            result.append(gid)
            result.append(Array())
        result[-1].append(widths[gid])
        previous = gid
    return result


def merge_programs(programs: list[tuple[bytes, int]]) -> bytes:
    """TrueType subsets of one font, each with the last glyph id its text uses, -> one font: glyph ids up
    to the last one used anywhere keep their ids; the renumbered components follow, one of each outline."""
    from fontTools.ttLib import TTFont

    fonts = [(TTFont(io.BytesIO(data), recalcTimestamp=False), last) for data, last in programs]
    base = max(fonts, key=lambda pair: pair[1])[0]
    if any(sorted(font.reader.keys()) != sorted(base.reader.keys()) or "glyf" not in font.reader
           or any(font.reader[tag] != base.reader[tag] for tag in font.reader.keys() if tag not in PER_SUBSET)
           for font, _ in fonts):
        raise Disagree("subsets of different fonts under one name")
    prefix = max(last for _, last in fonts) + 1
    glyphs: dict[int, tuple[bytes, tuple[int, int]]] = {}  # merged id -> (glyph data, metrics)
    tails: dict[tuple[bytes, tuple[int, int]], int] = {}
    subsets = []
    for font, last in fonts:
        own, glyf, hmtx = font.getGlyphOrder(), font["glyf"], font["hmtx"].metrics
        data = [_raw(glyf, name) for name in own]
        metrics = [tuple(hmtx[name]) for name in own]
        mapping = {gid: gid for gid in range(min(last + 1, len(own)))}
        for gid in range(last + 1, len(own)):  # the renumbered components: simple outlines, found by their bytes
            if not data[gid]:
                continue  # fontTools' subsets (without HarfBuzz's) keep unused ids before a component empty
            if data[gid][:2] == b"\xff\xff":
                raise Disagree("a composite component past the last glyph used")
            mapping[gid] = tails.setdefault((data[gid], metrics[gid]), prefix + len(tails))
            glyphs.setdefault(mapping[gid], (data[gid], metrics[gid]))
        subsets.append((font, data, metrics, mapping))
    order = [".notdef"] + [f"glyph{gid:05d}" for gid in range(1, prefix + len(tails))]
    merged = font["glyf"].__class__()
    merged.setGlyphOrder(order)
    for font, data, metrics, mapping in subsets:
        for gid in range(min(prefix, len(data))):
            if gid not in mapping or mapping[gid] != gid or (not data[gid] and metrics[gid] == (0, 0)):
                continue  # a renumbered component, or an id this subset does not use
            glyph = data[gid]
            if glyph[:2] == b"\xff\xff":  # composite: its components' ids as the merged font has them
                glyph = _renumber(font, glyph, mapping, merged, order)
            if glyphs.setdefault(gid, (glyph, metrics[gid])) != (glyph, metrics[gid]):
                raise Disagree(f"glyph {gid} differs between two subsets")
    return _write_font(base, subsets, glyphs, order)


def _raw(glyf, name: str) -> bytes:
    glyph = glyf.glyphs[name]
    return glyph.data if hasattr(glyph, "data") else glyph.compile(glyf, recalcBBoxes=False)


def _renumber(font, data: bytes, mapping: dict[int, int], merged, order: list[str]) -> bytes:
    from fontTools.ttLib.tables._g_l_y_f import Glyph

    glyph = Glyph(data)
    glyph.expand(font["glyf"])
    for component in glyph.components:
        if font.getGlyphID(component.glyphName) not in mapping:
            raise Disagree("a component that is not in the subset")
        component.glyphName = order[mapping[font.getGlyphID(component.glyphName)]]
    return glyph.compile(merged, recalcBBoxes=False)


def _write_font(base, subsets, glyphs, order) -> bytes:
    from fontTools.ttLib.tables._g_l_y_f import Glyph

    cmaps: dict[tuple[int, int], dict[int, str]] = {}
    for font, _, _, mapping in subsets:
        for table in font["cmap"].tables:
            mine = cmaps.setdefault((table.platformID, table.platEncID), {})
            for code, name in table.cmap.items():
                gid = font.getGlyphID(name)
                if gid in mapping:
                    mine.setdefault(code, order[mapping[gid]])
    for tag in base.reader.keys():
        base[tag]  # every table read before the glyph order changes under the ones read lazily
    base.setGlyphOrder(order)
    glyf = base["glyf"]
    glyf.setGlyphOrder(order)
    glyf.glyphs = {name: Glyph(glyphs[gid][0]) if gid in glyphs else Glyph() for gid, name in enumerate(order)}
    base["hmtx"].metrics = {name: glyphs[gid][1] if gid in glyphs else (0, 0) for gid, name in enumerate(order)}
    base["maxp"].numGlyphs = len(order)
    base["post"].formatType = 3.0  # no glyph names, as HarfBuzz writes its subsets
    for table in base["cmap"].tables:
        table.cmap = dict(cmaps.get((table.platformID, table.platEncID), {}))
    buffer = io.BytesIO()
    base.save(buffer)
    return buffer.getvalue()
