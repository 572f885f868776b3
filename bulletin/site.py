"""Published releases -> the static archive in dist/: archive.sqlite, month pages, index pages, offline search.

Pages are made from the index (itself read from the published HTML), so they show exactly the public
text. Every entry has the permalink <month>/<lang>/#<slug>; the page's own ids start with '_', which
a slug never does, so no entry can take them. Links between the pages name index.html, because a
browser opening file:// shows a folder's listing, not its index.html.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from .archive import ARCHIVE, LISTED_FIELDS, IndexResult, update_archive
from .config import Config
from .content import ANCHOR_PREFIX, MONTH_RE
from .problems import Problems
from .render.view import Typeset
from .atomic import write_atomic
from .layouts import find_layout, layouts_dirs, render_template
from .searchindex import write_search_index

SEARCH_PAGE = "search.html"
MONTH_PAGE = "index.html"  # in <month>/<lang>/
SEARCH_SCRIPT = "search.js"
FACETS = ("rubric", "tags", "region", "violations", "groups")  # index pages, when an entry uses the field
FACET_PAGE = "{facet}-{lang}.html"
_ENTRY_LINK = re.compile(r'href="#' + ANCHOR_PREFIX + r'([a-z0-9-]+)"')


@dataclass
class SiteResult:
    index: IndexResult
    pages: list[Path] = field(default_factory=list)
    home: dict = field(default_factory=dict)  # what publish's archive home adds from the site


def content_root(config: Config) -> str:
    """content/ as the index records entry paths: relative to the project when it is inside it."""
    if config.content_dir.is_relative_to(config.root):
        return config.content_dir.relative_to(config.root).as_posix()
    return str(config.content_dir)


class _Pages(Typeset):
    """The site's templates in one language, rendered through the layouts' one Jinja environment with its
    interface strings typeset (render.view.Typeset); a string the catalog lacks is reported into ``problems``."""

    def __init__(self, config: Config, lang: str, problems: Problems):
        from .layouts import load_messages

        self.config, self.lang, self.problems = config, lang, problems
        self.messages = load_messages(layouts_dirs(config), lang, config.default_language, problems)

    def render(self, name: str, **values) -> str:
        from .layouts import report_missing

        html = render_template(self.config, name, self.gettext, self.ngettext, **values)
        report_missing(self.messages, self.problems)
        return html


def _language_name(code: str, lang: str) -> str:
    from babel import Locale

    name = Locale.parse(code).get_display_name(lang)
    return name[:1].upper() + name[1:]


def read_entries(db_path: Path) -> list[dict]:
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    try:
        rows = [dict(row) for row in db.execute("SELECT * FROM entries ORDER BY month DESC, lang, position")]
    finally:
        db.close()
    for row in rows:
        row["groups"] = row.pop("groups_")
        for key in ("authors", *LISTED_FIELDS):
            row[key] = json.loads(row[key] or "[]")
    return rows


def read_manifests(dist: Path) -> dict[str, dict]:
    manifests = {}
    for folder in sorted(p for p in dist.iterdir() if p.is_dir() and MONTH_RE.fullmatch(p.name)):
        try:
            manifests[folder.name] = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            manifests[folder.name] = {}  # publish's index.html says what is wrong with it
    return manifests


def _files(manifest: dict, month: str, lang: str, prefix: str) -> list[dict]:
    from .locale import format_size
    from .render import MEDIA_TYPES as MIME_TYPES

    return [{"label": item["format"].upper(), "href": f"{prefix}{month}/{item['name']}", "pages": item.get("pages"),
             "mime": MIME_TYPES.get(item["format"], "application/octet-stream"), "size": format_size(item["bytes"], lang)}
            for item in manifest.get("files", []) if item.get("language") == lang]


def _entry_view(row: dict, lang: str) -> dict:
    from markupsafe import Markup

    from .locale import format_long_date
    from .typography import typeset_text
    import datetime as dt

    date = dt.date.fromisoformat(row["date"]) if row["date"] else None
    body = _ENTRY_LINK.sub(r'href="#\1"', row["body_html"] or "")
    return {**row, "title_text": typeset_text(row["title"], row["text_lang"]),
            "outlet_text": typeset_text(row["outlet"], row["text_lang"]) if row["outlet"] else "",
            "date_text": format_long_date(date, lang) if date else "", "body_markup": Markup(body),
            "permalink": f"{row['month']}/{row['lang']}/{MONTH_PAGE}#{row['slug']}"}


# the vocabulary (content/*.yaml) that names a field's keys in each language
VOCABULARY_OF = {"region": "region", "violations": "violation", "groups": "group"}


def _facet_values(rows: list[dict], facet: str, config: Config, lang: str) -> dict[str, tuple[str, list[dict]]]:
    """key -> (title, entries): rubrics by their localised title, vocabulary keys by their name in ``lang``,
    tags by their value."""
    values: dict[str, tuple[str, list[dict]]] = {}
    vocabulary = config.vocabularies.get(VOCABULARY_OF.get(facet, ""))
    for row in rows:
        keys = [row["rubric"]] if facet == "rubric" else row[facet]
        for key in keys:
            if key:
                title = (row["rubric_title"] if facet == "rubric" else
                         vocabulary.name(key, lang, config.default_language) if vocabulary else key)
                values.setdefault(key, (title, []))[1].append(row)
    return dict(sorted(values.items(), key=lambda item: item[1][0].casefold()))


def _anchor(key: str) -> str:
    """A facet value as a fragment id: readable where it can be, always valid, one per value."""
    import hashlib

    safe = re.sub(r"[^\w-]+", "-", key.lower()).strip("-")
    if safe != key:  # changed, so two values could meet: a short hash of the value tells them apart
        safe += "-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:6]
    return f"_{safe}"


def write_site(dist: Path, config: Config, problems: Problems) -> tuple[list[Path], dict]:
    """Every page of the static archive; returns them and what the archive home shows besides releases."""
    from markupsafe import Markup

    from .locale import format_month
    from .typography import typeset_text

    rows = read_entries(dist / ARCHIVE)
    manifests = read_manifests(dist)
    css = Markup(find_layout(config, "screen.css").read_text(encoding="utf-8"))
    publication = {lang: typeset_text(config.localized(config.publication, lang), lang) for lang in config.languages}
    outputs: dict[Path, bytes] = {}
    used = {lang: [f for f in FACETS if any((r["rubric"] if f == "rubric" else r[f]) for r in rows
                                             if r["lang"] == lang)] for lang in config.languages}
    releases = sorted({(r["month"], r["lang"]) for r in rows}, reverse=True)
    for lang in config.languages:
        env = _Pages(config, lang, problems)
        common = {"lang": lang, "css": css, "publication": publication[lang], "facets": used[lang],
                  "facet_page": lambda facet, code=lang: FACET_PAGE.format(facet=facet, lang=code), "anchor": _anchor}
        mine = [r for r in rows if r["lang"] == lang]
        for month in sorted({r["month"] for r in mine}, reverse=True):
            entries = [_entry_view(r, lang) for r in mine if r["month"] == month]
            sections = []
            for row in entries:
                if not sections or sections[-1]["key"] != row["rubric"]:
                    sections.append({"key": row["rubric"], "title": row["rubric_title"], "entries": []})
                sections[-1]["entries"].append(row)
            others = [{"lang": code, "name": _language_name(code, code), "href": f"../{code}/{MONTH_PAGE}"}
                      for m, code in releases
                      if m == month and code != lang]
            html = env.render("site-month.html.j2",
                **common, root="../../", month=month, month_title=format_month(month, lang), sections=sections,
                others=others, files=_files(manifests.get(month, {}), month, lang, "../../"))
            outputs[dist / month / lang / MONTH_PAGE] = html.encode("utf-8")
        for facet in used[lang]:
            values = [{"key": key, "anchor": _anchor(key), "title": title,
                       "entries": [dict(_entry_view(r, lang), month_title=format_month(r["month"], lang))
                                   for r in entries]}
                      for key, (title, entries) in _facet_values(mine, facet, config, lang).items()]
            html = env.render("site-facet.html.j2", **common, root="", facet=facet, values=values)
            outputs[dist / FACET_PAGE.format(facet=facet, lang=lang)] = html.encode("utf-8")
    lang = config.default_language
    env = _Pages(config, lang, problems)
    html = env.render("site-search.html.j2",
        lang=lang, css=css, publication=publication[lang], root="", facets=used[lang],
        facet_page=lambda facet: FACET_PAGE.format(facet=facet, lang=lang),
        languages=[{"lang": code, "name": _language_name(code, lang)} for code in config.languages])
    outputs[dist / SEARCH_PAGE] = html.encode("utf-8")
    months = {m: format_month(m, lang) for m in {r["month"] for r in rows}}
    path, data = write_search_index(dist, dist / ARCHIVE, months,
                                    {code: _language_name(code, lang) for code in config.languages}, MONTH_PAGE)
    outputs[path] = data
    outputs[dist / SEARCH_SCRIPT] = find_layout(config, SEARCH_SCRIPT).read_bytes()
    for path, data in outputs.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, data)
    _drop_stale(dist, set(outputs))
    home = {"search": SEARCH_PAGE, "facets": [{"facet": f, "href": FACET_PAGE.format(facet=f, lang=lang)}
                                              for f in used[lang]],
            "years": _year_totals(rows, manifests, lang),
            "pages": {(m, code): f"{m}/{code}/{MONTH_PAGE}" for m, code in releases}}
    return sorted(outputs), home


def _drop_stale(dist: Path, written: set[Path]) -> None:
    """Month pages of a withdrawn release and index pages of a field no longer used go too."""
    for page in dist.glob("*/*/index.html"):
        if MONTH_RE.fullmatch(page.parent.parent.name) and page not in written:
            page.unlink()
            shutil.rmtree(page.parent, ignore_errors=True)
    for facet in FACETS:
        for page in dist.glob(FACET_PAGE.format(facet=facet, lang="*")):
            if page not in written:
                page.unlink()


def _year_totals(rows: list[dict], manifests: dict[str, dict], lang: str) -> list[dict]:
    from .locale import format_size

    years = {}
    for month, manifest in manifests.items():
        if not manifest:
            continue
        year = years.setdefault(month[:4], {"year": month[:4], "issues": 0, "entries": 0, "pages": 0, "bytes": 0})
        year["issues"] += 1
        for item in manifest.get("files", []):
            year["pages"] += item.get("pages") or 0
            year["bytes"] += item.get("bytes") or 0
    for month, slug in {(row["month"], row["slug"]) for row in rows}:  # an item once, in however many languages
        if month[:4] in years:
            years[month[:4]]["entries"] += 1
    return [{**year, "size": format_size(year["bytes"], lang)} for _, year in sorted(years.items(), reverse=True)]


def update_site(dist: Path, config: Config, problems: Problems | None = None) -> SiteResult:
    """After a publish (or `bulletin index`): re-index changed releases, rewrite the static pages.

    ``home`` of the result is what the archive home (publish.write_index) shows besides the releases.
    """
    result = update_archive(dist, config.content_dir, config.default_language, content_root(config))
    pages, home = write_site(dist, config, problems or Problems())
    return SiteResult(result, pages, home)


def index_project(project, dist: Path | None = None) -> SiteResult:
    """``bulletin index``: the project's dist/ (publish's rule for where it is) re-indexed, its pages rewritten."""
    from .project import Project
    from .publish import write_index
    from .release import resolve_dist

    project = Project.of(project).require()
    config, problems = project.config, project.problems
    dist = resolve_dist(config, dist)
    dist.mkdir(parents=True, exist_ok=True)
    site = update_site(dist, config, problems)
    write_index(dist, config, problems, site=site.home)
    return site
