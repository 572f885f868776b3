"""Command line -> library calls: thin click commands that print what the library returns."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .problems import BulletinError, Problems, dump_problems, format_summary

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
def build(month, langs, formats, project, out, strict, quiet, verbose):
    """Build MONTH (YYYY-MM; default: the newest) into <out>/<MONTH>/bulletin-<MONTH>-<lang>.<ext>."""
    from .build import build_month

    _check_month_arg(month)
    interactive = sys.stderr.isatty() and not quiet

    def progress(step: str) -> None:
        if interactive:
            click.echo(f"  building {step} …", err=True)

    try:
        result = build_month(project, month, langs, formats, out, strict=strict, progress=progress)
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


def _check_month_arg(month: str | None) -> None:
    from .content import MONTH_RE

    if month is not None and not MONTH_RE.match(month):
        raise click.BadParameter(f"'{month}' is not a month in the form YYYY-MM", param_hint="MONTH")


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def main(argv: list[str] | None = None) -> None:
    cli.main(args=argv, prog_name="bulletin")
