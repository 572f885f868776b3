"""The static archive in dist/: month pages with permalinks, index pages, home, and the offline search page."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO, build_archive, republish_html, run
from bulletin.searchindex import decode_postings, encode_postings
from test_html_checks import run_axe

VNU = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
TYPE_SEARCH = REPO / "tests" / "a11y" / "search.mjs"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PLAYWRIGHT = (REPO / "node_modules" / "playwright-core").is_dir()


def need_browser() -> None:
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (.ci/run installs Debian's chromium)")
    if not PLAYWRIGHT or shutil.which("node") is None:
        pytest.skip("node / playwright-core are not installed (run `npm ci`; .ci/run does)")


def node(script: Path, *args: str, tmp_path: Path) -> dict:
    done = subprocess.run(["node", str(script), *args], capture_output=True, text=True, timeout=180,
                          env={"PATH": "/usr/bin:/bin:/usr/local/bin", "HOME": str(tmp_path), "CHROMIUM": CHROMIUM})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def site_pages(dist: Path) -> list[Path]:
    return sorted([*dist.glob("*.html"), *dist.glob("20*/*/index.html")])


def test_the_site_has_a_page_per_month_and_language_and_index_pages_for_used_fields(archive_site):
    dist = archive_site / "dist"
    assert [p.relative_to(dist).as_posix() for p in site_pages(dist)] == [
        "2026-01/en/index.html", "2026-01/kk/index.html", "2026-01/ru/index.html",
        "2026-03/en/index.html", "2026-03/kk/index.html", "2026-03/ru/index.html",
        "index.html", "region-en.html", "region-kk.html", "region-ru.html", "rubric-en.html", "rubric-kk.html",
        "rubric-ru.html", "search.html", "tags-en.html", "tags-kk.html", "tags-ru.html"]
    assert not list(dist.glob("violations-*.html"))  # no entry has violations


def test_month_page_entries_have_slug_permalinks(archive_site):
    html = (archive_site / "dist/2026-01/ru/index.html").read_text(encoding="utf-8")
    assert re.findall(r'<article class="entry" id="([^"]+)"', html) == ["runner-detained", "journalists-accreditation"]
    assert '<h3 class="entry-title"><a href="#runner-detained">В\u00a0Астане' in html
    assert '<a href="../kk/index.html" hreflang="kk" lang="kk">Қазақ тілі</a>' in html
    assert '<a href="../../2026-01/bulletin-2026-01-ru.html" type="text/html">HTML</a>' in html
    assert re.search(r'<a href="../../tags-ru.html#_[^"]+">марафон</a>', html)
    # the Kazakh page shows only its own entries: the untranslated Russian one is on the Russian page
    kk = (archive_site / "dist/2026-01/kk/index.html").read_text(encoding="utf-8")
    assert re.findall(r'<article class="entry" id="([^"]+)"', kk) == ["runner-detained"]


def test_permalinks_survive_republishing(tmp_path):
    root = build_archive(tmp_path / "project")
    run("index", "--project", root)
    before = re.findall(r'<article class="entry" id="([^"]+)"',
                        (root / "dist/2026-03/ru/index.html").read_text(encoding="utf-8"))
    (root / "content/2026-03/aaa-first.ru.md").write_text(
        "---\ntitle: Новый материал\nrubric: assembly\ndate: 2026-03-01\n---\n\nТекст.\n", encoding="utf-8")
    republish_html(root, "2026-03")
    assert run("index", "--project", root).exit_code == 0
    after = re.findall(r'<article class="entry" id="([^"]+)"',
                       (root / "dist/2026-03/ru/index.html").read_text(encoding="utf-8"))
    assert after == ["aaa-first", *before]


def test_index_pages_group_entries_by_rubric_tag_and_region(archive_site):
    dist = archive_site / "dist"
    rubric = (dist / "rubric-ru.html").read_text(encoding="utf-8")
    sections = re.findall(r'<h2 class="rubric-title" id="([^"]+)-title">([^<]+)</h2>', rubric)
    assert [title for _, title in sections] == ["Свобода слова", "Свобода собраний"]
    speech = rubric[rubric.index("Свобода слова</h2>"):rubric.index("Свобода собраний</h2>")]
    assert re.findall(r'<li><a href="([^"]+)"', speech) == ["2026-03/ru/index.html#kaztag-lawsuit",
                                                          "2026-01/ru/index.html#journalists-accreditation"]
    region = (dist / "region-en.html").read_text(encoding="utf-8")
    assert [t for _, t in re.findall(r'<h2 class="rubric-title" id="([^"]+)-title">([^<]+)</h2>', region)] == \
           ["Almaty", "Astana"]
    tags = (dist / "tags-ru.html").read_text(encoding="utf-8")
    assert [t for _, t in re.findall(r'<h2 class="rubric-title" id="([^"]+)-title">([^<]+)</h2>', tags)] == \
           ["диффамация", "задержание", "марафон", "суд"]


def test_home_links_month_pages_search_and_totals(archive_site):
    html = (archive_site / "dist/index.html").read_text(encoding="utf-8")
    assert '<a href="2026-03/kk/index.html" hreflang="kk">Сайтта оқу</a>' not in html  # the home is in Russian
    assert '<a href="2026-03/kk/index.html" hreflang="kk">Читать на\u00a0сайте</a>' in html
    assert '<a href="search.html">Поиск</a>' in html and '<a href="region-ru.html">По\u00a0регионам</a>' in html
    # 4 items (one item in three languages counts once), 2 issues; PDFs would add their pages
    assert re.search(r"2026</span>: 2 выпуска, 4 материала, \d+ кБ</li>", html.replace("\u00a0", " "))


def test_postings_round_trip():
    ids = [0, 1, 2, 31, 32, 33, 1000, 1001, 5399, 70000]
    assert decode_postings(encode_postings(ids)) == ids
    assert decode_postings(encode_postings([5])) == [5]
    # Rice-coded gaps: a term in every one of 1800 documents costs one bit each, plus the parameter
    assert len(encode_postings(list(range(1800)))) == 1 + 1800 // 6


TYPED = {
    "марафонец": ["2026-01/ru/index.html#runner-detained"],
    "Zhylanbaev": ["2026-01/en/index.html#runner-detained", "2026-01/kk/index.html#runner-detained",
                   "2026-01/ru/index.html#runner-detained"],
    'журналист -"деловой репутации"': ["2026-01/ru/index.html#journalists-accreditation"],
}


def test_typed_queries_list_the_entries_and_their_links_open_them(archive_site, tmp_path):
    need_browser()
    search = archive_site / "dist/search.html"
    result = node(TYPE_SEARCH, str(search), "390", *TYPED, tmp_path=tmp_path)
    assert result["errors"] == [] and result["offline"]
    for done, (query, expected) in zip(result["searches"], TYPED.items()):
        assert done["address"].startswith(search.as_uri() + "?q="), query
        assert sorted(done["results"]) == expected, query
        assert done["status"] == f"Найдено: {len(expected)}" and done["overflow"] <= 0
        assert done["opened"]["found"] and done["opened"]["tag"] == "ARTICLE"
        assert done["opened"]["url"] == (archive_site / "dist").as_uri() + "/" + done["results"][0]


def dump_dom(url: str, tmp_path: Path) -> str:
    done = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                           f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", url],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_page_reads_its_query_from_the_address(archive_site, tmp_path):
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (.ci/run installs Debian's chromium)")
    page = (archive_site / "dist/search.html").as_uri()
    dom = dump_dom(page + "?q=%D0%90%D1%81%D1%82%D0%B0%D0%BD%D0%B0&lang=kk", tmp_path)  # Астана, Kazakh only
    results = dom[dom.index('<ol id="results"'):]
    # one word matched in each: the newer month first
    assert re.findall(r'<li><a href="([^"]+)"', results) == ["2026-03/kk/index.html#picket-dispersed",
                                                             "2026-01/kk/index.html#runner-detained"]
    dom = dump_dom(page + "?q=%22%D1%81%D1%83%D0%B4", tmp_path)  # "суд  (a quotation mark never closed)
    assert '<p id="search-status" role="status">Такой запрос не&nbsp;выполнить' in dom
    assert '<ol id="results" class="site-results"></ol>' in dom


def test_every_site_page_passes_the_nu_html_checker(archive_site):
    if shutil.which("java") is None or not VNU.is_file():
        pytest.skip("Java or vnu-jar is not installed (.ci/run installs both)")
    files = [str(p) for p in site_pages(archive_site / "dist")]
    done = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json", *files],
                          capture_output=True, text=True, timeout=300)
    messages = json.loads(done.stderr or '{"messages": []}')["messages"]
    assert messages == [], messages


AXE_PAGES = [("index.html", 390), ("2026-01/kk/index.html", 390), ("search.html", 1280)]


@pytest.fixture(scope="module")
def axe_results(archive_site, tmp_path_factory):
    """Every page of AXE_PAGES checked in one browser: (page, width) -> axe's result."""
    need_browser()
    folder = tmp_path_factory.mktemp("axe")
    jobs = [(archive_site / "dist" / page, width, folder / f"shot-{index}.png")
            for index, (page, width) in enumerate(AXE_PAGES)]
    return dict(zip(AXE_PAGES, run_axe(jobs, folder)))


@pytest.mark.parametrize("page,width", AXE_PAGES)
def test_axe_finds_no_serious_violations_and_no_sideways_scroll(axe_results, page, width):
    result = axe_results[page, width]
    assert [v for v in result["violations"] if v["impact"] in ("serious", "critical")] == []
    assert result["overflow"] <= 0
