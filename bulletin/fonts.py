"""The project's fonts -> what they cover: the check stage's warning about characters no font has."""

from __future__ import annotations

import functools
import unicodedata
from pathlib import Path

from .config import Config
from .layouts import PACKAGE_ROOT

DEFAULT_FONTS = PACKAGE_ROOT / "fonts"


def fonts_dir(config: Config) -> Path:
    """The project's fonts/ when it has fonts, else the ones shipped with bulletin."""
    return config.fonts_dir if config.fonts_dir.is_dir() and any(config.fonts_dir.glob("*.ttf")) else DEFAULT_FONTS


@functools.lru_cache(maxsize=32)
def read_cmap(path: Path, stamp: int) -> frozenset[int]:
    """The code points a font file has glyphs for; ``stamp`` (its mtime) keys the cache, so an edited
    font is read again."""
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap() or {})


def font_coverage(folder: Path) -> frozenset[int]:
    """Every code point some font in the folder has a glyph for."""
    return frozenset().union(*(read_cmap(path, path.stat().st_mtime_ns) for path in sorted(folder.glob("*.[ot]tf"))))


def report_uncovered(entries, config: Config, problems) -> None:
    """Warn, with file and line, about characters no project font has: they would print as boxes."""
    covered = font_coverage(fonts_dir(config).resolve())
    for entry in entries:
        if entry.draft:
            continue
        used = set(entry.title + entry.body + " ".join(entry.authors) + (entry.outlet or ""))
        missing = sorted(c for c in used if ord(c) not in covered and not c.isspace()
                         and unicodedata.category(c) not in ("Cf", "Cc", "Mn"))
        if missing:
            text = entry.path.read_text(encoding="utf-8-sig", errors="replace").replace("\r\n", "\n")
            line = text[:text.find(missing[0])].count("\n") + 1 if missing[0] in text else entry.body_line
            shown = ", ".join(f"{c} (U+{ord(c):04X})" for c in missing[:8])
            problems.warning(entry.path, line, f"no font in fonts/ has {shown}: the PDF would show boxes; "
                                               "replace the characters or add a font that covers them",
                             code="font.missing-glyph")
