"""Command line -> library calls: thin click commands that print what the library returns."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, TextIO

import click

from . import __version__
from .config import PDF_VARIANTS
from .errors import EXIT_REFUSED, BulletinError, UsageError
from .problems import Problems, dump_problems, escape_text, format_summary
from .project import Project

DIST = click.option("--dist", "dist", type=click.Path(file_okay=False, path_type=Path),
                    help="Releases folder (default: <project>/dist).")
PROJECT = click.option("--project", "project", type=click.Path(file_okay=False, path_type=Path), default=".",
                       show_default=True, help="Project folder (holds bulletin.yaml).")


@dataclass
class Seams:
    """What main() takes from its caller, so that tests pass stand-ins instead of patching the library."""

    stdout: TextIO | None = None
    stderr: TextIO | None = None
    connect: Callable | None = None  # deliver's SMTP factory: connect(delivery, password) -> smtplib.SMTP
    render: Callable | None = None  # publish's release renderer: render(month, progress, timings) -> {name: bytes}


def seams() -> Seams:
    return click.get_current_context().find_object(Seams) or Seams()


def say(text: str = "", err: bool = False, **kwargs) -> None:
    click.echo(text, file=seams().stderr if err else seams().stdout, err=err, **kwargs)


def print_problems(problems: Problems, err: bool = True) -> None:
    for problem in problems.sorted():
        say(str(problem), err=err)


class Command(click.Command):
    """Turns the error family into output and an exit code, for every command, here only.

    ``outcome`` says what a failed run did not do (``nothing was written``), after the problems' counts."""

    def __init__(self, *args, outcome: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.outcome = outcome

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except UsageError as exc:
            raise click.UsageError(str(exc), ctx) from None
        except BulletinError as exc:
            if exc.problems is not None:
                print_problems(exc.problems)
                counts = f"{len(exc.problems.errors)} error(s), {len(exc.problems.warnings)} warning(s)"
                say(f"bulletin: {counts}" + (f"; {self.outcome}" if self.outcome else ""), err=True)
            else:
                for line in str(exc).splitlines():
                    say(f"bulletin: error: {line}", err=True)
            ctx.exit(exc.exit_code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bulletin")
def cli() -> None:
    """Assemble a monthly bulletin from Markdown entries into PDF, DOCX and HTML."""


cli.command_class = Command


def check_month(ctx, param, month: str | None) -> str | None:
    from .content import MONTH_RE

    if month is not None and not MONTH_RE.fullmatch(month):
        raise click.BadParameter(f"'{month}' is not a month in the form YYYY-MM", param_hint="MONTH")
    return month


def month_arg(required: bool = False):
    return click.argument("month", required=required, callback=check_month)


def relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def progress_printer(verb: str, quiet: bool = False) -> Callable[[str], None]:
    shown = sys.stderr.isatty() and not quiet
    return lambda step: say(f"  {verb} {step}", err=True) if shown else None


@cli.command(outcome="nothing was written")
@month_arg()
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
def build(month, langs, formats, project, out, strict, quiet, verbose, pdf_variant):
    """Build MONTH (YYYY-MM; default: the newest) into <out>/<MONTH>/bulletin-<MONTH>-<lang>.<ext>."""
    from .build import build_month

    opened = Project.open(project).require()
    result = build_month(opened, month, opened.languages(langs), opened.formats(formats), out, strict=strict,
                         progress=progress_printer("building", quiet), pdf_variant=pdf_variant)
    if not quiet:
        print_problems(result.problems)
    for path in result.outputs:
        say(relative(path))
    for stage, seconds in result.timings.items() if verbose else ():
        say(f"  {stage:<14} {seconds:6.2f} s", err=True)


@cli.command()
@month_arg()
@PROJECT
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 1).")
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="json prints the problems as a list for editor integrations.")
def check(month, project, strict, output):
    """Validate MONTH's entries and the configuration without writing anything."""
    from .build import load_month_content

    content = load_month_content(Project.open(project), month)
    problems = content.problems
    if output == "json":
        say(dump_problems(problems))
    else:
        print_problems(problems, err=False)
        say(format_summary(problems, len(content.entries)))
    sys.exit(EXIT_REFUSED if problems.fatal(strict) else 0)


