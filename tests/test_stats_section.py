"""statistics: true -> a statistics section after the last rubric, its charts in the PDF (vector), HTML, DOCX."""

from __future__ import annotations

import base64
import re
import zipfile
from html.parser import HTMLParser

import pikepdf
import pytest
from pypdf import PdfReader

from conftest import run
from test_stats import copy_site

BAR_RGB = (138 / 255, 28 / 255, 28 / 255)  # chart.BAR
ALT_RU = ("Столбчатая диаграмма. Материалы по регионам: Алматы — 1; Шымкент — 1.")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    site = copy_site(tmp_path_factory.mktemp("section") / "site")
    with open(site / "bulletin.yaml", "a", encoding="utf-8") as config:
        config.write("statistics: true\n")
    for args in (("--lang", "ru"), ("--lang", "kk", "--format", "html")):
        result = run("build", "2026-01", *args, "--project", site)
        assert result.exit_code == 0, result.output
    return site / "build" / "2026-01"


class Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def section_of(html: str) -> str:
    start = html.index('<section class="rubric statistics"')
    return html[start:html.index("</section>", start)]


def test_html_section_after_the_last_rubric_with_alt_and_table(built):
    html = (built / "bulletin-2026-01-ru.html").read_text(encoding="utf-8")
    assert html.index('id="rubric-assembly"') < html.index('id="statistics"')  # after the last rubric
    assert '<a href="#statistics">Статистика</a>' in html  # in the contents
    parser = Elements()
    parser.feed(section_of(html))
    images = [attrs for tag, attrs in parser.found if tag == "img"]
    assert [image["alt"] for image in images] == [
        "Столбчатая диаграмма. Материалы по рубрикам: Свобода слова — 1; Право на свободу мирных собраний — 1.",
        ALT_RU,
        "Столбчатая диаграмма. Материалы по видам нарушений: Произвольное задержание и арест — 1; "
        "Свобода выражения мнений — 1; Свобода мирных собраний — 1."]
    svg = base64.b64decode(images[1]["src"].removeprefix("data:image/svg+xml;base64,")).decode("utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg and "<script" not in svg and "href=\"http" not in svg
    text = " ".join(" ".join(parser.text).split())
    assert "Регион Материалы Алматы 1 Шымкент 1" in text  # the data as a table
    assert "2 материала, 5 человек" in text
    assert [tag for tag, _ in parser.found].count("table") == 3
    assert "Касымов" not in section_of(html)


def test_html_in_kazakh_counts_the_same_month(built):
    """kk omits untranslated entries, but the section counts the month's source entries all the same."""
    html = (built / "bulletin-2026-01-kk.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", " ", section_of(html))
    assert "Өңірлер бойынша материалдар" in text and "2 материал, 5 адам" in " ".join(text.split())


def fills(page) -> list[tuple[float, ...]]:
    """The fill colours set on a page (rg operands), in order."""
    return [tuple(round(float(x), 3) for x in operands) for operands, operator in pikepdf.parse_content_stream(page)
            if str(operator) == "rg"]


def test_pdf_chart_is_vector_on_the_statistics_page(built):
    pdf = built / "bulletin-2026-01-ru.pdf"
    reader = PdfReader(pdf)
    pages = [i for i, page in enumerate(reader.pages) if page.extract_text().lstrip().startswith("Статистика")]
    assert len(pages) == 1
    text = reader.pages[pages[0]].extract_text().replace("\u00a0", " ")
    assert "Материалы по рубрикам" in text and "Материалы по регионам" in text
    with pikepdf.open(pdf) as document:
        page = document.pages[pages[0]]
        bars = [c for c in fills(page) if c == tuple(round(x, 3) for x in BAR_RGB)]
        assert len(bars) >= 3  # each chart's bars drawn as filled paths in the chart colour
        assert not list(page.Resources.get("/XObject", {}).keys())  # no bitmap: the SVG is drawn as vectors
        # the chart's names are outlines in PT Sans, not text: the page has no more fonts than its own text needs
        assert all(re.search("PT|Noto", str(font.get("/BaseFont"))) for font in page.Resources.Font.values())


def test_docx_picture_with_alt_text_and_table(built):
    with zipfile.ZipFile(built / "bulletin-2026-01-ru.docx") as docx:
        xml = docx.read("word/document.xml").decode("utf-8")
        media = [n for n in docx.namelist() if n.startswith("word/media/")]
        assert all(docx.read(n).startswith(b"\x89PNG") for n in media) and len(media) == 3
    descriptions = re.findall(r'<wp:docPr [^>]*descr="([^"]*)"', xml)
    assert ALT_RU in descriptions and len(descriptions) == 3
    assert "data:image" not in xml  # pandoc's name for the picture, the whole data: URI, is dropped
    after = xml[xml.index('w:name="statistics-region"'):]  # the heading's bookmark
    assert after.index("<w:drawing>") < after.index("<w:tbl>") < after.index(">Шымкент</w:t>")
    assert "Статистика" in re.sub(r"<[^>]+>", "", xml[:xml.index("<w:drawing>")])


def test_no_section_by_default(tmp_path):
    site = copy_site(tmp_path / "site")
    assert run("build", "2026-01", "--format", "html", "--project", site).exit_code == 0
    html = (site / "build" / "2026-01" / "bulletin-2026-01-ru.html").read_text(encoding="utf-8")
    assert 'id="statistics"' not in html and '<img class="statistics-chart"' not in html


def test_section_passes_the_nu_html_checker_and_axe(built, tmp_path):
    import json
    import shutil
    import subprocess

    from test_html_checks import AXE, CHROMIUM, REPO, VNU, need

    need(shutil.which("java") is not None and VNU.is_file(), "Java or vnu-jar is not installed (.ci/run installs both)")
    html = built / "bulletin-2026-01-ru.html"
    done = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json", str(html)],
                          capture_output=True, text=True, timeout=300)
    assert json.loads(done.stderr or '{"messages": []}')["messages"] == []
    need(CHROMIUM is not None and (REPO / "node_modules" / "axe-core").is_dir(), "Chromium or axe-core is missing")
    done = subprocess.run(["node", str(AXE), str(html), "360", str(tmp_path / "shot.png")], capture_output=True,
                          text=True, timeout=180, env={"PATH": "/usr/bin:/bin:/usr/local/bin", "HOME": str(tmp_path),
                                                       "CHROMIUM": CHROMIUM})
    result = json.loads(done.stdout)
    assert [v["id"] for v in result["violations"] if v["impact"] in ("serious", "critical")] == []
    assert result["overflow"] <= 0  # the charts fit a phone's width
