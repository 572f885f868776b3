"""Reading outputs back for assertions: PDF text, fonts and outline; DOCX paragraphs."""

from __future__ import annotations

import functools
import io
import re
from pathlib import Path

from pypdf import PdfReader


def normalize(text: str) -> str:
    """Whitespace folded, no-break spaces as spaces, soft hyphens and line-end hyphenation removed."""
    text = text.replace("\u00ad", "").replace("\u00a0", " ").replace("\u202f", " ")
    text = re.sub(r"(\w)-\n(\w)", r"\1\2", text)
    return re.sub(r"\s+", " ", text).strip()


def pdf_page_lines(path: Path | bytes) -> list[list[str]]:
    """Each page's lines top to bottom, as a reader sees them (pypdf's layout mode: by position, not by
    content-stream order), runs of spaces folded. pip-installed, so no poppler on the machine is needed.
    ``path``: a PDF file, or a PDF's bytes."""
    data = path if isinstance(path, bytes) else Path(path).read_bytes()
    return [list(lines) for lines in _page_lines(data)]


@functools.lru_cache(maxsize=16)  # layout-mode extraction is slow; tests read the same PDF bytes many times
def _page_lines(data: bytes) -> tuple[tuple[str, ...], ...]:
    pages = []
    for page in PdfReader(io.BytesIO(data)).pages:
        # A finer grid than the default 1.25 keeps the gap between two runs on one line ("Источник: https…").
        text = page.extract_text(extraction_mode="layout", layout_mode_scale_weight=2)
        pages.append(tuple(re.sub(r" {2,}", " ", line).strip() for line in text.splitlines() if line.strip()))
    return tuple(pages)


def pdf_pages_text(path: Path) -> list[str]:
    return [normalize("\n".join(lines)) for lines in pdf_page_lines(path)]


def pdf_text(path: Path) -> str:
    return normalize("\n".join(line for lines in pdf_page_lines(path) for line in lines))


def pdf_fonts(path: Path) -> set[str]:
    """Base font names of every font in every page's resources (subset prefix removed)."""
    names = set()
    for page in PdfReader(path).pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            base = str(font.get("/BaseFont", ""))
            names.add(base.split("+", 1)[-1].lstrip("/"))
    return names


def pdf_embedded(path: Path) -> bool:
    for page in PdfReader(path).pages:
        for ref in page.get("/Resources", {}).get("/Font", {}).values():
            font = ref.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            if not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                return False
    return True


def pdf_outline(path: Path) -> list:
    """Bookmarks as nested (title, children) tuples."""
    reader = PdfReader(path)

    def walk(items):
        out = []
        for item in items:
            if isinstance(item, list):
                if out:
                    out[-1] = (out[-1][0], walk(item))
            else:
                out.append((normalize(item.title), []))
        return out
    return walk(reader.outline)
