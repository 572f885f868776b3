"""Shared fixtures: throwaway projects built from a dict of files, and one build of the sample month."""

from __future__ import annotations

import os
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from bulletin.cli import Seams, cli

REPO = Path(__file__).resolve().parent.parent
SITES = Path(__file__).resolve().parent / "sites"

BASE_CONFIG = """\
publication:
  ru: Тестовый бюллетень
  kk: Сынақ бюллетені
  en: Test Bulletin
publisher: Тестовая группа
languages: [ru, kk, en]
default_language: ru
"""

BASE_RUBRICS = """\
- key: progress
  title: {ru: "Прогресс?", kk: "Прогресс пе?", en: "Progress?"}
- key: prisoners
  title: {ru: Политзаключенные, kk: Саяси тұтқындар, en: Political prisoners}
- key: speech
  title: {ru: Свобода слова, kk: Сөз бостандығы, en: Freedom of speech}
"""


def entry(title="Заголовок", rubric="speech", date="2026-02-10", body="Текст материала.", **extra) -> str:
    lines = ["---", f"title: {title}", f"rubric: {rubric}", f"date: {date}"]
    lines += [f"{key}: {value}" for key, value in extra.items()]
    return "\n".join(lines) + "\n---\n\n" + body + "\n"


def make_project(root: Path, files: dict[str, str | bytes] | None = None, config: str = BASE_CONFIG,
                 rubrics: str = BASE_RUBRICS) -> Path:
    """A project in ``root`` with the given files (paths relative to the project)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "bulletin.yaml").write_text(config, encoding="utf-8")
    (root / "content").mkdir(exist_ok=True)
    (root / "content" / "rubrics.yaml").write_text(rubrics, encoding="utf-8")
    for name, data in (files or {}).items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(textwrap.dedent(data) if data.startswith("\n") else data, encoding="utf-8")
    return root


def age(root: Path, seconds: int) -> None:
    """Every file and folder of a project (not .git) last modified at ``seconds``."""
    for path in [root, *root.rglob("*")]:
        if ".git" not in path.relative_to(root).parts:
            os.utime(path, (seconds, seconds))


def git(root: Path, *args: str, when: int = 0) -> None:
    """A git command in a project, as a fixed author at a fixed time, untouched by the user's git config."""
    stamp = f"@{when} +0000"
    env = {**os.environ, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp, "GIT_AUTHOR_NAME": "t",
           "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)


def run(*args: str, **seams):
    """Run the CLI in-process; returns click's Result (exit_code, output, stderr). ``seams``: stand-ins
    for what the command reaches outside (``connect``: the SMTP factory, ``render``: publish's renderer)."""
    return CliRunner().invoke(cli, [str(a) for a in args], obj=Seams(**seams), catch_exceptions=False)


@pytest.fixture
def project(tmp_path):
    return lambda files=None, **kw: make_project(tmp_path / "project", files, **kw)


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory):
    """The repository's sample project built once, in every language and format."""
    root = tmp_path_factory.mktemp("sample")
    for name in ("bulletin.yaml", "content"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, root / name)
    result = run("build", "2026-02", "--lang", "all", "--project", root)
    assert result.exit_code == 0, result.output
    return root / "build" / "2026-02"


@pytest.fixture(scope="session")
def sample_titles():
    """Titles of the sample month's non-draft Russian entries, by rubric key."""
    import yaml

    titles = {}
    for path in sorted((REPO / "content" / "2026-02").glob("*.ru.md")):
        meta = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
        if not meta.get("draft"):
            titles.setdefault(meta["rubric"], []).append(meta["title"])
    return titles


ARCHIVE_MONTHS = ("2026-01", "2026-03")


def build_archive(root: Path) -> Path:
    """tests/sites/archive copied to ``root``, its months built as HTML into root/dist as publish lays them out."""
    shutil.copytree(SITES / "archive", root, dirs_exist_ok=True)
    for month in ARCHIVE_MONTHS:
        republish_html(root, month)
    return root


def republish_html(root: Path, month: str, langs: str = "all") -> None:
    """A month's HTML built into root/dist/<month>/ with a manifest.json like publish's (no PDF or DOCX: fast)."""
    import hashlib
    import json

    result = run("build", month, "--lang", langs, "--format", "html", "--project", root, "--out", root / "dist")
    assert result.exit_code == 0, result.output
    pages = sorted((root / "dist" / month).glob("bulletin-*.html"))
    files = [{"name": p.name, "language": p.stem.rsplit("-", 1)[1], "format": "html", "bytes": p.stat().st_size,
              "sha256": hashlib.sha256(p.read_bytes()).hexdigest()} for p in pages]
    manifest = {"publication": "t", "month": month, "built": f"{month}-28T12:00:00Z", "languages": ["ru", "kk", "en"],
                "default_language": "ru", "files": files}
    (root / "dist" / month / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


@pytest.fixture(scope="session")
def archive_site(tmp_path_factory):
    """The sample archive built and indexed once (tests that change it make their own copy)."""
    root = build_archive(tmp_path_factory.mktemp("archive") / "project")
    result = run("index", "--project", root)
    assert result.exit_code == 0, result.output
    return root
