"""Why a command stops -> one family of exceptions, each with the exit code the command line gives it.

The library raises them and never prints or exits; ``cli.Command`` turns them into output and an exit
code, in one place:

- ``BulletinError`` itself (exit 1) carries the located problems in the project's files that stop the command.
- ``RefusalError`` (exit 1): the state of the project refuses it (already published, coverage too low,
  no delivery settings, the mail server unreachable, a file that already exists).
- ``UsageError`` (exit 2): the command asked for something that does not exist (an unknown language,
  rubric or partner, a file that is not an entry, a port that is taken).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .problems import Problems

EXIT_REFUSED = 1  # content or refusal: the command did not do what was asked
EXIT_USAGE = 2  # the command line itself is wrong (click uses 2 for its own usage errors too)


class BulletinError(Exception):
    """A command cannot go on: because of located problems (``problems``), or for the reason its message gives."""

    exit_code = EXIT_REFUSED

    def __init__(self, cause: "Problems | str" = ""):
        if isinstance(cause, str):
            self.problems, message = None, cause
        else:
            self.problems, message = cause, "\n".join(str(p) for p in cause.sorted())
        super().__init__(message)


class RefusalError(BulletinError):
    """The project's state refuses the command; the message says why and what to do."""


class UsageError(BulletinError):
    """The command's arguments name something that does not exist, or cannot be used."""

    exit_code = EXIT_USAGE
