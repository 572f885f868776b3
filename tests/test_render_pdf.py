"""The PDF as a reader gets it: titles, rubric order, cover, contents, bookmarks, fonts, metadata."""

from __future__ import annotations


from pypdf import PdfReader

from conftest import REPO
from pdftext import normalize, pdf_embedded, pdf_fonts, pdf_outline, pdf_page_lines, pdf_pages_text, pdf_text

RUBRIC_ORDER = ["Прогресс?", "Политзаключенные",
                "Положение правозащитников, гражданских активистов, профсоюзных деятелей и блогеров",
                "Свобода слова, получения и распространения информации", "Право на свободу мирных собраний"]
PROJECT_FONTS = {"PT-Serif", "PT-Serif-Bold", "PT-Serif-Italic", "PT-Serif-BoldItalic", "PT-Sans", "PT-Sans-Bold",
                 "PT-Sans-Italic", "PT-Sans-BoldItalic", "Noto-Serif", "Noto-Sans", "Noto-Sans-Math",
                 "Noto-Sans-Symbols2"}


def test_every_title_appears_and_drafts_do_not(sample_build, sample_titles):
    text = pdf_text(sample_build / "bulletin-2026-02-ru.pdf")
    for titles in sample_titles.values():
        for title in titles:
            assert normalize(title) in text, title
    assert "Студентов задержали" not in text


def test_rubrics_in_configured_order_each_on_its_own_page(sample_build):
    pages = pdf_pages_text(sample_build / "bulletin-2026-02-ru.pdf")
    assert len(pages) > 1
    first_pages = []
    for rubric in RUBRIC_ORDER:
        # Each rubric starts a page: its heading is the first text there.
        found = [i for i, page in enumerate(pages[2:], start=2) if page.startswith(rubric)]
        assert found, f"no page starts rubric {rubric!r}"
        first_pages.append(found[0])
    assert first_pages == sorted(first_pages)


def test_cover_has_publication_publisher_and_nominative_month(sample_build):
    cover = pdf_pages_text(sample_build / "bulletin-2026-02-ru.pdf")[0]
    assert "Бюллетень о нарушениях прав человека в Казахстане" in cover
    assert "Февраль 2026" in cover
    assert "9 материалов" in cover
    assert "февраля 2026" not in cover and "February" not in cover


def test_contents_lists_rubrics_and_entries_with_page_numbers(sample_build):
    contents = pdf_pages_text(sample_build / "bulletin-2026-02-ru.pdf")[1]
    assert contents.startswith("Содержание")
    assert "Прогресс? . . ." in contents or "Прогресс?. . ." in contents or "Прогресс? ." in contents
    assert "Акимат отказал жителям в согласовании пикета в защиту городского парка" in contents


def test_bookmarks_rubric_then_entry(sample_build):
    outline = pdf_outline(sample_build / "bulletin-2026-02-ru.pdf")
    titles = [title for title, _ in outline]
    assert titles[0] == "Содержание"
    assert titles[1:] == RUBRIC_ORDER
    progress = dict(outline)["Прогресс?"]
    assert [t for t, _ in progress][0].startswith("Мажилис одобрил в первом чтении")


def test_fonts_embedded_and_only_from_fonts_folder(sample_build):
    for lang in ("ru", "kk", "en"):
        path = sample_build / f"bulletin-2026-02-{lang}.pdf"
        fonts = pdf_fonts(path)
        assert fonts and fonts <= PROJECT_FONTS, fonts
        assert pdf_embedded(path)


def test_metadata(sample_build):
    reader = PdfReader(sample_build / "bulletin-2026-02-ru.pdf")
    info = reader.metadata
    assert info.title == "Бюллетень о нарушениях прав человека в Казахстане — Февраль 2026"
    assert info.author == "Мониторинговая группа «Права человека сегодня»"
    assert reader.trailer["/Root"].get("/Lang") == "ru"


def test_running_header_and_page_numbers(sample_build):
    pages = pdf_pages_text(sample_build / "bulletin-2026-02-ru.pdf")
    assert pages[2].startswith("Прогресс?")  # running header on the first rubric page
    assert pages[2].rstrip().endswith("3")
    assert not pages[0].rstrip().endswith("1")  # the cover has no number


def test_no_english_month_in_russian_or_kazakh(sample_build):
    months = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December"]
    for lang in ("ru", "kk"):
        text = pdf_text(sample_build / f"bulletin-2026-02-{lang}.pdf")
        assert not [m for m in months if m in text]


def test_committed_fonts_cover_kazakh():
    from fontTools.ttLib import TTFont
    for name in ("PT_Serif-Regular.ttf", "PT_Serif-Bold.ttf", "PT_Sans-Regular.ttf", "PT_Sans-Bold.ttf"):
        cmap = TTFont(REPO / "fonts" / name).getBestCmap()
        assert all(ord(c) in cmap for c in "әғқңөұүһіӘҒҚҢӨҰҮҺІ«»—№"), name


def test_kazakh_text_is_hyphenated(sample_build):
    import re
    out = "\n".join(page.extract_text() for page in PdfReader(sample_build / "bulletin-2026-02-kk.pdf").pages)
    broken = re.findall(r"([а-яәғқңөұүһі]{2,})-\n([а-яәғқңөұүһі]{2,})", out)
    assert len(broken) >= 3, broken


def test_dates_and_months_per_language(sample_build):
    kk = pdf_text(sample_build / "bulletin-2026-02-kk.pdf")
    assert "Ақпан 2026" in kk and "2026 ж. 16 ақпан" in kk
    en = pdf_text(sample_build / "bulletin-2026-02-en.pdf")
    assert "February 2026" in en and "16 February 2026" in en


