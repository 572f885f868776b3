"""WeasyPrint's log records of one render -> located warnings (print.css file:line, the entry with the glyph)."""

from __future__ import annotations

import contextlib
import logging
import re
import threading
from pathlib import Path

LOGGER = "weasyprint"
# WeasyPrint names a CSS position "at line:column" (css/validation, css/__init__, css/tokens).
CSS_POSITION = re.compile(r" at (\d+):(\d+)")
NOTDEF = re.compile(r"unsupported by fonts: \"(.)\"", re.S)


class _Collect(logging.Handler):
    """Keeps the records of one thread: renders in other threads keep theirs (WeasyPrint's capture_logs,
    but without replacing the logger's handlers for the whole process)."""

    def __init__(self, into: list[tuple[str, str]], thread: int):
        super().__init__(logging.WARNING)
        self.into, self.thread = into, thread

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread:
            try:
                self.into.append((record.levelname.lower(), record.getMessage()))
            except Exception:  # a record that cannot be formatted must not stop the render
                self.into.append((record.levelname.lower(), str(record.msg)))


@contextlib.contextmanager
def capture_weasyprint(into: list[tuple[str, str]]):
    """While the block runs, WeasyPrint's warnings and errors from this thread go into ``into`` as
    (level, message). Nothing is muted or printed for anyone else."""
    logger = logging.getLogger(LOGGER)
    handler = _Collect(into, threading.get_ident())
    logger.addHandler(handler)
    try:
        yield into
    finally:
        logger.removeHandler(handler)


def css_offset(html: str, css: str) -> int | None:
    """How many lines of its <style> element come before ``css`` in the print HTML (WeasyPrint counts
    lines from the start of the element's text)."""
    at = html.find(css) if css else -1
    start = html.rfind("<style>", 0, at) if at >= 0 else -1
    return None if start < 0 else html[start + len("<style>"):at].count("\n")


def report_weasyprint(records: list[tuple[str, str]], view, html: str, problems) -> None:
    """Each record as a warning: CSS ones at print.css:line, a missing glyph where the text has it,
    others at the month's folder. The PDF is still made: WeasyPrint skipped what it could not use."""
    from ..layouts import find_layout

    config = view.config
    stylesheet = find_layout(config, "print.css")
    offset = css_offset(html, stylesheet.read_text(encoding="utf-8"))
    month = config.content_dir / view.month
    for _level, message in records:
        text = " ".join(message.split())
        position = CSS_POSITION.search(text)
        glyph = NOTDEF.search(message)
        if position and offset is not None:
            line = max(int(position.group(1)) - offset, 0)
            problems.warning(stylesheet, line, "PDF: " + CSS_POSITION.sub(r" at column \2", text, 1), code="pdf.css")
        elif glyph:
            where = _text_with(view, glyph.group(1))
            if where is not None:  # else an entry has it: the check stage said so (fonts.report_uncovered)
                problems.warning(*where, f"PDF: no font in fonts/ has {glyph.group(1)} (U+{ord(glyph.group(1)):04X}): "
                                         "it prints as a box", code="pdf.missing-glyph")
        else:
            problems.warning(month, 0, f"PDF: {text}", code="pdf.weasyprint")


def _line_of(path: Path, char: str) -> int | None:
    try:
        text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    except (OSError, UnicodeDecodeError):
        return None
    return text[:text.index(char)].count("\n") + 1 if char in text else None


def _text_with(view, char: str) -> tuple[Path, int] | None:
    """None when an entry has ``char``; else bulletin.yaml's line with it, or the month's folder (an
    interface string)."""
    config = view.config
    for section in view.sections:
        for entry in section.entries + view.untranslated:
            if _line_of(config.root / entry.rel, char) is not None:
                return None
    line = _line_of(config.config_path, char)
    return (config.config_path, line) if line else (config.content_dir / view.month, 0)
