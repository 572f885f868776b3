"""A dist/ folder -> its releases' file names and its lock: what publish writes and deliver reads, in one place."""

from __future__ import annotations

import contextlib
import fcntl
from pathlib import Path

from .config import Config
from .errors import BulletinError, RefusalError
from .problems import Problems

MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
PREVIOUS = ".previous"
DELIVERIES = "deliveries.json"
LOCK = ".lock"
STAGING = ".publish-{month}-"
TRASH = ".trash-{month}-"


class PublishError(RefusalError):
    """Publishing refused for a reason that is not a content problem; the message says why."""


@contextlib.contextmanager
def lock_dist(dist: Path):
    """One publish or deliver at a time per dist/: two at once could swap a release under a delivery."""
    dist.mkdir(parents=True, exist_ok=True)
    with open(dist / LOCK, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise PublishError(f"another bulletin publish or deliver is using {dist}; try again when it has finished")
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def resolve_dist(config: Config, dist: Path | None) -> Path:
    dist = (dist or config.root / "dist").resolve()
    content = config.content_dir.resolve()
    if dist == content or content in dist.parents:
        problems = Problems(config.root)
        problems.error(dist, 0, "the dist folder may not be inside content/", code="publish.dist-inside-content")
        raise BulletinError(problems)
    return dist
