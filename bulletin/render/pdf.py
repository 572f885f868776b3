"""Print HTML -> PDF with WeasyPrint: project fonts only, no fetch outside the project, time-limited."""

from __future__ import annotations

import base64
import multiprocessing
import os
import traceback
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..config import Config
from ..processes import die_with_parent, out_of_memory
from ..fonts import DEFAULT_FONTS, fonts_dir
from ..layouts import DEFAULT_LAYOUTS
from .base import RenderError, RenderOptions, Renderer
from .view import View
from .html import render_html
from .pdf_fonts import font_cache, font_configuration
from .pdf_warnings import capture_weasyprint, report_weasyprint
from ..epoch import ENV as SOURCE_DATE_EPOCH
from ..locale import LANGUAGE_TAGS


class PdfError(RenderError):
    """WeasyPrint failed, ran out of time or memory, or was refused a fetch."""


def allowed_roots(config: Config) -> list[Path]:
    roots = [config.content_dir, config.layouts_dir, config.fonts_dir, DEFAULT_LAYOUTS, DEFAULT_FONTS]
    return [r.resolve() for r in roots if r.exists()]


def make_fetcher(config: Config, refused: list[str]):
    """A URL fetcher that serves only files inside the project's content/, layouts/ and fonts/."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse, FatalURLFetchingError

    roots = allowed_roots(config)

    class ProjectFetcher(URLFetcher):
        def __init__(self):
            super().__init__(allowed_protocols={"file"}, allow_redirects=False, fail_on_errors=True)

        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            header, _, payload = url.partition(",")
            if header.startswith("data:image/") and header.endswith(";base64"):  # entry images (render_html)
                return URLFetcherResponse(url, body=base64.b64decode(payload))
            if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
                refused.append(f"refused to fetch '{url[:120]}': builds never use the network")
                raise FatalURLFetchingError(refused[-1])
            path = Path(unquote(parts.path)).resolve()
            if not any(path == r or r in path.parents for r in roots) or not path.is_file():
                refused.append(f"refused to read '{url[:120]}': outside the project's content/, layouts/ and fonts/"
                               if path.exists() else f"'{url[:120]}' does not exist")
                raise FatalURLFetchingError(refused[-1])
            return URLFetcherResponse(path.as_uri(), body=path.read_bytes())

    return ProjectFetcher()


def _with_xmp(metadata, extra: dict):
    """The document's metadata, also writing dc:publisher, dc:language and the month into XMP."""
    from xml.etree.ElementTree import SubElement

    from weasyprint.pdf.metadata import NS

    class BulletinMetadata(type(metadata)):
        def generate_rdf_metadata(self, variant, version, conformance):
            rdf = super().generate_rdf_metadata(variant, version, conformance)
            from xml.etree.ElementTree import fromstring, tostring
            root = fromstring(rdf) if isinstance(rdf, bytes) else rdf
            description = SubElement(root, f"{{{NS['rdf']}}}Description")
            description.attrib[f"{{{NS['rdf']}}}about"] = ""
            for key in ("publisher", "language"):
                if extra.get(key):
                    bag = SubElement(SubElement(description, f"{{{NS['dc']}}}{key}"), f"{{{NS['rdf']}}}Bag")
                    SubElement(bag, f"{{{NS['rdf']}}}li").text = extra[key]
            if extra.get("coverage"):
                SubElement(description, f"{{{NS['dc']}}}coverage").text = extra["coverage"]
            return tostring(root, encoding="utf-8") if isinstance(rdf, bytes) else root

    metadata.__class__ = BulletinMetadata
    return metadata


def html_to_pdf(html: str, config: Config, variant: str | None = None, xmp: dict | None = None,
                warnings: list | None = None, fetcher=make_fetcher) -> tuple[bytes, list[str]]:
    """In-process rendering; returns the PDF and what the fetcher refused (a refusal is fatal).
    ``warnings``, when given, receives WeasyPrint's (level, message) records of this render;
    ``fetcher(config, refused)`` makes WeasyPrint's URL fetcher (make_fetcher, or a test's wrapper)."""
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    from .patches import apply_patches
    apply_patches()
    refused: list[str] = []
    document = HTML(string=html, base_url=(config.content_dir.resolve().as_uri() + "/"),
                    url_fetcher=fetcher(config, refused))
    variant = variant or config.pdf_variant
    options = {"pdf_variant": None if variant in (None, "none") else variant, "attachments": [],
               "custom_metadata": False, "optimize_images": True}
    if options["pdf_variant"] and options["pdf_variant"].startswith("pdf/ua"):
        options["pdf_tags"] = True
    with font_cache() as cache, capture_weasyprint([] if warnings is None else warnings):
        try:
            rendered = document.render(font_config=font_configuration(fonts_dir(config), cache), **options)
            if xmp:
                _with_xmp(rendered.metadata, xmp)
            pdf = rendered.write_pdf(**options)
        except FatalURLFetchingError:
            return b"", refused
    return pdf, refused


def _limit_memory(megabytes: int) -> None:
    """Cap the renderer's address space: a pathological layout then fails with MemoryError in the child
    instead of taking the machine's memory (a 400 KB word once drove WeasyPrint to 24 GB)."""
    try:
        import resource

        limit = megabytes * 1024 * 1024
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, ValueError, OSError):
        pass


