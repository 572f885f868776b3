"""Counts with their names -> a horizontal bar chart as SVG (vector, text as outlines) and PNG, in the project fonts."""

from __future__ import annotations

import functools
import io
import textwrap
from pathlib import Path

BAR = "#8a1c1c"  # the stylesheets' accent (rubric titles)
TEXT = "#222222"
# Each name above its bar, so the chart is narrow: 9 cm, printed at its own size (text at 9 pt), and on a
# phone's 360 px nearly so; a name beside its bar would shrink a 16 cm chart's text to 5 pt there.
WIDTH_IN = 3.6
FONT_PT = 9
LABEL_CHARS = 50  # a name wraps after this many characters (rubric titles are long)
LINE_IN, BAR_IN, GAP_IN = 0.175, 0.13, 0.13  # a name's line, a bar, the space after it
PNG_DPI = 300  # the DOCX's picture: sharp on paper at its printed size


@functools.lru_cache(maxsize=4)
def _families(fonts: Path) -> tuple[str, ...]:
    """Register the project's TTFs with matplotlib (no system font needed): PT Sans, then Noto Sans for
    what PT Sans lacks (₸)."""
    from matplotlib import font_manager

    for path in sorted(fonts.glob("*.ttf")):
        font_manager.fontManager.addfont(str(path))
    names = {font_manager.FontProperties(fname=str(p)).get_name() for p in fonts.glob("*.ttf")}
    return tuple(name for name in ("PT Sans", "Noto Sans") if name in names) or ("sans-serif",)


def draw_chart(rows: list[tuple[str, int]], fonts: Path) -> tuple[bytes, bytes]:
    """``rows`` (name, count), largest first -> (SVG, PNG) of the same figure; the same rows give the same bytes."""
    import matplotlib
    from matplotlib.figure import Figure

    rc = {"font.family": list(_families(fonts)), "font.size": FONT_PT, "svg.fonttype": "path",
          "svg.hashsalt": "bulletin", "text.color": TEXT}
    with matplotlib.rc_context(rc):
        labels = [textwrap.fill(name, LABEL_CHARS) for name, _ in rows]
        height = 0.03 + sum((label.count("\n") + 1) * LINE_IN + BAR_IN + GAP_IN for label in labels)
        figure = Figure(figsize=(WIDTH_IN, height))
        axes = figure.add_axes((0, 0, 1, 1))
        axes.set_axis_off()
        longest = max([number for _, number in rows] + [1])
        scale = 0.88 / longest  # room after the longest bar for its number
        axes.set_xlim(0, 1)
        axes.set_ylim(height, 0)  # inches from the top
        top = 0.03  # room for the first name's accents
        for label, (_, number) in zip(labels, rows):
            top += (label.count("\n") + 1) * LINE_IN
            axes.text(0, top - 0.012, label, va="bottom", ha="left", linespacing=1.1)
            axes.barh(top + BAR_IN / 2, number * scale, height=BAR_IN, left=0, color=BAR)
            axes.text(number * scale + 0.015, top + BAR_IN / 2, str(number), va="center", ha="left")
            top += BAR_IN + GAP_IN
        svg, png = io.BytesIO(), io.BytesIO()
        figure.savefig(svg, format="svg", metadata={"Date": None, "Creator": None}, transparent=True)
        figure.savefig(png, format="png", dpi=PNG_DPI, metadata={"Software": None}, transparent=True)
    return svg.getvalue(), png.getvalue()
