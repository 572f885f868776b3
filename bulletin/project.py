"""A project folder -> Project: its settings, layouts folders and problem collector, opened once per command."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .config import Config, load_config
from .errors import UsageError
from .problems import BulletinError, Problems
from .layouts import layouts_dirs
from .render import FORMATS


@dataclass
class Project:
    """What every command starts from. The problems collector is the command's: every stage adds to it."""

    root: Path
    config: Config
    layouts: list[Path]
    problems: Problems

    @classmethod
    def open(cls, root: Path | str) -> "Project":
        """Read bulletin.yaml and rubrics.yaml once; their problems are collected, not raised."""
        root = Path(root)
        problems = Problems(root.resolve())
        config = load_config(root, problems)
        problems.silence(config.ignore)
        return cls(config.root, config, layouts_dirs(config), problems)

    @classmethod
    def of(cls, where: "Project | Path | str") -> "Project":
        """A library function's first argument: an open project, or a folder to open."""
        return where if isinstance(where, Project) else cls.open(where)

    def require(self) -> "Project":
        """The project itself, or an error carrying the problems of bulletin.yaml and rubrics.yaml."""
        if self.problems.errors:
            raise BulletinError(self.problems)
        return self

    def languages(self, value: str | None, default: list[str] | None = None) -> list[str]:
        """The one parser of ``--lang``: ``ru,kk`` or ``all``; unknown codes raise UsageError with the known ones.
        Without a value: ``default``, else the default language."""
        config = self.config
        if not value:
            return list(default) if default is not None else [config.default_language]
        if value.strip() == "all":
            return list(config.languages)
        langs = [x.strip() for x in value.split(",") if x.strip()]
        unknown = [x for x in langs if x not in config.languages]
        if unknown or not langs:
            raise UsageError(f"unknown language {', '.join(unknown) or repr(value)} "
                             f"(configured: {', '.join(config.languages)}, or all)")
        return list(dict.fromkeys(langs))

    @staticmethod
    def formats(value: str | None) -> list[str]:
        """``--format pdf,html``; without a value, every format."""
        if not value:
            return list(FORMATS)
        formats = [x.strip() for x in value.split(",") if x.strip()]
        unknown = [x for x in formats if x not in FORMATS]
        if unknown or not formats:
            raise UsageError(f"unknown format {', '.join(unknown) or repr(value)} (known: {', '.join(FORMATS)})")
        return list(dict.fromkeys(formats))
