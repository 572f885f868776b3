"""The renderer interface: a view -> one output file's bytes, or a RenderError that says why not."""

from __future__ import annotations

from dataclasses import dataclass

MONTH = "month"      # one file per language of a month (build, publish, deliver)
ARCHIVE = "archive"  # one page over every published release (dist/index.html)


class RenderError(Exception):
    """A renderer failed; ``entry`` is the project-relative path of the entry it was at, when it knew."""

    def __init__(self, message: str, entry: str | None = None):
        super().__init__(message)
        self.entry = entry


@dataclass(frozen=True)
class RenderOptions:
    """What a render may need beyond the view: where its warnings go, and the build's choices."""

    problems: object | None = None  # a Problems collector; None drops the warnings (a preview, a benchmark)
    pdf_variant: str | None = None
    jobs: int | None = None  # processes laying out a PDF's chunks at once (None: the cores)
    cache: object | None = None  # a bulletin.cache.Cache for chunk PDFs; None caches nothing
    reload_script: str = ""  # serve's live-reload script (its own markup, never entry text)


class Renderer:
    """One output format. Subclasses set the three names and implement ``render``."""

    format: str = ""
    suffix: str = ""
    media_type: str = ""
    scope: str = MONTH

    def render(self, view, options: RenderOptions) -> bytes:
        raise NotImplementedError

    def output_name(self, month: str, lang: str) -> str:
        return f"bulletin-{month}-{lang}{self.suffix}"
