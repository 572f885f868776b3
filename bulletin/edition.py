"""An edition (public or internal) -> where its outputs go, and the internal edition's mark on every page."""

from __future__ import annotations

import html
import re
from pathlib import Path

from .problems import Problems

PUBLIC, INTERNAL = "public", "internal"
EDITIONS = (PUBLIC, INTERNAL)


def N_(message: str) -> str:
    """Marks an interface string for `bulletin catalogs` (looked up later, in each language)."""
    return message


INTERNAL_MARK = N_("INTERNAL EDITION — NOT FOR DISTRIBUTION")
INTERNAL_FOLDER = "internal"


def publish_internal(root, month: str, dist=None, force: bool = False):
    """The internal edition is never published or delivered: every language and format, checked as strictly
    as a release, into build/<MONTH>/internal/ (a BuildResult; BulletinError when check --strict fails)."""
    from .build import build_month
    from .errors import UsageError
    from .project import Project

    if dist or force:
        raise UsageError("--dist and --force are for public releases; --edition internal writes "
                         "build/<MONTH>/internal/ only")
    project = Project.open(root).require()
    return build_month(project, month, list(project.config.languages), None, None, strict=True, edition=INTERNAL)


def edition_folder(folder: Path, edition: str) -> Path:
    """The internal edition is built beside the public one, in ``internal/``: never mistaken for it."""
    return folder / INTERNAL_FOLDER if edition == INTERNAL else folder


def mark_view(view, edition: str) -> None:
    """The internal edition's warning, in the bulletin's language: the templates print it at the HTML's top
    and as the PDF's running mark; render_docx puts it into the DOCX (mark_docx)."""
    if edition == INTERNAL:
        view.extra["edition_mark"] = view.gettext(INTERNAL_MARK)


def refuse_dist(out_dir: Path, root: Path, edition: str, problems: Problems) -> None:
    """An internal edition may not be written into dist/, where releases are served and delivered from."""
    dist = (root / "dist").resolve()
    if edition == INTERNAL and (out_dir == dist or dist in out_dir.parents):
        problems.error(out_dir, 0, "the internal edition is never written into dist/ (releases are served and "
                                   "delivered from there): build it into build/ instead", code="edition.internal-dist")


def _mark_paragraph(text: str) -> str:
    run = ('<w:r><w:rPr><w:b/><w:color w:val="8A1C1C"/><w:sz w:val="18"/></w:rPr>'
           f'<w:t xml:space="preserve">{html.escape(text, quote=False)}</w:t></w:r>')
    return f'<w:p><w:pPr><w:jc w:val="center"/></w:pPr>{run}</w:p>'


def mark_docx(parts: dict[str, bytes], mark: str | None) -> None:
    """The mark in every page header and footer (the contents' section has no header: the running rubric), and
    above the cover, which has neither."""
    if not mark:
        return
    for name in [n for n in parts if re.fullmatch(r"word/(header|footer)\d+\.xml", n)]:
        xml = parts[name].decode("utf-8")
        parts[name] = re.sub(r"(<w:(?:hdr|ftr)\b[^>]*>)", lambda m: m[1] + _mark_paragraph(mark), xml,
                             count=1).encode("utf-8")
    document = parts["word/document.xml"].decode("utf-8")
    parts["word/document.xml"] = re.sub(r"(<w:body>)", lambda m: m[1] + _mark_paragraph(mark), document,
                                        count=1).encode("utf-8")
