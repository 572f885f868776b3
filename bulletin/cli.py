"""Command line -> library calls: thin click commands that print what the library returns."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable, TextIO

import click

from . import __version__
from .config import PDF_VARIANTS
from .console import (DIST, EDITION, PROJECT, Command, Seams, check_month, emit, finish, flag, lang_option,
                      month_arg, output_option, progress_printer, run_commands, say, seams, use_colour)
from .project import Project
from .report import (DeliverReport, build_lines, catalog_lines, check_lines, fix_lines, import_lines, index_lines,
                     internal_lines, json_text, publish_lines, relative, search_lines, stamp_lines, status_lines)
# These are loaded with the modules above anyway; the other commands' modules are imported when they run.
from .edition import INTERNAL, publish_internal
from .processes import exit_on_sigterm
from .schema import FILES as SCHEMA_FILES, make_schema
from .source import fix_encodings
from .stats import report_stats
from .translations import diff_lines, month_statuses, stamp_translations


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bulletin")
def cli() -> None:
    """Assemble a monthly bulletin from Markdown entries into PDF, DOCX and HTML."""


cli.command_class = Command  # every command's errors end the same way


@cli.command(outcome="nothing was written")
@month_arg()
@lang_option("Languages: ru,kk,en or all (default: the default language).", "langs")
@click.option("--format", "formats", help="Formats: pdf,docx,html (default: all three).")
@PROJECT
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder (default: <project>/build).")
@flag("--strict", "Treat warnings as errors.")
@flag("--quiet", "No progress or warnings, only errors.", "-q")
@flag("--verbose", "Show each stage's timing.", "-v")
@click.option("--pdf-variant", "pdf_variant", type=click.Choice(PDF_VARIANTS),
              help="PDF flavour (default: pdf_variant in bulletin.yaml, else pdf/ua-1); pdf/a-3u for archives.")
@EDITION
@click.option("--jobs", "-j", type=click.IntRange(min=1),
              help="Processes converting or laying out at once (default: the cores).")
@click.option("--no-cache", is_flag=True, help="Neither read nor write build/.cache/ (chunk PDFs, conversions).")
def build(month, langs, formats, project, out, strict, quiet, verbose, pdf_variant, edition, jobs, no_cache):
    """Build MONTH (YYYY-MM; default: the newest) into <out>/<MONTH>/bulletin-<MONTH>-<lang>.<ext>."""
    from .build import build_month
    opened = Project.open(project).require()
    result = build_month(opened, month, opened.languages(langs), opened.formats(formats), out, strict=strict,
                         progress=progress_printer("building", quiet), pdf_variant=pdf_variant,
                         renderers=seams().renderers, edition=edition, jobs=jobs, cache=not no_cache)
    emit(build_lines(result, quiet, verbose))


@cli.command()
@month_arg()
@PROJECT
@flag("--strict", "Treat warnings as errors (exit 1).")
@output_option("text", "json", help="json prints the problems as a list for editor integrations.")
def check(month, project, strict, output):
    """Validate MONTH's entries and the configuration without writing anything."""
    from .build import load_month_content

    content = load_month_content(Project.open(project), month)
    emit(check_lines(content, output))
    finish(content.problems.fatal(strict))


@cli.command()
@month_arg()
@lang_option("Language to preview (default: the default language).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port on 127.0.0.1; 0 picks any free port.")
@PROJECT
@EDITION
def serve(month, lang, port, project, edition):
    """Preview MONTH's HTML on 127.0.0.1, rebuilt and reloaded on every change (Ctrl-C to stop)."""
    from .serve import serve as run_server

    run_server(project, month, lang, port, log=say, edition=edition)
    say("Stopped.")


@cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--month", required=True, callback=check_month, help="Month folder to write into (YYYY-MM).")
@PROJECT
@lang_option("Language of the entries (default: the default language).")
@flag("--dry-run", "Write nothing; print the files that would be written.")
def import_command(file, month, project, lang, dry_run):
    """Split a legacy bulletin FILE (UTF-8 text or .docx; Windows-1251/UTF-16 text is decoded with a
    warning) into entry files of MONTH. Nothing is written if any part could not be assigned."""
    from .importer import import_document

    result = import_document(project, file, month, lang, dry_run)
    emit(import_lines(result, dry_run))
    finish(result.problems.errors)


@cli.command(outcome="not published (publish needs check --strict to pass)")
@month_arg(required=True)
@PROJECT
@DIST
@flag("--force", "Replace a published MONTH; the current release is kept in .previous/.")
@EDITION
def publish(month, project, dist, force, edition):
    """Publish MONTH into <dist>/<MONTH>/ (every language and format, SHA256SUMS, manifest.json) and
    update <dist>/index.html. Refused when check --strict fails or translation coverage is too low.
    --edition internal checks as strictly but writes build/<MONTH>/internal/ only: never dist/."""
    from .publish import publish_month

    if edition == INTERNAL:
        return emit(internal_lines(publish_internal(project, month, dist, force), month))
    result = publish_month(Project.open(project), month, dist, force, progress_printer("rendered"), seams().render)
    emit(publish_lines(result, month))


@cli.command(outcome="nothing was sent")
@month_arg(required=True)
@PROJECT
@DIST
@flag("--dry-run", "Print who would get what; connect to nothing, send nothing.")
@flag("--resend", "Send the corrected issue to the partners whose files changed since they got it "
                  "(only to PARTNER… when names are given; a named partner's interrupted send is repeated).")
@click.argument("partners", nargs=-1, metavar="[PARTNER]...")
def deliver(month, project, dist, dry_run, resend, partners):
    """E-mail the published MONTH to each partner in partners.yaml, once (recorded in deliveries.json)."""
    from .deliver import connect_smtp, deliver_month, resend_names

    names, lines = resend_names(partners, resend), DeliverReport(month, dry_run)
    result = deliver_month(Project.open(project), month, dist, dry_run, lambda plan: emit(lines.plan_lines(plan)),
                           resend=names, connect=seams().connect or connect_smtp)
    emit(lines.result_lines(result))
    finish(not result.ok)


@cli.command("index")
@PROJECT
@DIST
def index_command(project, dist):
    """Update <dist>/archive.sqlite, the search index of every published month (changed months only)."""
    from .site import index_project

    emit(index_lines(index_project(Project.open(project).require(), dist).index))


@cli.command()
@click.argument("query")
@lang_option("Only this language's bulletins.", type=click.Choice(["ru", "kk", "en", "all"]), default="all",
             show_default=True)
@click.option("--from", "month_from", metavar="YYYY-MM", callback=check_month, help="From this month on.")
@click.option("--to", "month_to", metavar="YYYY-MM", callback=check_month, help="Up to this month.")
@click.option("--rubric", help="Only this rubric (its key).")
@click.option("--region", help="Only entries with this region (its key).")
@click.option("--limit", type=click.IntRange(1), default=20, show_default=True, help="At most this many results.")
@output_option("text", "json")
@PROJECT
@DIST
def search(query, lang, month_from, month_to, rubric, region, limit, output, project, dist):
    """Search every published month for QUERY: words, "a phrase", OR, and -word to exclude."""
    from .search import search_archive

    dist = dist or Path(project) / "dist"
    emit(search_lines(search_archive(dist, query, lang, month_from, month_to, rubric, region, limit), query, dist,
                      output))


@cli.command()
@click.option("--rubric", help="Rubric key (see content/rubrics.yaml).")
@click.option("--title", help="The entry's headline.")
@click.option("--date", "date", help="YYYY-MM-DD (default: today); picks the month folder.")
@click.option("--source", help="URL of the original item.")
@click.option("--outlet", help="The publication the item comes from.")
@click.option("--author", "authors", multiple=True, help="Author (repeat for several).")
@lang_option("Language of the entry (default: the project's default language).")
@click.option("--translation-of", "translation_of", type=click.Path(dir_okay=False, path_type=Path),
              help="Write a translation skeleton of this source entry (with --lang).")
