"""Project folder -> checked month -> outputs in build/: the pipeline's driver, with no printing."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .collection import Bulletin, Family, assemble_bulletin, link_translations, report_empty
from .config import Config, load_config
from .content import Entry, list_months, load_month
from .epoch import build_time
from .locale import Messages, check_default_catalog, load_messages, report_missing
from .markdown import Converter, PandocError
from .problems import BulletinError, Problems
from .render import FORMATS, layouts_dirs, make_view, write_outputs

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


@dataclass
class BuildResult:
    outputs: list[Path]
    problems: Problems
    timings: dict[str, float]


def resolve_month(config: Config, month: str | None, problems: Problems) -> str | None:
    months = list_months(config)
    if month is None:
        if not months:
            problems.error(config.content_dir, 0, "no month folders (content/YYYY-MM/) found")
            return None
        return months[-1]
    return month


def parse_languages(value: str | None, config: Config) -> list[str]:
    """``ru,kk`` or ``all``; unknown codes raise ValueError with the known ones."""
    if not value:
        return [config.default_language]
    if value.strip() == "all":
        return list(config.languages)
    langs = [x.strip() for x in value.split(",") if x.strip()]
    unknown = [x for x in langs if x not in config.languages]
    if unknown:
        raise ValueError(f"unknown language {', '.join(unknown)} (configured: {', '.join(config.languages)}, or all)")
    return list(dict.fromkeys(langs))


def parse_formats(value: str | None) -> list[str]:
    if not value:
        return list(FORMATS)
    formats = [x.strip() for x in value.split(",") if x.strip()]
    unknown = [x for x in formats if x not in FORMATS]
    if unknown:
        raise ValueError(f"unknown format {', '.join(unknown)} (known: {', '.join(FORMATS)})")
    return list(dict.fromkeys(formats))


def load_month_content(root: Path, month: str | None, langs: list[str] | None = None,
                       converter: Converter | None = None, timings: dict | None = None) -> Month:
    """Everything up to rendering: config, entries, translations, bodies converted per language."""
    started = time.perf_counter()
    problems = Problems(root.resolve())
    config = load_config(root, problems)
    if problems.errors:
        return Month(config, month or "", [], {}, problems)
    month = resolve_month(config, month, problems)
    if month is None:
        return Month(config, "", [], {}, problems)
    entries = load_month(config, month, problems)
    if (config.content_dir / month).is_dir() and not any(e for e in entries if not e.draft) and not problems.errors:
        problems.warning(config.content_dir / month, 0, "no entries to publish in this month (none, or only drafts)")
    families = link_translations(entries, config, problems)
    from .render.pdf import report_uncovered
    report_uncovered(entries, config, problems)
    result = Month(config, month, entries, families, problems)
    check_default_catalog(layouts_dirs(config), config.default_language, problems)
    if timings is not None:
        timings["load+validate"] = time.perf_counter() - started
    started = time.perf_counter()
    converter = converter or Converter(config.root, config.timeouts["pandoc"], config.limits)
    for lang in (config.languages if langs is None else langs):
        bulletin = assemble_bulletin(config, month, lang, families, problems)
        result.bulletins[lang] = bulletin
        result.created[lang] = build_time(config, month, lang)
        items = bulletin.items
        lang_of = {item.entry.key: item.entry.lang for item in items}
        try:
            result.converted[lang] = converter.convert([item.entry for item in items], lang_of, problems)
        except PandocError as exc:
            problems.error(config.content_dir / month, 0, str(exc))
            result.converted[lang] = {}
        except RecursionError:
            problems.error(config.content_dir / month, 0, "an entry is nested too deeply to convert "
                                                         "(lower limits.nesting in bulletin.yaml)")
            result.converted[lang] = {}
        messages = load_messages(layouts_dirs(config), lang, config.default_language, problems)
        result.messages[lang] = messages
    if timings is not None:
        timings["pandoc"] = time.perf_counter() - started
    return result


def render_outputs(month: Month, langs: list[str], formats: list[str], out_dir: Path,
                   progress: Progress | None = None, timings: dict | None = None,
                   pdf_variant: str | None = None) -> dict[Path, bytes]:
    """Render every requested output into memory; nothing is written here."""
    from .render.docx import render_docx
    from .render.html import render_html
    from .render.pdf import PdfError, render_pdf

    config, problems = month.config, month.problems
    outputs: dict[Path, bytes] = {}
    for lang in langs:
        view = make_view(month.bulletins[lang], month.converted[lang], month.messages[lang], month.created[lang])
        base = out_dir / month.month / f"bulletin-{month.month}-{lang}"
        for fmt in formats:
            if progress:
                progress(f"{lang} {fmt}")
            started = time.perf_counter()
            try:
                if fmt == "html":
                    outputs[base.with_suffix(".html")] = render_html(view).encode("utf-8")
                elif fmt == "pdf":
                    outputs[base.with_suffix(".pdf")] = render_pdf(view, config.timeouts["pdf"], pdf_variant)
                elif fmt == "docx":
                    outputs[base.with_suffix(".docx")] = render_docx(view, config.timeouts["pandoc"], problems)
            except PdfError as exc:  # located at the entry being laid out, when the renderer knew it
                where = (config.root / exc.entry, 1) if exc.entry else (config.content_dir / month.month, 0)
                problems.error(*where, f"{lang} {fmt}: {exc}" + (" (while laying out this entry)" if exc.entry else ""))
            except PandocError as exc:
                problems.error(config.content_dir / month.month, 0, f"{lang} {fmt}: {exc}")
            if timings is not None:
                timings[fmt] = timings.get(fmt, 0.0) + time.perf_counter() - started
        report_missing(month.messages[lang], problems)
    return outputs


def build_month(root: Path, month: str | None = None, langs: str | None = None, formats: str | None = None,
                out_dir: Path | None = None, strict: bool = False, progress: Progress | None = None,
                converter: Converter | None = None, pdf_variant: str | None = None) -> BuildResult:
    """Check, render all outputs, then write them atomically; on any error nothing is written."""
    timings: dict[str, float] = {}
    probe = Problems(root.resolve())
    config = load_config(root, probe)
    if probe.errors:
        raise BulletinError(probe)
    lang_list = parse_languages(langs, config)
    format_list = parse_formats(formats)
    from . import cache
    if converter is None:  # conversions kept between builds in build/.cache/ (bulletin/cache.py)
        converter = Converter(config.root, config.timeouts["pandoc"], config.limits, cache.open_cache(config.root))
    cache.hold_writes()  # nothing under build/ unless the build succeeds, the cache included
    try:
        return _build_checked(root, month, lang_list, format_list, out_dir, strict, progress, converter,
                              pdf_variant, timings, config)
    finally:
        cache.drop_held()


def _build_checked(root, month, lang_list, format_list, out_dir, strict, progress, converter, pdf_variant,
                   timings, config) -> BuildResult:
    from . import cache

    content = load_month_content(root, month, lang_list, converter, timings)
    for lang in lang_list:  # publish has its own rule for this: translation coverage thresholds
        if lang in content.bulletins:
            report_empty(content.bulletins[lang], content.problems)
    if content.problems.fatal(strict):
        raise BulletinError(content.problems)
    out_dir = (out_dir or config.root / "build").resolve()
    _refuse_content_dir(out_dir, config)
    if len(lang_list) * len(format_list) > 1:  # languages and formats in parallel, as publish does
        from .scheduler import render_parallel

        base = out_dir / content.month
        made = render_parallel(content, [(lang, fmt) for lang in lang_list for fmt in format_list], progress,
                               timings, pdf_variant)
        outputs = {base / name: data for name, data in sorted(made.items())}
    else:
        outputs = render_outputs(content, lang_list, format_list, out_dir, progress, timings, pdf_variant)
    if content.problems.fatal(strict):
        raise BulletinError(content.problems)
    try:
        written = write_outputs(outputs)
    except OSError as exc:
        content.problems.error(Path(exc.filename or out_dir), 0,
                               f"cannot write the outputs: {exc.strerror or exc}; earlier outputs are unchanged")
        raise BulletinError(content.problems)
    cache.commit()  # the month was built: its chunks and conversions are kept for the next build
    return BuildResult(written, content.problems, timings)


def _refuse_content_dir(out_dir: Path, config: Config) -> None:
    content = config.content_dir.resolve()
    if out_dir == content or content in out_dir.parents:
        problems = Problems(config.root)
        problems.error(out_dir, 0, "the output folder may not be inside content/")
        raise BulletinError(problems)
