"""A bulletin view -> DOCX through pandoc: one AST for the month, styled by layouts/reference.docx."""

from __future__ import annotations

import base64
import html
import io
import json
import re
import zipfile

from ..edition import mark_docx
from ..locale import LANGUAGE_TAGS
from ..fonts import fonts_dir
from ..layouts import find_layout
from ..markdown import PandocError, hyphenate_blocks, run_pandoc, shift_headings
from ..references import ASSET_REF
from ..stats_section import stats_blocks
from ..typography import break_plain_url
from .base import RenderError, RenderOptions, Renderer
from .view import View
from .docx_fonts import StyleFaces, embed_fonts, font_faces, split_uncovered

API_VERSION = [1, 23, 1]
META_STYLE = "Entry Meta"
SOURCE_STYLE = "Entry Source"
NOTE_STYLE = "Entry Note"
COVER_DROP = 4535  # twentieths of a point: 80 mm


def inlines(text: str) -> list:
    """Plain text -> pandoc inlines (ordinary spaces become Space; no-break spaces stay in words)."""
    out: list = []
    for index, word in enumerate(text.split(" ")):
        if index:
            out.append({"t": "Space"})
        if word:
            out.append({"t": "Str", "c": word})
    return out


def _meta_text(value: str) -> dict:
    return {"t": "MetaInlines", "c": inlines(value)}


def _styled(style: str, content: list, lang: str | None = None) -> dict:
    attrs = [["custom-style", style]] + ([["lang", lang]] if lang else [])
    return {"t": "Div", "c": [["", [], attrs], [{"t": "Para", "c": content}]]}


def _header(level: int, ident: str, text: str) -> dict:
    return {"t": "Header", "c": [level, [ident, [], []], inlines(text)]}


def _link(entry) -> dict:
    return {"t": "Link", "c": [["", [], []], [{"t": "Str", "c": entry.source_text}], [entry.source, ""]]}


def embed_images(blocks: list, assets: list) -> list:
    """Asset placeholders -> data: URIs, which pandoc embeds without reading any file (it runs sandboxed)."""
    text = json.dumps(blocks, ensure_ascii=False)

    def replace(match: re.Match) -> str:
        asset = assets[int(match.group(1))]
        return f"data:{asset.mime};base64," + base64.b64encode(asset.path.read_bytes()).decode("ascii")
    return json.loads(ASSET_REF.sub(replace, text)) if assets else blocks


def build_document(view: View) -> dict:
    _ = view.gettext
    blocks: list = []
    for section in view.sections:
        blocks.append(_header(1, section.anchor, section.title))
        for entry in section.entries:
            part: list = [_header(2, entry.anchor, entry.title)]
            meta = ", ".join(entry.authors)
            for piece in (entry.outlet, entry.date_text, entry.region):
                if piece:
                    meta = f"{meta} · {piece}" if meta else piece
            if meta:
                part.append(_styled(META_STYLE, inlines(meta)))
            if entry.untranslated:
                part.append(_styled(NOTE_STYLE, inlines(_("Not yet translated: shown in the original language.")),
                                    LANGUAGE_TAGS[view.lang]))
            if entry.body is not None:
                body = hyphenate_blocks(shift_headings(entry.body.blocks, 3), entry.lang)  # Word knows no Kazakh
                part.extend(embed_images(body, entry.body.assets))
            if entry.source:
                part.append(_styled(SOURCE_STYLE, inlines(_("Source:")) + [{"t": "Space"}, _link(entry)],
                                    LANGUAGE_TAGS[view.lang]))
            if entry.foreign:
                part = [{"t": "Div", "c": [["", [], [["lang", LANGUAGE_TAGS[entry.lang]]]], part]}]
            blocks.extend(part)
    blocks.extend(stats_blocks(view))
    if view.untranslated:
        blocks.append(_header(1, "untranslated", _("Not yet translated")))
        blocks.append({"t": "Para", "c": inlines(_("These items are available only in the original language:"))})
        items = []
        for entry in view.untranslated:
            text = [{"t": "Span", "c": [["", [], [["lang", LANGUAGE_TAGS[entry.lang]]]], inlines(entry.title)]}]
            if entry.date_text:
                text += inlines(f"\u00a0— {entry.date_text}")
            if entry.source:  # as the PDF's list: where to read it meanwhile
                text += [{"t": "Space"}, {"t": "Str", "c": "("}, _link(entry), {"t": "Str", "c": ")"}]
            items.append([{"t": "Plain", "c": text}])
        blocks.append({"t": "BulletList", "c": items})
    meta = {
        "title": _meta_text(view.publication),
        "subtitle": _meta_text(view.month_title),
        "lang": {"t": "MetaString", "c": LANGUAGE_TAGS[view.lang]},
        "toc-title": _meta_text(_("Contents")),
        "description": _meta_text(view.count_text),
        "date": _meta_text(view.count_text),  # the cover's last line, as in the PDF
    }
    if view.publisher:
        meta["author"] = {"t": "MetaList", "c": [_meta_text(view.publisher)]}
    return {"pandoc-api-version": API_VERSION, "meta": meta, "blocks": blocks}


