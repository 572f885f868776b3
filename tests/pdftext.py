"""Reading outputs back for assertions: PDF text, fonts and outline; DOCX paragraphs."""

from __future__ import annotations

import re
from pathlib import Path

from pypdf import PdfReader


def normalize(text: str) -> str:
    """Whitespace folded, no-break spaces as spaces, soft hyphens and line-end hyphenation removed."""
    text = text.replace("\u00ad", "").replace("\u00a0", " ").replace("\u202f", " ")
    text = re.sub(r"(\w)-\n(\w)", r"\1\2", text)
    return re.sub(r"\s+", " ", text).strip()


def pdf_text(path: Path) -> str:
    import subprocess
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=False)
    if out.returncode == 0:
        return normalize(re.sub(r" {2,}", " ", out.stdout.decode("utf-8")))
    return normalize("\n".join(page.extract_text() or "" for page in PdfReader(path).pages))


def pdf_pages_text(path: Path) -> list[str]:
    return [normalize(page.extract_text() or "") for page in PdfReader(path).pages]


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