def test_tagged_accessible_pdf_with_xmp(sample_build):
    import pikepdf
    with pikepdf.open(sample_build / "bulletin-2026-02-ru.pdf") as pdf:
        root = pdf.Root
        assert "/StructTreeRoot" in root
        assert bool(root.MarkInfo.Marked) is True
        assert str(root.Lang) == "ru"
        assert bool(root.ViewerPreferences.DisplayDocTitle) is True
        meta = pdf.open_metadata()
        assert meta["dc:title"] == "Бюллетень о нарушениях прав человека в Казахстане — Февраль 2026"
        assert meta["dc:publisher"] == {"Мониторинговая группа «Права человека сегодня»"}
        assert meta["dc:language"] == {"ru-RU"}
        assert "Февраль 2026" in meta["dc:coverage"]
        assert meta["pdfuaid:part"] == "1"
        links = [a.A.URI for page in pdf.pages for a in page.get("/Annots", []) if "/A" in a and "/URI" in a.A]
    assert "https://example.org/zhana-dala/news/2026-02-16-kasymov" in [str(u) for u in links]


def test_no_entry_title_stranded_at_the_bottom_of_a_page(project):
    """Entries of every length in one rubric: somewhere a title would fall last on a page."""
    from conftest import entry, run
    words = "Суд рассмотрел жалобу правозащитников и оставил прежнее решение без изменения".split()
    files = {}
    for i in range(40):
        # Bodies from one to nine lines long, so that titles fall at every height on the page.
        body = " ".join((words * 12)[: 9 + (i * 7) % 80])
        files[f"content/2026-02/e{i:02d}.ru.md"] = entry(title=f"Заголовок материала номер {i} о деле", body=body,
                                                         date=f"2026-02-{1 + i % 27:02d}")
    root = project(files)
    assert run("build", "--project", root, "--format", "pdf").exit_code == 0
    pdf = root / "build/2026-02/bulletin-2026-02-ru.pdf"
    assert pdf.stat().st_size < 1_500_000  # fonts subset once, not per page
    pages = [lines for lines in pdf_page_lines(pdf)[1:] if not any(". . . ." in line for line in lines)]
    assert len(pages) > 3  # not the cover or contents
    for lines in pages:
        if len(lines) < 2:
            continue
        assert lines[-1].isdigit(), lines[-3:]  # the page number
        last = lines[-2]
        assert not last.startswith("Заголовок материала номер"), lines[-3:]
        assert "2026" not in last, lines[-3:]  # nor its meta line (byline · outlet · date), without the text


def test_a_bad_property_in_the_projects_print_css_is_a_located_warning_and_strict_fails(tmp_path):
    """WeasyPrint's log is no longer muted: what it skips in layouts/print.css is a warning at file:line."""
    from conftest import entry, make_project, run

    css = (REPO / "layouts" / "print.css").read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(css, 1) if text.startswith("body {"))
    css[line - 1] = css[line - 1].replace("body {", "body { colr: red;")
    root = make_project(tmp_path / "p", {"content/2026-02/a.ru.md": entry(),
                                         "layouts/print.css": "\n".join(css) + "\n"})
    warning = (f"layouts/print.css:{line}: warning: PDF: Ignored `colr: red` at column 8, unknown property.")
    result = run("build", "--project", root, "--format", "pdf")
    assert result.exit_code == 0, result.output
    assert warning in result.output.splitlines()
    strict = run("build", "--project", root, "--format", "pdf", "--strict", "--out", tmp_path / "strict")
    assert strict.exit_code == 1 and warning in strict.output.splitlines()
    assert not (tmp_path / "strict").exists()


def test_weasyprint_records_are_captured_per_thread():
    """The capture is one render's (its thread's), not a process-wide change of WeasyPrint's logger."""
    import logging
    import threading

    from bulletin.render.pdf_warnings import capture_weasyprint

    logger, mine, theirs = logging.getLogger("weasyprint"), [], []
    handlers, started, logged = list(logger.handlers), threading.Event(), threading.Event()

    def other():
        with capture_weasyprint(theirs):
            started.set()
            logged.wait(5)
            logger.warning("other thread")

    thread = threading.Thread(target=other)
    thread.start()
    started.wait(5)
    with capture_weasyprint(mine):
        logger.warning("Ignored `colr: red` at %d:%d, unknown property.", 3, 5)
        logged.set()
        thread.join(5)
    assert mine == [("warning", "Ignored `colr: red` at 3:5, unknown property.")]
    assert theirs == [("warning", "other thread")]
    assert logger.handlers == handlers and logger.level == logging.NOTSET


def test_project_fonts_without_touching_the_process_environment(tmp_path, monkeypatch):
    """Our fonts reach WeasyPrint through its font map, not FONTCONFIG_FILE: the environment is the whole
    process's, and renders at once (threads, publish's tasks) would see one another's."""
    import os

    from bulletin.config import load_config
    from bulletin.problems import Problems
    from bulletin.render.pdf import html_to_pdf
    from conftest import make_project

    class Watched(dict):
        def __setitem__(self, key, value):
            assert key != "FONTCONFIG_FILE", "the render set FONTCONFIG_FILE"
            super().__setitem__(key, value)

    monkeypatch.setattr(os, "environ", Watched(os.environ))
    root = make_project(tmp_path / "p")
    html = '<html lang="ru"><body><p style="font-family: serif">Қазақ тілі, «ёлка»</p>' \
           '<p style="font-family: monospace">code</p></body></html>'
    pdf, refused = html_to_pdf(html, load_config(root, Problems(root)), "none")
    assert refused == []
    (tmp_path / "x.pdf").write_bytes(pdf)
    fonts = pdf_fonts(tmp_path / "x.pdf")
    assert fonts and fonts <= PROJECT_FONTS, fonts  # no system font, even for a generic family
