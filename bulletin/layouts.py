"""A project's layouts folders -> its templates, stylesheets and interface strings, project first then bulletin's."""

from __future__ import annotations

from pathlib import Path

from .config import Config

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_LAYOUTS = PACKAGE_ROOT / "layouts"


def layouts_dirs(config: Config) -> list[Path]:
    """The project's layouts first, then the ones shipped with bulletin."""
    dirs = [config.layouts_dir] if config.layouts_dir.is_dir() else []
    if DEFAULT_LAYOUTS.resolve() not in [d.resolve() for d in dirs]:
        dirs.append(DEFAULT_LAYOUTS)
    return dirs


def find_layout(config: Config, name: str) -> Path:
    for folder in layouts_dirs(config):
        if (folder / name).is_file():
            return folder / name
    raise FileNotFoundError(f"layouts/{name} not found")