def _follow_entries(current) -> None:
    """Record the id of each <article> (an entry) WeasyPrint starts to lay out, so that a failure can name it.
    It hooks a function of WeasyPrint's layout; when that is renamed, failures just name no entry."""
    try:
        from weasyprint.layout import block
    except ImportError:
        return
    original = getattr(block, "block_container_layout", None)
    if original is None:
        return

    def layout(context, box, *args, **kwargs):
        if getattr(box, "element_tag", None) == "article" and box.element is not None:
            current.value = (box.element.get("id") or "").encode("ascii", "replace")[:len(current) - 1]
        return original(context, box, *args, **kwargs)

    block.block_container_layout = layout


def failure_message(kind: str, detail: str, config: Config) -> str:
    """What the renderer says when a layout fails: ``kind`` is memory, recursion, signal, timeout or ""."""
    memory = config.limits["pdf_memory_mb"]
    if kind == "memory":
        return (f"the PDF layout needed more than {memory} MB of memory "
                "(limit: limits.pdf_memory_mb in bulletin.yaml)")
    if kind == "recursion":
        return ("the PDF layout is nested too deeply (lower limits.inline_nesting or limits.nesting "
                "in bulletin.yaml)")
    if kind == "signal":
        return (f"the PDF renderer stopped unexpectedly{detail}; it may have needed more than "
                f"{memory} MB of memory (limit: limits.pdf_memory_mb in bulletin.yaml)")
    if kind == "timeout":
        return f"the PDF layout did not finish within {detail} s (limit: timeouts.pdf in bulletin.yaml)"
    return "the PDF renderer failed: " + detail


def _child(html: str, config: Config, variant: str | None, xmp: dict, created: int, pipe, current,
           parent: int, layout=html_to_pdf) -> None:
    die_with_parent(parent)  # with the pid: a parent that died before prctl took effect is noticed too
    # fontTools stamps each subset font's 'head' table with this, or with the clock: the PDF's own date.
    os.environ[SOURCE_DATE_EPOCH] = str(created)
    import weasyprint  # noqa: F401  (loaded before the limit: it bounds the layout, not the libraries)

    _limit_memory(config.limits["pdf_memory_mb"])
    _follow_entries(current)
    try:
        warnings: list = []
        pdf, refused = layout(html, config, variant, xmp, warnings)
        pipe.send(("ok", refused, b"" if refused else pdf, warnings))
    except RecursionError:
        pipe.send(("error", [failure_message("recursion", "", config)], b"", []))
    except BaseException as exc:  # report anything to the parent rather than die silently
        if out_of_memory(exc):
            pipe.send(("error", [failure_message("memory", "", config)], b"", []))
            return
        # one line, no traceback: the last frame says where it broke
        frame = traceback.extract_tb(exc.__traceback__)[-1:] or [None]
        where = f" in {Path(frame[0].filename).name}:{frame[0].lineno}" if frame[0] else ""
        pipe.send(("error", [f"{type(exc).__name__}: {str(exc)[:300]}{where}"], b"", []))
    finally:
        pipe.close()


def _entry_at(view: View, anchor: str) -> str | None:
    return next((e.rel for s in view.sections for e in s.entries + view.untranslated if e.anchor == anchor), None)


def render_pdf(view: View, timeout: int, variant: str | None = None, problems=None, whole: bool = False,
               layout=html_to_pdf, **chunking) -> bytes:
    """Render in forked children so a pathological entry ends with an error at the time limit: in chunks
    laid out in parallel and cached (render/chunked.py), or ``whole``, as one document. ``problems``, when
    given, receives WeasyPrint's warnings, located (pdf_warnings.py). ``layout``: what each child runs to
    lay out a document (html_to_pdf, or a test's stand-in)."""
    html = render_html(view, for_print=True)
    xmp = {"publisher": view.publisher.replace("\u00a0", " "), "language": LANGUAGE_TAGS[view.lang],
           "coverage": f"{view.month} ({view.month_title})"}
    if not whole:
        from .chunked import render_view

        records: list = []
        pdf = render_view(view, html, timeout, variant, xmp, warnings=records, layout=layout, **chunking)
        if pdf is not None:
            if problems is not None:
                report_weasyprint(records, view, html, problems)
            return pdf
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    current = context.Array("c", 256, lock=False)  # the anchor of the entry being laid out
    process = context.Process(target=_child, args=(html, view.config, variant, xmp, int(view.created.timestamp()), sender, current, os.getpid(), layout),
                              daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise PdfError(failure_message("timeout", str(timeout), view.config), _entry_at(view, current.value.decode()))
        status, messages, pdf, warnings = receiver.recv()
    except EOFError:
        process.join(5)
        signal_name = f" (signal {-process.exitcode})" if process.exitcode and process.exitcode < 0 else ""
        raise PdfError(failure_message("signal", signal_name, view.config), _entry_at(view, current.value.decode()))
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join()
    if status != "ok":
        raise PdfError(messages[0] if messages[0].startswith("the PDF ") else failure_message("", "; ".join(messages), view.config),
                       _entry_at(view, current.value.decode()))
    if messages:
        raise PdfError("; ".join(messages))
    if problems is not None:
        report_weasyprint(warnings, view, html, problems)
    return pdf


class PdfRenderer(Renderer):
    format, suffix, media_type = "pdf", ".pdf", "application/pdf"

    def __init__(self, layout=html_to_pdf):
        """``layout(html, config, variant, xmp, warnings) -> (pdf, refused)``: html_to_pdf, or a test's stand-in."""
        self.layout = layout

    def render(self, view: View, options: RenderOptions) -> bytes:
        return render_pdf(view, view.config.timeouts["pdf"], options.pdf_variant, options.problems,
                          jobs=options.jobs, cache=options.cache, layout=self.layout)
