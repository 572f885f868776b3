"""What a command's library call returned -> the lines the command prints: ``(text, to_stderr)`` pairs.

The command line only echoes them, so what a command says is tested and read here, apart from click.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

from .problems import Problems, dump_problems, escape_text, format_summary

Lines = Iterator[tuple[str, bool]]
OUT, ERR = False, True


def relative(path: Path) -> str:
    """A path as the user can paste it: from the working folder when it is inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def problem_lines(problems: Problems, err: bool = ERR) -> Lines:
    for problem in problems.sorted():
        yield str(problem), err


def failure_lines(exc, outcome: str = "") -> Lines:
    """Why a command stopped (an error of the errors.py family), and what it did not do."""
    if exc.problems is None:
        for line in str(exc).splitlines():
            yield f"bulletin: error: {line}", ERR
        return
    yield from problem_lines(exc.problems)
    counts = f"{len(exc.problems.errors)} error(s), {len(exc.problems.warnings)} warning(s)"
    yield f"bulletin: {counts}" + (f"; {outcome}" if outcome else ""), ERR


def json_text(data) -> str:
    """A command's JSON output: readable in any script, indented for a person."""
    return json.dumps(data, ensure_ascii=False, indent=2)


def build_lines(result, quiet: bool, verbose: bool) -> Lines:
    """The build's warnings (unless quiet), the files written, and each stage's time when verbose."""
    if not quiet:
        yield from problem_lines(result.problems)
    for path in result.outputs:
        yield relative(path), OUT
    for stage, seconds in result.timings.items() if verbose else ():
        yield f"  {stage:<14} {seconds:6.2f} s", ERR


def check_lines(content, output: str) -> Lines:
    """check's problems as JSON for editors, or as text on stdout with the summary line."""
    if output == "json":
        yield dump_problems(content.problems), OUT
        return
    yield from problem_lines(content.problems, OUT)
    yield format_summary(content.problems, len(content.entries)), OUT


def import_lines(result, dry_run: bool) -> Lines:
    """One line per part found in the legacy file, where it went (or would go), and what was guessed."""
    for entry in result.entries:
        yield f"{entry.line:>5}  [{entry.rubric or '?'}] {escape_text(entry.title)}", OUT
        if entry.skipped or entry.path:
            where = (entry.skipped or entry.path).relative_to(result.root).as_posix()
            yield f"       {'skipped: already in' if entry.skipped else '->'} {where}", OUT
        if entry.missing:
            yield f"       not found: {', '.join(entry.missing)}", OUT
        if entry.guesses:
            yield f"       case guessed: {', '.join(f'{word} ({kind})' for word, kind in entry.guesses)}", OUT
        for line in (entry.text or "").splitlines() if dry_run else ():
            yield f"       | {escape_text(line)}", OUT
    yield from problem_lines(result.problems)
    if result.problems.errors:
        yield f"bulletin: {len(result.problems.errors)} error(s); nothing was written", ERR
        return
    count = sum(1 for e in result.entries if e.path)
    yield (f"{count} entr{'y' if count == 1 else 'ies'} {'would be ' if dry_run else ''}written to "
           f"content/{result.month}" + (" (dry run: nothing was written)" if dry_run else "")), OUT


def internal_lines(result, month: str) -> Lines:
    yield from problem_lines(result.problems)
    for path in result.outputs:
        yield relative(path), OUT
    folder = result.outputs[0].parent if result.outputs else None
    yield (f"internal edition of {month}: {len(result.outputs)} files in {relative(folder) if folder else '-'}; "
           "not published into dist/ and never delivered"), OUT


def publish_lines(result, month: str) -> Lines:
    yield from problem_lines(result.problems)
    if result.unchanged:
        yield (f"no change: {relative(result.folder)} already holds exactly these {len(result.files)} files; "
               f"the release is kept as it is"), OUT
        return
    for item in result.files:
        yield relative(result.folder / item["name"]), OUT
    kept = f"; the previous release is in {relative(result.folder / '.previous')}" if result.replaced else ""
    yield (f"published {month}: {len(result.files)} files in {relative(result.folder)}{kept}; "
           f"index: {relative(result.index)}"), OUT