@cli.command()
@month_arg()
@click.option("--lang", "lang", help="Language to preview (default: the default language).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port on 127.0.0.1; 0 picks any free port.")
@PROJECT
def serve(month, lang, port, project):
    """Preview MONTH's HTML on 127.0.0.1, rebuilt and reloaded on every change (Ctrl-C to stop)."""
    from .serve import serve as run_server

    run_server(project, month, lang, port, log=say)
    say("Stopped.")


@cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--month", required=True, callback=check_month,
              help="Month folder to write into (YYYY-MM).")
@PROJECT
@click.option("--lang", help="Language of the entries (default: the default language).")
@click.option("--dry-run", is_flag=True, help="Write nothing; print the files that would be written.")
def import_command(file, month, project, lang, dry_run):
    """Split a legacy bulletin FILE (UTF-8 text or .docx; Windows-1251/UTF-16 text is decoded with a
    warning) into entry files of MONTH. Nothing is written if any part could not be assigned."""
    from .importer import import_document

    result = import_document(project, file, month, lang, dry_run)
    for entry in result.entries:
        say(f"{entry.line:>5}  [{entry.rubric or '?'}] {escape_text(entry.title)}")
        if entry.skipped or entry.path:
            where = (entry.skipped or entry.path).relative_to(result.root).as_posix()
            say(f"       {'skipped: already in' if entry.skipped else '->'} {where}")
        if entry.missing:
            say(f"       not found: {', '.join(entry.missing)}")
        if entry.guesses:
            say(f"       case guessed: {', '.join(f'{word} ({kind})' for word, kind in entry.guesses)}")
        if dry_run and entry.text:
            say("".join(f"       | {escape_text(line)}\n" for line in entry.text.splitlines()), nl=False)
    print_problems(result.problems)
    count = sum(1 for e in result.entries if e.path)
    if result.problems.errors:
        say(f"bulletin: {len(result.problems.errors)} error(s); nothing was written", err=True)
        sys.exit(EXIT_REFUSED)
    say(f"{count} entr{'y' if count == 1 else 'ies'} {'would be ' if dry_run else ''}written "
        f"to content/{month}" + (" (dry run: nothing was written)" if dry_run else ""))


@cli.command(outcome="not published (publish needs check --strict to pass)")
@month_arg(required=True)
@PROJECT
@DIST
@click.option("--force", is_flag=True, help="Replace a published MONTH; the current release is kept in .previous/.")
def publish(month, project, dist, force):
    """Publish MONTH into <dist>/<MONTH>/ (every language and format, SHA256SUMS, manifest.json) and
    update <dist>/index.html. Refused when check --strict fails or translation coverage is too low."""
    from .publish import publish_month

    result = publish_month(Project.open(project), month, dist, force, progress_printer("rendered"), seams().render)
    print_problems(result.problems)
    if result.unchanged:
        say(f"no change: {relative(result.folder)} already holds exactly these {len(result.files)} files; "
            f"the release is kept as it is")
        return
    for item in result.files:
        say(relative(result.folder / item["name"]))
    kept = f"; the previous release is in {relative(result.folder / '.previous')}" if result.replaced else ""
    say(f"published {month}: {len(result.files)} files in {relative(result.folder)}{kept}; "
        f"index: {relative(result.index)}")


@cli.command(outcome="nothing was sent")
@month_arg(required=True)
@PROJECT
@DIST
@click.option("--dry-run", is_flag=True, help="Print who would get what; connect to nothing, send nothing.")
@click.option("--resend", is_flag=True,
              help="Send the corrected issue to the partners whose files changed since they got it "
                   "(only to PARTNER… when names are given; a named partner's interrupted send is repeated).")
