"""A month that passes check --strict -> dist/<MONTH>/ (all outputs, SHA256SUMS, manifest.json) + dist/index.html."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .build import Month, Progress, load_month_content
from .collection import OK, report_translations
from .config import Config
from .content import MONTH_RE
from .layouts import load_messages, report_missing
from .problems import BulletinError, Problems
from .atomic import fsync_dir, write_atomic
from .scheduler import default_jobs
from .release import DELIVERIES, MANIFEST, PREVIOUS, STAGING, SUMS, TRASH, PublishError, lock_dist, resolve_dist
from .layouts import layouts_dirs
from .render import FORMATS, MEDIA_TYPES, renderer_for
from .stats import month_totals  # the manifest's totals
from .site import update_site

MIME_TYPES = MEDIA_TYPES  # from the renderers' registry
from .project import Project


@dataclass
class PublishResult:
    folder: Path
    files: list[dict]
    problems: Problems
    index: Path
    replaced: bool
    timings: dict[str, float] = field(default_factory=dict)
    unchanged: bool = False  # --force found the release already holding exactly these bytes: nothing written


def measure_coverage(content: Month) -> dict[str, tuple[int, int, dict]]:
    """Per language: (ok, all non-draft source entries, status counts).

    Only ``ok`` counts as covered: a stale translation no longer says what the source says, and an
    unverified one (no source_hash) was never confirmed against it, so neither is coverage a
    reader can rely on.
    """
    config = content.config
    others = [lang for lang in config.languages if lang != config.default_language]
    summary = report_translations(content.families, config, others)["summary"] if others else {}
    result = {}
    for lang, counts in summary.items():
        result[lang] = (counts[OK], sum(counts.values()), counts)
    return result


def refuse_low_coverage(content: Month) -> list[str]:
    """One line per language under its bulletin.yaml minimum, with the numbers."""
    lines = []
    for lang, (ok, total, counts) in measure_coverage(content).items():
        minimum = content.config.min_coverage.get(lang)
        if minimum is None or total == 0 or ok / total >= minimum:
            continue
        # Rounded down, so a shown coverage is never equal to or above the minimum it failed.
        line = (f"{lang}: coverage {ok * 100 // total}% ({ok} of {total}) is below the minimum "
                f"{minimum * 100:g}% set in bulletin.yaml")
        uncounted = [f"{counts[k]} {k}" for k in ("unverified", "stale") if counts[k]]
        if uncounted:
            line += f" ({', '.join(uncounted)} not counted: review, then bulletin translations --stamp)"
        lines.append(line)
    return lines


def render_release(content: Month, progress: Progress | None, timings: dict) -> dict[str, bytes]:
    """Every language and format, as (language, format) tasks over the CPU cores (bulletin/scheduler.py)."""
    from .scheduler import render_parallel

    tasks = [(lang, fmt) for fmt in FORMATS for lang in content.config.languages]
    return render_parallel(content, tasks, progress, timings)


_STREAM = re.compile(rb"stream\r?\n")
_DICT = re.compile(rb"<<((?:(?!<<|>>).)*?)>>", re.DOTALL)
_PAGES = re.compile(rb"/Type\s*/Pages(?![A-Za-z0-9])")
_COUNT = re.compile(rb"/Count\s+(\d+)")


def count_pdf_pages(pdf: bytes) -> int | None:
    """The page tree root's /Count; WeasyPrint puts it in a compressed object stream, so look there too."""
    chunks = [pdf]
    for match in _STREAM.finditer(pdf):
        end = pdf.find(b"endstream", match.end())
        try:
            chunks.append(zlib.decompressobj().decompress(pdf[match.end():end if end > 0 else len(pdf)]))
        except zlib.error:
            continue  # images and other non-Flate streams
    counts = [int(count.group(1)) for chunk in chunks for found in _DICT.finditer(chunk)
              if _PAGES.search(found.group(1)) for count in [_COUNT.search(found.group(1))] if count]
    return max(counts) if counts else None


def make_manifest(content: Month, outputs: dict[str, bytes], built) -> dict:
    config, files = content.config, []
    for lang in config.languages:
        for fmt in FORMATS:
            name = renderer_for(fmt).output_name(content.month, lang)
            if name not in outputs:
                continue
            data = outputs[name]
            item = {"name": name, "language": lang, "format": fmt, "bytes": len(data),
                    "sha256": hashlib.sha256(data).hexdigest()}
            if fmt == "pdf":
                item["pages"] = count_pdf_pages(data)
            files.append(item)
    coverage = {lang: {"ok": ok, "total": total} for lang, (ok, total, _) in measure_coverage(content).items()}
    return {"publication": config.publication, "publisher": config.publisher, "month": content.month,
            "built": built.isoformat().replace("+00:00", "Z"), "tool": {"name": "bulletin", "version": __version__},
            "languages": list(config.languages), "default_language": config.default_language,
            "coverage": coverage, "totals": month_totals(content.entries, config), "files": files}