def render_docx(view: View, timeout: int, problems=None) -> bytes:
    """``problems``, when given, is told about fonts whose licence keeps them out of the file."""
    reference = find_layout(view.config, "reference.docx")
    document = build_document(view)
    data = run_pandoc(["-f", "json", "-t", "docx", "--toc", "--toc-depth=2",
                       f"--reference-doc={reference}", "-o", "-"], json.dumps(document).encode("utf-8"), timeout)
    parts, folder = finish_docx(data, view), fonts_dir(view.config)
    mark_docx(parts, view.extra.get("edition_mark"))
    for face, reason in embed_fonts(parts, mark_runs(parts, LANGUAGE_TAGS[view.lang], folder), folder):
        if problems is not None:
            problems.warning(face.path, 0, f"{face.family} is not embedded in the DOCX: {reason}",
                             code="docx.font-not-embedded")
    return write_parts(parts)


def _xml_text(text: str) -> str:
    return html.escape(text.replace("\u00a0", "\u00a0"), quote=False)


def _toc_paragraphs(view: View, instruction: str) -> str:
    """A filled-in contents field: readers see it at once (neither Word nor LibreOffice updates it on opening);
    Word's Update Table (F9) and LibreOffice's Update Index rebuild it with page numbers."""
    rows = []
    for section in view.sections:
        rows.append((1, section.anchor, section.title))
        rows.extend((2, entry.anchor, entry.title) for entry in section.entries)
    if view.extra.get("statistics"):
        rows.append((1, view.extra["statistics"].anchor, view.extra["statistics"].title))
    if view.untranslated:
        rows.append((1, "untranslated", view.gettext("Not yet translated")))
    if not rows:
        return ""
    out = []
    for index, (level, anchor, text) in enumerate(rows):
        begin = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
                 f'<w:r><w:instrText xml:space="preserve">{instruction}</w:instrText></w:r>'
                 '<w:r><w:fldChar w:fldCharType="separate"/></w:r>') if index == 0 else ""
        end = '<w:r><w:fldChar w:fldCharType="end"/></w:r>' if index == len(rows) - 1 else ""
        link = (f'<w:hyperlink w:anchor="{anchor}" w:history="1"><w:r><w:t xml:space="preserve">'
                f'{_xml_text(text)}</w:t></w:r></w:hyperlink>')
        out.append(f'<w:p><w:pPr><w:pStyle w:val="TOC{level}"/></w:pPr>{begin}{link}{end}</w:p>')
    return "".join(out)


_TOC_FIELD = re.compile(r'<w:p><w:r><w:fldChar w:fldCharType="begin" w:dirty="true" ?/>'
                        r'<w:instrText xml:space="preserve">(?P<instr>TOC [^<]*)</w:instrText>'
                        r'<w:fldChar w:fldCharType="separate" ?/><w:fldChar w:fldCharType="end" ?/></w:r></w:p>')


