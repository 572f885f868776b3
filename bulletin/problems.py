"""Located problems (path, line, level, message): collecting, sorting and formatting them."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import BulletinError  # noqa: F401  (stages raise it with the problems that stop them)

ERROR = "error"
WARNING = "warning"
# Control characters (an escape sequence would reach the terminal raw) and bidirectional overrides (which
# reorder what the terminal shows): printed as \x1b, \u202e. Tabs and line breaks of messages stay.
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def escape_text(text: str) -> str:
    return _UNSAFE.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}",
                       text)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, Sphinx style: ``path:line: level: message``."""

    path: str
    line: int
    level: str
    message: str
    # A stable name for the kind of problem (``entry.unknown-rubric``), for ``ignore:`` and for tests;
    # not part of identity or order, so the same problem found twice is still one.
    code: str = field(default="", compare=False)

    def __str__(self) -> str:
        where = self.path if not self.line else f"{self.path}:{self.line}"
        return f"{where}: {self.level}: {self.message}"

    def as_dict(self) -> dict:
        found = {"path": self.path, "line": self.line, "level": self.level, "message": self.message}
        return found | {"code": self.code} if self.code else found


@dataclass
class Problems:
    """A collector: stages add to it and go on; the caller decides what is fatal."""

    root: Path | None = None
    items: list[Problem] = field(default_factory=list)
    # Warning codes bulletin.yaml's ignore: silences: they are counted here, never reported or fatal.
    ignore: frozenset[str] = frozenset()
    ignored: list[Problem] = field(default_factory=list)

    def where(self, path: Path | str) -> str:
        path = Path(path)
        if self.root is not None:
            # The path as the editor knows it first (a symlink keeps its own name), then the real one.
            for candidate, root in ((path.absolute(), self.root.absolute()), (path.resolve(), self.root.resolve())):
                try:
                    return candidate.relative_to(root).as_posix()
                except ValueError:
                    pass
        return path.as_posix()

    def add(self, level: str, path: Path | str, line: int, message: str, code: str = "") -> None:
        self._keep(Problem(escape_text(self.where(path)), line or 0, level, escape_text(message), code))

    def _keep(self, problem: Problem) -> None:
        if problem.level == WARNING and problem.code in self.ignore:
            if problem not in self.ignored:
                self.ignored.append(problem)
        elif problem not in self.items:
            self.items.append(problem)

    def silence(self, codes) -> None:
        """From now on (and for the warnings already collected), drop the warnings with these codes."""
        self.ignore = frozenset(codes)
        kept, self.items = self.items, []
        for problem in kept:
            self._keep(problem)

    def error(self, path: Path | str, line: int, message: str, code: str = "") -> None:
        self.add(ERROR, path, line, message, code)

    def warning(self, path: Path | str, line: int, message: str, code: str = "") -> None:
        self.add(WARNING, path, line, message, code)

    def extend(self, other: "Problems") -> None:
        self.keep_all(other.items + other.ignored)

    def keep_all(self, problems) -> None:
        """Problems found elsewhere (a forked worker's), each kept once, ``ignore`` applied."""
        for problem in problems:
            self._keep(problem)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.level == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.level == WARNING]

    def fatal(self, strict: bool = False) -> bool:
        return bool(self.errors or (strict and self.warnings))

    def sorted(self) -> list[Problem]:
        return sorted(self.items, key=lambda p: (p.path, p.line, p.level != ERROR, p.message))

    def __len__(self) -> int:
        return len(self.items)


def format_summary(problems: Problems, entries: int) -> str:
    """``2 errors, 3 warnings in 14 entries (1 ignored)`` — the closing line of ``bulletin check``."""
    e, w = len(problems.errors), len(problems.warnings)
    ignored = f" ({len(problems.ignored)} ignored)" if problems.ignored else ""
    return (f"{e} error{'s' if e != 1 else ''}, {w} warning{'s' if w != 1 else ''} "
            f"in {entries} entr{'ies' if entries != 1 else 'y'}{ignored}")


def dump_problems(problems: Problems) -> str:
    return json.dumps([p.as_dict() for p in problems.sorted()], ensure_ascii=False, indent=2)
