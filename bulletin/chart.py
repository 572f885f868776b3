"""Counts with their names -> a horizontal bar chart as SVG (vector, text as outlines) and PNG, in the project fonts."""

from __future__ import annotations

import functools
import io
import textwrap
from pathlib import Path

BAR = "#8a1c1c"  # the stylesheets' accent (rubric titles)
TEXT = "#222222"
WIDTH_IN = 6.3  # 16 cm: the PDF's text width, so the chart is printed at 1:1 and its text at 9 pt
FONT_PT = 9
LABEL_CHARS = 42  # a label wraps after this many characters (rubric titles are long)
PNG_DPI = 220  # the DOCX's picture: sharp on paper at its printed size


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
          "svg.hashsalt": "bulletin", "text.color": TEXT, "axes.edgecolor": TEXT, "xtick.color": TEXT,
          "ytick.color": TEXT}
    with matplotlib.rc_context(rc):
        labels = [textwrap.fill(name, LABEL_CHARS) for name, _ in rows]
        lines = sum(label.count("\n") + 1 for label in labels)
        figure = Figure(figsize=(WIDTH_IN, 0.35 + 0.19 * lines + 0.12 * len(rows)))
        axes = figure.add_subplot()
        positions = range(len(rows))
        values = [number for _, number in rows]
        axes.barh(positions, values, color=BAR, height=0.6)
        axes.set_yticks(list(positions), labels)
        axes.invert_yaxis()  # largest on top, in reading order
        axes.set_xlim(0, max(values + [1]) * 1.12)
        axes.xaxis.set_visible(False)
        for side in ("top", "right", "bottom"):
            axes.spines[side].set_visible(False)
        axes.tick_params(axis="y", length=0, pad=4)
        for position, number in zip(positions, values):
            axes.text(number, position, f" {number}", va="center", ha="left")
        figure.tight_layout(pad=0.3)
        svg, png = io.BytesIO(), io.BytesIO()
        figure.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
        figure.savefig(png, format="png", dpi=PNG_DPI, metadata={"Software": None})
    return svg.getvalue(), png.getvalue()
