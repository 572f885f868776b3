"""click's side of the commands: their shared options, where their lines go, and the exit code of each error of
the errors.py family."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, TextIO

import click

from .edition import EDITIONS, PUBLIC
from .errors import EXIT_REFUSED, BulletinError, UsageError
from .problems import Problems
from .report import failure_lines, problem_lines


@dataclass
class Seams:
    """What main() takes from its caller, so that tests pass stand-ins instead of patching the library."""

    stdout: TextIO | None = None
    stderr: TextIO | None = None
    connect: Callable | None = None  # deliver's SMTP factory: connect(delivery, password) -> smtplib.SMTP
    render: Callable | None = None  # publish's release renderer: render(month, progress, timings) -> {name: bytes}
    renderers: tuple | None = None  # build's renderers (render.RENDERERS unless a test brings its own)


def seams() -> Seams:
    return click.get_current_context().find_object(Seams) or Seams()


def say(text: str = "", err: bool = False, **kwargs) -> None:
    click.echo(text, file=seams().stderr if err else seams().stdout, err=err, **kwargs)


def emit(lines) -> None:
    for text, err in lines:
        say(text, err=err)


def print_problems(problems: Problems, err: bool = True) -> None:
    emit(problem_lines(problems, err))


def finish(failed) -> None:
    """A command that has printed everything ends: exit 1 when it ``failed`` (errors, refusals), else 0."""
    sys.exit(EXIT_REFUSED if failed else 0)


def use_colour() -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (no-color.org)."""
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


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
            emit(failure_lines(exc, self.outcome))
            ctx.exit(exc.exit_code)


def run_commands(group: click.Group, argv: list[str] | None, obj: Seams) -> int:
    """The commands run on ``argv``: every way they can end -> an exit code, here only."""
    try:
        code = group.main(args=argv, prog_name="bulletin", obj=obj, standalone_mode=False)
    except click.ClickException as exc:  # click's own usage errors, and ours (Command raises them)
        exc.show(file=obj.stderr)
        return exc.exit_code
    except click.Abort:
        click.echo("Aborted!", file=obj.stderr, err=True)
        return EXIT_REFUSED
    return code if isinstance(code, int) else 0


def check_month(ctx, param, month: str | None) -> str | None:
    from .content import MONTH_RE

    if month is not None and not MONTH_RE.fullmatch(month):
        raise click.BadParameter(f"'{month}' is not a month in the form YYYY-MM", param_hint="MONTH")
    return month


def month_arg(required: bool = False):
    return click.argument("month", required=required, callback=check_month)


DIST = click.option("--dist", "dist", type=click.Path(file_okay=False, path_type=Path),
                    help="Releases folder (default: <project>/dist).")
EDITION = click.option("--edition", "edition", type=click.Choice(EDITIONS), default=PUBLIC,
                       show_default=True, help="public withholds everything confidential; internal keeps it, marks "
                                              "every page and goes to <out>/<MONTH>/internal/ only.")
PROJECT = click.option("--project", "project", type=click.Path(file_okay=False, path_type=Path), default=".",
                       show_default=True, help="Project folder (holds bulletin.yaml).")


def lang_option(help: str, dest: str = "lang", **kwargs):
    return click.option("--lang", dest, help=help, **kwargs)


def output_option(*choices: str, help: str | None = None):
    """``--format`` of what a command prints (not of the bulletin's files): the first choice is the default."""
    return click.option("--format", "output", type=click.Choice(choices), default=choices[0], show_default=True,
                        help=help)


def flag(name: str, help: str, *decls: str):
    return click.option(*decls, name, is_flag=True, help=help)


def progress_printer(verb: str, quiet: bool = False) -> Callable[[str], None]:
    shown = sys.stderr.isatty() and not quiet
    return lambda step: say(f"  {verb} {step}", err=True) if shown else None
