"""The characters a DOCX uses and the project's fonts -> embedded font parts (subset, obfuscated per ECMA-376)."""

from __future__ import annotations

import functools
import hashlib
import io
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from ..fonts import read_cmap

# ECMA-376 Part 1, §17.8.1: a font part is a TrueType file whose first 32 bytes are XORed with its key.
FONT_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
FONT_RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/font"
EMBED_ELEMENTS = {(False, False): "embedRegular", (True, False): "embedBold",
                  (False, True): "embedItalic", (True, True): "embedBoldItalic"}
# Characters the document shows without them being in its text: page numbers (footer, an updated
# contents), contents leaders, list bullets, and the hyphen an application prints where it breaks a word.
ALWAYS = frozenset("0123456789. -\u00a0\u00ad•–")
FS_RESTRICTED, FS_NO_SUBSETTING, FS_BITMAP_ONLY = 0x0002, 0x0100, 0x0200


@dataclass(frozen=True)
class Face:
    family: str
    bold: bool
    italic: bool
    path: Path
    stamp: int  # modification time: part of every cache key, so an edited font is read again


def font_faces(folder: Path) -> dict[tuple[str, bool, bool], Face]:
    """Every face in the folder by (family, bold, italic), as the font's own name table and style bits say;
    read again when a file changes (``bulletin serve`` keeps running while fonts are added)."""
    return _read_faces(tuple((path, path.stat().st_mtime_ns) for path in sorted(folder.glob("*.ttf"))))


@functools.lru_cache(maxsize=4)
def _read_faces(files: tuple[tuple[Path, int], ...]) -> dict[tuple[str, bool, bool], Face]:
    from fontTools.ttLib import TTFont

    faces = {}
    for path, stamp in files:
        with TTFont(path, lazy=True) as font:
            family = font["name"].getBestFamilyName()
            style = font["head"].macStyle
        bold, italic = bool(style & 1), bool(style & 2)
        faces.setdefault((family, bold, italic), Face(family, bold, italic, path, stamp))
    return faces


def face_cmap(face: Face) -> frozenset[int]:
    return read_cmap(face.path, face.stamp)


Faces = dict[tuple[str, bool, bool], Face]


def find_face(faces: Faces, family: str, bold: bool, italic: bool) -> Face | None:
    """The face a run asks for, or the family's regular one (Word then emboldens or slants it)."""
    return faces.get((family, bold, italic)) or faces.get((family, False, False))


def fallback_family(faces: Faces, family: str, char: str) -> str | None:
    """A family of the folder that has ``char``: the same genre first (Noto Sans for a sans text), then any."""
    genre = "Sans" if "Sans" in family.split() else "Serif"
    families = sorted({f.family for f in faces.values()},
                      key=lambda name: (genre not in name.split(), len(name), name))
    for name in families:
        face = find_face(faces, name, False, False)
        if name != family and face and ord(char) in face_cmap(face):
            return name
    return None


def split_uncovered(faces: Faces, family: str, text: str) -> list[tuple[str | None, str]]:
    """``text`` in pieces: (None, piece) for what ``family`` shows, (fallback family, piece) for the rest."""
    face = find_face(faces, family, False, False)
    if face is None:
        return [(None, text)]
    cmap = face_cmap(face)
    if all(ord(char) in cmap for char in text):
        return [(None, text)]
    pieces: list[tuple[str | None, str]] = []
    for char in text:
        name = None if ord(char) in cmap or char in "\u00ad\u200b" else fallback_family(faces, family, char)
        if pieces and pieces[-1][0] == name:
            pieces[-1] = (name, pieces[-1][1] + char)
        else:
            pieces.append((name, char))
    return pieces


