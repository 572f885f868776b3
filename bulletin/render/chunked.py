"""A bulletin view -> its chunks laid out in parallel (and cached) -> one assembled, tagged PDF."""

from __future__ import annotations

import json
import os
import time

from ..cache import folder_digest
from ..epoch import ENV as SOURCE_DATE_EPOCH
from ..scheduler import Task, TaskError, run_tasks
from .assembly import Layout, assemble, parse_layout, read_layout
from ..fonts import fonts_dir
from .chunks import make_chunk, make_folio, split_document

# Layouts of the contents tried before its page count settles (each try moves the entries' pages by the
# change in its own length); in practice the second one always agrees.
CONTENTS_TRIES = 3
FONT_EPOCH = 946684800  # 2000-01-01: what font subsets are stamped with (the PDF's dates are its metadata)


def layout_chunk(html: str, config, variant: str | None, xmp: dict, created: int, layout=None,
                 current=None) -> tuple[bytes, list, Layout]:
    """In a forked child: one chunk document -> PDF, WeasyPrint's (level, message) records and the PDF's
    layout (read here, in parallel), with the renderer's memory limit and entry probe. ``layout``:
    pdf.html_to_pdf unless a test brings its own."""
    from . import pdf as renderer

    # fontTools stamps each font subset with this: a constant, so that a chunk's bytes depend on its HTML
    # alone (its cache key) and a rebuild from the cache is the same file as a cold one
    os.environ[SOURCE_DATE_EPOCH] = str(created)
    import weasyprint  # noqa: F401  (loaded before the limit: it bounds the layout, not the libraries)

    renderer._limit_memory(config.limits["pdf_memory_mb"])
    if current is not None:
        renderer._follow_entries(current)
    warnings: list = []
    data, refused = (layout or renderer.html_to_pdf)(html, config, variant, xmp, warnings)
    if refused:
        raise PermissionError("; ".join(refused))
    return data, warnings, parse_layout(data)


class ChunkRenderer:
    """Lays out a view's chunks through the scheduler, consulting ``cache`` (bulletin/cache.py) first."""

    def __init__(self, view, timeout: int, variant: str | None, xmp: dict, jobs: int | None = None, cache=None,
                 layout=None):
        self.view, self.timeout, self.jobs, self.cache, self.layout = view, timeout, jobs, cache, layout
        self.variant = variant or view.config.pdf_variant
        self.xmp, self.created = xmp, FONT_EPOCH
        self.laid_out: list[str] = []  # chunk names actually laid out (not from the cache), for tests and timings
        # WeasyPrint's records of every chunk, cached ones included: a cache hit must not hide a bad stylesheet
        self.warnings: list[tuple[str, str]] = []
        self.deadline = time.monotonic() + timeout  # the limit is for the whole PDF, however many phases
        self.known: dict[bytes, Layout] = {}  # each chunk's layout, by its PDF: read_layout need not parse it
        self._fonts: str | None = None

    def _key(self, html: str, variant: str) -> str | None:
        """The chunk's HTML holds its styles and images; the fonts, the variant and the tools' versions
        (Cache.key) are the rest of what its layout depends on."""
        if not self.cache:
            return None
        if self._fonts is None:  # once per PDF, not per chunk
            self._fonts = folder_digest(fonts_dir(self.view.config))
        return self.cache.key("pdf-chunk", html, str(variant), self._fonts)

    def render(self, named: dict[str, str], untagged: frozenset[str] = frozenset()) -> dict[str, bytes]:
        """Chunk name -> HTML in, chunk name -> PDF out, laid out at once; cached ones are not laid out
        again. ``untagged``: the folio is drawn into tagged pages as an artifact, so it is laid out
        untagged (variant "none")."""
        done, tasks, keys = {}, [], {}
        for name, html in named.items():
            variant = "none" if name in untagged else self.variant
            keys[name] = key = self._key(html, variant)
            cached = self.cache.get(key) if self.cache else None
            meta = self.cache.get(key + "-meta") if cached is not None else None
            if cached is not None and meta is not None:
                done[name], meta = cached, json.loads(meta)
                self.warnings += [tuple(r) for r in meta["warnings"]]
                self.known[cached] = Layout(meta["pages"], meta["anchors"])
                continue
            tasks.append(Task(layout_chunk, (html, self.view.config, variant, self.xmp, self.created, self.layout),
                              max(0.5, self.deadline - time.monotonic()), f"the PDF layout of {name}",
                              cost=len(html)))
        if tasks:
            # Imported once here, so that every forked child inherits WeasyPrint instead of importing it
            # again (~0.7 s of CPU each, and time out of the layout's limit)
            import weasyprint  # noqa: F401
        laid = [name for name in named if name not in done]
        for name, (data, records, layout) in zip(laid, run_tasks(tasks, self.jobs)):
            done[name] = data
            self.laid_out.append(name)
            self.warnings += records
            self.known[data] = layout
            if self.cache:
                meta = {"warnings": records, "pages": layout.pages, "anchors": layout.anchors}
                self.cache.put(keys[name], data)
                self.cache.put(keys[name] + "-meta", json.dumps(meta).encode("utf-8"))
        return done


