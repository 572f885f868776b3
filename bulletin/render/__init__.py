"""Output formats -> their renderers: the registry every stage asks which formats exist and how to make them.

Adding a format: a module here with a ``Renderer`` subclass (format, suffix, media_type, render), listed in
``RENDERERS``; build, publish, the manifest, the archive page and deliver then know it.
"""

from __future__ import annotations

from .base import ARCHIVE, MONTH, RenderError, RenderOptions, Renderer
from .view import EntryView, SectionView, View, make_view
from .archive import IndexRenderer
from .docx import DocxRenderer
from .html import HtmlRenderer
from .pdf import PdfRenderer

__all__ = ["ARCHIVE", "MONTH", "RenderError", "RenderOptions", "Renderer", "EntryView", "SectionView", "View",
           "make_view", "RENDERERS", "FORMATS", "MEDIA_TYPES", "month_renderers", "renderer_for"]

# In the order outputs are listed (manifest, archive page, e-mails) and rendered.
RENDERERS: tuple[Renderer, ...] = (PdfRenderer(), DocxRenderer(), HtmlRenderer(), IndexRenderer())
FORMATS: tuple[str, ...] = tuple(r.format for r in RENDERERS if r.scope == MONTH)
MEDIA_TYPES: dict[str, str] = {r.format: r.media_type for r in RENDERERS if r.scope == MONTH}


def month_renderers(renderers=None) -> dict[str, Renderer]:
    """format -> renderer of a month's outputs, from ``renderers`` (a test's own) or the registry."""
    return {r.format: r for r in (RENDERERS if renderers is None else renderers) if r.scope == MONTH}


def renderer_for(fmt: str) -> Renderer:
    return next(r for r in RENDERERS if r.format == fmt)