def finish_docx(data: bytes, view: View) -> dict[str, bytes]:
    """pandoc's DOCX -> its parts with a filled contents field, the PDF's cover, real bullets, dated properties."""
    source = zipfile.ZipFile(io.BytesIO(data))
    parts: dict[str, bytes] = {}
    stamp = view.created.strftime("%Y-%m-%dT%H:%M:%SZ")
    for info in source.infolist():
        content = source.read(info.filename)
        if info.filename == "word/document.xml":
            text = content.decode("utf-8")
            text = _TOC_FIELD.sub(lambda m: _toc_paragraphs(view, html.unescape(m["instr"])), text, count=1)
            # pandoc names a picture by its source, here a whole data: URI (the picture twice over); the
            # alternative text Word and LibreOffice show is wp:docPr's descr, which pandoc fills from the alt
            text = re.sub(r'(<pic:cNvPr [^>]*?descr=")data:[^"]*"', r'\1"', text)
            content = arrange_cover(text).encode("utf-8")
        elif info.filename == "word/numbering.xml":
            text = content.decode("utf-8")
            # pandoc's bullets are Symbol-font private-use glyphs: tofu wherever Symbol is missing.
            text = text.replace('w:val="\uf0b7"', 'w:val="•"').replace('<w:lvlText w:val="o" />',
                                                                     '<w:lvlText w:val="–" />')
            text = re.sub(r'<w:rFonts w:ascii="(Symbol|Courier New|Wingdings)"[^>]*/>', "", text)
            content = text.encode("utf-8")
        elif info.filename == "docProps/core.xml":
            text = content.decode("utf-8")
            text = re.sub(r'(<dcterms:(created|modified) xsi:type="dcterms:W3CDTF">)[^<]*', rf"\g<1>{stamp}", text)
            text = text.replace("\u00a0", " ")  # properties are searched and shown in file managers
            content = text.encode("utf-8")
        parts[info.filename] = content
    return parts


def write_parts(parts: dict[str, bytes]) -> bytes:
    """Zip entries in pandoc's order, new ones last, with a fixed timestamp: the same parts give the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in parts.items():
            entry = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, content)
    return out.getvalue()


def arrange_cover(document: str) -> str:
    """pandoc's title block -> the PDF's cover: the publisher first, a third down a page of its own without
    header or footer; then the contents in a section with page numbers but no running rubric."""
    final = document[document.rfind("<w:sectPr>"):document.rfind("</w:sectPr>") + len("</w:sectPr>")]
    author = re.search(r'<w:p>\s*<w:pPr>\s*<w:pStyle w:val="Author" />.*?</w:p>\s*', document, re.S)
    if author:
        document = document.replace(author[0], "", 1)
        document = re.sub(r'(<w:p>\s*<w:pPr>\s*<w:pStyle w:val="Title" />)', lambda m: author[0] + m[1], document,
                          count=1)
    toc = document.find("<w:sdt>")
    cover_end = document.rfind("</w:pPr>", 0, toc)
    if not final or toc < 0 or cover_end < 0:
        return document
    cover = re.sub(r"<w:(header|footer)Reference [^>]*/>\s*", "", final)
    end = document.find("</w:sdt>", toc) + len("</w:sdt>")
    contents = re.sub(r"<w:headerReference [^>]*/>\s*", "", final)
    document = document[:end] + f"<w:p><w:pPr>{contents}</w:pPr></w:p>" + document[end:]
    document = document[:cover_end] + cover + document[cover_end:]
    # Space above rather than w:vAlign, which LibreOffice ignores: the PDF's cover block starts 80 mm down.
    return re.sub(r'(<w:pStyle w:val="[^"]+" />)', rf'\1<w:spacing w:before="{COVER_DROP}" />', document, count=1)


_PARAGRAPH = re.compile(r"<w:p>.*?</w:p>", re.S)
_RUN = re.compile(r'<w:r>(?:<w:rPr>(?P<rpr>(?:(?!</w:rPr>).)*)</w:rPr>)?'
                  r'<w:t xml:space="preserve">(?P<text>[^<]*)</w:t></w:r>', re.S)


_HYPHEN_RUN = re.compile(r'<w:r>(?P<rpr><w:rPr>(?:(?!</w:rPr>).)*</w:rPr>)?'
                         r'<w:t xml:space="preserve">(?P<left>[^<]*)</w:t></w:r>'
                         r'<w:r><w:softHyphen ?/></w:r><w:r>(?P<rpr2><w:rPr>(?:(?!</w:rPr>).)*</w:rPr>)?'
                         r'<w:t xml:space="preserve">', re.S)


def join_soft_hyphens(xml: str) -> str:
    """pandoc cuts a word at each soft hyphen into runs of its own: join them back, so the word is one run."""
    def join(match: re.Match) -> str:
        if match["rpr"] != match["rpr2"]:
            return match[0]
        return f'<w:r>{match["rpr"] or ""}<w:t xml:space="preserve">{match["left"]}\u00ad'
    while True:
        joined = _HYPHEN_RUN.sub(join, xml)
        if joined == xml:
            return xml
        xml = joined


def _text_elements(text: str) -> str:
    """Soft hyphens as Word's own optional-hyphen element, which Word and LibreOffice both honour."""
    return "<w:softHyphen/>".join(f'<w:t xml:space="preserve">{_xml_text(piece)}</w:t>' if piece else ""
                                  for piece in text.split("\u00ad"))