class StyleFaces:
    """Which family, bold and italic a run gets from its paragraph style, character style and own properties."""

    def __init__(self, styles_xml: str):
        self.styles: dict[str, tuple[str | None, dict]] = {}
        self.default_paragraph = "Normal"
        for match in re.finditer(r'<w:style ([^>]*)>(.*?)</w:style>', styles_xml, re.S):
            ident = re.search(r'w:styleId="([^"]+)"', match[1])[1]
            based = re.search(r'<w:basedOn w:val="([^"]+)"', match[2])
            rpr = re.search(r"<w:rPr>(.*?)</w:rPr>", match[2], re.S)
            self.styles[ident] = (based[1] if based else None, run_properties(rpr[1] if rpr else ""))
            if 'w:type="paragraph"' in match[1] and 'w:default="1"' in match[1]:
                self.default_paragraph = ident
        defaults = re.search(r"<w:rPrDefault>\s*<w:rPr>(.*?)</w:rPr>", styles_xml, re.S)
        self.defaults = {"family": "Times New Roman", "bold": False, "italic": False, "caps": False,
                         **run_properties(defaults[1] if defaults else "")}

    def _chain(self, ident: str | None, seen: tuple = ()) -> dict:
        if ident not in self.styles or ident in seen:
            return {}
        based, own = self.styles[ident]
        return {**self._chain(based, seen + (ident,)), **own}

    def face(self, paragraph_style: str | None, rpr: str, text: str = "") -> tuple[tuple[str, bool, bool], str]:
        """The run's (family, bold, italic), and the characters it shows: capitals too where styled in caps."""
        character = re.search(r'<w:rStyle w:val="([^"]+)"', rpr)
        props = {**self.defaults, **self._chain(paragraph_style or self.default_paragraph),
                 **self._chain(character[1] if character else None), **run_properties(rpr)}
        return (props["family"], props["bold"], props["italic"]), (text + text.upper() if props["caps"] else text)


def run_properties(rpr: str) -> dict:
    """The font-relevant part of one <w:rPr>: family (w:ascii), bold, italic, capitals, where it sets them."""
    props: dict = {}
    family = re.search(r'<w:rFonts [^>]*w:ascii="([^"]+)"', rpr)
    if family:
        props["family"] = family[1]
    for key, tag in (("bold", "b"), ("italic", "i"), ("caps", "caps"), ("caps", "smallCaps")):
        toggle = re.search(rf'<w:{tag}(?: w:val="([^"]*)")? ?/>', rpr)
        if toggle:
            props[key] = toggle[1] not in ("0", "false", "off")
    return props


def embedding_refusal(fs_type: int) -> str | None:
    """Why the font's licence bits (OS/2 fsType) forbid embedding it in a document, or None."""
    if fs_type & FS_BITMAP_ONLY:
        return "its licence allows embedding bitmaps only (OS/2 fsType bit 9)"
    if fs_type & 0x000F == FS_RESTRICTED:
        return "its licence forbids embedding (OS/2 fsType 0x0002, restricted)"
    return None


@functools.lru_cache(maxsize=64)
def subset_font(path: Path, stamp: int, chars: frozenset[str]) -> bytes:
    """The font cut down to ``chars``, without hinting (screens rarely use it; it is half the size)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    # recalcTimestamp off: the same characters give the same bytes, whatever the day.
    with TTFont(path, recalcTimestamp=False) as font:
        if font["OS/2"].fsType & FS_NO_SUBSETTING:
            return path.read_bytes()
        options = subset.Options()
        options.hinting = False
        options.notdef_outline = True
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=sorted(ord(c) for c in chars))
        subsetter.subset(font)
        out = io.BytesIO()
        font.save(out)
        return out.getvalue()


def font_key(data: bytes) -> str:
    """A GUID taken from the font's own bytes, so that one document always gets the same key."""
    return "{" + str(uuid.UUID(bytes=hashlib.sha256(data).digest()[:16])).upper() + "}"


def obfuscate(data: bytes, key: str) -> bytes:
    """XOR the first 32 bytes with the key's 16 bytes in reverse order; applied twice it gives the font back."""
    digits = bytes.fromhex(re.sub(r"[{}-]", "", key))[::-1]
    head = bytes(byte ^ digits[index % 16] for index, byte in enumerate(data[:32]))
    return head + data[32:]


