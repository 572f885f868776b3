"""Bar chart: SVG with the names as outlines in the project fonts, PNG of the same figure, reproducible."""

from __future__ import annotations

import re
import warnings

from bulletin.chart import draw_chart
from bulletin.fonts import DEFAULT_FONTS

ROWS = [("Құқық қорғаушылардың, азаматтық белсенділердің, кәсіподақ қайраткерлерінің және блогерлердің жағдайы", 12),
        ("Штраф 86\u00a0500 ₸ — «за пикет»", 3), ("Ёлки", 1)]


def test_chart_uses_the_project_fonts_as_outlines():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns on a glyph missing from every font of the family list
        svg, png = draw_chart(ROWS, DEFAULT_FONTS)
    text = svg.decode("utf-8")
    fonts = set(re.findall(r'id="([A-Za-z]+-[A-Za-z]+)-[0-9a-f]+"', text))
    assert fonts == {"PTSans-Regular", "NotoSans-Regular"}  # Noto Sans only for ₸, which PT Sans lacks
    assert "<text" not in text and "<image" not in text  # no live text to need a font, no bitmap
    assert re.findall(r'href="([^#])', text) == []  # references only inside the file
    assert "<dc:date>" not in text
    assert png.startswith(b"\x89PNG")
    assert draw_chart(ROWS, DEFAULT_FONTS) == (svg, png)  # the same counts give the same bytes


def test_bars_are_proportional_and_the_chart_grows_with_its_rows():
    svg = draw_chart(ROWS, DEFAULT_FONTS)[0].decode("utf-8")
    widths = [float(w) for w in re.findall(r'<path d="M 0 [\d.]+ \nL ([\d.]+) [^"]*" [^>]*style="fill: #8a1c1c"', svg)]
    assert len(widths) == 3 and abs(widths[0] / widths[2] - 12) < 0.01 and abs(widths[1] / widths[2] - 3) < 0.01
    height = lambda rows: float(re.search(r'height="([\d.]+)pt"', draw_chart(rows, DEFAULT_FONTS)[0].decode())[1])
    assert height(ROWS) > height(ROWS[1:]) > 0