def encode_manifest(manifest: dict) -> bytes:
    return (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def holds_release(folder: Path, outputs: dict[str, bytes], manifest: dict) -> bool:
    """Whether a published folder already holds exactly these outputs and this manifest, byte for byte."""
    wanted = {**outputs, MANIFEST: encode_manifest(manifest)}
    try:
        return all((folder / name).read_bytes() == data for name, data in wanted.items())
    except OSError:
        return False


def write_release(staging: Path, outputs: dict[str, bytes], manifest: dict, current: Path) -> None:
    """Outputs, manifest.json and SHA256SUMS (covering both) into the staging folder."""
    for name, data in outputs.items():
        write_atomic(staging / name, data)
    manifest_bytes = encode_manifest(manifest)
    write_atomic(staging / MANIFEST, manifest_bytes)
    sums = [(item["sha256"], item["name"]) for item in manifest["files"]]
    sums.append((hashlib.sha256(manifest_bytes).hexdigest(), MANIFEST))
    write_atomic(staging / SUMS, "".join(f"{digest}  {name}\n" for digest, name in sorted(sums, key=lambda s: s[1]))
                 .encode("ascii"))
    if (current / DELIVERIES).is_file():
        # Carried over: deliver must still know who got the earlier release, to report changed files.
        write_atomic(staging / DELIVERIES, (current / DELIVERIES).read_bytes())


def swap_into_place(staging: Path, target: Path, dist: Path) -> None:
    """The old release becomes .previous inside the new one; one rename publishes it."""
    if target.exists():
        os.rename(target, staging / PREVIOUS)
    os.rename(staging, target)
    fsync_dir(dist)
    older = target / PREVIOUS / PREVIOUS
    if older.exists():  # only one previous release is kept
        trash = Path(tempfile.mkdtemp(prefix=TRASH.format(month=target.name), dir=dist))
        os.rename(older, trash / "release")
        shutil.rmtree(trash)


def recover_interrupted(dist: Path, month: str) -> None:
    """Undo what a publish killed half-way left: restore a release moved aside, drop the rest."""
    target = dist / month
    for leftover in sorted(dist.glob(STAGING.format(month=month) + "*")):
        if (leftover / PREVIOUS).is_dir() and not target.exists():
            os.rename(leftover / PREVIOUS, target)
        shutil.rmtree(leftover)
    for trash in dist.glob(TRASH.format(month=month) + "*"):
        shutil.rmtree(trash)
    if (target / PREVIOUS / PREVIOUS).exists():
        shutil.rmtree(target / PREVIOUS / PREVIOUS)


def write_index(dist: Path, config: Config, problems: Problems, site: dict | None = None) -> Path:
    """dist/index.html from every release's manifest.json, newest first, in the default language."""
    releases = []
    for folder in sorted((p for p in dist.iterdir() if p.is_dir() and MONTH_RE.fullmatch(p.name)), reverse=True):
        try:
            releases.append(json.loads((folder / MANIFEST).read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            problems.warning(folder / MANIFEST, 0, f"release left out of index.html: {exc}",
                             code="publish.release-left-out")
    path = dist / "index.html"
    write_atomic(path, render_index(config, releases, problems, site).encode("utf-8"))
    return path


def render_index(config: Config, releases: list[dict], problems: Problems, site: dict | None = None) -> str:
    """The archive page; a string its catalog lacks is reported into ``problems`` (and falls back)."""
    from .render import RenderOptions, renderer_for
    from .render.archive import ArchiveView

    lang = config.default_language
    messages = load_messages(layouts_dirs(config), lang, lang, problems)
    page = renderer_for("index").render(ArchiveView(config, lang, messages, releases, site), RenderOptions(problems))
    report_missing(messages, problems)
    return page.decode("utf-8")


def publish_month(project: Project | Path, month: str, dist: Path | None = None, force: bool = False,
                  progress: Progress | None = None, render=None) -> PublishResult:
    """Check strictly, enforce coverage, render everything, then swap dist/<month>/ in whole.

    ``render``: what renders the release (default render_release), for tests about files, not contents."""
    if not MONTH_RE.fullmatch(month or ""):
        raise PublishError(f"'{month}' is not a month in the form YYYY-MM")
    project = Project.of(project).require()
    config = project.config
    dist = resolve_dist(config, dist)
    target = dist / month
    with lock_dist(dist):
        recover_interrupted(dist, month)
        if target.exists() and not force:
            raise PublishError(f"{month} is already published in {target}; use --force to replace it "
                               f"(the current release is then kept in {month}/{PREVIOUS}/)")
        timings: dict[str, float] = {}
        content = load_month_content(project, month, timings=timings, jobs=default_jobs())
        if content.problems.fatal(strict=True):
            raise BulletinError(content.problems)
        refusals = refuse_low_coverage(content)
        if refusals:
            raise PublishError("\n".join(refusals))
        outputs = (render or render_release)(content, progress, timings)
        if content.problems.fatal(strict=True):
            raise BulletinError(content.problems)
        manifest = make_manifest(content, outputs, max(content.created.values()))
        if holds_release(target, outputs, manifest):
            # Re-publishing unchanged content: the same bytes, so the release (and who got it) stays as it is.
            return PublishResult(target, manifest["files"], content.problems, dist / "index.html", False, timings,
                                 unchanged=True)
        staging = Path(tempfile.mkdtemp(prefix=STAGING.format(month=month), dir=dist))
        try:
            os.chmod(staging, 0o755)  # mkdtemp's 0700 would hide the release from a web server
            write_release(staging, outputs, manifest, target)
            replaced = target.exists()
            swap_into_place(staging, target, dist)
        finally:
            if staging.exists():
                # Not swapped in: put back a release already moved aside, then drop the half-built one.
                recover_interrupted(dist, month)
        site = update_site(dist, config, content.problems)  # search index and archive pages (bulletin/site.py)
        index = write_index(dist, config, content.problems, site=site.home)
    return PublishResult(target, manifest["files"], content.problems, index, replaced, timings)
