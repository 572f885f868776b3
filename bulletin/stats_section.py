"""A language's bulletin -> its statistics section: the month's counts by rubric, region, violation, charted."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field

from .chart import WIDTH_IN, draw_chart
from .stats import HEADINGS, N_, count, label
from .typography import typeset_text

ANCHOR = "statistics"
TITLE = N_("Statistics")
# The section's three counts, each with its heading.
PARTS = {"rubric": N_("Entries by rubric"), "region": N_("Entries by region"),
         "violation": N_("Entries by violation")}
CHART = N_("Bar chart. %(heading)s: %(values)s.")


@dataclass
class StatsTable:
    """One count: its rows in the bulletin's language, the chart as SVG (HTML, PDF) and PNG (DOCX)."""

    key: str
    heading: str
    name_heading: str
    count_heading: str
    rows: list[tuple[str, int]]
    alt: str
    svg: bytes = b""
    png: bytes = b""

    @property
    def anchor(self) -> str:
        return f"{ANCHOR}-{self.key}"

    @property
    def svg_uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg).decode("ascii")

    @property
    def png_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


@dataclass
class StatsView:
    anchor: str
    title: str
    summary: str
    tables: list[StatsTable] = field(default_factory=list)


def make_stats_view(bulletin, messages, fonts) -> StatsView | None:
    """None unless ``statistics: true``. Counts every source entry of the month that is not a draft, also
    those a language omits as untranslated: the month's facts are the same in every language."""
    config, lang = bulletin.config, bulletin.lang
    if not config.switches.get("statistics"):
        return None
    entries = [item.source for item in [*bulletin.items, *bulletin.untranslated]]
    gettext = messages.gettext
    first = count(entries, config, "rubric", bulletin.month, bulletin.month)
    summary = (messages.ngettext("%(num)d item", "%(num)d items", first.entries) % {"num": first.entries} + ", " +
               messages.ngettext("%(num)d person", "%(num)d persons", first.persons) % {"num": first.persons})
    view = StatsView(ANCHOR, typeset_text(gettext(TITLE), lang), typeset_text(summary, lang))
    for by, heading in PARTS.items():
        stats = first if by == "rubric" else count(entries, config, by, bulletin.month, bulletin.month)
        if not stats.counts:
            continue  # no entry of the month has a region, or a violation: nothing to chart
        rows = [(typeset_text(label(config, by, key, lang), lang), number) for key, number in stats.counts.items()]
        heading = typeset_text(gettext(heading), lang)
        values = "; ".join(f"{name} — {number}" for name, number in rows).replace("\u00a0", " ")
        table = StatsTable(by, heading, typeset_text(gettext(HEADINGS[by]), lang),
                           typeset_text(gettext(HEADINGS["entries"]), lang), rows,
                           gettext(CHART) % {"heading": heading.replace("\u00a0", " "), "values": values})
        table.svg, table.png = draw_chart(rows, fonts)
        view.tables.append(table)
    return view


def _inlines(text: str) -> list:
    from .render.docx import inlines

    return inlines(text)


def stats_blocks(view) -> list:
    """The section as pandoc blocks for the DOCX: heading, summary, and per count a heading, the chart as a
    picture with its alternative text (PNG: pandoc writes an SVG without a fallback picture unless
    rsvg-convert is installed, and LibreOffice then shows nothing), and the data as a table."""
    stats = view.extra.get("statistics")
    if stats is None:
        return []
    blocks: list = [{"t": "Header", "c": [1, [stats.anchor, [], []], _inlines(stats.title)]},
                    {"t": "Para", "c": _inlines(stats.summary)}]
    for table in stats.tables:
        blocks.append({"t": "Header", "c": [2, [table.anchor, [], []], _inlines(table.heading)]})
        image = {"t": "Image", "c": [["", [], [["width", f"{WIDTH_IN}in"]]], _inlines(table.alt), [table.png_uri, ""]]}
        # pandoc's Figure style: no first-line indent, kept with the table after it
        blocks.append({"t": "Div", "c": [["", [], [["custom-style", "Figure"]]], [{"t": "Para", "c": [image]}]]})
        blocks.append(_table([table.name_heading, table.count_heading],
                             [[name, str(number)] for name, number in table.rows]))
    return blocks


def _cell(text: str, align: str = "AlignDefault") -> list:
    return [["", [], []], {"t": align}, 1, 1, [{"t": "Plain", "c": _inlines(text)}]]


def _table(head: list[str], rows: list[list[str]]) -> dict:
    """A two-column pandoc Table (pandoc-api 1.23): names left, counts right."""
    aligns = [{"t": "AlignLeft"}, {"t": "AlignRight"}]
    widths = [{"t": "ColWidthDefault"}, {"t": "ColWidthDefault"}]

    def row(cells: list[str]) -> list:
        return [["", [], []], [_cell(text, a["t"]) for text, a in zip(cells, aligns)]]
    return {"t": "Table", "c": [["", [], []], [None, []], list(zip(aligns, widths)),
                                [["", [], []], [row(head)]], [[["", [], []], 0, [], [row(r) for r in rows]]],
                                [["", [], []], []]]}
