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


@dataclass
class Statuses:
    """A month's translation statuses, as ``bulletin translations`` shows them."""

    content: object  # build.Month
    columns: list[str]  # the default language first
    report: dict  # collection.report_translations
    catalogs: dict[str, tuple]  # per language: (translated, total, untranslated msgids)

    @property
    def problems(self) -> Problems:
        """The problems about translations (code ``translation.*``)."""
        problems = self.content.problems
        return Problems(problems.root, [p for p in problems.items if p.code.startswith("translation.")])


def month_statuses(project: Project, month: str | None, langs: list[str]) -> Statuses:
    """Each entry's status in each of ``langs``, and how complete each language's interface strings are."""
    from .build import load_month_content
    from .collection import report_translations
    from .layouts import catalog_completeness

    config = project.config
    content = load_month_content(project, month, [])
    if content.problems.errors and not content.entries:
        raise BulletinError(content.problems)
    columns = [config.default_language] + [x for x in langs if x != config.default_language]
    report = report_translations(content.families, config, columns[1:])
    catalogs = {lang: catalog_completeness(project.layouts, lang) for lang in columns}
    return Statuses(content, columns, report, catalogs)


def format_table(statuses: Statuses) -> list[str]:
    """The aligned status table, then one summary line per language (entries and interface strings)."""
    report, columns = statuses.report, statuses.columns
    width = max([len("entry")] + [len(slug) for slug in report["entries"]])
    lines = ["  ".join(["entry".ljust(width)] + [c.ljust(10) for c in columns]).rstrip(),
             "  ".join(["-" * width] + ["-" * 10 for _ in columns])]
    for slug, row in report["entries"].items():
        lines.append("  ".join([slug.ljust(width)] + [row[c].ljust(10) for c in columns]).rstrip())
    lines.append("")
    for lang in columns:
        counts = report["summary"].get(lang)
        done, total, untranslated = statuses.catalogs[lang]
        entries = ", ".join(f"{counts[k]} {k}" for k in STATUS_ORDER) + "; " if counts else "default language; "
        lacking = f" (untranslated: {', '.join(untranslated)})" if untranslated else ""
        lines.append(f"{lang}: {entries}interface strings {done}/{total}{lacking}")
    return lines


CHANGED, UNCHANGED, UNKNOWN = 0, 1, 2  # translations --diff exits with these, as diff(1) does


def diff_lines(project: Project, given: Path, colour: bool = False) -> tuple[int, list[str]]:
    """What changed in a translation's source since its source_hash: (CHANGED/UNCHANGED/UNKNOWN, lines)."""
    from .history import format_diff, source_diff

    found = find_translation(project, given)
    source, translation = found.source, found.translation
    where, stamp = source.rel, f"bulletin translations --stamp {translation.rel}"
    diff = source_diff(project.root, source, translation)
    if diff is None:
        why = (f"{translation.rel} has no source_hash, so the version it was made from is unknown"
               if translation.source_hash is None else
               f"no version of {where} with source_hash {translation.source_hash} was found (not in the git "
               f"history, no .bulletin/sources/{translation.source_hash}.md)")
        return UNKNOWN, [f"{why}; the current source follows.\n\n{source.title}\n\n{source.body}"]
    if not diff.changed:
        spacing = translation.source_hash != source.content_hash
        return UNCHANGED, [f"no difference: the words of the title and body of {where} are as they were at "
                           f"source_hash {translation.source_hash}"
                           + (" (only spacing or line breaks changed)" if spacing else "")]
    return CHANGED, [f"{where} since source_hash {translation.source_hash} ({diff.origin}):",
                     *format_diff(diff, colour),
                     f"\n{diff.changed} of {1 + len(diff.paragraphs)} paragraphs changed (the title counted as one); "
                     f"after updating {translation.rel}, run: {stamp}"]


def statuses_json(statuses: Statuses) -> dict:
    """``translations --json``: the statuses, the changed paragraphs of stale ones, the interface strings."""
    from .history import count_changes

    content, report = statuses.content, statuses.report
    changed = count_changes(content.families, report["entries"], content.config.root)
    return {"month": content.month, **report, "changed_paragraphs": changed, "catalogs": {
        k: {"translated": v[0], "total": v[1], "untranslated": v[2]} for k, v in statuses.catalogs.items()}}
