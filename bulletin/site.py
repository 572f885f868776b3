"""Published releases -> the archive in dist/: archive.sqlite (bulletin/archive.py) and the static site."""

from __future__ import annotations

from pathlib import Path

from .archive import IndexResult, update_archive
from .config import Config


def content_root(config: Config) -> str:
    """content/ as the index records entry paths: relative to the project when it is inside it."""
    if config.content_dir.is_relative_to(config.root):
        return config.content_dir.relative_to(config.root).as_posix()
    return str(config.content_dir)


def update_site(dist: Path, config: Config) -> IndexResult:
    """After a publish (or `bulletin index`): re-index changed releases."""
    return update_archive(dist, config.content_dir, config.default_language, content_root(config))


def index_project(root: Path, dist: Path | None = None) -> IndexResult:
    """``bulletin index``: the project's dist/ (publish's rule for where it is) re-indexed."""
    from .config import load_config
    from .problems import BulletinError, Problems
    from .publish import resolve_dist

    problems = Problems(root.resolve())
    config = load_config(root, problems)
    if problems.errors:
        raise BulletinError(problems)
    dist = resolve_dist(config, dist)
    dist.mkdir(parents=True, exist_ok=True)
    return update_site(dist, config)
