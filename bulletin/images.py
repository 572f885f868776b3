"""Image files of entries -> their MIME type, once Pillow has decoded them whole, or the reason they are refused."""

from __future__ import annotations

import functools
from pathlib import Path

MIME = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}
MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")


class ImageProblem(Exception):
    """Why an image cannot go into the bulletin, phrased to follow "image 'name' "."""


def inspect_image(path: Path, max_pixels: int) -> str:
    """The image's MIME type; raises ImageProblem when it is not a whole PNG, JPEG, GIF or WebP within the
    pixel limit. Every format would otherwise fail its own way: WeasyPrint drops a broken image silently,
    while the DOCX and the HTML embed the broken bytes."""
    stat = path.stat()
    return _inspect(path, stat.st_size, stat.st_mtime_ns, max_pixels)


@functools.lru_cache(maxsize=256)
def _inspect(path: Path, size: int, mtime: int, max_pixels: int) -> str:
    """Decoded once per file version: a month's check and build, and every language, share the result."""
    from PIL import Image, ImageFile, UnidentifiedImageError

    with path.open("rb") as handle:
        head = handle.read(16)
    known = head.startswith(MAGIC) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")
    if not known:
        raise ImageProblem("is not a PNG, JPEG, GIF or WebP file")
    bomb_limit, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None  # the size is checked below, first
    # WeasyPrint, once imported, makes Pillow accept truncated files for the whole process: not here
    truncated, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        with Image.open(path) as image:  # reads the header only: the size is known before decoding
            width, height = image.size
            if width * height > max_pixels:
                raise ImageProblem(f"is {width}×{height} pixels, over the limit of {max_pixels} "
                                   "(limits.image_pixels in bulletin.yaml): scale it down")
            kind = image.format
            image.load()  # decodes every pixel: a truncated or corrupt file fails here
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        reason = str(exc).replace(str(path), path.name) or type(exc).__name__  # no absolute path in a message
        raise ImageProblem(f"is damaged and cannot be decoded ({reason[:120]})")
    finally:
        Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES = bomb_limit, truncated
    if kind not in MIME:
        raise ImageProblem("is not a PNG, JPEG, GIF or WebP file")
    return MIME[kind]
