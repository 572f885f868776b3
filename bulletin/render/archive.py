"""Every release's manifest -> dist/index.html, the archive page in the default language (Jinja2, autoescaped)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..config import Config
from ..layouts import read_layout, render_template
from ..layouts import Messages
from ..locale import format_long_date, format_month, format_size
from ..stats import year_totals  # the archive's totals per year
from ..typography import typeset_text
from .base import ARCHIVE, RenderOptions, Renderer
from .view import Typeset

TEMPLATE = "archive.html.j2"


@dataclass
class ArchiveView(Typeset):
    """What the archive page shows: the releases' manifests, newest first, and the strings to show them in."""

    config: Config
    lang: str
    messages: Messages
    releases: list[dict]
    site: dict | None = None  # the static archive's links and totals (bulletin/site.py), when there is one


def release_rows(releases: list[dict], lang: str) -> list[dict]:
    from babel import Locale

    from . import MEDIA_TYPES

    rows = []
    for release in releases:
        month, languages = release["month"], []
        for code in release.get("languages", []):
            files = [{"label": item["format"].upper(), "href": f"{month}/{item['name']}", "pages": item.get("pages"),
                      "mime": MEDIA_TYPES[item["format"]], "size": format_size(item["bytes"], lang)}
                     for item in release["files"] if item["language"] == code]
            name = Locale.parse(code).get_display_name(code)
            languages.append({"lang": code, "name": name[:1].upper() + name[1:], "files": files})
        built = dt.datetime.fromisoformat(release["built"].replace("Z", "+00:00"))
        rows.append({"month": month, "title": format_month(month, lang), "languages": languages,
                     "published": format_long_date(built.date(), lang), "published_iso": built.date().isoformat()})
    return rows


def render_archive(view: ArchiveView) -> str:
    from markupsafe import Markup

    config, lang = view.config, view.lang
    return render_template(
        config, TEMPLATE, view.gettext, view.ngettext,
        lang=lang, releases=release_rows(view.releases, lang), css=Markup(read_layout(config, "screen.css")),
        years=year_totals(view.releases), site=view.site,
        publication=typeset_text(config.localized(config.publication, lang), lang),
        publisher=typeset_text(config.localized(config.publisher, lang), lang) if config.publisher else "")


class IndexRenderer(Renderer):
    format, suffix, media_type, scope = "index", ".html", "text/html", ARCHIVE

    def render(self, view: ArchiveView, options: RenderOptions) -> bytes:
        return render_archive(view).encode("utf-8")
