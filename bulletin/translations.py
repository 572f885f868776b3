"""Entry files named on the command line -> the entries they are, stamped, compared, and a month's statuses."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .content import ENTRY_RE, Entry, month_of
from .errors import BulletinError, UsageError
from .problems import Problems
from .project import Project

STATUS_ORDER = ("ok", "missing", "stale", "unverified")


def locate(project: Project, given: Path, cwd: Path | None = None) -> Path:
    """A path as the user typed it: from the working folder, else from the project folder."""
    cwd = cwd or Path.cwd()
    path = (given if given.is_absolute() else cwd / given).resolve()
    if not path.is_file() and (project.root / given).is_file():
        path = (project.root / given).resolve()
    return path


def find_entry(project: Project, given: Path):
    """The default-language entry FILE is (for ``new --translation-of``), loaded and checked with its month."""
    from .build import load_month_content

    config = project.config
    path = locate(project, given)
    month = month_of(path, config) if path.is_file() else None
    if month is None:
        raise UsageError(f"{given} is not an entry of this project")
    content = load_month_content(project, month, [config.default_language])
    entry = next((e for e in content.entries if e.path.resolve() == path), None)
    if entry is None:
        if any(p.path.endswith(path.name) for p in content.problems.errors):
            raise BulletinError(content.problems)  # it is an entry, but a broken one: say why
        raise UsageError(f"{given} is not an entry of this project")
    return entry


@dataclass
class Found:
    """A translation file with its month, its family (source and translations) and its language."""

    path: Path
    content: object  # build.Month
    family: object  # collection.Family
    lang: str

    @property
    def source(self) -> Entry:
        return self.family.source

    @property
    def translation(self) -> Entry:
        return self.family.translations[self.lang]


def find_translation(project: Project, given: Path) -> Found:
    """The translation FILE is, with its source; UsageError when it is none."""
    from .build import load_month_content

    path = locate(project, given)
    match = ENTRY_RE.match(path.name)
    month = month_of(path, project.config) if path.is_file() and match else None
    if month is None:
        raise UsageError(f"{given}: not an entry file of this project")
    content = load_month_content(project, month, [])
    family = content.families.get(match["slug"])
    if family is None or family.source is None or match["lang"] == project.config.default_language:
        raise UsageError(f"{given}: not a translation with a source entry")
    return Found(path, content, family, match["lang"])


@dataclass
class StampReport:
    stamped: list[tuple[Path, bool, str]] = field(default_factory=list)  # (path, changed, source hash)
    failed: list[str] = field(default_factory=list)  # one message per file that is not a translation
    removed: list[Path] = field(default_factory=list)  # snapshots no translation refers to any more


def stamp_translations(project: Project, paths: list[Path]) -> StampReport:
    """Mark each reviewed translation as up to date with its source; keep the source version for later diffs."""
    from .history import prune_snapshots, referenced_hashes, save_snapshot
    from .scaffold import stamp_translation

    report = StampReport()
    for given in paths:
        try:
            found = find_translation(project, given)
        except UsageError as exc:
            report.failed.append(str(exc))
            continue
        changed = stamp_translation(found.path, found.source.content_hash)
        save_snapshot(project.root, found.source)
        report.stamped.append((found.path, changed, found.source.content_hash))
    if report.stamped:
        report.removed = prune_snapshots(project.root, referenced_hashes(project.root, project.config))
    return report


def translation_problems(problems: Problems) -> Problems:
    """The problems about translations (code ``translation.*``), which ``bulletin translations`` lists."""
    return Problems(problems.root, [p for p in problems.items if p.code.startswith("translation.")])


def format_table(report: dict, columns: list[str], catalogs: dict[str, tuple]) -> list[str]:
    """The aligned status table, then one summary line per language (entries and interface strings)."""
    width = max([len("entry")] + [len(slug) for slug in report["entries"]])
    lines = ["  ".join(["entry".ljust(width)] + [c.ljust(10) for c in columns]).rstrip(),
             "  ".join(["-" * width] + ["-" * 10 for _ in columns])]
    for slug, row in report["entries"].items():
        lines.append("  ".join([slug.ljust(width)] + [row[c].ljust(10) for c in columns]).rstrip())
    lines.append("")
    for lang in columns:
        counts = report["summary"].get(lang)
        done, total, untranslated = catalogs[lang]
        entries = ", ".join(f"{counts[k]} {k}" for k in STATUS_ORDER) + "; " if counts else "default language; "
        lacking = f" (untranslated: {', '.join(untranslated)})" if untranslated else ""
        lines.append(f"{lang}: {entries}interface strings {done}/{total}{lacking}")
    return lines