@click.argument("partners", nargs=-1, metavar="[PARTNER]...")
def deliver(month, project, dist, dry_run, resend, partners):
    """E-mail the published MONTH to each partner in partners.yaml, once (recorded in deliveries.json)."""
    from .deliver import CHANGED, SKIP, connect_smtp, deliver_month, describe_plan

    if partners and not resend:
        raise UsageError("partner names are for --resend (bulletin deliver MONTH --resend [PARTNER]...)")
    shown = set()

    def progress(plan) -> None:
        shown.add(id(plan))
        say(describe_plan(plan, dry_run))

    result = deliver_month(Project.open(project), month, dist, dry_run, progress,
                           resend=list(partners) if resend else None, connect=seams().connect or connect_smtp)
    print_problems(result.problems)
    for plan in result.plans:
        if id(plan) not in shown:
            say(describe_plan(plan, dry_run))
    for note in result.notes:
        say(note, err=True)
    if any(plan.action == CHANGED for plan in result.plans):
        say(f"{sum(plan.action == CHANGED for plan in result.plans)} partner(s) got files that have changed since: "
            f"send them the corrected issue with bulletin deliver {month} --resend")
    elif all(plan.action == SKIP for plan in result.plans):
        say("nothing to send: every partner already has these files")
    if dry_run:
        say("dry run: nothing was sent")
    sys.exit(0 if result.ok else EXIT_REFUSED)


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

    from .scaffold import new_entry, new_translation
    from .translations import find_entry

    opened = Project.open(project).require()
    if translation_of is not None:
        if not lang:
            raise UsageError("--translation-of needs --lang (the language to translate into)")
        path = new_translation(opened.config, find_entry(opened, translation_of), lang)
    else:
        if not rubric or not title:
            raise UsageError("new needs --rubric and --title (or --translation-of with --lang)")
        try:
            day = dt.date.fromisoformat(date) if date else None
        except ValueError:
            raise click.BadParameter(f"'{date}' is not a date in the form YYYY-MM-DD", param_hint="--date")
        path = new_entry(opened.config, title, rubric, day, lang, list(authors) or None, outlet, source)
    say(relative(path))


@cli.command()
@month_arg()
@click.option("--lang", "langs", help="Only these languages (e.g. kk or kk,en; default: all).")
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
    from .translations import format_table, stamp_translations, translation_problems

    opened = Project.open(project)
    if stamp:
        return print_stamps(stamp_translations(opened.require(), list(stamp)))
    if diff:
        return print_diff(opened.require(), diff)
    config = opened.config
    wanted = opened.languages(langs, default=config.languages)
    content = load_month_content(opened, month, [])
    if content.problems.errors and not content.entries:
        raise BulletinError(content.problems)
    columns = [config.default_language] + [x for x in wanted if x != config.default_language]
    report = report_translations(content.families, config, columns[1:])
    catalogs = {lang: catalog_completeness(opened.layouts, lang) for lang in columns}
    if as_json:
        from .history import count_changes

        report["changed_paragraphs"] = count_changes(content.families, report["entries"], config.root)
        return say(json.dumps({"month": content.month, **report, "catalogs": {
            k: {"translated": v[0], "total": v[1], "untranslated": v[2]} for k, v in catalogs.items()}},
            ensure_ascii=False, indent=2))
    for line in format_table(report, columns, catalogs):
        say(line)
    print_problems(translation_problems(content.problems))


def print_stamps(report) -> None:
    for message in report.failed:
        say(f"bulletin: error: {message}", err=True)
    for path, changed, digest in report.stamped:
        say(f"{relative(path)}: {'stamped' if changed else 'already up to date'} (source_hash {digest})")
    for removed in report.removed:
        say(f"{relative(removed)}: removed (no translation refers to it any more)")
    if report.failed:
        sys.exit(EXIT_REFUSED)


