"""Rendered pieces (chunk PDFs, pandoc conversions) -> checksummed files under build/.cache/, keyed by what made them."""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
from pathlib import Path

from . import __version__

MAGIC = b"bulletin-cache 1\n"
DIGEST = 32  # sha256 of the payload, stored after MAGIC: a torn or garbled file is never trusted
LIMIT_MB = 256  # the folder is pruned, oldest use first, past this


@functools.lru_cache(maxsize=1)
def tool_versions() -> str:
    """What a cached piece depends on besides its input: the versions of the tools that made it (from the
    installed packages' metadata: importing WeasyPrint for its version would cost a no-op build ~0.7 s)."""
    from importlib import metadata

    versions = []
    for package in ("weasyprint", "pydyf", "pikepdf", "pypandoc-binary", "pypandoc", "pyphen"):
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            pass
    # bulletin's own code too: a change to typography or to the layout code between releases is a new version
    code = folder_digest(Path(__file__).resolve().parent, "**/*.[pl][yu]*")
    return f"bulletin {__version__} {code}; " + "; ".join(versions)


@functools.lru_cache(maxsize=8)
def _file_digest(path: str, stamp: tuple[int, int]) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def folder_digest(folder: Path, pattern: str = "*") -> str:
    """The contents of a folder's files (the fonts): read again only when a file's size or time changes."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.glob(pattern) if p.is_file()):
        stat = path.stat()
        digest.update(f"{path.name}\0{_file_digest(str(path), (stat.st_size, stat.st_mtime_ns))}\0".encode())
    return digest.hexdigest()


class Cache:
    """A folder of entries, each written whole by rename (two builds at once each see a whole file or
    none), each checked against its checksum when read (a damaged one is removed and reported as a miss).

    ``hold``: new entries wait in ``held`` (key -> bytes) until ``commit``, so a build that fails writes
    nothing under build/, the cache included. A forked worker inherits its parent's Cache object and hands
    back what it added (``held_since``)."""

    def __init__(self, folder: Path, limit_mb: int = LIMIT_MB, hold: bool = False):
        self.folder, self.limit = folder, limit_mb * 1024 * 1024
        self.hits = self.misses = self.damaged = 0
        self.held: dict[str, bytes] | None = {} if hold else None

    @staticmethod
    def key(*parts: str | bytes) -> str:
        digest = hashlib.sha256(tool_versions().encode())
        for part in parts:
            data = part.encode("utf-8") if isinstance(part, str) else part
            digest.update(len(data).to_bytes(8, "big") + data)
        return digest.hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / key

    def get(self, key: str) -> bytes | None:
        if self.held and key in self.held:
            self.hits += 1
            return self.held[key]
        path = self._path(key)
        try:
            raw = path.read_bytes()
        except OSError:
            self.misses += 1
            return None
        payload = raw[len(MAGIC) + DIGEST:]
        if not raw.startswith(MAGIC) or hashlib.sha256(payload).digest() != raw[len(MAGIC):len(MAGIC) + DIGEST]:
            self.damaged += 1
            self.misses += 1
            path.unlink(missing_ok=True)
            return None
        try:
            os.utime(path)  # pruning removes what was used longest ago
        except OSError:
            pass
        self.hits += 1
        return payload

    def put(self, key: str, data: bytes) -> None:
        """Best effort: a full disk or a read-only build folder only means no caching."""
        if self.held is not None:
            self.held[key] = data
            return
        self.write(key, data)

    def held_since(self, known: set[str]) -> dict[str, bytes]:
        """The held entries whose keys are not in ``known`` (what a worker added)."""
        return {key: data for key, data in (self.held or {}).items() if key not in known}

    def hold_entries(self, entries: dict[str, bytes]) -> None:
        """A worker's entries join this build's held ones (or are written, when nothing is held)."""
        for key, data in entries.items():
            self.put(key, data)

    def commit(self) -> None:
        """Write the held entries (the build succeeded), and write directly from now on."""
        held, self.held = self.held or {}, None
        for key, data in held.items():
            self.write(key, data, prune=False)
        if held:
            self.prune()  # once: it lists the whole folder

    def write(self, key: str, data: bytes, prune: bool = True) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, staging = tempfile.mkstemp(prefix=f".{key[:12]}.", suffix=".tmp", dir=path.parent)
            with os.fdopen(handle, "wb") as stream:
                stream.write(MAGIC + hashlib.sha256(data).digest() + data)
            os.replace(staging, path)
        except OSError:
            return
        if prune:
            self.prune()

    def prune(self) -> None:
        entries = []
        for path in self.folder.glob("*/*"):
            try:
                stat = path.stat()
            except OSError:
                continue
            entries.append((stat.st_mtime, stat.st_size, path))
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries, key=lambda e: e[0]):
            if total <= self.limit:
                break
            path.unlink(missing_ok=True)
            total -= size


def open_cache(root: Path, hold: bool = False) -> Cache:
    """The project's cache, build/.cache/."""
    return Cache(root / "build" / ".cache", hold=hold)
