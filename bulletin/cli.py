"""Command line -> library calls: thin click commands that print what the library returns."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .config import PDF_VARIANTS
from .problems import BulletinError, Problems, dump_problems, escape_text, format_summary

DIST = click.option("--dist", "dist", type=click.Path(file_okay=False, path_type=Path),
                    help="Releases folder (default: <project>/dist).")
PROJECT = click.option("--project", "project", type=click.Path(file_okay=False, path_type=Path), default=".",
                       show_default=True, help="Project folder (holds bulletin.yaml).")


def print_problems(problems: Problems, err: bool = True) -> None:
    for problem in problems.sorted():
        click.echo(str(problem), err=err)


def fail(problems: Problems) -> None:
    print_problems(problems)
    click.echo(f"bulletin: {len(problems.errors)} error(s), {len(problems.warnings)} warning(s); "
               "nothing was written", err=True)
    sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bulletin")
def cli() -> None:
    """Assemble a monthly bulletin from Markdown entries into PDF, DOCX and HTML."""


@cli.command()
@click.argument("month", required=False)
@click.option("--lang", "langs", help="Languages: ru,kk,en or all (default: the default language).")
@click.option("--format", "formats", help="Formats: pdf,docx,html (default: all three).")
@PROJECT
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder (default: <project>/build).")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("-q", "--quiet", is_flag=True, help="No progress or warnings, only errors.")
@click.option("-v", "--verbose", is_flag=True, help="Show each stage's timing.")
@click.option("--pdf-variant", "pdf_variant", type=click.Choice(PDF_VARIANTS),
              help="PDF flavour (default: pdf_variant in bulletin.yaml, else pdf/ua-1); pdf/a-3u for archives.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Processes laying out at once (default: the cores).")
@click.option("--no-cache", is_flag=True, help="Neither read nor write build/.cache/ (chunk PDFs, conversions).")
def build(month, langs, formats, project, out, strict, quiet, verbose, pdf_variant, jobs, no_cache):
    """Build MONTH (YYYY-MM; default: the newest) into <out>/<MONTH>/bulletin-<MONTH>-<lang>.<ext>."""
    from .build import build_month
    from .scheduler import configure

    configure(jobs, cache=not no_cache)
    _check_month_arg(month)
    interactive = sys.stderr.isatty() and not quiet

    def progress(step: str) -> None:
        if interactive:
            click.echo(f"  building {step} …", err=True)

    try:
        result = build_month(project, month, langs, formats, out, strict=strict, progress=progress,
                             pdf_variant=pdf_variant)
    except ValueError as exc:
        raise click.UsageError(str(exc))
    except BulletinError as exc:
        fail(exc.problems)
    if not quiet:
        print_problems(result.problems)
    for path in result.outputs:
        click.echo(_relative(path))
    if verbose:
        for stage, seconds in result.timings.items():
            click.echo(f"  {stage:<14} {seconds:6.2f} s", err=True)


@cli.command()
@click.argument("month", required=False)
@PROJECT
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 1).")
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="json prints the problems as a list for editor integrations.")
def check(month, project, strict, output):
    """Validate MONTH's entries and the configuration without writing anything."""
    from .build import load_month_content

    _check_month_arg(month)
    content = load_month_content(project, month)
    problems = content.problems
    if output == "json":
        click.echo(dump_problems(problems))
    else:
        print_problems(problems, err=False)
        click.echo(format_summary(problems, len(content.entries)))
    sys.exit(1 if problems.fatal(strict) else 0)


@cli.command()
@click.argument("month", required=False)
@click.option("--lang", "lang", help="Language to preview (default: the default language).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port on 127.0.0.1; 0 picks any free port.")
@PROJECT
def serve(month, lang, port, project):
    """Preview MONTH's HTML on 127.0.0.1, rebuilt and reloaded on every change (Ctrl-C to stop)."""
    from .serve import PortInUse, serve as run_server

    _check_month_arg(month)
    try:
        run_server(project, month, lang, port, log=click.echo)
    except ValueError as exc:
        raise click.UsageError(str(exc))
    except PortInUse as exc:
        click.echo(f"bulletin: {exc}", err=True)
        sys.exit(2)
    click.echo("Stopped.")


@cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--month", required=True, help="Month folder to write into (YYYY-MM).")
@PROJECT
@click.option("--lang", help="Language of the entries (default: the default language).")
@click.option("--dry-run", is_flag=True, help="Write nothing; print the files that would be written.")
def import_command(file, month, project, lang, dry_run):
    """Split a legacy bulletin FILE (UTF-8 text or .docx; Windows-1251/UTF-16 text is decoded with a
    warning) into entry files of MONTH. Nothing is written if any part could not be assigned."""
    from .importer import import_document

    _check_month_arg(month)
    result = import_document(project, file, month, lang, dry_run)
    for entry in result.entries:
        click.echo(f"{entry.line:>5}  [{entry.rubric or '?'}] {escape_text(entry.title)}")
        if entry.skipped or entry.path:
            where = (entry.skipped or entry.path).relative_to(result.root).as_posix()
            click.echo(f"       {'skipped: already in' if entry.skipped else '->'} {where}")
        if entry.missing:
            click.echo(f"       not found: {', '.join(entry.missing)}")
        if entry.guesses:
            click.echo(f"       case guessed: {', '.join(f'{word} ({kind})' for word, kind in entry.guesses)}")
        if dry_run and entry.text:
            click.echo("".join(f"       | {escape_text(line)}\n" for line in entry.text.splitlines()), nl=False)
    print_problems(result.problems)
    count = sum(1 for e in result.entries if e.path)
    if result.problems.errors:
        click.echo(f"bulletin: {len(result.problems.errors)} error(s); nothing was written", err=True)
        sys.exit(1)
    click.echo(f"{count} entr{'y' if count == 1 else 'ies'} {'would be ' if dry_run else ''}written "
               f"to content/{month}" + (" (dry run: nothing was written)" if dry_run else ""))


@cli.command()
@click.argument("month")
@PROJECT
@DIST
@click.option("--force", is_flag=True, help="Replace a published MONTH; the current release is kept in .previous/.")
def publish(month, project, dist, force):
    """Publish MONTH into <dist>/<MONTH>/ (every language and format, SHA256SUMS, manifest.json) and
    update <dist>/index.html. Refused when check --strict fails or translation coverage is too low."""
    from .publish import PublishError, publish_month

    _check_month_arg(month)
    interactive = sys.stderr.isatty()

    def progress(step: str) -> None:
        if interactive:
            click.echo(f"  rendered {step}", err=True)

    try:
        result = publish_month(project, month, dist, force, progress)
    except BulletinError as exc:
        print_problems(exc.problems)
        click.echo(f"bulletin: not published: {len(exc.problems.errors)} error(s), {len(exc.problems.warnings)} "
                   "warning(s); publish needs check --strict to pass", err=True)
        sys.exit(1)
    except PublishError as exc:
        for line in str(exc).splitlines():
            click.echo(f"bulletin: error: {line}", err=True)
        click.echo("bulletin: not published", err=True)
        sys.exit(1)
    print_problems(result.problems)
    if result.unchanged:
        click.echo(f"no change: {_relative(result.folder)} already holds exactly these {len(result.files)} files; "
                   f"the release is kept as it is")
        return
    for item in result.files:
        click.echo(_relative(result.folder / item["name"]))
    kept = f"; the previous release is in {_relative(result.folder / '.previous')}" if result.replaced else ""
    click.echo(f"published {month}: {len(result.files)} files in {_relative(result.folder)}{kept}; "
               f"index: {_relative(result.index)}")


@cli.command()
@click.argument("month")
@PROJECT
@DIST
@click.option("--dry-run", is_flag=True, help="Print who would get what; connect to nothing, send nothing.")
@click.option("--resend", is_flag=True,
              help="Send the corrected issue to the partners whose files changed since they got it "
                   "(only to PARTNER… when names are given; a named partner's interrupted send is repeated).")
