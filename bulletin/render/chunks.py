"""One print HTML document -> independent chunk documents (cover, contents, each section) and the folio layer."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# The template's own landmarks. Entry bodies can never contain them: the sanitiser (markdown.py) allows no
# header, nav, main, section or footer element, and escapes any such text.
_BODY = re.compile(r"<body\b[^>]*>")
_COVER = re.compile(r'<header class="cover">.*?</header>', re.DOTALL)
_CONTENTS = re.compile(r'<nav class="toc".*?</nav>', re.DOTALL)
_MAIN = re.compile(r"<main\b[^>]*>(.*?)</main>", re.DOTALL)
_SECTION_START = re.compile(r"<section\b")
_ID = re.compile(r'\bid="([^"]+)"')
_SECTION_ID = re.compile(r'<section\b[^>]*\bid="([^"]+)"')
_INTERNAL_LINK = re.compile(r'<a\b[^>]*?\bhref="#([^"]+)"[^>]*>')
_COLOPHON = re.compile(r'<footer class="colophon">.*?</footer>', re.DOTALL)
_TOC_LINK = re.compile(r'<a href="#([^"]+)"')
# The document's dates (bulletin/epoch.py: the newest content) change with every edit but lay nothing
# out: only the first chunk, whose metadata the assembly keeps, carries them, so an edit does not
# change every other chunk's cache key.
_DATES = re.compile(r'<meta name="dcterms\.(?:created|modified)" content="[^"]*">\n?')
# Printed in the contents' first layout, before the real page numbers are known: as wide as any real one.
PLACEHOLDER_PAGE = "000"
CONTENTS_CSS = '.toc a::after { content: leader(". ") attr(data-page); }'
# A chunk prints no page number: its layout then depends on nothing outside it, so it is laid out in parallel
# with the others and reused wherever it lands. The numbers are a layer of their own (make_folio), laid
# over the assembled pages; the template keeps them in @bottom-center (layouts/print.css).
NO_FOLIO_CSS = "@page { @bottom-center { content: none; } }"
FOLIO_CSS = """@page { @top-left { content: none; } @top-center { content: none; } @top-right { content: none; } }
.folio { break-after: page; height: 0; margin: 0; }
.folio-cover { page: cover; } .folio-contents { page: contents; }"""
# Layout rules that would make a chunk depend on where it starts: laid out whole instead.
POSITION_DEPENDENT = re.compile(r"@page\s*:(left|right|recto|verso|blank)|counter\(\s*pages\s*\)"
                                r"|@(?!bottom-center)(top|bottom|left|right)-[a-z-]+\s*\{[^}]*counter\(\s*page\s*\)")


@dataclass
class Part:
    """A piece of the document's body that lays out on pages of its own."""

    name: str  # "cover", "contents" or the section's id
    html: str
    kind: str  # cover | contents | section


@dataclass
class Chunk:
    """One chunk document ready for WeasyPrint, and the link targets it borrows from other chunks."""

    name: str
    kind: str
    html: str
    borrowed: frozenset[str] = field(default_factory=frozenset)


def split_document(html: str) -> tuple[str, list[Part]]:
    """The document's head (everything up to <body>) and its parts, in reading order.

    Raises ValueError when the template has none of the landmarks (a project's own layout): the caller then
    lays the document out whole."""
    body = _BODY.search(html)
    main = _MAIN.search(html)
    if POSITION_DEPENDENT.search(html[:body.start()] if body else html):
        raise ValueError("the print styles number or shape pages by their position (:left, :right, counter(pages) "
                         "or a page number outside @bottom-center): the document is laid out whole")
    if not body or not main:
        raise ValueError("the print template has no <body> or <main>: it cannot be laid out in chunks")
    head, parts = html[:body.start()], []
    before = html[body.end():main.start()]
    for name, pattern in (("cover", _COVER), ("contents", _CONTENTS)):
        found = pattern.search(before)
        if found:
            parts.append(Part(name, found.group(0), name))
            before = before.replace(found.group(0), "", 1)
    if before.strip():
        raise ValueError("the print template has content before <main> other than the cover and the contents")
    inside = main.group(1)
    starts = [m.start() for m in _SECTION_START.finditer(inside)]
    if not starts or inside[:starts[0]].strip():
        raise ValueError("the print template's <main> does not consist of sections")
    for start, end in zip(starts, starts[1:] + [len(inside)]):
        piece = inside[start:end].strip()
        found = _SECTION_ID.match(piece)
        parts.append(Part(found.group(1) if found else f"section-{len(parts)}", piece, "section"))
    after = _COLOPHON.sub("", html[main.end():]).replace("</body>", "").replace("</html>", "")
    if after.strip():
        parts.append(Part("after", after.strip(), "section"))
    return head, parts


def _borrow_targets(html: str) -> tuple[str, frozenset[str]]:
    """WeasyPrint drops a link whose target is not in the same document. Each target that lives in another
    chunk gets an empty stand-in inside the first link to it; assembly points the link at the real one."""
    own = set(_ID.findall(html))
    borrowed: set[str] = set()

    def stand_in(match: re.Match) -> str:
        target = match.group(1)
        if target in own or target in borrowed:
            return match.group(0)
        borrowed.add(target)
        return f'{match.group(0)}<span id="{target}"></span>'
    return _INTERNAL_LINK.sub(stand_in, html), frozenset(borrowed)


def number_contents(html: str, pages: dict[str, int] | None) -> str:
    """The contents with each entry's page written in (``None``: the placeholder, for a first layout)."""
    def number(match: re.Match) -> str:
        page = PLACEHOLDER_PAGE if pages is None else str(pages.get(match.group(1), PLACEHOLDER_PAGE))
        return f'{match.group(0)} data-page="{page}"'
    return _TOC_LINK.sub(number, html)


def make_chunk(head: str, part: Part, pages: dict[str, int] | None = None, dated: bool = False) -> Chunk:
    """A whole HTML document for one part: the same head and styles, no page numbers of its own;
    ``dated``: the first chunk, which keeps the document's dates."""
    head = head if dated else _DATES.sub("", head)
    css = NO_FOLIO_CSS
    body = part.html
    if part.kind == "contents":
        css += "\n" + CONTENTS_CSS
        body = number_contents(body, pages)
    elif part.kind == "section":
        body = f"<main>\n{body}\n</main>"
    body, borrowed = _borrow_targets(body)
    return Chunk(part.name, part.kind, _document(head, css, body), borrowed)


def make_folio(head: str, kinds: list[str]) -> str:
    """One empty page per page of the bulletin (``kinds``: each page's part kind), printing its number
    where the template prints it, in the template's own style."""
    pages = "".join(f'<div class="folio folio-{kind}"></div>\n' for kind in kinds)
    return _document(_DATES.sub("", head), FOLIO_CSS, pages)


def _document(head: str, css: str, body: str) -> str:
    return head.replace("</head>", f"<style>\n{css}\n</style>\n</head>", 1) + f"<body>\n{body}</body>\n</html>\n"
