"""Project.open: bulletin.yaml read once per command, one --lang parser for every command."""

from __future__ import annotations

import os
import sys

import pytest

from bulletin.content import hash_content
from bulletin.project import Project
from conftest import entry, run

M = "content/2026-02/"
KK = f"---\ntitle: Бірінші\nsource_hash: {hash_content('Первый', 'Текст материала.')}\n---\n\nМәтін.\n"


COUNTING: list[list] = []  # while a test counts: the list that gets each bulletin.yaml opened for reading


def _count_reads(event: str, args: tuple) -> None:
    if event == "open" and COUNTING and str(args[0]).endswith("bulletin.yaml"):
        path, mode, flags = args  # open() gives its mode; os.open None and its flags
        if (mode is None and not flags & (os.O_WRONLY | os.O_RDWR)) or (mode and not set(mode) & set("wax+")):
            COUNTING[-1].append(path)


sys.addaudithook(_count_reads)  # Python's own record of every file opened: no bulletin function replaced


@pytest.fixture
def reads():
    """How many times bulletin.yaml is read in this process (every load_config reads it once)."""
    seen: list = []
    COUNTING.append(seen)
    yield seen
    COUNTING.remove(seen)


@pytest.mark.parametrize("args", [
    ["check"],
    ["build", "--format", "html"],
    ["translations"],
    ["translations", "--stamp", M + "a.kk.md"],
    ["new", "--translation-of", M + "a.ru.md", "--lang", "en"],
    ["schema"],
])
def test_each_command_reads_the_configuration_once(project, reads, args):
    root = project({M + "a.ru.md": entry(title="Первый"), M + "a.kk.md": KK})
    args = [root / a if a.startswith("content/") else a for a in args]
    result = run(*args, "--project", root)
    assert result.exit_code == 0, result.output
    assert len(reads) == 1, reads


def test_open_collects_the_configuration_problems(project):
    opened = Project.open(project(config="languages: [ru, de]\n"))
    assert [str(p) for p in opened.problems.errors] == [
        "bulletin.yaml:1: error: 'languages': unsupported language 'de' (supported: ru, kk, en)"]


def test_translations_takes_lang_all_as_build_does(project):
    """The same --lang parser for every command: `all` used to be refused by translations alone."""
    root = project({M + "a.ru.md": entry(title="Первый"), M + "a.kk.md": KK})
    every = run("translations", "--lang", "all", "--project", root)
    assert every.exit_code == 0, every.output
    assert every.output.splitlines()[0].split() == ["entry", "ru", "kk", "en"]
    assert every.output.splitlines()[2].split() == ["a", "source", "ok", "missing"]
    only = run("translations", "--lang", "kk", "--project", root)
    assert only.output.splitlines()[0].split() == ["entry", "ru", "kk"]
    for command in ("translations", "build"):
        wrong = run(command, "--lang", "kk,de", "--project", root)
        assert wrong.exit_code == 2
        assert "unknown language de (configured: ru, kk, en, or all)" in wrong.output


def test_translations_lists_the_translation_problems_by_their_code(project):
    root = project({M + "a.ru.md": entry(title="Первый", body="Новый текст."), M + "a.kk.md": KK,
                    M + "b.ru.md": entry(title="Второй", rubric="progress")})
    result = run("translations", "--project", root)
    problems = [line for line in result.output.splitlines() if ": warning: " in line or ": error: " in line]
    assert problems == ["content/2026-02/a.kk.md:3: warning: stale translation: content/2026-02/a.ru.md changed "
                        "since it was translated (see what changed: bulletin translations --diff "
                        "content/2026-02/a.kk.md; after review: bulletin translations --stamp content/2026-02/a.kk.md)"]