class DeliverReport:
    """deliver's lines: each partner as it is sent (``plan_lines``), then the ones not shown while sending and
    what the run leaves to do (``result_lines``)."""

    def __init__(self, month: str, dry_run: bool):
        self.month, self.dry_run, self.shown = month, dry_run, set()

    def plan_lines(self, plan) -> Lines:
        from .deliver import describe_plan

        self.shown.add(id(plan))
        yield describe_plan(plan, self.dry_run), OUT

    def result_lines(self, result) -> Lines:
        from .deliver import CHANGED, SKIP, describe_plan

        yield from problem_lines(result.problems)
        for plan in result.plans:
            if id(plan) not in self.shown:
                yield describe_plan(plan, self.dry_run), OUT
        for note in result.notes:
            yield note, ERR
        changed = sum(plan.action == CHANGED for plan in result.plans)
        if changed:
            yield (f"{changed} partner(s) got files that have changed since: send them the corrected issue "
                   f"with bulletin deliver {self.month} --resend"), OUT
        elif all(plan.action == SKIP for plan in result.plans):
            yield "nothing to send: every partner already has these files", OUT
        if self.dry_run:
            yield "dry run: nothing was sent", OUT


def stamp_lines(report) -> Lines:
    for message in report.failed:
        yield f"bulletin: error: {message}", ERR
    for path, changed, digest in report.stamped:
        yield f"{relative(path)}: {'stamped' if changed else 'already up to date'} (source_hash {digest})", OUT
    for removed in report.removed:
        yield f"{relative(removed)}: removed (no translation refers to it any more)", OUT


def status_lines(statuses, as_json: bool) -> Lines:
    """translations' table and its problems, or the statuses as JSON."""
    from .translations import format_table, statuses_json

    if as_json:
        yield json_text(statuses_json(statuses)), OUT
        return
    for line in format_table(statuses):
        yield line, OUT
    yield from problem_lines(statuses.problems)


def catalog_lines(report, root: Path) -> Lines:
    def where(path: Path) -> str:
        return path.relative_to(root).as_posix()

    for path in report.written:
        yield f"{where(path)}: updated", OUT
    if not report.written:
        yield f"catalogs unchanged ({len(report.unchanged)} files)", OUT
    for lang in report.languages:
        lacking = [f"{len(lang.untranslated)} untranslated"] * bool(lang.untranslated) + \
            [f"{len(lang.fuzzy)} fuzzy"] * bool(lang.fuzzy)
        yield f"{lang.lang}: {lang.total} strings, {', '.join(lacking) or 'all translated'}", OUT
        for kind, items in (("untranslated", lang.untranslated), ("fuzzy", lang.fuzzy)):
            for line, msgid in items:
                yield f"  {where(lang.path)}:{line}: {kind}: {msgid!r}", OUT
    yield from problem_lines(report.problems)


def fix_lines(path: Path, done, error: Exception | None) -> Lines:
    """What fix-encoding did to one file."""
    if error is not None:
        yield f"bulletin: error: {error}", ERR
    elif done is None:
        yield f"{path}: already UTF-8, left as it is", OUT
    else:
        yield f"{path}: converted from {done[0]} to UTF-8 (original kept as {done[1].name})", OUT
        for note in done[2]:
            yield f"{path}: warning: {escape_text(note)}", ERR


def index_lines(result) -> Lines:
    for month, lang in result.indexed:
        yield f"indexed {month} {lang}", OUT
    for month, lang in result.removed:
        yield f"removed {month} {lang} (no longer published)", OUT
    yield f"{relative(result.path)}: {result.entries} entries, {len(result.indexed)} release(s) re-indexed", OUT


def search_lines(result, query: str, dist, output: str = "text") -> Lines:
    if output == "json":
        yield result.to_json(), OUT
        return
    for number, hit in enumerate(result.results, 1):
        yield f"{number}. {hit.month} {hit.lang}  {hit.title}", OUT
        yield f"   {hit.snippet}", OUT
        yield f"   {hit.entry_path} · {relative(dist / hit.page)}#entry-{hit.slug}", OUT
    yield f"{len(result.results)} of {result.total} result(s) for {query}", OUT

