"""A bulletin view -> DOCX through pandoc: one AST for the month, styled by layouts/reference.docx."""

from __future__ import annotations

import json

from ..locale import LANGUAGE_TAGS
from ..markdown import run_pandoc, shift_headings
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


def build_document(view: View) -> dict:
    _ = view.messages.gettext
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
                part.extend(shift_headings(entry.body.blocks, 3))
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
            text = entry.title + (f" — {entry.date_text}" if entry.date_text else "")
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
    return run_pandoc(["-f", "json", "-t", "docx", "--toc", "--toc-depth=2",
                       f"--reference-doc={reference}", "-o", "-"], json.dumps(document).encode("utf-8"), timeout)
