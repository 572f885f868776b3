"""Project folder -> checked month -> outputs in build/: the pipeline's driver, with no printing."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .collection import Bulletin, Family, assemble_bulletin, link_translations, report_empty
from .confidential import load_placeholders, make_redaction
from .config import Config
from .content import Entry, list_months, load_month
from .edition import PUBLIC, edition_folder, mark_view, refuse_dist
from .epoch import build_time
from .leaks import report_leaks, scan_outputs
from .layouts import Messages, check_default_catalog, load_messages, report_missing
from .markdown import Converter, PandocError
from .problems import BulletinError, Problems
from .atomic import write_outputs
from .cache import open_cache
from .scheduler import default_jobs, render_parallel
from .fonts import report_uncovered
from .render import RenderError, RenderOptions, make_view, month_renderers
from .project import Project

Progress = Callable[[str], None]


@dataclass
class Month:
    """A month's content in every language, checked; what check and build share."""

    config: Config
    month: str
    entries: list[Entry]
    families: dict[str, Family]
    problems: Problems
    bulletins: dict[str, Bulletin] = field(default_factory=dict)
    converted: dict[str, dict] = field(default_factory=dict)
    messages: dict[str, Messages] = field(default_factory=dict)
    created: dict[str, dt.datetime] = field(default_factory=dict)  # per language, when its content changed
    edition: str = PUBLIC  # public: everything confidential withheld (bulletin/confidential.py); or internal
    redaction: object = None  # what the public edition withholds (confidential.Redaction)


@dataclass
class BuildResult:
    outputs: list[Path]
    problems: Problems
    timings: dict[str, float]


def resolve_month(config: Config, month: str | None, problems: Problems) -> str | None:
    months = list_months(config)
    if month is None:
        if not months:
            problems.error(config.content_dir, 0, "no month folders (content/YYYY-MM/) found", code="project.no-months")
            return None
        return months[-1]
    return month


def load_month_content(project: Project | Path, month: str | None, langs: list[str] | None = None,
                       converter: Converter | None = None, timings: dict | None = None,
                       edition: str = PUBLIC, jobs: int | None = None) -> Month:
    """Everything up to rendering: config, entries, translations, bodies converted per language (by
    ``jobs`` processes at once; None: this one); in the public edition every entry is redacted here,
    before any renderer sees it."""
    started = time.perf_counter()
    project = Project.of(project)
    problems, config = project.problems, project.config
    if problems.errors:
        return Month(config, month or "", [], {}, problems)
    month = resolve_month(config, month, problems)
    if month is None:
        return Month(config, "", [], {}, problems)
    entries = load_month(config, month, problems)
    if (config.content_dir / month).is_dir() and not any(e for e in entries if not e.draft) and not problems.errors:
        problems.warning(config.content_dir / month, 0, "no entries to publish in this month (none, or only drafts)",
                         code="month.no-entries")
    families = link_translations(entries, config, problems)
    report_uncovered(entries, config, problems)
    result = Month(config, month, entries, families, problems, edition=edition)
    result.redaction = redaction = (make_redaction(entries, load_placeholders(project.layouts, config.languages,
                                                           config.default_language)) if edition == PUBLIC else None)
    check_default_catalog(project.layouts, config.default_language, problems)
    if timings is not None:
        timings["load+validate"] = time.perf_counter() - started
    started = time.perf_counter()
    converter = converter or Converter(config.root, config.timeouts["pandoc"], config.limits)
    for lang in (config.languages if langs is None else langs):
        bulletin = assemble_bulletin(config, month, lang, families, problems)
        if redaction is not None:
            redaction.bulletin(bulletin)
        result.bulletins[lang] = bulletin
        result.created[lang] = build_time(config, month, lang)
        items = bulletin.items
        lang_of = {item.entry.key: item.entry.lang for item in items}
        try:
            result.converted[lang] = converter.convert([item.entry for item in items], lang_of, problems, redaction,
                                                       jobs)
        except PandocError as exc:
            problems.error(config.content_dir / month, 0, str(exc), code="pandoc.failed")
            result.converted[lang] = {}
        except RecursionError:
            problems.error(config.content_dir / month, 0, "an entry is nested too deeply to convert "
                                                         "(lower limits.nesting in bulletin.yaml)",
                           code="entry.nested-too-deeply")
            result.converted[lang] = {}
        messages = load_messages(project.layouts, lang, config.default_language, problems)
        result.messages[lang] = messages
    if timings is not None:
        timings["pandoc"] = time.perf_counter() - started
    if redaction is not None:
        report_leaks(redaction, result, problems)
    return result


