"""A bulletin view -> one self-contained HTML5 document (Jinja2, autoescaped), for the web or for print."""

from __future__ import annotations

import base64
import re

from markupsafe import Markup

from ..layouts import read_layout, render_template
from ..references import ASSET_REF
from ..typography import break_printed_urls
from .base import RenderOptions, Renderer
from .view import View

TEMPLATE = "bulletin.html.j2"


def _assets(html: str, body) -> str:
    """Image placeholders -> data: URIs, for print too: WeasyPrint names an image after its URL, and a
    file:// URL would put the checkout's folder into the PDF's bytes."""
    def replace(match: re.Match) -> str:
        index = int(match.group(1))
        if body is None or index >= len(body.assets):
            return ""
        asset = body.assets[index]
        return f"data:{asset.mime};base64," + base64.b64encode(asset.path.read_bytes()).decode("ascii")
    return ASSET_REF.sub(replace, html)


def render_html(view: View, for_print: bool = False, reload_script: str = "") -> str:
    """``for_print`` selects the print stylesheet (the PDF is laid out from this HTML)."""
    css = read_layout(view.config, "print.css" if for_print else "screen.css")
    if not for_print:
        css += "\n@media print {\n" + read_layout(view.config, "print-web.css") + "\n}\n"
    bodies = {}
    for section in view.sections:
        for entry in section.entries:
            bodies[entry.anchor] = (Markup(break_printed_urls(_assets(entry.body.html, entry.body)))
                                    if entry.body else "")
    return render_template(view.config, TEMPLATE, view.gettext, view.ngettext, v=view, bodies=bodies,
                           css=Markup(css), for_print=for_print, reload_script=Markup(reload_script))


class HtmlRenderer(Renderer):
    format, suffix, media_type = "html", ".html", "text/html"

    def render(self, view: View, options: RenderOptions) -> bytes:
        return render_html(view, reload_script=options.reload_script).encode("utf-8")
