"""Entries cannot touch one another or the layout: labels, footnotes, ids, classes and file links.

All bodies of a month go through pandoc in one batch; whatever one entry defines must stay in it, in
HTML, PDF and DOCX alike, and no path of the build machine may reach an output.
"""

from __future__ import annotations

import io
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import entry, make_project, run
from pdftext import normalize, pdf_outline, pdf_pages_text

M = "content/2026-02/"
OUT = Path("build") / "2026-02"
HTML, DOCX, PDF = (f"bulletin-2026-02-ru.{ext}" for ext in ("html", "docx", "pdf"))

ALPHA = ("Первое сообщение[^1] со [ссылкой][r] и [источником][src].\n\n"
         "См. также [второй материал](beta.ru.md) и [его подробности](beta.ru.md#podrobnosti).\n\n"
         "[^1]: Сноска первого материала.\n\n[r]: https://alpha.example/r\n[src]: https://alpha.example/src\n")
BETA = ("Второе сообщение[^1] со [ссылкой][r] и ещё одной сноской[^note].\n\n## Подробности {#podrobnosti}\n\n"
        "Текст подробностей, а вот [ссылка наверх](#podrobnosti).\n\n"
        "[^1]: Сноска второго материала.\n\n[^note]: Вторая сноска второго материала.\n\n"
        "[r]: https://beta.example/r\n[src]: https://elsewhere.example/\n")
FILLER = "\n\n".join(f"Обычный абзац номер {i}, который занимает место на странице и переносит текст дальше."
                     for i in range(70))
HIJACK = ("[Поддельный заголовок]{.rubric-title #entry-alpha}\n\n::: {.skip-link .mark}\nСкрытый абзац.\n:::\n\n"
          '<p class="colophon" id="main">Сырой абзац.</p>\n\n<h3>Поддельный материал</h3>\n\n'
          '::: {custom-style="Heading 1"}\nПоддельная рубрика.\n:::\n\n'
          f"{FILLER}\n")
LINKS = ("Ссылки: [прошлый выпуск](../2026-01/old.ru.md), [отчёт](report.pdf),\n"
         "[черновик](draft.ru.md) и [ничего](nothing.ru.md).\n")
FILES = {
    f"{M}alpha.ru.md": entry(title="Альфа", date="2026-02-01", body=ALPHA),
    f"{M}beta.ru.md": entry(title="Бета", date="2026-02-10", body=BETA),
    f"{M}hijack.ru.md": entry(title="Захват", rubric="progress", body=HIJACK),
    f"{M}links.ru.md": entry(title="Ссылки", rubric="prisoners", body=LINKS),
    f"{M}draft.ru.md": entry(title="Черновик", rubric="prisoners", draft="true"),
    f"{M}report.pdf": b"%PDF-1.4 not really\n",
    "content/2026-01/old.ru.md": entry(title="Старое", date="2026-01-10"),
}


