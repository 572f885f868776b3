"""Chunked PDF (render/chunked.py, chunks.py, assembly.py): the assembled PDF is the bulletin a reader gets, and
the checks catch a wrong assembly."""

from __future__ import annotations

import io
import random

import pikepdf
import pytest

import bulletin.render.chunked as chunked
from bulletin.build import load_month_content
from bulletin.cache import Cache
from bulletin.render import make_view
from bulletin.render.pdf import render_pdf
from conftest import make_project, entry
from pdfcheck import (check_bookmarks, check_contents, check_links, check_page_numbers, check_structure,
                      page_texts)

WORDS = ("суд отклонил жалобу активиста «Голос степи» — повторно заседание отложено; адвокат заявил, что "
         "решение незаконно, а прокуратура потребовала штраф в\u00a0размере 50 МРП").split()
CONTENTS = "Содержание"


def body(rng: random.Random, paragraphs: int, link: str = "") -> str:
    text = []
    for _ in range(paragraphs):
        words = [rng.choice(WORDS) for _ in range(70)]
        text.append(" ".join(words).capitalize() + ".")
    if link:
        text.append(f"Подробнее: [см. также]({link}).")
    return "\n\n".join(text)


def month_files() -> tuple[dict[str, str], list[str]]:
    """Nine entries in three rubrics, each rubric over several pages; one links into another rubric."""
    rng, files, titles = random.Random(15), {}, []
    for index in range(9):
        rubric = ("progress", "prisoners", "speech")[index % 3]
        title = f"Материал номер {index + 1} — суд и «пикет» в Алматы"
        link = "n-7.ru.md" if index == 0 else ""
        files[f"content/2026-02/n-{index}.ru.md"] = entry(title=title, rubric=rubric, date=f"2026-02-{index + 1:02d}",
                                                          body=body(rng, 5 + index % 3, link),
                                                          source=f"https://example.org/{index}")
        titles.append(title)
    return files, titles


@pytest.fixture(scope="module")
def month(tmp_path_factory):
    files, titles = month_files()
    root = make_project(tmp_path_factory.mktemp("chunked") / "p", files)
    content = load_month_content(root, "2026-02", ["ru"])
    assert not content.problems.errors, content.problems.sorted()
    view = make_view(content.bulletins["ru"], content.converted["ru"], content.messages["ru"], content.created["ru"])
    return view, titles


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """One cache for the module: a sabotaged build lays out again only what its sabotage changes."""
    return Cache(tmp_path_factory.mktemp("cache"))


class ChunksOnly:
    """The module's cache for the chunks' layouts but never for the assembly: a sabotaged assemble runs
    (a cached assembly would be the right one) without every chunk being laid out again."""

    def __init__(self, store: Cache):
        self.store, self.assemblies = store, set()

    def key(self, *parts) -> str:
        key = self.store.key(*parts)
        if parts[0] == "pdf-assembly":
            self.assemblies.add(key)
        return key

    def get(self, key: str) -> bytes | None:
        return None if key in self.assemblies else self.store.get(key)

    def put(self, key: str, data: bytes) -> None:
        if key not in self.assemblies:
            self.store.put(key, data)


@pytest.fixture(scope="module")
def chunked_pdf(month, store):
    view, _ = month
    return render_pdf(view, 120, jobs=2, cache=store)


def all_problems(data: bytes, titles: list[str]) -> list[str]:
    return (check_page_numbers(data) + check_contents(data, titles, CONTENTS) + check_bookmarks(data, titles)
            + check_links(data, CONTENTS, titles) + check_structure(data, titles))


def test_assembled_pdf_numbers_contents_bookmarks_links_and_tags_agree(chunked_pdf, month):
    _, titles = month
    assert len(page_texts(chunked_pdf)) >= 8  # several pages per rubric: the checks have something to catch
    assert all_problems(chunked_pdf, titles) == []


def test_chunked_and_whole_document_have_the_same_text_page_by_page(chunked_pdf, month):
    view, _ = month
    whole = render_pdf(view, 120, whole=True)
    assert page_texts(chunked_pdf) == page_texts(whole)


