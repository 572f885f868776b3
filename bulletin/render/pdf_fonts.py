"""The project's fonts folder -> a WeasyPrint FontConfiguration that sees those fonts and no others.

No environment variable is set: FONTCONFIG_FILE is the whole process's, so renders at once (threads,
publish's workers) or a caller's own fontconfig use would see one another's. The configuration is built
in memory for this render instead and handed to WeasyPrint's font map.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import os
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <dir>{fonts}</dir>
  <cachedir>{cache}</cachedir>
</fontconfig>
"""


@contextlib.contextmanager
def font_cache():
    """fontconfig's cache of the project fonts: kept in the user's cache folder (fast, nothing left in /tmp),
    or in a temporary folder removed afterwards when that is not writable."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "bulletin" / "fontconfig"
    try:
        base.mkdir(parents=True, exist_ok=True)
        if os.access(base, os.W_OK):
            yield base
            return
    except OSError:
        pass
    with tempfile.TemporaryDirectory(prefix="bulletin-fc-") as folder:
        yield Path(folder)


@functools.lru_cache(maxsize=1)
def _fontconfig() -> ctypes.CDLL:
    """The fontconfig library WeasyPrint uses (one per process), for the two calls its bindings lack."""
    lib = ctypes.CDLL(ctypes.util.find_library("fontconfig") or "libfontconfig.so.1")
    lib.FcConfigCreate.restype = ctypes.c_void_p
    lib.FcConfigCreate.argtypes = []
    lib.FcConfigParseAndLoadFromMemory.restype = ctypes.c_int
    lib.FcConfigParseAndLoadFromMemory.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    lib.FcConfigBuildFonts.restype = ctypes.c_int
    lib.FcConfigBuildFonts.argtypes = [ctypes.c_void_p]
    lib.FcConfigDestroy.restype = None
    lib.FcConfigDestroy.argtypes = [ctypes.c_void_p]
    return lib


def _project_config(folder: Path, cache: Path) -> int:
    """A new fontconfig configuration (its address) that knows only ``folder``'s fonts."""
    lib = _fontconfig()
    config = lib.FcConfigCreate()
    if not config:
        raise MemoryError("fontconfig could not create a configuration")
    text = FONTS_CONF.format(fonts=escape(str(folder.resolve())), cache=escape(str(cache)))
    if not (lib.FcConfigParseAndLoadFromMemory(config, text.encode("utf-8"), 1) and lib.FcConfigBuildFonts(config)):
        lib.FcConfigDestroy(config)
        raise OSError(f"fontconfig could not load the fonts in {folder}")
    return config


def font_configuration(folder: Path, cache: Path):
    """A fontconfig that sees only the committed fonts: no system font can slip in as a fallback."""
    from weasyprint.text.ffi import ffi, fontconfig, pangoft2
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    config = ffi.cast("FcConfig *", _project_config(folder, cache))
    # The font map takes its own reference and drops the default configuration WeasyPrint gave it; @font-face
    # rules then add their fonts to ours (WeasyPrint keeps the configuration in _config for that).
    pangoft2.pango_fc_font_map_set_config(ffi.cast("PangoFcFontMap *", fonts.font_map), config)
    fontconfig.FcConfigDestroy(config)
    fonts._config = config  # noqa: SLF001 - where FontConfiguration.add_font_face looks for it
    return fonts