@click.argument("partners", nargs=-1, metavar="[PARTNER]...")
def deliver(month, project, dist, dry_run, resend, partners):
    """E-mail the published MONTH to each partner in partners.yaml, once (recorded in deliveries.json)."""
    from .deliver import CHANGED, SKIP, DeliveryUsageError, deliver_month, describe_plan
    from .publish import PublishError

    _check_month_arg(month)
    shown = set()

    def progress(plan) -> None:
        shown.add(id(plan))
        click.echo(describe_plan(plan, dry_run))

    if partners and not resend:
        raise click.UsageError("partner names are for --resend (bulletin deliver MONTH --resend [PARTNER]...)")
    try:
        result = deliver_month(project, month, dist, dry_run, progress, resend=list(partners) if resend else None)
    except BulletinError as exc:
        fail(exc.problems)
    except DeliveryUsageError as exc:
        raise click.UsageError(str(exc))
    except PublishError as exc:
        click.echo(f"bulletin: error: {exc}", err=True)
        sys.exit(1)
    print_problems(result.problems)
    for plan in result.plans:
        if id(plan) not in shown:
            click.echo(describe_plan(plan, dry_run))
    for note in result.notes:
        click.echo(note, err=True)
    changed = [plan for plan in result.plans if plan.action == CHANGED]
    if changed:
        click.echo(f"{len(changed)} partner(s) got files that have changed since: send them the corrected issue "
                   f"with bulletin deliver {month} --resend")
    elif all(plan.action == SKIP for plan in result.plans):
        click.echo("nothing to send: every partner already has these files")
    if dry_run:
        click.echo("dry run: nothing was sent")
    sys.exit(0 if result.ok else 1)


def _check_month_arg(month: str | None) -> None:
    from .content import MONTH_RE

    if month is not None and not MONTH_RE.fullmatch(month):
        raise click.BadParameter(f"'{month}' is not a month in the form YYYY-MM", param_hint="MONTH")


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@cli.command()
@click.option("--rubric", help="Rubric key (see content/rubrics.yaml).")
@click.option("--title", help="The entry's headline.")
@click.option("--date", "date", help="YYYY-MM-DD (default: today); picks the month folder.")
@click.option("--source", help="URL of the original item.")
@click.option("--outlet", help="The publication the item comes from.")
@click.option("--author", "authors", multiple=True, help="Author (repeat for several).")
@click.option("--lang", help="Language of the entry (default: the project's default language).")
@click.option("--translation-of", "translation_of", type=click.Path(dir_okay=False, path_type=Path),
              help="Write a translation skeleton of this source entry (with --lang).")
@PROJECT
def new(rubric, title, date, source, outlet, authors, lang, translation_of, project):
    """Create an entry (or, with --translation-of, a translation) and print its path."""
    import datetime as dt

    from .build import load_month_content
    from .config import load_config
    from .content import month_of
    from .scaffold import ScaffoldError, ScaffoldUsageError, new_entry, new_translation

    problems = Problems(project.resolve())
    config = load_config(project, problems)
    if problems.errors:
        fail(problems)
    try:
        if translation_of is not None:
            if not lang:
                raise click.UsageError("--translation-of needs --lang (the language to translate into)")
            source_path = (translation_of if translation_of.is_absolute() else Path.cwd() / translation_of).resolve()
            if not source_path.is_file():
                source_path = (project / translation_of).resolve()
            month = month_of(source_path, config)
            if month is None:
                raise click.UsageError(f"{translation_of} is not an entry of this project")
            content = load_month_content(project, month, [config.default_language])
            entry = next((e for e in content.entries if e.path.resolve() == source_path), None)
            if entry is None:
                errors = [p for p in content.problems.errors if source_path.name in p.path]
                if errors:
                    fail(content.problems)
                raise click.UsageError(f"{translation_of} is not an entry of this project")
            path = new_translation(config, entry, lang)
        else:
            if not rubric or not title:
                raise click.UsageError("new needs --rubric and --title (or --translation-of with --lang)")
            try:
                day = dt.date.fromisoformat(date) if date else None
            except ValueError:
                raise click.BadParameter(f"'{date}' is not a date in the form YYYY-MM-DD", param_hint="--date")
            path = new_entry(config, title, rubric, day, lang, list(authors) or None, outlet, source)
    except ScaffoldError as exc:
        click.echo(f"bulletin: error: {exc}", err=True)
        sys.exit(2 if isinstance(exc, ScaffoldUsageError) else 1)
    click.echo(_relative(path))


