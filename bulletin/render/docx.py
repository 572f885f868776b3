"""A bulletin view -> DOCX through pandoc: one AST for the month, styled by layouts/reference.docx."""

from __future__ import annotations

import base64
import html
import io
import json
import re
import zipfile

from ..locale import LANGUAGE_TAGS
from ..markdown import ASSET_REF, run_pandoc, shift_headings
from . import View, find_layout

API_VERSION = [1, 23, 1]
META_STYLE = "Entry Meta"
SOURCE_STYLE = "Entry Source"
NOTE_STYLE = "Entry Note"


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
            for piece in (entry.outlet, entry.date_text):
                if piece:
                    meta = f"{meta} · {piece}" if meta else piece
            if meta:
                part.append(_styled(META_STYLE, inlines(meta)))
            if entry.untranslated:
                part.append(_styled(NOTE_STYLE, inlines(_("Not yet translated: shown in the original language.")),
                                    LANGUAGE_TAGS[view.lang]))
            if entry.body is not None:
                part.extend(embed_images(shift_headings(entry.body.blocks, 3), entry.body.assets))
            if entry.source:
                link = {"t": "Link", "c": [["", [], []], [{"t": "Str", "c": entry.source_text}], [entry.source, ""]]}
                part.append(_styled(SOURCE_STYLE, inlines(_("Source:")) + [{"t": "Space"}, link],
                                    LANGUAGE_TAGS[view.lang]))
            if entry.foreign:
                part = [{"t": "Div", "c": [["", [], [["lang", LANGUAGE_TAGS[entry.lang]]]], part]}]
            blocks.extend(part)
    if view.untranslated:
        blocks.append(_header(1, "untranslated", _("Not yet translated")))
        blocks.append({"t": "Para", "c": inlines(_("These items are available only in the original language:"))})
        items = []
        for entry in view.untranslated:
            text = entry.title + (f"\u00a0— {entry.date_text}" if entry.date_text else "")  # the dash stays on the line
            items.append([{"t": "Plain", "c": [{"t": "Span", "c": [["", [], [["lang", LANGUAGE_TAGS[entry.lang]]]],
                                                                  inlines(text)]}]}])
        blocks.append({"t": "BulletList", "c": items})
    meta = {
        "title": _meta_text(view.publication),
        "subtitle": _meta_text(view.month_title),
        "lang": {"t": "MetaString", "c": LANGUAGE_TAGS[view.lang]},
        "toc-title": _meta_text(_("Contents")),
        "description": _meta_text(view.count_text),
    }
    if view.publisher:
        meta["author"] = {"t": "MetaList", "c": [_meta_text(view.publisher)]}
    return {"pandoc-api-version": API_VERSION, "meta": meta, "blocks": blocks}


def render_docx(view: View, timeout: int) -> bytes:
    reference = find_layout(view.config, "reference.docx")
    document = build_document(view)
    data = run_pandoc(["-f", "json", "-t", "docx", "--toc", "--toc-depth=2",
                       f"--reference-doc={reference}", "-o", "-"], json.dumps(document).encode("utf-8"), timeout)
    return finish_docx(data, view)


def _xml_text(text: str) -> str:
    return html.escape(text.replace("\u00a0", "\u00a0"), quote=False)


def _toc_paragraphs(view: View, instruction: str) -> str:
    """A filled-in contents field: readers see it at once (LibreOffice never updates fields);
    Word's F9 still rebuilds it with page numbers."""
    rows = []
    for section in view.sections:
        rows.append((1, section.anchor, section.title))
        rows.extend((2, entry.anchor, entry.title) for entry in section.entries)
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


def finish_docx(data: bytes, view: View) -> bytes:
    """pandoc's DOCX -> the same with a filled contents field, real bullets, dated properties.

    Zip entries keep pandoc's order and a fixed timestamp so SOURCE_DATE_EPOCH builds stay identical.
    """
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    stamp = view.created.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "word/document.xml":
                text = content.decode("utf-8")
                text = _TOC_FIELD.sub(lambda m: _toc_paragraphs(view, html.unescape(m["instr"])), text, count=1)
                content = text.encode("utf-8")
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
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, content)
    return out.getvalue()