def test_a_link_into_another_rubric_survives_assembly(chunked_pdf):
    with pikepdf.open(io.BytesIO(chunked_pdf)) as pdf:
        dests = {str(k) for k, _ in pikepdf.NameTree(pdf.Root.Names.Dests).items()}
        links = [str(a.Dest) for page in pdf.pages for a in page.get("/Annots", []) if "/Dest" in a
                 and str(a.get("/Contents", "")) == str(a.Dest)]
    assert "entry-n-7" in dests
    assert links.count("entry-n-7") >= 2  # the contents' and the cross-reference in entry n-0


def test_checks_fail_when_a_chunk_is_shifted_by_one_page(month, store, monkeypatch):
    view, titles = month
    real = chunked.read_layout

    def shifted(data, borrowed=frozenset(), known=None):
        layout = real(data, borrowed, known)
        if "entry-n-1" in layout.anchors:  # the second rubric: everything after it moves one page
            layout.pages += 1
        return layout
    monkeypatch.setattr(chunked, "read_layout", shifted)
    wrong = render_pdf(view, 120, jobs=2, cache=store)
    assert check_contents(wrong, titles, CONTENTS)
    assert not check_bookmarks(wrong, titles)  # bookmarks and links follow the pages themselves


def test_checks_fail_when_the_page_numbers_are_shifted_by_one_page(month, store, monkeypatch):
    view, _ = month
    real = chunked.assemble

    def shifted(chunks, folio=None):  # from page 5 on, each page gets the next page's number
        with pikepdf.open(io.BytesIO(folio)) as numbers:
            del numbers.pages[4]
            numbers.pages.append(numbers.pages[0])
            buffer = io.BytesIO()
            numbers.save(buffer)
        return real(chunks, buffer.getvalue())
    monkeypatch.setattr(chunked, "assemble", shifted)
    wrong = render_pdf(view, 120, jobs=2, cache=ChunksOnly(store))
    assert check_page_numbers(wrong)[0] == "page 5 prints '6' as its number"


def test_checks_fail_when_a_chunk_loses_its_structure_tree(month, store, monkeypatch):
    view, titles = month
    real = chunked.assemble

    def without_tree(chunks, folio=None):
        data, borrowed = chunks[2]
        with pikepdf.open(io.BytesIO(data)) as pdf:
            del pdf.Root["/StructTreeRoot"]
            buffer = io.BytesIO()
            pdf.save(buffer)
        return real(chunks[:2] + [(buffer.getvalue(), borrowed)] + chunks[3:], folio)
    monkeypatch.setattr(chunked, "assemble", without_tree)
    wrong = render_pdf(view, 120, jobs=2, cache=ChunksOnly(store))
    assert check_structure(wrong, titles)
    assert not check_page_numbers(wrong)  # only the tree is wrong


def test_an_archival_variant_assembled_from_chunks_keeps_what_pdf_a_requires(month):
    """What PDF/A asks of the whole file, checked on the assembly as on one WeasyPrint document: the
    identification in the XMP, one output intent with its ICC profile, the Info dates equal to the XMP's,
    every font embedded with a ToUnicode map (level U), a file ID, no encryption or JavaScript."""
    view, titles = month
    data = render_pdf(view, 120, "pdf/a-3u", jobs=2)  # pdf/a-2u differs only in its part number
    assert page_texts(data) == page_texts(render_pdf(view, 120, "pdf/a-3u", whole=True))
    with pikepdf.open(io.BytesIO(data)) as pdf:
        meta = pdf.open_metadata()
        assert (meta["pdfaid:part"], meta["pdfaid:conformance"]) == ("3", "U")
        intents = list(pdf.Root.OutputIntents)
        assert len(intents) == 1 and intents[0].S == "/GTS_PDFA1" and len(intents[0].DestOutputProfile.read_bytes()) > 1000
        assert "/Encrypt" not in pdf.trailer and len(pdf.trailer.ID) == 2
        assert "/JavaScript" not in pdf.Root.get("/Names", {}) and "/OpenAction" not in pdf.Root
        assert str(pdf.docinfo.ModDate)[2:16] == meta["xmp:ModifyDate"].replace("-", "").replace("T", "").replace(":", "")[:14]
        fonts = {font.objgen: font for page in pdf.pages for font in page.Resources.Font.values()}
        assert fonts
        for font in fonts.values():
            descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            descriptor = descendant.FontDescriptor
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), font.BaseFont
            assert "/ToUnicode" in font, font.BaseFont
    assert not check_page_numbers(data) and not check_contents(data, titles, CONTENTS)