def _with_font(rpr: str, family: str) -> str:
    fonts = f'<w:rFonts w:ascii="{family}" w:hAnsi="{family}" w:cs="{family}" w:eastAsia="{family}" />'
    rpr = re.sub(r"<w:rFonts [^>]*/>", "", rpr)
    style = re.match(r'<w:rStyle [^>]*/>', rpr)
    return rpr[:style.end()] + fonts + rpr[style.end():] if style else fonts + rpr


def mark_runs(parts: dict[str, bytes], lang: str, folder) -> dict[tuple[str, bool, bool], set[str]]:
    """Every text run gets its language, Word's soft hyphens, and a fallback font for characters its own
    font lacks (₸ is not in PT Serif). Returns the characters each face (family, bold, italic) shows."""
    faces, fonts = StyleFaces(parts["word/styles.xml"].decode("utf-8")), font_faces(folder)
    usage: dict[tuple[str, bool, bool], set[str]] = {}
    rubrics: set[str] = set()

    def paragraph(match: re.Match) -> str:
        style = re.search(r'<w:pStyle w:val="([^"]+)"', match[0])
        style = style[1] if style else None

        def run(match: re.Match) -> str:
            rpr, text = match["rpr"] or "", html.unescape(match["text"])
            if 'w:rStyle w:val="Hyperlink"' in rpr:
                text = break_plain_url(text)  # a printed address breaks only after / . - ? &, as in the PDF
            rpr += "" if "<w:lang " in rpr else f'<w:lang w:val="{lang}" />'
            (family, bold, italic), _ = faces.face(style, rpr)
            if style == "Heading1":
                rubrics.update(text)
            out = []
            for fallback, piece in split_uncovered(fonts, family, text):
                usage.setdefault((fallback or family, bold, italic), set()).update(faces.face(style, rpr, piece)[1])
                out.append(f"<w:r><w:rPr>{_with_font(rpr, fallback) if fallback else rpr}</w:rPr>"
                           f"{_text_elements(piece)}</w:r>")
            return "".join(out)
        return _RUN.sub(run, match[0])

    for name in ("word/document.xml", "word/footnotes.xml"):
        if name in parts:
            parts[name] = _PARAGRAPH.sub(paragraph, join_soft_hyphens(parts[name].decode("utf-8"))).encode("utf-8")
    for name in [n for n in parts if re.fullmatch(r"word/(header|footer)\d+\.xml", n)]:
        text = parts[name].decode("utf-8")
        style = re.search(r'<w:pStyle w:val="([^"]+)"', text)
        face = usage.setdefault(faces.face(style[1] if style else None, "")[0], set())
        if "STYLEREF" in text:
            face.update(rubrics)  # the running header shows each rubric's title
    return usage


class DocxRenderer(Renderer):
    format, suffix = "docx", ".docx"
    media_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

    def render(self, view: View, options: RenderOptions) -> bytes:
        try:
            return render_docx(view, view.config.timeouts["pandoc"], options.problems)
        except PandocError as exc:
            raise RenderError(str(exc)) from exc
