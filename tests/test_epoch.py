"""epoch: the build time comes from the content (SOURCE_DATE_EPOCH, git commit times, mtimes), never the clock."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from bulletin.config import load_config
from bulletin.epoch import build_time
from bulletin.problems import Problems
from conftest import age, entry, git, make_project

# 2030-01-01, 2030-02-01, 2030-03-01 UTC: later than bulletin's own layouts and fonts, which are inputs too.
OLD, NEWER, NEWEST = 1_893_456_000, 1_896_134_400, 1_898_553_600
M = "content/2026-02/"
NO_ENV: dict[str, str] = {}
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def utc(seconds: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.timezone.utc)


def time_of(root: Path, lang: str = "ru", environ=NO_ENV) -> dt.datetime:
    return build_time(load_config(root, Problems(root)), "2026-02", lang, environ)


@pytest.fixture
def site(tmp_path):
    root = make_project(tmp_path / "project", {f"{M}a.ru.md": entry(), f"{M}a.kk.md": "---\ntitle: Тақырып\n---\n\nМәтін.\n",
                                               f"{M}a.en.md": "---\ntitle: Title\n---\n\nText.\n"})
    age(root, OLD)
    return root


def test_source_date_epoch_overrides_everything(site):
    assert time_of(site, environ={"SOURCE_DATE_EPOCH": str(NEWEST)}) == utc(NEWEST)


def test_outside_git_the_newest_modification_time_counts(site):
    assert time_of(site) == utc(OLD)
    os.utime(site / "bulletin.yaml", (NEWER, NEWER))
    assert time_of(site) == utc(NEWER)
    (site / M / ".a.ru.md.swp").write_text("editor state")  # hidden files are no input
    assert time_of(site) == utc(NEWER)


def test_a_translation_dates_only_its_own_language(site):
    os.utime(site / M / "a.kk.md", (NEWEST, NEWEST))
    assert time_of(site, "kk") == utc(NEWEST)
    assert time_of(site, "ru") == time_of(site, "en") == utc(OLD)
    os.utime(site / M / "a.ru.md", (NEWEST, NEWEST))  # the source is read by every language
    assert time_of(site, "en") == utc(NEWEST)


@needs_git
def test_in_git_the_commit_time_counts_not_the_checkout_time(site):
    git(site, "init", "-q")
    git(site, "add", "-A")
    git(site, "commit", "-q", "-m", "February", when=NEWER)
    age(site, NEWEST)  # a fresh clone or checkout: every mtime is new, the content is not
    assert time_of(site) == utc(NEWER)
    for path in (site / M / "a.ru.md", site / "bulletin.yaml"):
        os.utime(path, (NEWEST + 60, NEWEST + 60))  # touched, not changed
    assert time_of(site) == utc(NEWER)
    (site / M / "a.kk.md").write_text("---\ntitle: Түзетілген\n---\n\nМәтін.\n", encoding="utf-8")
    git(site, "commit", "-q", "-am", "kk", when=NEWEST)
    assert time_of(site, "kk") == utc(NEWEST)
    assert time_of(site, "ru") == time_of(site, "en") == utc(NEWER)


@needs_git
def test_in_git_an_uncommitted_change_never_keeps_the_old_time(site):
    git(site, "init", "-q")
    git(site, "add", "-A")
    git(site, "commit", "-q", "-m", "February", when=OLD)
    path = site / M / "a.ru.md"
    path.write_text(entry(title="Исправленный заголовок"), encoding="utf-8")
    os.utime(path, (NEWER, NEWER))
    assert time_of(site) == utc(NEWER)  # modified: its mtime
    git(site, "commit", "-q", "-am", "fix", when=NEWEST)
    assert time_of(site) == utc(NEWEST)  # committed: the commit's time
    new = site / M / "b.ru.md"
    new.write_text(entry(title="Новый"), encoding="utf-8")
    os.utime(new, (NEWEST + 100, NEWEST + 100))
    assert time_of(site) == utc(NEWEST + 100)  # not yet added
    new.unlink()
    path.unlink()
    os.utime(site / M, (NEWEST + 200, NEWEST + 200))
    assert time_of(site) == utc(NEWEST + 200)  # deleted: when its folder changed


def test_without_git_on_path_the_mtimes_count(site, monkeypatch):
    if shutil.which("git"):
        git(site, "init", "-q")
        git(site, "add", "-A")
        git(site, "commit", "-q", "-m", "February", when=NEWEST)
    monkeypatch.setenv("PATH", str(site / "no-such-folder"))
    assert time_of(site) == utc(OLD)  # not the commit's time, nor the clock's