class Elements(HTMLParser):
    """Every start tag of an HTML document, with its attributes, in order."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def article(html: str, anchor: str) -> str:
    match = re.search(rf'<article class="entry[^"]*" id="{anchor}".*?</article>', html, re.DOTALL)
    assert match, anchor
    return match.group(0)


def segments(text: str, titles: list[str]) -> dict[str, str]:
    """The text from each title to the next one, in the body (titles appear first in the contents)."""
    starts = sorted((text.rindex(t), t) for t in titles)
    ends = [s for s, _ in starts[1:]] + [len(text)]
    return {t: text[s:e] for (s, t), e in zip(starts, ends)}


def docx_parts(data: bytes) -> tuple[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("word/document.xml").decode(), archive.read("word/_rels/document.xml.rels").decode()


def docx_text(document: str) -> str:
    paragraphs = re.findall(r"<w:p[ >].*?</w:p>", document, re.DOTALL)
    return "\n".join("".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", p)) for p in paragraphs)


def pdf_links(path: Path) -> tuple[list[str], list[str]]:
    """URIs and internal destinations of every link annotation."""
    from pypdf import PdfReader

    uris, dests = [], []
    for page in PdfReader(path).pages:
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            action = annot.get("/A")
            if action is not None and action.get("/URI"):
                uris.append(str(action["/URI"]))
            elif annot.get("/Dest") is not None:
                dests.append(str(annot["/Dest"]))
            elif action is not None and action.get("/D") is not None:
                dests.append(str(action["/D"]))
    return uris, dests


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = make_project(tmp_path_factory.mktemp("isolation") / "project", FILES)
    result = run("build", "--project", root)
    assert result.exit_code == 0, result.output
    out = root / OUT
    return {"root": root, "output": result.output, "html": (out / HTML).read_text(encoding="utf-8"),
            "docx": (out / DOCX).read_bytes(), "pdf": out / PDF}


# --------------------------------------------------------------------------- labels and footnotes

def test_html_each_entry_keeps_its_own_references_and_footnotes(built):
    alpha, beta = article(built["html"], "entry-alpha"), article(built["html"], "entry-beta")
    assert 'href="https://alpha.example/r"' in alpha and 'href="https://alpha.example/src"' in alpha
    assert 'href="https://beta.example/r"' in beta
    assert "alpha.example" not in beta and "beta.example" not in alpha
    assert "elsewhere.example" not in built["html"]  # defined in beta, used nowhere
    # each entry's notes print with it, numbered from 1, and link to each other inside the entry
    assert "Сноска первого материала" in alpha and "Сноска второго материала" in beta
    assert "Вторая сноска второго материала" in beta and "Сноска второго" not in alpha
    assert re.search(r'<div id="entry-alpha__fn-1">\s*<p><a href="#entry-alpha__fnref-1"[^>]*>1\.</a> '
                     r"Сноска первого материала", alpha)
    assert re.search(r'<div id="entry-beta__fn-2">\s*<p><a href="#entry-beta__fnref-2"[^>]*>2\.</a> '
                     r"Вторая сноска", beta)
    assert re.search(r'<span id="entry-beta__fnref-1"><sup><a href="#entry-beta__fn-1"[^>]*>1</a></sup>', beta)
    assert "footnotes-end-of-document" not in built["html"]
    ids = [attrs["id"] for _, attrs in Elements(built["html"]).tags if "id" in attrs]
    assert len(ids) == len(set(ids)), "duplicate ids"


def test_pdf_each_entry_keeps_its_own_references_and_footnotes(built):
    text = " ".join(pdf_pages_text(built["pdf"]))
    parts = segments(text, ["Альфа", "Бета", "Захват", "Ссылки"])
    assert "1. Сноска первого материала" in parts["Альфа"]
    assert "1. Сноска второго материала" in parts["Бета"] and "2. Вторая сноска" in parts["Бета"]
    uris, dests = pdf_links(built["pdf"])
    assert {"https://alpha.example/r", "https://alpha.example/src", "https://beta.example/r"} <= set(uris)
    assert "https://elsewhere.example/" not in uris
    assert {"entry-alpha__fn-1", "entry-alpha__fnref-1", "entry-beta__fn-2", "entry-beta__fnref-2"} <= set(dests)


def test_docx_each_entry_keeps_its_own_references_and_footnotes(built):
    document, rels = docx_parts(built["docx"])
    parts = segments(docx_text(document), ["Альфа\n", "Бета\n", "Захват\n", "Ссылки\n"])
    assert "1. Сноска первого материала" in parts["Альфа\n"]
    assert "1. Сноска второго материала" in parts["Бета\n"] and "2. Вторая сноска" in parts["Бета\n"]
    # notes are paragraphs of the entry, not Word footnotes that Word would number through the file
    assert "w:footnoteReference" not in document
    for name in ("entry-alpha__fn-1", "entry-alpha__fnref-1", "entry-beta__fn-2", "entry-beta__fnref-2"):
        assert f'w:name="{name}"' in document and f'w:anchor="{name}"' in document
    targets = re.findall(r'Target="(https?://[^"]+)"', rels)
    assert {"https://alpha.example/r", "https://alpha.example/src", "https://beta.example/r"} <= set(targets)
    assert "https://elsewhere.example/" not in targets


def test_labels_resolve_only_inside_their_entry_and_check_says_so(tmp_path):
    files = {
        f"{M}a.ru.md": entry(title="А", date="2026-02-01", body="Ссылка на [источник][src] и [src].\n"),
        f"{M}b.ru.md": entry(title="Б", date="2026-02-02", body="Своё[^1] и [ещё][r].\n\n[^1]: Раз.\n\n"
                                                             "[^1]: Два.\n\n[r]: https://b.example/1\n"
                                                             "[R]: https://b.example/2\n"
                                                             "[src]: https://elsewhere.example/\n"),
        f"{M}c.ru.md": entry(title="В", date="2026-02-03", body="Без текста[^9], [sic] и `[src]` в коде.\n\n"
                                                             "[^lost]: Потерянная сноска.\n"),
    }
    root = make_project(tmp_path / "project", files)
    result = run("check", "--project", root)
    lines = result.output.splitlines()
    assert (f"{M}a.ru.md:7: warning: link reference [src] is not defined in this entry; it is defined in "
            f"{M}b.ru.md, but labels work only inside their own entry: it prints as plain text") in lines
    assert f"{M}b.ru.md:11: warning: footnote [^1] is defined again (first on line 9): " \
           "only the first definition is used" in lines
    assert f"{M}b.ru.md:14: warning: link reference [R] is defined again (first on line 13): " \
           "only the first definition is used" in lines
    assert f"{M}c.ru.md:7: warning: footnote [^9] is not defined in this entry: it prints as plain text" in lines
    assert f"{M}c.ru.md:9: warning: footnote [^lost] is never called in this entry (write [^lost] in the " \
           "text): it is not printed" in lines
    assert not any("[sic]" in line for line in lines)
    assert not any(line.startswith(f"{M}c.ru.md") and "[src]" in line for line in lines)
    assert run("build", "--project", root, "--format", "html").exit_code == 0
    html = (root / OUT / HTML).read_text(encoding="utf-8")
    assert "elsewhere.example" not in article(html, "entry-a")


def test_a_label_called_twice_keeps_one_note_and_inline_notes_count_too(tmp_path):
    body = ("Первый вызов[^a], второй вызов[^a] и встроенная^[Встроенная сноска.].\n\n"
            "## Итоги года\n\nСм. [итоги](#итоги-года) и [никуда](#nowhere).\n\n[^a]: Общая сноска.\n")
    root = make_project(tmp_path / "project", {f"{M}a.ru.md": entry(body=body)})
    result = run("build", "--project", root, "--format", "html")
    assert result.exit_code == 0
    html = article((root / OUT / HTML).read_text(encoding="utf-8"), "entry-a")
    assert html.count("Общая сноска") == 1 and html.count('href="#entry-a__fn-1"') == 2
    assert html.count('id="entry-a__fnref-1"') == 1
    assert re.search(r'>2\.</a> Встроенная сноска', html)
    assert 'id="entry-a_итоги-года"' in html and 'href="#entry-a_итоги-года"' in html
    assert result.output.splitlines()[:-1] == [
        f"{M}a.ru.md:11: warning: link '#nowhere' leads nowhere: no heading or id of this entry has that id"]


def test_a_note_called_inside_a_link_makes_no_link_inside_the_link(tmp_path):
    body = "Начало [текст^[Сноска в ссылке.]](https://x.example/) и [*курсив^[Вторая.]*](https://y.example/).\n"
    root = make_project(tmp_path / "project", {f"{M}a.ru.md": entry(body=body)})
    assert run("build", "--project", root, "--format", "html,docx").exit_code == 0
    document, _ = docx_parts((root / OUT / DOCX).read_bytes())
    depth = deepest = 0
    for match in re.finditer(r"<(/?)w:hyperlink\b", document):
        depth += -1 if match[1] else 1
        deepest = max(deepest, depth)
    assert deepest == 1  # Word refuses a hyperlink inside a hyperlink
    assert "1. Сноска в\u00a0ссылке." in docx_text(document) and "2. Вторая." in docx_text(document)
    html = article((root / OUT / HTML).read_text(encoding="utf-8"), "entry-a")
    assert re.search(r'<a href="https://x.example/"[^>]*>текст<span id="entry-a__fnref-1"><sup><span>1</span>', html)


def test_an_id_given_twice_in_an_entry_is_kept_once_with_a_warning(tmp_path):
    body = '## Начало {#x}\n\nТекст и [метка]{#x}.\n\n<p id="x">Сырой абзац.</p>\n'
    root = make_project(tmp_path / "project", {f"{M}a.ru.md": entry(body=body)})
    result = run("build", "--project", root, "--format", "html,docx")
    assert result.exit_code == 0
    assert f"{M}a.ru.md:9: warning: id 'x' is given twice in this entry: only the first is kept" in \
        result.output.splitlines()
    html = (root / OUT / HTML).read_text(encoding="utf-8")
    ids = [attrs["id"] for _, attrs in Elements(html).tags if "id" in attrs]
    assert ids.count("entry-a_x") == 1 and len(ids) == len(set(ids))
    assert docx_parts((root / OUT / DOCX).read_bytes())[0].count('w:name="entry-a_x"') == 1


def test_pandoc_runs_once_per_batch_whatever_the_number_of_entries(tmp_path, monkeypatch):
    import bulletin.markdown as markdown

    commands = []
    original = markdown.subprocess.run

    def recording(command, *args, **kwargs):
        if "git" not in Path(str(command[0])).name:  # the build also asks git for the content's time
            commands.append(command)
        return original(command, *args, **kwargs)
    monkeypatch.setattr(markdown.subprocess, "run", recording)
    files = {f"{M}e{i:02d}.ru.md": entry(title=f"Материал {i}", body=f"Текст[^1] [r].\n\n[^1]: Сноска {i}.\n\n"
                                                                      f"[r]: https://e{i}.example/\n")
             for i in range(12)}
    root = make_project(tmp_path / "project", files)
    assert run("build", "--project", root, "--format", "html").exit_code == 0
    assert len(commands) == 2  # one to read every body, one to write every fragment
    html = (root / OUT / HTML).read_text(encoding="utf-8")
    for i in range(12):
        assert f'href="https://e{i}.example/"' in article(html, f"entry-e{i:02d}")
        assert f"Сноска {i}." in article(html, f"entry-e{i:02d}")


# --------------------------------------------------------------------------------- layout roles

def test_entry_classes_and_ids_cannot_take_layout_roles_in_html(built):
    tags = Elements(built["html"]).tags
    ids = [attrs["id"] for _, attrs in tags if "id" in attrs]
    assert ids.count("entry-alpha") == 1 and ids.count("main") == 1
    hijack = article(built["html"], "entry-hijack")
    for name in ("rubric-title", "skip-link", "colophon", "custom-style"):
        assert name not in hijack
    assert [attrs.get("id") for tag, attrs in tags if attrs.get("id") == "entry-alpha"] == ["entry-alpha"]
    assert '<article class="entry" id="entry-alpha"' in built["html"]
    # what is presentational stays; ids move into the entry's own namespace
    assert '<div class="mark">' in hijack
    assert 'id="entry-hijack_entry-alpha"' in hijack and 'id="entry-hijack_main"' in hijack


def test_a_rubric_title_class_in_an_entry_never_becomes_the_pdf_running_header(built):
    pages = pdf_pages_text(built["pdf"])
    hijack_pages = [p for p in pages if "Обычный абзац номер" in p]
    assert len(hijack_pages) >= 2, "the entry must run onto a second page for its header to show"
    assert sum(p.count("Поддельный заголовок") for p in pages) == 1
    # the running header is the rubric's title on every page of the entry, wherever the text layer puts it
    assert all(p.startswith("Прогресс? ") and "Поддельный заголовок Прогресс" not in p for p in hijack_pages), \
        [p[:80] for p in hijack_pages]
    # nor does a raw heading in an entry's body become a bookmark beside the entries
    outline = pdf_outline(built["pdf"])
    titles = [title for title, children in outline] + [t for _, children in outline for t, _ in children]
    assert "Захват" in titles and not any("Поддельн" in title for title in str(outline).split("'"))
    from pypdf import PdfReader

    reader = PdfReader(built["pdf"])
    destination = reader.named_destinations["entry-alpha"]
    page = reader.get_destination_page_number(destination)
    assert "Первое сообщение" in pages[page]


def test_entry_ids_and_styles_cannot_take_layout_roles_in_docx(built):
    document, _ = docx_parts(built["docx"])
    assert document.count('w:name="entry-alpha"') == 1
    assert 'w:name="entry-hijack_entry-alpha"' in document
    styled = re.findall(r'<w:pStyle w:val="([^"]+)" ?/>(?:(?!</w:p>).)*?Поддельная рубрика', document, re.DOTALL)
    assert styled and "Heading1" not in styled


# ------------------------------------------------------------------------------ links to files

def test_links_to_entries_become_internal_links_in_every_format(built):
    alpha = article(built["html"], "entry-alpha")
    assert '<a href="#entry-beta"' in alpha and '<a href="#entry-beta_podrobnosti"' in alpha
    assert 'id="entry-beta_podrobnosti"' in article(built["html"], "entry-beta")
    assert '<a href="#entry-beta_podrobnosti"' in article(built["html"], "entry-beta")
    document, rels = docx_parts(built["docx"])
    assert 'w:anchor="entry-beta"' in document and 'w:anchor="entry-beta_podrobnosti"' in document
    assert 'w:name="entry-beta_podrobnosti"' in document
    assert ".md" not in rels
    _, dests = pdf_links(built["pdf"])
    assert {"entry-beta", "entry-beta_podrobnosti"} <= set(dests)


def test_links_to_files_outside_the_bulletin_are_removed_with_located_warnings(built):
    lines = built["output"].splitlines()
    links = f"{M}links.ru.md"
    assert (f"{links}:7: warning: link '../2026-01/old.ru.md' removed: that entry belongs to another month; "
            "link to it by its web address") in lines
    assert (f"{links}:7: warning: link 'report.pdf' removed: a bulletin cannot carry local files; link to a web "
            "address or to an entry of this month") in lines
    assert (f"{links}:8: warning: link 'draft.ru.md' removed: that entry is not in this bulletin (a draft, "
            "or not published in this language)") in lines
    assert f"{links}:8: warning: link 'nothing.ru.md' removed: it points to a missing file" in lines
    text = article(built["html"], "entry-links")
    assert "<a" not in text.split('class="entry-body">')[1].split("</div>")[0]
    assert "прошлый выпуск" in text and "отчёт" in text


def test_raw_html_file_links_are_removed_with_a_warning(tmp_path):
    body = 'До <a href="beta.ru.md">сырой ссылки</a> и <a href="#x">якоря</a>.\n'
    root = make_project(tmp_path / "project", {f"{M}a.ru.md": entry(body=body)})
    result = run("build", "--project", root, "--format", "html")
    assert result.exit_code == 0
    assert (f"{M}a.ru.md:7: warning: link 'beta.ru.md' removed: raw HTML links may only go to the web, mailto or "
            "#ids; link another entry with [text](its-file.md)") in result.output.splitlines()
    html = article((root / OUT / HTML).read_text(encoding="utf-8"), "entry-a")
    assert "beta.ru.md" not in html and 'href="#entry-a_x"' in html


def _all_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_builds_from_two_folders_give_identical_bytes_and_no_local_path(tmp_path, monkeypatch):
    import zlib

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    from test_security import png

    files = {k: v for k, v in FILES.items() if "hijack" not in k}
    files[f"{M}pic.png"] = png()
    files[f"{M}beta.ru.md"] = entry(title="Бета", date="2026-02-10", body=BETA + "\n![Снимок](pic.png)\n")
    outputs = []
    for folder in ("first/project", "second/elsewhere-named"):
        root = make_project(tmp_path / folder, files)
        assert run("build", "--project", root).exit_code == 0
        outputs.append(_all_bytes(root / OUT))
        for name, data in outputs[-1].items():
            streams = [data]
            if name.endswith(".pdf"):
                streams += [zlib.decompress(m) for m in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.DOTALL)
                            if m[:1] == b"x"]
            elif name.endswith(".docx"):
                with zipfile.ZipFile(io.BytesIO(data)) as archive:
                    streams = [archive.read(n) for n in archive.namelist()]
            for stream in streams:
                assert b"file:" not in stream and str(tmp_path).encode() not in stream, name
    assert sorted(outputs[0]) == [DOCX, HTML, PDF]
    assert outputs[0] == outputs[1]
    assert normalize(" ".join(pdf_pages_text(tmp_path / "first/project" / OUT / PDF)))


# -------------------------------------------------------------------------------- property test

LABELS = ["1", "a", "src", "Src", "note 1", "сноска"]


def _entry_body(i: int, plan: list[tuple[str, bool, bool, str]]) -> str:
    """Entry ``i``: for each label, a call (footnote or reference), its definition or not, and an id."""
    text, defs = [], []
    for label, is_note, defined, ident in plan:
        text.append(f"Текст[^{label}]" if is_note else f"[ссылка][{label}]")
        if ident:
            text.append(f"[метка]{{#{ident}}}")
        if defined:
            defs.append(f"[^{label}]: Сноска e{i} «{label}»." if is_note else f"[{label}]: https://e{i}.example/{label}")
    return " ".join(text) + "\n\n" + "\n\n".join(defs) + "\n"


PLANS = st.lists(st.lists(st.tuples(st.sampled_from(LABELS), st.booleans(), st.booleans(),
                                    st.sampled_from(["", "x", "entry-e0", "entry-e1_x", "main", "entry-e0__fn-1"])),
                          max_size=4), min_size=2, max_size=4)


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(plans=PLANS)
def test_whatever_entries_define_each_keeps_only_its_own(isolation_scratch, plans):
    """Random entries, one batch: no URL, note or id of one entry appears in another, in HTML or the
    AST that the DOCX is written from; every id of an entry lies in its own namespace."""
    import json
    import shutil

    from bulletin.build import load_month_content

    month = isolation_scratch / M
    shutil.rmtree(month, ignore_errors=True)
    month.mkdir(parents=True)
    for i, plan in enumerate(plans):
        (month / f"e{i}.ru.md").write_text(entry(title=f"Материал {i}", body=_entry_body(i, plan)), encoding="utf-8")
    content = load_month_content(isolation_scratch, "2026-02", ["ru"])
    converted = content.converted["ru"]
    assert len(converted) == len(plans)
    for i in range(len(plans)):
        body = converted[(f"e{i}", "ru")]
        others = [f"e{j}.example" for j in range(len(plans)) if j != i] + \
                 [f"Сноска e{j} " for j in range(len(plans)) if j != i]
        for text in (body.html, json.dumps(body.blocks, ensure_ascii=False)):
            assert not any(other in text for other in others), (i, text)
        for ident in re.findall(r'\sid="([^"]*)"', body.html):
            assert ident.startswith(f"entry-e{i}_"), ident
        ids = re.findall(r'\sid="([^"]*)"', body.html)
        assert len(ids) == len(set(ids))
        numbers = re.findall(r'<a href="#entry-e\d+__fnref-(\d+)"', body.html)
        assert numbers == [str(n) for n in range(1, len(numbers) + 1)]  # notes numbered from 1 in each entry


@pytest.fixture(scope="module")
def isolation_scratch(tmp_path_factory):
    from conftest import BASE_CONFIG

    config = BASE_CONFIG.replace("languages: [ru, kk, en]", "languages: [ru]")
    return make_project(tmp_path_factory.mktemp("isolation-property") / "project", config=config)
