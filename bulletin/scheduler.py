"""Tasks (chunk layouts and other CPU-bound renders) -> forked children, at most ``jobs`` at a time, each time-limited."""

from __future__ import annotations

import multiprocessing
import os
import time
import traceback
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from pathlib import Path
from typing import Callable

from .processes import die_with_parent, out_of_memory


def default_jobs() -> int:
    """The cores this process may use (the affinity mask, not the machine's count): --jobs's default."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@dataclass
class Task:
    """``function(*args, current=probe)`` runs in a forked child; ``probe`` is a shared byte buffer in which
    the child may note what it is working on (the entry being laid out), read back when it fails."""

    function: Callable
    args: tuple
    timeout: float
    label: str
    cost: float = 1.0  # the biggest tasks start first, so the last one to finish is a small one


@dataclass
class TaskError(Exception):
    message: str
    task: Task
    working_on: str = ""
    timed_out: bool = False
    kind: str = ""  # "memory", "recursion", "signal" or ""

    def __str__(self) -> str:
        return self.message


@dataclass
class _Running:
    task: Task
    process: multiprocessing.Process
    receiver: object
    probe: object
    deadline: float
    index: int = field(default=0)


def _child(task: Task, sender, probe, parent: int) -> None:
    die_with_parent(parent)  # with the pid: a parent that died before prctl took effect is noticed too
    try:
        sender.send(("ok", task.function(*task.args, current=probe)))
    except BaseException as exc:  # everything goes back to the parent, one line, no traceback
        frame = traceback.extract_tb(exc.__traceback__)[-1:] or [None]
        where = f" in {Path(frame[0].filename).name}:{frame[0].lineno}" if frame[0] else ""
        kind = "memory" if out_of_memory(exc) else "recursion" if isinstance(exc, RecursionError) else ""
        sender.send(("error", (kind, f"{type(exc).__name__}: {str(exc)[:300]}{where}")))
    finally:
        sender.close()


def run_tasks(tasks: list[Task], jobs: int | None = None, daemon: bool = True) -> list:
    """Every task's result, in order. The first failure stops the rest and is raised as TaskError.
    ``daemon`` False: a task may start children of its own (an output's PDF lays out its chunks);
    it still dies with this process (die_with_parent)."""
    context = multiprocessing.get_context("fork")
    jobs = max(1, jobs or default_jobs())
    order = sorted(range(len(tasks)), key=lambda i: -tasks[i].cost)
    results: list = [None] * len(tasks)
    running: list[_Running] = []
    try:
        while order or running:
            while order and len(running) < jobs:
                index = order.pop(0)
                task = tasks[index]
                receiver, sender = context.Pipe(duplex=False)
                probe = context.Array("c", 256, lock=False)
                process = context.Process(target=_child, args=(task, sender, probe, os.getpid()), daemon=daemon)
                process.start()
                sender.close()
                running.append(_Running(task, process, receiver, probe, time.monotonic() + task.timeout, index))
            soonest = min(r.deadline for r in running)
            ready = wait([r.receiver for r in running], timeout=max(0.0, soonest - time.monotonic()))
            for slot in list(running):
                if slot.receiver in ready:
                    running.remove(slot)
                    results[slot.index] = _collect(slot)
                elif time.monotonic() >= slot.deadline:
                    running.remove(slot)
                    _stop(slot)
                    raise TaskError(f"{slot.task.label} did not finish within {slot.task.timeout:g} s", slot.task,
                                    _probe(slot), timed_out=True)
    finally:
        for slot in running:
            _stop(slot)
    return results


def _probe(slot: _Running) -> str:
    return slot.probe.value.decode("ascii", "replace")


def _stop(slot: _Running) -> None:
    slot.receiver.close()
    if slot.process.is_alive():
        slot.process.kill()
    slot.process.join()


def _collect(slot: _Running):
    try:
        status, value = slot.receiver.recv()
    except EOFError:
        slot.process.join(5)
        code = slot.process.exitcode
        _stop(slot)
        signal_name = f" (signal {-code})" if code and code < 0 else ""
        raise TaskError(f"{slot.task.label} stopped unexpectedly{signal_name}", slot.task, _probe(slot), kind="signal")
    _stop(slot)
    if status != "ok":
        kind, message = value
        raise TaskError(message, slot.task, _probe(slot), kind=kind)
    return value


def _render_output(month, lang: str, fmt: str, pdf_variant: str | None, out_dir: Path, jobs: int | None,
                   cache, current=None):
    """In a forked child (which has the month and the build's cache by inheritance, never pickled): one
    output, its new problems, timings and new cache entries, for the parent to keep."""
    from .build import render_outputs

    known, before = len(month.problems.items), set(cache.held or ()) if cache else set()
    timings: dict[str, float] = {}
    outputs = render_outputs(month, [lang], [fmt], out_dir, None, timings, pdf_variant, jobs=jobs, cache=cache)
    added = cache.held_since(before) if cache else {}
    return {path.name: data for path, data in outputs.items()}, month.problems.items[known:], timings, added


def render_parallel(month, tasks: list[tuple[str, str]], progress=None, timings: dict | None = None,
                    pdf_variant: str | None = None, out_dir: Path = Path("."), jobs: int | None = None,
                    cache=None) -> dict[str, bytes]:
    """Every (language, format) output of a checked month, file name -> bytes (``out_dir``: where they
    will be written, for the problems that name them): build --lang all and publish
    share it. Each output is rendered in a forked child, at most ``jobs`` at a time (a PDF's own chunks
    are laid out by that child's children, ``jobs`` at a time too); problems come back to
    ``month.problems``, new entries of ``cache`` (bulletin/cache.py) to ``cache``."""
    import weasyprint  # noqa: F401  imported once, inherited by every child

    timings = {} if timings is None else timings
    started = time.perf_counter()
    limit = month.config.timeouts["pdf"] + month.config.timeouts["pandoc"]
    # PDFs first: they take longest, so a DOCX or an HTML ends the run, not a PDF
    work = [Task(_render_output, (month, lang, fmt, pdf_variant, out_dir, jobs, cache), limit,
                 f"the {lang} {fmt}", cost=2.0 if fmt == "pdf" else 1.0) for lang, fmt in tasks]
    outputs: dict[str, bytes] = {}
    try:
        results = run_tasks(work, min(len(work), jobs or default_jobs()), daemon=False)
    except TaskError as exc:  # a renderer's own failures are located problems; this is the worker itself
        from .errors import RefusalError

        raise RefusalError(f"rendering {exc.task.label} failed: {exc}") from None
    for (lang, fmt), (files, problems, spent, added) in zip(tasks, results):
        if cache:
            cache.hold_entries(added)
        outputs.update(files)
        month.problems.keep_all(problems)
        for stage, seconds in spent.items():
            timings[stage] = timings.get(stage, 0.0) + seconds
        if progress:
            progress(f"{lang} {fmt}")
    timings["render (wall)"] = time.perf_counter() - started
    return outputs
