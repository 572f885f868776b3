"""click's context -> where a command's lines go, and the exit code of each error of the errors.py family."""

from __future__ import annotations


import sys
from dataclasses import dataclass
from typing import Callable, TextIO

import click

from .errors import BulletinError, UsageError
from .problems import Problems
from .report import failure_lines, problem_lines


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


def emit(lines) -> None:
    for text, err in lines:
        say(text, err=err)


def print_problems(problems: Problems, err: bool = True) -> None:
    emit(problem_lines(problems, err))


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


def check_month(ctx, param, month: str | None) -> str | None:
    from .content import MONTH_RE

    if month is not None and not MONTH_RE.fullmatch(month):
        raise click.BadParameter(f"'{month}' is not a month in the form YYYY-MM", param_hint="MONTH")
    return month


def month_arg(required: bool = False):
    return click.argument("month", required=required, callback=check_month)


def progress_printer(verb: str, quiet: bool = False) -> Callable[[str], None]:
    shown = sys.stderr.isatty() and not quiet
    return lambda step: say(f"  {verb} {step}", err=True) if shown else None