def render_outputs(month: Month, langs: list[str], formats: list[str], out_dir: Path,
                   progress: Progress | None = None, timings: dict | None = None,
                   pdf_variant: str | None = None, renderers=None, jobs: int | None = None,
                   cache=None) -> dict[Path, bytes]:
    """Render every requested output into memory; nothing is written here. ``renderers``: the registry's
    (bulletin/render/__init__.py) unless a caller brings its own; ``jobs``, ``cache``: RenderOptions'."""
    config, problems = month.config, month.problems
    chosen = month_renderers(renderers)
    options = RenderOptions(problems=problems, pdf_variant=pdf_variant, jobs=jobs, cache=cache)
    outputs: dict[Path, bytes] = {}
    for lang in langs:
        view = make_view(month.bulletins[lang], month.converted[lang], month.messages[lang], month.created[lang])
        mark_view(view, month.edition)
        folder = edition_folder(out_dir / month.month, month.edition)
        for fmt in formats:
            if progress:
                progress(f"{lang} {fmt}")
            started = time.perf_counter()
            renderer = chosen[fmt]
            try:
                outputs[folder / renderer.output_name(month.month, lang)] = renderer.render(view, options)
            except RenderError as exc:  # located at the entry being laid out, when the renderer knew it
                where = (config.root / exc.entry, 1) if exc.entry else (config.content_dir / month.month, 0)
                problems.error(*where, f"{lang} {fmt}: {exc}" + (" (while laying out this entry)" if exc.entry else ""),
                               code="render.failed")
            except PandocError as exc:
                problems.error(config.content_dir / month.month, 0, f"{lang} {fmt}: {exc}", code="render.failed")
            if timings is not None:
                timings[fmt] = timings.get(fmt, 0.0) + time.perf_counter() - started
        report_missing(month.messages[lang], problems)
    if month.redaction is not None:
        scan_outputs(month.redaction, outputs, {e.anchor for e in month.entries}, problems)
    return outputs


def build_month(project: Project | Path, month: str | None = None, langs: list[str] | None = None,
                formats: list[str] | None = None, out_dir: Path | None = None, strict: bool = False,
                progress: Progress | None = None, converter: Converter | None = None,
                pdf_variant: str | None = None, renderers=None, edition: str = PUBLIC, jobs: int | None = None,
                cache: bool = True) -> BuildResult:
    """Check, render all outputs, then write them atomically; on any error nothing is written.

    ``renderers``: the registry's unless a caller (a test) brings its own. ``jobs``: processes at once
    (None: the cores). ``cache``: read and write build/.cache/ (conversions, chunk PDFs); its new entries
    are written only when the build has written its outputs."""
    timings: dict[str, float] = {}
    project = Project.of(project).require()
    config = project.config
    known = list(month_renderers(renderers))
    lang_list, format_list = langs or [config.default_language], formats or known
    unknown = [fmt for fmt in format_list if fmt not in known]
    if unknown:  # the command line's --format is checked by Project.formats; a caller's list here
        raise ValueError(f"unknown format {', '.join(unknown)} (known: {', '.join(known)})")
    store = open_cache(config.root, hold=True) if cache else None
    if converter is None:  # conversions kept between builds in build/.cache/ (bulletin/cache.py)
        converter = Converter(config.root, config.timeouts["pandoc"], config.limits, store)
    content = load_month_content(project, month, lang_list, converter, timings, edition, jobs or default_jobs())
    for lang in lang_list:  # publish has its own rule for this: translation coverage thresholds
        if lang in content.bulletins:
            report_empty(content.bulletins[lang], content.problems)
    if content.problems.fatal(strict):
        raise BulletinError(content.problems)
    out_dir = (out_dir or config.root / "build").resolve()
    _refuse_content_dir(out_dir, config)
    refuse_dist(out_dir, config.root, edition, content.problems)
    if content.problems.errors:
        raise BulletinError(content.problems)
    if len(lang_list) * len(format_list) > 1 and renderers is None:  # in parallel, as publish does
        base = edition_folder(out_dir / content.month, edition)
        made = render_parallel(content, [(lang, fmt) for lang in lang_list for fmt in format_list], progress,
                               timings, pdf_variant, out_dir, jobs, store)
        outputs = {base / name: data for name, data in sorted(made.items())}
    else:
        outputs = render_outputs(content, lang_list, format_list, out_dir, progress, timings, pdf_variant, renderers,
                                 jobs, store)
    if content.problems.fatal(strict):
        raise BulletinError(content.problems)
    try:
        written = write_outputs(outputs)
    except OSError as exc:
        content.problems.error(Path(exc.filename or out_dir), 0,
                               f"cannot write the outputs: {exc.strerror or exc}; earlier outputs are unchanged",
                               code="build.cannot-write")
        raise BulletinError(content.problems)
    if store:
        store.commit()  # the month was built: its chunks and conversions are kept for the next build
    return BuildResult(written, content.problems, timings)


def _refuse_content_dir(out_dir: Path, config: Config) -> None:
    content = config.content_dir.resolve()
    if out_dir == content or content in out_dir.parents:
        problems = Problems(config.root)
        problems.error(out_dir, 0, "the output folder may not be inside content/", code="build.output-inside-content")
        raise BulletinError(problems)
