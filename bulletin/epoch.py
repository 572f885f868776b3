"""A month's input files -> the build time written into its outputs: SOURCE_DATE_EPOCH, else when the content last changed.

The rule, in one place for build, publish and serve:

1. ``SOURCE_DATE_EPOCH`` (whole seconds since 1970) when it is set;
2. in a git checkout, the newest commit time of the inputs of that language's bulletin (the month
   folder's entries in that language and in the default language, drafts included, and its images;
   bulletin.yaml, rubrics.yaml, the layouts and fonts in use); but an input that
   differs from its last commit, or is not committed yet, counts with its modification time, and
   a deleted one with its folder's: an uncommitted correction never keeps the old date;
3. without git (or outside a checkout), the newest modification time of those files.

Files whose name starts with a dot (editor swap files, .DS_Store) and files git ignores are not inputs.
So unchanged content gives byte-identical outputs however often, and wherever, it is rebuilt, and
a corrected Kazakh translation changes the Kazakh files only.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import os
import subprocess
from pathlib import Path
from typing import Iterable, Mapping

from .config import Config

ENV = "SOURCE_DATE_EPOCH"
GIT_TIMEOUT = 30


def build_time(config: Config, month: str, lang: str, environ: Mapping[str, str] | None = None) -> dt.datetime:
    """The time written into ``lang``'s outputs of ``month``."""
    from .fonts import fonts_dir
    from .layouts import layouts_dirs

    paths = [config.config_path, config.rubrics_path, config.content_dir / month, *layouts_dirs(config),
             fonts_dir(config)]
    others = [f"*.{other}.md" for other in config.languages if other not in (lang, config.default_language)]
    return content_time(paths, others, environ)


def content_time(paths: Iterable[Path], exclude: Iterable[str] = (),
                 environ: Mapping[str, str] | None = None) -> dt.datetime:
    """The build time for outputs made from these paths, less the file names matching ``exclude``
    (see the module's rule), in UTC, whole seconds."""
    environ = os.environ if environ is None else environ
    given = environ.get(ENV, "").strip()
    if given.isdigit():
        return _utc(int(given))
    exclude = list(exclude)
    newest = 0.0
    plain: list[Path] = []
    for top, members in _group_by_checkout([Path(p).absolute() for p in paths if Path(p).exists()]).items():
        found = _git_time(top, members, exclude) if top is not None else None
        if found is None:
            plain.extend(members)
        else:
            newest = max(newest, found)
    for path in plain:
        newest = max([newest, *(_mtime(f) for f in _files(path) if not _excluded(f.name, exclude))])
    return _utc(int(newest))


def _excluded(name: str, exclude: list[str]) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in exclude)


def _utc(seconds: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.timezone.utc)


def _files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return [p for p in path.rglob("*") if p.is_file() and not _hidden(p.relative_to(path))]


def _hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _git(top: Path | str, *args: str) -> str | None:
    """Output of a read-only git command, or None when git is missing or says no (not a checkout, …)."""
    # No optional locks: a status run by a build must never write the index under an editor's git.
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}
    try:
        done = subprocess.run(["git", "-C", str(top), *args], capture_output=True, env=env,
                              timeout=GIT_TIMEOUT, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.decode("utf-8", "surrogateescape") if done.returncode == 0 else None


def _group_by_checkout(paths: list[Path]) -> dict[Path | None, list[Path]]:
    groups: dict[Path | None, list[Path]] = {}
    tops: dict[Path, Path | None] = {}
    for path in paths:
        folder = path if path.is_dir() else path.parent
        if folder not in tops:
            out = _git(folder, "rev-parse", "--show-toplevel")
            tops[folder] = Path(out.strip()) if out and out.strip() else None
        groups.setdefault(tops[folder], []).append(path)
    return groups


def _git_time(top: Path, members: list[Path], exclude: list[str]) -> float | None:
    """Newest commit time of the members, or the mtime of any of them that is modified or uncommitted."""
    try:
        specs = [str(p.resolve().relative_to(top.resolve())) or "." for p in members]
    except ValueError:
        return None
    # git's own glob: '*' also matches '/', so entries in subfolders of the month are excluded too.
    specs += [f":(exclude){spec}/{pattern}" for spec in specs for pattern in exclude if (top / spec).is_dir()]
    status = _git(top, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", *specs)
    log = _git(top, "log", "-1", "--format=%ct", "--", *specs)
    if status is None or log is None:
        return None
    newest = float(log.strip() or 0)
    fields = status.split("\0")
    index = 0
    while index < len(fields):
        item = fields[index]
        index += 1
        if len(item) < 4:
            continue
        code, name = item[:2], item[3:]
        if code[0] in "RC":
            index += 1  # a rename or copy is followed by its original path
        path = top / name
        if _hidden(Path(path.name)) or _excluded(path.name, exclude):
            continue
        while not path.exists() and path != top:
            path = path.parent  # deleted: when its folder last changed is when it went
        newest = max(newest, _mtime(path))
    return newest