@PROJECT
def new(rubric, title, date, source, outlet, authors, lang, translation_of, project):
    """Create an entry (or, with --translation-of, a translation) and print its path."""
    from .scaffold import scaffold_entry

    say(relative(scaffold_entry(Project.open(project).require(), rubric, title, date, source, outlet, authors, lang,
                                translation_of)))


@cli.command()
@month_arg()
@lang_option("Only these languages (e.g. kk or kk,en; default: all).", "langs")
@PROJECT
@flag("as_json", "Print the statuses as JSON.", "--json")
@click.option("--stamp", "stamp", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Mark a reviewed translation as up to date with its source (repeatable).")
@click.option("--diff", "diff", type=click.Path(dir_okay=False, path_type=Path),
              help="Show what changed in a translation's source since its source_hash (exit 0: changed, 1: not).")
def translations(month, langs, project, as_json, stamp, diff):
    """Show which entries are translated (ok / missing / stale / unverified), --stamp one or --diff one."""
    opened = Project.open(project)
    if stamp:
        report = stamp_translations(opened.require(), list(stamp))
        emit(stamp_lines(report))
        finish(report.failed)
    if diff:
        status, lines = diff_lines(opened.require(), diff, colour := use_colour())
        for line in lines:
            say(line, color=colour)
        sys.exit(status)
    emit(status_lines(month_statuses(opened, month, opened.languages(langs, default=opened.config.languages)),
                      as_json))


@cli.command()
@PROJECT
def catalogs(project):
    """Extract the interface strings (babel.cfg) into layouts/locales/bulletin.pot, merge them into every
    language's .po (new: untranslated, changed: fuzzy) and list what each language still lacks."""
    from .catalogs import update_catalogs

    config = Project.open(project).require().config
    report = update_catalogs(config.root, list(config.languages))
    emit(catalog_lines(report, config.root))
    finish(report.problems.errors)


@cli.command()
@PROJECT
@click.option("--file", "of", type=click.Choice(SCHEMA_FILES), default="entry", show_default=True,
              help="Whose schema: entry front matter, bulletin.yaml, content/rubrics.yaml or partners.yaml.")
def schema(project, of):
    """Print a JSON Schema of entry front matter (rubric keys of this project included), or of another file."""
    say(json_text(make_schema(Project.open(project).require().config, of)))


@cli.command()
@click.argument("period", required=False)
@click.option("--by", type=click.Choice(["rubric", "region", "violation", "group", "role", "month"]),
              default="region", show_default=True, help="What to count by (group: victims; role: persons).")
@lang_option("Language of the names in table and csv (default: the default language).")
@output_option("table", "csv", "json")
@PROJECT
def stats(period, by, lang, output, project):
    """Count entries and persons over PERIOD: 2026-02, 2026 or 2026-01..2026-06 (default: the newest month)."""
    say(report_stats(project, period, by, lang, output))


@cli.command("fix-encoding")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def fix_encoding_command(paths):
    """Convert Windows-1251, KZ-1048, KOI8-R or UTF-16 files to UTF-8 in place (the original is kept as
    PATH.bak). Characters unusual in Russian, Kazakh or English that the conversion produced are named."""
    failed = False
    for path, done, error in fix_encodings(paths):
        emit(fix_lines(path, done, error))
        failed = failed or error is not None
    finish(failed)


def main(argv: list[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None,
         connect: Callable | None = None, render: Callable | None = None, renderers: tuple | None = None) -> None:
    """The ``bulletin`` command. Its arguments stand in for the process's own (argv, streams) and for what
    the library would reach outside (the mail server, the renderers), as WeasyPrint's main does."""
    exit_on_sigterm()  # a terminated run then ends as Ctrl-C does ("Aborted!", exit 1)
    sys.exit(run_commands(cli, argv, Seams(stdout, stderr, connect, render, renderers)))
