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
_ENABLED = [True]
# While a build runs, new entries wait here (folder -> key -> bytes) and reach the disk only when the
# build has written its outputs: a build that fails writes nothing under build/, the cache included.
_PENDING: dict[Path, dict[str, bytes]] | None = None


def use_cache(enabled: bool) -> None:
    """``--no-cache`` (False): nothing is read from or written to the cache by this process's builds."""
    _ENABLED[0] = enabled


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
    none), each checked against its checksum when read (a damaged one is removed and reported as a miss)."""

    def __init__(self, folder: Path, limit_mb: int = LIMIT_MB):
        self.folder, self.limit = folder, limit_mb * 1024 * 1024
        self.hits = self.misses = self.damaged = 0

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
        if _PENDING is not None and key in _PENDING.get(self.folder, {}):
            self.hits += 1
            return _PENDING[self.folder][key]
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
        if _PENDING is not None:
            _PENDING.setdefault(self.folder, {})[key] = data
            return
        self.write(key, data)

    def write(self, key: str, data: bytes) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, staging = tempfile.mkstemp(prefix=f".{key[:12]}.", suffix=".tmp", dir=path.parent)
            with os.fdopen(handle, "wb") as stream:
                stream.write(MAGIC + hashlib.sha256(data).digest() + data)
            os.replace(staging, path)
        except OSError:
            return
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


def open_cache(root: Path) -> Cache | None:
    """The project's cache, build/.cache/ (None with --no-cache)."""
    return Cache(root / "build" / ".cache") if _ENABLED[0] else None


def building() -> bool:
    """Inside build_month (writes held): where the project's cache is used by default."""
    return _PENDING is not None


def hold_writes() -> None:
    """From now on this process's cache entries wait in memory (forked workers inherit the state)."""
    global _PENDING
    _PENDING = {}


def take_held() -> dict[Path, dict[str, bytes]]:
    """The entries held so far, handed over (a worker gives them to the build that forked it)."""
    global _PENDING
    held, _PENDING = _PENDING or {}, ({} if _PENDING is not None else None)
    return held


def hold(held: dict[Path, dict[str, bytes]]) -> None:
    """Entries from a worker join this process's held ones."""
    if _PENDING is None:
        commit(held)
        return
    for folder, entries in held.items():
        _PENDING.setdefault(folder, {}).update(entries)


def commit(held: dict[Path, dict[str, bytes]] | None = None) -> None:
    """Write the held entries (the build succeeded), and write directly from now on."""
    global _PENDING
    held = take_held() if held is None else held
    _PENDING = None
    for folder, entries in held.items():
        cache = Cache(folder)
        for key, data in entries.items():
            cache.write(key, data)


def drop_held() -> None:
    global _PENDING
    _PENDING = None
