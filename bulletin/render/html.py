"""A bulletin view -> one self-contained HTML5 document (Jinja2, autoescaped), for the web or for print."""

from __future__ import annotations

import base64
import functools
import re

import jinja2
from markupsafe import Markup, escape

from ..markdown import ASSET_REF
from ..typography import break_printed_urls, break_url
from ..layouts import find_layout, layouts_dirs
from .base import RenderOptions, Renderer
from .view import View

TEMPLATE = "bulletin.html.j2"


@functools.lru_cache(maxsize=8)
def _environment(folders: tuple[str, ...]) -> jinja2.Environment:
    # Kept between builds so `serve` does not recompile templates; auto_reload notices edited layouts.
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(list(folders)), auto_reload=True,
        autoescape=True,  # every template, whatever its name: entry text is data, never markup
        extensions=["jinja2.ext.i18n"], undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True)


def make_environment(view: View) -> jinja2.Environment:
    env = _environment(tuple(str(d) for d in layouts_dirs(view.config)))
    env.filters["plain"] = lambda text: str(text).replace("\u00a0", " ").replace("\u00ad", "").replace("\u2060", "")
    env.filters["url"] = lambda text: Markup(break_url(str(escape(text))))
    env.install_gettext_callables(view.gettext, view.ngettext, newstyle=True)
    return env


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
    env = make_environment(view)
    css_name = "print.css" if for_print else "screen.css"
    css = find_layout(view.config, css_name).read_text(encoding="utf-8")
    if not for_print:
        css += "\n@media print {\n" + find_layout(view.config, "print-web.css").read_text(encoding="utf-8") + "\n}\n"
    bodies = {}
    for section in view.sections:
        for entry in section.entries:
            bodies[entry.anchor] = (Markup(break_printed_urls(_assets(entry.body.html, entry.body)))
                                    if entry.body else "")
    template = env.get_template(TEMPLATE)
    return template.render(v=view, bodies=bodies, css=Markup(css), for_print=for_print,
                           reload_script=Markup(reload_script))


class HtmlRenderer(Renderer):
    format, suffix, media_type = "html", ".html", "text/html"

    def render(self, view: View, options: RenderOptions) -> bytes:
        return render_html(view, reload_script=options.reload_script).encode("utf-8")
