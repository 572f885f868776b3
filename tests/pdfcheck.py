"""What an assembled bulletin PDF must hold, as lists of what is wrong (empty: right); used by tests and benchmarks."""

from __future__ import annotations

import io
import re

import pikepdf

from pdftext import normalize
from pdftext import pdf_page_lines as page_lines


def page_texts(data: bytes) -> list[str]:
    return [normalize("\n".join(lines)) for lines in page_lines(data)]


def title_pages(texts: list[str], titles: list[str], after: int | None = None) -> dict[str, int]:
    """1-based page where each title is first printed after page ``after`` (by default: past the contents,
    the last page listing with leaders)."""
    if after is None:
        after = max((i + 1 for i, text in enumerate(texts) if text.count(". . .") >= 3), default=1)
    found = {}
    for title in titles:
        wanted = normalize(title)
        found[title] = next((i + 1 for i, text in enumerate(texts) if i + 1 > after and wanted in text), 0)
    return found


def check_page_numbers(data: bytes) -> list[str]:
    """Page 1 (the cover) prints no number; every other page's last line is its own number, 2…N."""
    wrong = []
    for number, lines in enumerate(page_lines(data), start=1):
        last = lines[-1] if lines else ""
        if number == 1:
            if last.isdigit():
                wrong.append(f"the cover prints a page number {last}")
        elif last != str(number):
            wrong.append(f"page {number} prints {last!r} as its number")
    return wrong


def contents_pages(texts: list[str], heading: str) -> list[int]:
    """The contents (1-based): the page that starts with its heading and the pages after it that list with
    leaders."""
    start = next(i for i, text in enumerate(texts) if text.startswith(heading))
    pages = [start + 1]
    while pages[-1] < len(texts) and texts[pages[-1]].count(". . .") >= 3:
        pages.append(pages[-1] + 1)
    return pages


def check_contents(data: bytes, titles: list[str], heading: str) -> list[str]:
    """Every entry's number in the contents is the page where its title is printed."""
    texts = page_texts(data)
    listed = contents_pages(texts, heading)
    contents = " ".join(texts[i - 1] for i in listed)
    actual = title_pages(texts, titles, max(listed))
    wrong = []
    for title in titles:
        match = re.search(re.escape(normalize(title)) + r"[ .]*?(\d+)", contents)
        if not match:
            wrong.append(f"{title!r} is not in the contents")
        elif int(match.group(1)) != actual[title]:
            wrong.append(f"the contents give {title!r} page {match.group(1)}, it is on page {actual[title]}")
    return wrong


def _destination_pages(pdf: pikepdf.Pdf) -> dict[str, int]:
    index = {page.obj.objgen: i + 1 for i, page in enumerate(pdf.pages)}
    names = pdf.Root.get("/Names")
    if names is None or "/Dests" not in names:
        return {}
    return {str(k): index.get(v[0].objgen, 0) for k, v in pikepdf.NameTree(names.Dests).items()}


def check_bookmarks(data: bytes, titles: list[str]) -> list[str]:
    """Every entry's bookmark (level 2, under its rubric) points at the page where its title is printed."""
    texts = page_texts(data)
    actual = title_pages(texts, titles)
    wrong = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        index = {page.obj.objgen: i + 1 for i, page in enumerate(pdf.pages)}
        with pdf.open_outline() as outline:
            marks = {normalize(item.title): index.get(item.destination[0].objgen, 0)
                     for rubric in outline.root for item in rubric.children}
    for title in titles:
        page = marks.get(normalize(title))
        if page is None:
            wrong.append(f"no bookmark for {title!r}")
        elif page != actual[title]:
            wrong.append(f"the bookmark of {title!r} points at page {page}, the title is on page {actual[title]}")
    return wrong


def check_links(data: bytes, heading: str, titles: list[str]) -> list[str]:
    """Every link on the contents pages names a destination that exists; an entry's leads to its title's page."""
    texts = page_texts(data)
    listed = contents_pages(texts, heading)
    actual = title_pages(texts, titles, max(listed))
    wrong, count, reached = [], 0, set()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        destinations = _destination_pages(pdf)
        for number in listed:
            for annotation in pdf.pages[number - 1].get("/Annots", []):
                if annotation.get("/Subtype") != pikepdf.Name.Link or "/Dest" not in annotation:
                    continue
                count += 1
                name = str(annotation.Dest)
                if name not in destinations or not destinations[name]:
                    wrong.append(f"the contents link to #{name} resolves nowhere")
                elif name.startswith("entry-"):
                    reached.add(destinations[name])
    if count < len(titles):
        wrong.append(f"{count} links in the contents for {len(titles)} entries")
    if reached != set(actual.values()):
        wrong.append(f"the contents' entry links reach pages {sorted(reached)}, titles are on {sorted(set(actual.values()))}")
    return wrong


def check_structure(data: bytes, titles: list[str]) -> list[str]:
    """One structure tree with Lang, MarkInfo and DisplayDocTitle; an H3 on each title's page; qpdf finds
    no error."""
    texts = page_texts(data)
    actual = title_pages(texts, titles)
    wrong = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        wrong += [f"qpdf: {problem}" for problem in pdf.check_pdf_syntax()]
        root = pdf.Root
        for key in ("/StructTreeRoot", "/Lang", "/MarkInfo"):
            if key not in root:
                wrong.append(f"no {key} in the catalog")
        if not bool(root.get("/ViewerPreferences", {}).get("/DisplayDocTitle", False)):
            wrong.append("DisplayDocTitle is not set")
        if "/StructTreeRoot" not in root:
            return wrong
        index = {page.obj.objgen: i + 1 for i, page in enumerate(pdf.pages)}
        heading_pages, stack = [], [root.StructTreeRoot]
        while stack:
            node = stack.pop()
            if not isinstance(node, pikepdf.Dictionary) or "/MCID" in node or node.get("/Type") == pikepdf.Name.OBJR:
                continue
            if node.get("/S") == pikepdf.Name.H3 and "/Pg" in node:
                heading_pages.append(index.get(node.Pg.objgen, 0))
            kids = node.get("/K")
            if kids is not None:
                stack.extend(kids if isinstance(kids, pikepdf.Array) else [kids])
        parent_tree = dict(pikepdf.NumberTree(root.StructTreeRoot.ParentTree).items())
        for number, page in enumerate(pdf.pages, start=1):
            key = page.obj.get("/StructParents")
            if key is None or int(key) not in parent_tree:
                wrong.append(f"page {number} has no entry in the ParentTree")
    expected = sorted(actual[title] for title in titles)
    if sorted(heading_pages) != expected:
        wrong.append(f"H3 headings on pages {sorted(heading_pages)}, titles on pages {expected}")
    return wrong