def _font_entry(family: str, embeds: list[tuple[str, str, str]]) -> str:
    links = "".join(f'<w:{element} r:id="{rid}" w:fontKey="{key}" w:subsetted="1"/>'
                    for element, rid, key in embeds)
    return (f'<w:font w:name="{family}"><w:family w:val="{"swiss" if "Sans" in family else "roman"}"/>'
            f'<w:pitch w:val="variable"/>{links}</w:font>')


def embed_fonts(parts: dict[str, bytes], usage: dict[tuple[str, bool, bool], set[str]],
                folder: Path) -> list[tuple[Face, str]]:
    """Add font parts for every face in ``usage`` (characters by family, bold, italic) that the folder has.

    ``parts`` (zip member -> bytes) is changed in place; returns the faces whose licence refused embedding, and why.
    """
    from fontTools.ttLib import TTFont

    chosen: dict[Face, set[str]] = {}
    faces = font_faces(folder)
    for (family, bold, italic), chars in sorted(usage.items()):
        face = find_face(faces, family, bold, italic)
        if face is not None:
            chosen.setdefault(face, set()).update(chars)
    refused, entries, rels = [], {}, []
    for index, (face, chars) in enumerate(sorted(chosen.items(), key=lambda item: item[0].path.name), start=1):
        with TTFont(face.path, lazy=True) as font:
            refusal = embedding_refusal(font["OS/2"].fsType)
        if refusal:
            refused.append((face, refusal))
            continue
        data = subset_font(face.path, face.stamp, frozenset(chars | ALWAYS))
        key, rid = font_key(data), f"rIdFont{index}"
        parts[f"word/fonts/font{index}.odttf"] = obfuscate(data, key)
        rels.append(f'<Relationship Id="{rid}" Type="{FONT_RELATIONSHIP}" Target="fonts/font{index}.odttf"/>')
        entries.setdefault(face.family, []).append((EMBED_ELEMENTS[face.bold, face.italic], rid, key))
    if not entries:
        return refused
    order = list(EMBED_ELEMENTS.values())  # the schema's order of the four elements
    table = parts["word/fontTable.xml"].decode("utf-8")
    for family, embeds in entries.items():
        table = re.sub(rf'\s*<w:font w:name="{re.escape(family)}">.*?</w:font>', "", table, flags=re.S)
        table = table.replace("</w:fonts>", _font_entry(family, sorted(embeds, key=lambda e: order.index(e[0])))
                              + "</w:fonts>")
    parts["word/fontTable.xml"] = table.encode("utf-8")
    parts["word/_rels/fontTable.xml.rels"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships '
        'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' + "".join(rels)
        + "</Relationships>").encode("utf-8")
    types = parts["[Content_Types].xml"].decode("utf-8")
    if 'Extension="odttf"' not in types:
        odttf = f'<Default Extension="odttf" ContentType="{FONT_CONTENT_TYPE}" />'
        types = types.replace("<Default ", odttf + "<Default ", 1)
    parts["[Content_Types].xml"] = types.encode("utf-8")
    settings = parts["word/settings.xml"].decode("utf-8")
    if "<w:embedTrueTypeFonts" not in settings:
        # Schema order: zoom, …, embedTrueTypeFonts, embedSystemFonts, saveSubsetFonts, …, proofState. pandoc's
        # embedSystemFonts (embed Windows' own fonts too, when Word saves) is dropped: only ours travel.
        settings = re.sub(r"<w:embedSystemFonts ?/>", "", settings)
        anchor = r"(<w:zoom [^>]*/>)" if "<w:zoom " in settings else r"(<w:settings[^>]*>)"
        settings = re.sub(anchor, r"\1<w:embedTrueTypeFonts/><w:saveSubsetFonts/>", settings, count=1)
    parts["word/settings.xml"] = settings.encode("utf-8")
    return refused