def print_diff(project: Project, given: Path) -> None:
    """Exit 0: the source changed (the diff follows), 1: no difference, 2: the old version is not found."""
    import os

    from .history import format_diff, source_diff
    from .translations import find_translation

    found = find_translation(project, given)
    source, translation = found.source, found.translation
    where, stamp = source.rel, f"bulletin translations --stamp {translation.rel}"
    diff = source_diff(project.root, source, translation)
    if diff is None:
        why = (f"{translation.rel} has no source_hash, so the version it was made from is unknown"
               if translation.source_hash is None else
               f"no version of {where} with source_hash {translation.source_hash} was found (not in the git "
               f"history, no .bulletin/sources/{translation.source_hash}.md)")
        say(f"{why}; the current source follows.\n\n{source.title}\n\n{source.body}")
        sys.exit(2)
    if not diff.changed:
        spacing = translation.source_hash != source.content_hash
        say(f"no difference: the words of the title and body of {where} are as they were at source_hash "
            f"{translation.source_hash}" + (" (only spacing or line breaks changed)" if spacing else ""))
        sys.exit(1)
    colour = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    say(f"{where} since source_hash {translation.source_hash} ({diff.origin}):")
    for line in format_diff(diff, colour):
        say(line, color=colour)
    say(f"\n{diff.changed} of {1 + len(diff.paragraphs)} paragraphs changed (the title counted as one); "
        f"after updating {translation.rel}, run: {stamp}")


@cli.command()
@PROJECT
def catalogs(project):
    """Extract the interface strings (babel.cfg) into layouts/locales/bulletin.pot, merge them into every
    language's .po (new: untranslated, changed: fuzzy) and list what each language still lacks."""
    from .catalogs import update_catalogs

    config = Project.open(project).require().config
    report = update_catalogs(config.root, list(config.languages))
    if report.problems.errors and not report.languages:
        raise BulletinError(report.problems)

    def where(path: Path) -> str:
        return path.relative_to(config.root).as_posix()

    for path in report.written:
        say(f"{where(path)}: updated")
    if not report.written:
        say(f"catalogs unchanged ({len(report.unchanged)} files)")
    for lang in report.languages:
        lacking = [f"{len(lang.untranslated)} untranslated"] * bool(lang.untranslated) + \
            [f"{len(lang.fuzzy)} fuzzy"] * bool(lang.fuzzy)
        say(f"{lang.lang}: {lang.total} strings, {', '.join(lacking) or 'all translated'}")
        for kind, items in (("untranslated", lang.untranslated), ("fuzzy", lang.fuzzy)):
            for line, msgid in items:
                say(f"  {where(lang.path)}:{line}: {kind}: {msgid!r}")
    print_problems(report.problems)
    sys.exit(EXIT_REFUSED if report.problems.errors else 0)


@cli.command()
@PROJECT
def schema(project):
    """Print a JSON Schema of entry front matter (rubric keys of this project included)."""
    import json

    from .schema import make_schema

    say(json.dumps(make_schema(Project.open(project).require().config), ensure_ascii=False, indent=2))


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
            say(f"bulletin: error: {exc}", err=True)
            failed = True
            continue
        if done is None:
            say(f"{path}: already UTF-8, left as it is")
        else:
            say(f"{path}: converted from {done[0]} to UTF-8 (original kept as {done[1].name})")
            for note in done[2]:
                say(f"{path}: warning: {escape_text(note)}", err=True)
    sys.exit(EXIT_REFUSED if failed else 0)


def main(argv: list[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None,
         connect: Callable | None = None, render: Callable | None = None) -> None:
    """The ``bulletin`` command. Its arguments stand in for the process's own (argv, streams) and for what
    the library would reach outside (the mail server, the renderers), as WeasyPrint's main does."""
    from .processes import exit_on_sigterm

    exit_on_sigterm()  # click then ends a terminated run as it ends Ctrl-C ("Aborted!", exit 1)
    cli.main(args=argv, prog_name="bulletin", obj=Seams(stdout, stderr, connect, render))
