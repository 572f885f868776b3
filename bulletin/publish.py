"""A month that passes check --strict -> dist/<MONTH>/ (all outputs, SHA256SUMS, manifest.json) + dist/index.html."""

from __future__ import annotations

import contextlib
import fcntl
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
from .config import Config, load_config
from .content import MONTH_RE
from .locale import BABEL_LOCALES, format_long_date, format_month, load_messages
from .typography import typeset_text
from .problems import BulletinError, Problems
from .render import FORMATS, find_layout, fsync_dir, layouts_dirs, write_atomic

MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
PREVIOUS = ".previous"
DELIVERIES = "deliveries.json"
LOCK = ".lock"
STAGING = ".publish-{month}-"
TRASH = ".trash-{month}-"
ARCHIVE_TEMPLATE = "archive.html.j2"
MIME_TYPES = {"pdf": "application/pdf", "html": "text/html",
              "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


class PublishError(Exception):
    """Publishing refused for a reason that is not a content problem; the message says why."""


@dataclass
class PublishResult:
    folder: Path
    files: list[dict]
    problems: Problems
    index: Path
    replaced: bool
    timings: dict[str, float] = field(default_factory=dict)
    unchanged: bool = False  # --force found the release already holding exactly these bytes: nothing written


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
        problems.error(dist, 0, "the dist folder may not be inside content/")
        raise BulletinError(problems)
    return dist


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

    tasks = [(lang, fmt) for fmt in ("pdf", "docx", "html") for lang in content.config.languages]
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
            name = f"bulletin-{content.month}-{lang}.{fmt}"
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
            "coverage": coverage, "files": files}


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


def write_index(dist: Path, config: Config, problems: Problems) -> Path:
    """dist/index.html from every release's manifest.json, newest first, in the default language."""
    releases = []
    for folder in sorted((p for p in dist.iterdir() if p.is_dir() and MONTH_RE.fullmatch(p.name)), reverse=True):
        try:
            releases.append(json.loads((folder / MANIFEST).read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            problems.warning(folder / MANIFEST, 0, f"release left out of index.html: {exc}")
    path = dist / "index.html"
    write_atomic(path, render_index(config, releases).encode("utf-8"))
    return path


def render_index(config: Config, releases: list[dict]) -> str:
    import datetime as dt

    import jinja2
    from babel import Locale
    from markupsafe import Markup

    lang = config.default_language
    messages = load_messages(layouts_dirs(config), lang, lang, Problems())
    env = jinja2.Environment(loader=jinja2.FileSystemLoader([str(d) for d in layouts_dirs(config)]),
                             autoescape=True, extensions=["jinja2.ext.i18n"], undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True)
    env.install_gettext_callables(lambda s: typeset_text(messages.gettext(s), lang),
                                  lambda s, p, n: typeset_text(messages.ngettext(s, p, n), lang), newstyle=True)
    view = []
    for release in releases:
        month, languages = release["month"], []
        for code in release.get("languages", []):
            files = [{"label": item["format"].upper(), "href": f"{month}/{item['name']}", "pages": item.get("pages"),
                      "mime": MIME_TYPES[item["format"]], "size": format_size(item["bytes"], lang)}
                     for item in release["files"] if item["language"] == code]
            name = Locale.parse(code).get_display_name(code)
            languages.append({"lang": code, "name": name[:1].upper() + name[1:], "files": files})
        built = dt.datetime.fromisoformat(release["built"].replace("Z", "+00:00"))
        view.append({"month": month, "title": format_month(month, lang), "languages": languages,
                     "published": format_long_date(built.date(), lang), "published_iso": built.date().isoformat()})
    css = find_layout(config, "screen.css").read_text(encoding="utf-8")
    return env.get_template(ARCHIVE_TEMPLATE).render(
        lang=lang, releases=view, css=Markup(css),
        publication=typeset_text(config.localized(config.publication, lang), lang),
        publisher=typeset_text(config.localized(config.publisher, lang), lang) if config.publisher else "")


def format_size(size: int, lang: str) -> str:
    """``1,2 МБ`` / ``1.2 MB``: decimal units, as CLDR defines them."""
    from babel.units import format_unit

    if size < 1_000_000:
        return format_unit(max(1, round(size / 1000)), "digital-kilobyte", locale=BABEL_LOCALES[lang], length="short")
    return format_unit(size / 1_000_000, "digital-megabyte", locale=BABEL_LOCALES[lang], length="short",
                       format="#,##0.0")


def publish_month(root: Path, month: str, dist: Path | None = None, force: bool = False,
                  progress: Progress | None = None) -> PublishResult:
    """Check strictly, enforce coverage, render everything, then swap dist/<month>/ in whole."""
    if not MONTH_RE.fullmatch(month or ""):
        raise PublishError(f"'{month}' is not a month in the form YYYY-MM")
    probe = Problems(root.resolve())
    config = load_config(root, probe)
    if probe.errors:
        raise BulletinError(probe)
    dist = resolve_dist(config, dist)
    target = dist / month
    with lock_dist(dist):
        recover_interrupted(dist, month)
        if target.exists() and not force:
            raise PublishError(f"{month} is already published in {target}; use --force to replace it "
                               f"(the current release is then kept in {month}/{PREVIOUS}/)")
        timings: dict[str, float] = {}
        content = load_month_content(root, month, timings=timings)
        if content.problems.fatal(strict=True):
            raise BulletinError(content.problems)
        refusals = refuse_low_coverage(content)
        if refusals:
            raise PublishError("\n".join(refusals))
        outputs = render_release(content, progress, timings)
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
        index = write_index(dist, config, content.problems)
    return PublishResult(target, manifest["files"], content.problems, index, replaced, timings)