@cli.command()
@click.argument("month", required=False)
@click.option("--lang", "langs", help="Only these languages (e.g. kk or kk,en).")
@PROJECT
@click.option("--json", "as_json", is_flag=True, help="Print the statuses as JSON.")
@click.option("--stamp", "stamp", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Mark a reviewed translation as up to date with its source (repeatable).")
@click.option("--diff", "diff", type=click.Path(dir_okay=False, path_type=Path),
              help="Show what changed in a translation's source since its source_hash (exit 0: changed, 1: not).")
def translations(month, langs, project, as_json, stamp, diff):
    """Show which entries are translated (ok / missing / stale / unverified), --stamp one or --diff one."""
    import json

    from .build import load_month_content
    from .collection import report_translations
    from .locale import catalog_completeness
    from .render import layouts_dirs
    from .scaffold import stamp_translation

    _check_month_arg(month)
    if stamp:
        _stamp(project, stamp, stamp_translation)
        return
    if diff:
        _diff(project, diff)
    content = load_month_content(project, month, [])
    config = content.config
    if content.problems.errors and not content.entries:
        fail(content.problems)
    try:
        wanted = [x.strip() for x in langs.split(",")] if langs else None
        if wanted and any(x not in config.languages for x in wanted):
            raise ValueError(f"unknown language in '{langs}' (configured: {', '.join(config.languages)})")
    except ValueError as exc:
        raise click.UsageError(str(exc))
    others = [x for x in (wanted or config.languages) if x != config.default_language]
    report = report_translations(content.families, config, others)
    columns = [config.default_language] + others
    catalogs = {lang: catalog_completeness(layouts_dirs(config), lang) for lang in columns}
    if as_json:
        from .history import count_changes

        report["changed_paragraphs"] = count_changes(content.families, report["entries"], config.root)
        click.echo(json.dumps({"month": content.month, **report, "catalogs": {
            k: {"translated": v[0], "total": v[1], "untranslated": v[2]} for k, v in catalogs.items()}},
            ensure_ascii=False, indent=2))
        return
    width = max([len("entry")] + [len(slug) for slug in report["entries"]])
    click.echo("  ".join(["entry".ljust(width)] + [c.ljust(10) for c in columns]).rstrip())
    click.echo("  ".join(["-" * width] + ["-" * 10 for _ in columns]))
    for slug, row in report["entries"].items():
        click.echo("  ".join([slug.ljust(width)] + [row[c].ljust(10) for c in columns]).rstrip())
    click.echo("")
    for lang in columns:
        counts = report["summary"].get(lang)
        done, total, untranslated = catalogs[lang]
        entries = ", ".join(f"{counts[k]} {k}" for k in ("ok", "missing", "stale", "unverified")) + "; " \
            if counts else "default language; "
        lacking = f" (untranslated: {', '.join(untranslated)})" if untranslated else ""
        click.echo(f"{lang}: {entries}interface strings {done}/{total}{lacking}")
    print_problems(Problems(content.problems.root, [p for p in content.problems.items if "translation" in p.message]))


def _find_translation(project: Path, given: Path):
    """(path, month content, family, lang) of a translation FILE, or an error message."""
    from .build import load_month_content
    from .config import load_config
    from .content import ENTRY_RE, month_of

    config = load_config(project, Problems(project.resolve()))
    path = (given if given.is_absolute() else Path.cwd() / given).resolve()
    if not path.is_file() and (project / given).is_file():
        path = (project / given).resolve()
    match, month = ENTRY_RE.match(path.name), month_of(path, config)
    if not path.is_file() or not match or month is None:
        return f"{given}: not an entry file of this project"
    content = load_month_content(project, month, [])
    family = content.families.get(match["slug"])
    if family is None or family.source is None or match["lang"] == content.config.default_language:
        return f"{given}: not a translation with a source entry"
    return path, content, family, match["lang"]


def _stamp(project: Path, paths, stamp_translation) -> None:
    from .history import prune_snapshots, referenced_hashes, save_snapshot

    failed, config = False, None
    for given in paths:
        found = _find_translation(project, given)
        if isinstance(found, str):
            click.echo(f"bulletin: error: {found}", err=True)
            failed = True
            continue
        path, content, family, _lang = found
        config = content.config
        changed = stamp_translation(path, family.source.content_hash)
        save_snapshot(config.root, family.source)
        click.echo(f"{_relative(path)}: {'stamped' if changed else 'already up to date'} "
                   f"(source_hash {family.source.content_hash})")
    if config is not None:
        for removed in prune_snapshots(config.root, referenced_hashes(config.root, config)):
            click.echo(f"{_relative(removed)}: removed (no translation refers to it any more)")
    if failed:
        sys.exit(1)


def _diff(project: Path, given: Path) -> None:
    import os

    from .history import format_diff, source_diff

    found = _find_translation(project, given)
    if isinstance(found, str):
        click.echo(f"bulletin: error: {found}", err=True)
        sys.exit(2)
    path, content, family, lang = found
    source, translation = family.source, family.translations[lang]
    where, stamp = source.rel, f"bulletin translations --stamp {translation.rel}"
    diff = source_diff(content.config.root, source, translation)
    if diff is None:
        why = (f"{translation.rel} has no source_hash, so the version it was made from is unknown"
               if translation.source_hash is None else
               f"no version of {where} with source_hash {translation.source_hash} was found (not in the git "
               f"history, no .bulletin/sources/{translation.source_hash}.md)")
        click.echo(f"{why}; the current source follows.\n\n{source.title}\n\n{source.body}")
        sys.exit(2)
    if not diff.changed:
        spacing = translation.source_hash != source.content_hash
        click.echo(f"no difference: the words of the title and body of {where} are as they were at source_hash "
                   f"{translation.source_hash}" + (" (only spacing or line breaks changed)" if spacing else ""))
        sys.exit(1)
    colour = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    click.echo(f"{where} since source_hash {translation.source_hash} ({diff.origin}):")
    for line in format_diff(diff, colour):
        click.echo(line, color=colour)
    click.echo(f"\n{diff.changed} of {1 + len(diff.paragraphs)} paragraphs changed (the title counted as one); "
               f"after updating {translation.rel}, run: {stamp}")
    sys.exit(0)


@cli.command()
@PROJECT
def catalogs(project):
    """Extract the interface strings (babel.cfg) into layouts/locales/bulletin.pot, merge them into every
    language's .po (new: untranslated, changed: fuzzy) and list what each language still lacks."""
    from .catalogs import update_catalogs
    from .config import load_config

    problems = Problems(project.resolve())
    config = load_config(project, problems)
    if problems.errors:
        fail(problems)
    report = update_catalogs(config.root, list(config.languages))
    if report.problems.errors and not report.languages:
        fail(report.problems)
    def where(path: Path) -> str:
        return path.relative_to(config.root).as_posix()

    for path in report.written:
        click.echo(f"{where(path)}: updated")
    if not report.written:
        click.echo(f"catalogs unchanged ({len(report.unchanged)} files)")
    for lang in report.languages:
        lacking = [f"{len(lang.untranslated)} untranslated"] * bool(lang.untranslated) + \
            [f"{len(lang.fuzzy)} fuzzy"] * bool(lang.fuzzy)
        click.echo(f"{lang.lang}: {lang.total} strings, {', '.join(lacking) or 'all translated'}")
        for kind, items in (("untranslated", lang.untranslated), ("fuzzy", lang.fuzzy)):
            for line, msgid in items:
                click.echo(f"  {where(lang.path)}:{line}: {kind}: {msgid!r}")
    print_problems(report.problems)
    sys.exit(1 if report.problems.errors else 0)


@cli.command()
@PROJECT
def schema(project):
    """Print a JSON Schema of entry front matter (rubric keys of this project included)."""
    import json

    from .config import load_config
    from .schema import make_schema

    problems = Problems(project.resolve())
    config = load_config(project, problems)
    if problems.errors:
        fail(problems)
    click.echo(json.dumps(make_schema(config), ensure_ascii=False, indent=2))


@cli.command("fix-encoding")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def fix_encoding_command(paths):
    """Convert Windows-1251, KZ-1048, KOI8-R or UTF-16 files to UTF-8 in place (the original is kept as
    PATH.bak). Characters unusual in Russian, Kazakh or English that the conversion produced are named."""
    from .source import EncodingError, fix_encoding

    failed = False
    for path in paths:
        try:
            done = fix_encoding(path)
        except (EncodingError, OSError) as exc:
            click.echo(f"bulletin: error: {exc}", err=True)
            failed = True
            continue
        if done is None:
            click.echo(f"{path}: already UTF-8, left as it is")
        else:
            click.echo(f"{path}: converted from {done[0]} to UTF-8 (original kept as {done[1].name})")
            for note in done[2]:
                click.echo(f"{path}: warning: {escape_text(note)}", err=True)
    sys.exit(1 if failed else 0)


def main(argv: list[str] | None = None) -> None:
    from .processes import exit_on_sigterm

    exit_on_sigterm()  # click then ends a terminated run as it ends Ctrl-C ("Aborted!", exit 1)
    cli.main(args=argv, prog_name="bulletin")