def place_pages(parts, layouts) -> tuple[dict[str, int], list[str]]:
    """Where the laid-out parts land, one after another: each anchor's page (from 1) and each page's kind."""
    first, pages, kinds = 1, {}, []
    for part in parts:
        for anchor, index in layouts[part.name].anchors.items():
            pages.setdefault(anchor, first + index)
        kinds += [part.kind] * layouts[part.name].pages
        first += layouts[part.name].pages
    return pages, kinds


def render_chunked(view, html: str, timeout: int, variant: str | None, xmp: dict, jobs: int | None = None,
                   cache=None, renderer: ChunkRenderer | None = None) -> bytes:
    """Cover, contents and sections laid out apart (the contents with placeholder numbers), then the
    contents again with the real ones beside the folio; assembled into one PDF. ValueError: the template
    cannot be split (the caller lays it out whole); TaskError: a layout failed."""
    head, parts = split_document(html)
    renderer = renderer or ChunkRenderer(view, timeout, variant, xmp, jobs, cache)
    chunks = {part.name: make_chunk(head, part, dated=part is parts[0]) for part in parts}
    pdfs = renderer.render({name: chunk.html for name, chunk in chunks.items()})
    layouts = {name: read_layout(pdfs[name], chunks[name].borrowed, renderer.known.get(pdfs[name])) for name in chunks}
    contents = next((p for p in parts if p.kind == "contents"), None)
    folio = None
    for _ in range(CONTENTS_TRIES if contents else 0):
        pages, kinds = place_pages(parts, layouts)
        numbered = make_chunk(head, contents, pages, dated=contents is parts[0])
        if numbered.html == chunks[contents.name].html:
            break
        chunks[contents.name] = numbered
        # The folio is laid out beside the numbered contents, on the guess (almost always right) that the
        # real numbers leave the contents as long as the placeholders did
        laid = renderer.render({contents.name: numbered.html, "folio": make_folio(head, kinds)}, frozenset({"folio"}))
        pdfs[contents.name] = laid[contents.name]
        before = layouts[contents.name].pages
        layouts[contents.name] = read_layout(pdfs[contents.name], numbered.borrowed, renderer.known.get(pdfs[contents.name]))
        if layouts[contents.name].pages == before:
            folio = laid["folio"]
            break
    if folio is None:
        kinds = place_pages(parts, layouts)[1]
        folio = renderer.render({"folio": make_folio(head, kinds)}, frozenset({"folio"}))["folio"]
    pieces = [(pdfs[part.name], chunks[part.name].borrowed) for part in parts]
    # The assembly is a function of its pieces (pikepdf writes a deterministic /ID): a rebuild with nothing
    # changed reads it back instead of merging again.
    key = cache.key("pdf-assembly", folio, *(data for data, _ in pieces), *(" ".join(sorted(b)) for _, b in pieces)) \
        if cache else None
    merged = cache.get(key) if cache else None
    if merged is None:
        merged = assemble(pieces, folio)
        if cache:
            cache.put(key, merged)
    return merged


def render_view(view, html: str, timeout: int, variant: str | None, xmp: dict, jobs: int | None = None,
                cache=None, renderer: ChunkRenderer | None = None,
                warnings: list | None = None, layout=None) -> bytes | None:
    """render_pdf's chunked path: None when the template cannot be split; failures as PdfError, located at
    the entry being laid out when the child knew it. ``warnings`` receives WeasyPrint's records."""
    from .pdf import PdfError, _entry_at, failure_message

    renderer = renderer or ChunkRenderer(view, timeout, variant, xmp, jobs, cache, layout)
    try:
        pdf = render_chunked(view, html, timeout, variant, xmp, jobs, cache, renderer)
        if warnings is not None:
            warnings += list(dict.fromkeys(renderer.warnings))  # each chunk repeats the stylesheet's
        return pdf
    except ValueError:
        return None
    except TaskError as exc:
        entry = _entry_at(view, exc.working_on) if exc.working_on else None
        if exc.timed_out:
            raise PdfError(failure_message("timeout", f"{timeout:g}", view.config), entry) from None
        if exc.kind == "" and exc.message.startswith("PermissionError: "):  # what the fetcher refused
            raise PdfError(exc.message.split(": ", 1)[1].rsplit(" in ", 1)[0]) from None
        detail = exc.message.split("unexpectedly", 1)[1] if exc.kind == "signal" else exc.message
        raise PdfError(failure_message(exc.kind, detail, view.config), entry) from None


def preview_entry(view, anchor: str, timeout: int, cache=None) -> bytes | None:
    """One entry alone under its rubric's title, with the bulletin's print styles: its own 1–3 pages, laid
    out in about a second (serve's print preview). None when the view has no such entry."""
    import re

    from .html import render_html
    from .chunks import Part

    head, parts = split_document(render_html(view, for_print=True))
    article = re.compile(rf'<article\b[^>]*\bid="{re.escape(anchor)}".*?</article>', re.DOTALL)
    for part in parts:
        found = article.search(part.html) if part.kind == "section" else None
        if found:
            opening = part.html[:part.html.find("<article")]  # the section's tag and the rubric's title
            alone = Part(anchor, opening + found.group(0) + "\n</section>", "section")
            break
    else:
        return None
    chunk = make_chunk(head, alone)
    renderer = ChunkRenderer(view, timeout, None, {}, 1, cache)
    return renderer.render({anchor: chunk.html})[anchor]
