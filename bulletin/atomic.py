"""Bytes -> files on disk, all or nothing: staged beside their targets, fsynced, renamed into place."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path


def write_outputs(outputs: dict[Path, bytes]) -> list[Path]:
    """Write every output to a temporary file first; only when all are on disk, rename them into place.

    A full disk or a read-only folder fails in the first phase, before any existing output is replaced.
    """
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in outputs.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            for stale in path.parent.glob(f".{glob_escape(path.name)}.*.tmp"):  # left by a killed build
                stale.unlink(missing_ok=True)
            handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            staged.append((temp, path))
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            os.chmod(temp, 0o644)
    except BaseException:
        for temp, _ in staged:
            try:
                os.unlink(temp)
            except FileNotFoundError:
                pass
        raise
    for temp, path in staged:
        os.replace(temp, path)
    for folder in {path.parent for _, path in staged}:
        fsync_dir(folder)
    return [path for _, path in staged]


def glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)


def fsync_dir(folder: Path) -> None:
    """Make a rename durable: the folder's entry must reach the disk too."""
    try:
        directory = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
    except OSError:
        pass


def write_atomic(path: Path, data: bytes) -> None:
    """Write beside the target, fsync, rename: readers see the old file or the new one, never half."""
    write_outputs({path: data})
