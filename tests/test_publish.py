"""publish: the release folder, SHA256SUMS, manifest.json, the archive index, --force and .previous, refusals."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pypdf import PdfReader

import bulletin
from bulletin.content import hash_content
from conftest import BASE_RUBRICS, REPO, entry, make_project, run

CONFIG = """\
publication:
  ru: Тестовый бюллетень
  kk: Сынақ бюллетені
publisher: Тестовая группа
languages: [ru, kk]
default_language: ru
translations:
  kk: omit
"""
EPOCH = "1772323200"  # 2026-03-01T00:00:00Z
OUTPUTS = [f"bulletin-2026-02-{lang}.{fmt}" for lang in ("ru", "kk") for fmt in ("pdf", "docx", "html")]


def translation(title: str, source_title: str, source_body: str) -> str:
    return (f"---\ntitle: {title}\nsource_hash: {hash_content(source_title, source_body)}\n---\n\n"
            "Аударма мәтіні.\n")


def files(month: str = "2026-02", day: str = "10") -> dict[str, str]:
    date = f"{month}-{day}"
    return {
        f"content/{month}/a.ru.md": entry(title="Первый материал", date=date, body="Текст первого."),
        f"content/{month}/b.ru.md": entry(title="Второй материал", rubric="progress", date=date, body="Текст."),
        f"content/{month}/a.kk.md": translation("Бірінші материал", "Первый материал", "Текст первого."),
    }


def publish(root: Path, *args: str, **seams):
    return run("publish", *args, "--project", root, **seams)


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """Two months published (the newer one first), with a fixed build time."""
    root = make_project(tmp_path_factory.mktemp("pub") / "project", {**files(), **files("2026-01")}, CONFIG)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        for month in ("2026-02", "2026-01"):
            result = publish(root, month)
            assert result.exit_code == 0, result.output
    return root


def fake_render(content, progress, timings) -> dict[str, bytes]:
    """Stands in for WeasyPrint and pandoc where a test is about files and folders, not their contents."""
    pdf = b"%PDF-1.7\n1 0 obj << /Type /Pages /Kids [] /Count 1 >> endobj\n%%EOF\n"
    return {name: pdf if name.endswith(".pdf") else name.encode() for name in OUTPUTS}


def sums_of(folder: Path) -> dict[str, str]:
    lines = (folder / "SHA256SUMS").read_text(encoding="ascii").splitlines()
    return {name: digest for digest, name in (line.split("  ", 1) for line in lines)}


def test_release_folder_holds_outputs_sums_and_manifest(published):
    dist = published / "dist"
    assert sorted(p.name for p in (dist / "2026-02").iterdir() if p.is_file()) == \
        sorted(OUTPUTS + ["SHA256SUMS", "manifest.json"])
    # beside the release, the archive site's month pages (bulletin/site.py: permalinks <month>/<lang>/#<slug>)
    assert sorted(p.name for p in (dist / "2026-02").iterdir() if p.is_dir()) == ["kk", "ru"]
    assert sorted(p.name for p in dist.iterdir() if not p.name.startswith(".lock")) == \
        ["2026-01", "2026-02", "archive.sqlite", "index.html", "rubric-kk.html", "rubric-ru.html",
         "search-index.js", "search.html", "search.js"]  # no staging or trash folders left behind
    assert oct((dist / "2026-02").stat().st_mode & 0o777) == "0o755"


def test_sha256sums_verify(published):
    folder = published / "dist" / "2026-02"
    sums = sums_of(folder)
    assert sorted(sums) == sorted(OUTPUTS + ["manifest.json"])
    for name, digest in sums.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
    if shutil.which("sha256sum"):
        assert subprocess.run(["sha256sum", "-c", "--quiet", "SHA256SUMS"], cwd=folder).returncode == 0


def test_manifest_fields(published):
    folder = published / "dist" / "2026-02"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["month"] == "2026-02"
    assert manifest["publication"]["kk"] == "Сынақ бюллетені"
    assert manifest["built"] == "2026-03-01T00:00:00Z"
    assert manifest["tool"] == {"name": "bulletin", "version": bulletin.__version__}
    assert manifest["coverage"] == {"kk": {"ok": 1, "total": 2}}
    assert [f["name"] for f in manifest["files"]] == OUTPUTS
    for item in manifest["files"]:
        data = (folder / item["name"]).read_bytes()
        assert item["bytes"] == len(data)
        assert item["sha256"] == hashlib.sha256(data).hexdigest()
        assert item["name"] == f"bulletin-2026-02-{item['language']}.{item['format']}"
        if item["format"] == "pdf":
            assert item["pages"] == len(PdfReader(folder / item["name"]).pages) >= 1
        else:
            assert "pages" not in item


class _Structure(HTMLParser):
    """Checks that non-void elements nest and close, and that ids are unique."""

    VOID = {"meta", "link", "br", "img", "hr", "input", "source", "wbr"}

    def __init__(self):
        super().__init__()
        self.stack, self.ids, self.hrefs, self.errors = [], [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "a" and "href" in attrs:
            self.hrefs.append(attrs["href"])
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(tag)


def test_index_lists_months_newest_first_with_existing_links(published):
    dist = published / "dist"
    html = (dist / "index.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>\n<html lang=\"ru\">")
    parser = _Structure()
    parser.feed(html)
    assert not parser.errors and not parser.stack
    assert len(parser.ids) == len(set(parser.ids))
    assert html.index("Февраль 2026") < html.index("Январь 2026")  # 2026-01 was published last
    assert "Архив" in html and "2 выпуска" in html
    assert all((dist / h.split("#")[0]).is_file() for h in parser.hrefs if not h.startswith("#"))
    links = [h for h in parser.hrefs if "/bulletin-" in h]
    assert len(links) == 2 * len(OUTPUTS)
    assert all((dist / link).is_file() for link in links)
    assert links[0] == "2026-02/bulletin-2026-02-ru.pdf"
    pages = json.loads((dist / "2026-02" / "manifest.json").read_text())["files"][0]["pages"]
    word = "страница" if pages % 10 == 1 and pages % 100 != 11 else \
        "страницы" if 2 <= pages % 10 <= 4 and not 12 <= pages % 100 <= 14 else "страниц"
    assert f"{pages} {word}" in html
    assert 'lang="kk">Қазақ тілі</span>' in html


def test_index_passes_the_nu_html_checker(published):
    vnu = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
    if not (shutil.which("java") and vnu.is_file()):
        pytest.skip("Java or vnu-jar is not installed (.ci/run installs both)")
    done = subprocess.run(["java", "-jar", str(vnu), "--errors-only", "--format", "json",
                           str(published / "dist" / "index.html")], capture_output=True, text=True, timeout=300)
    assert json.loads(done.stderr or '{"messages": []}')["messages"] == []


def test_republish_needs_force_and_keeps_one_previous(published, tmp_path):
    root = tmp_path / "project"
    shutil.copytree(published, root)
    folder = root / "dist" / "2026-02"
    (folder / "deliveries.json").write_text('{"month": "2026-02", "partners": {}}\n', encoding="utf-8")
    first = (folder / "manifest.json").read_bytes()
    result = publish(root, "2026-02")
    assert result.exit_code == 1
    assert "2026-02 is already published" in result.output and "--force" in result.output
    assert (folder / "manifest.json").read_bytes() == first

    (root / "content/2026-02/b.ru.md").write_text(entry(title="Исправленный", rubric="progress"), encoding="utf-8")
    assert publish(root, "2026-02", "--force").exit_code == 0
    second = (folder / "manifest.json").read_bytes()
    assert second != first
    assert (folder / ".previous" / "manifest.json").read_bytes() == first
    assert (folder / "deliveries.json").is_file()  # deliver still knows who got the earlier release
    assert ".previous" not in sums_of(folder)

    assert publish(root, "2026-02", "--force", render=fake_render).exit_code == 0
    assert (folder / ".previous" / "manifest.json").read_bytes() == second
    assert not (folder / ".previous" / ".previous").exists()


def test_interrupted_swap_keeps_the_published_release(published, tmp_path, monkeypatch):
    import bulletin.publish as publish_module

    root = tmp_path / "project"
    shutil.copytree(published, root)
    folder = root / "dist" / "2026-02"
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    real, calls = os.rename, []

    def rename(src, dst):
        calls.append(dst)
        if len(calls) == 2:  # the old release was moved aside; the new one never lands
            raise OSError(28, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(publish_module.os, "rename", rename)
    with pytest.raises(OSError):
        publish_module.publish_month(root, "2026-02", force=True, render=fake_render)
    monkeypatch.undo()
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()} == before
    assert not [p for p in (root / "dist").iterdir() if p.name.startswith((".publish", ".trash"))]


def test_refuses_when_check_strict_would_fail(project):
    root = project({"content/2026-02/a.ru.md": entry(colour="red")}, config=CONFIG)
    result = publish(root, "2026-02")
    assert result.exit_code == 1
    assert "content/2026-02/a.ru.md:5: warning: unknown key 'colour'" in result.output
    assert "not published" in result.output
    assert not (root / "dist" / "2026-02").exists()


def test_refuses_low_coverage_with_the_numbers(project):
    extra = {f"content/2026-02/c{i}.ru.md": entry(title=f"Материал {i}") for i in range(2)}
    unverified = {"content/2026-02/b.kk.md": "---\ntitle: Екінші\n---\n\nМәтін.\n"}
    root = project({**files(), **extra, **unverified},
                   config=CONFIG + "publish:\n  min_coverage:\n    kk: 50%\n")
    result = publish(root, "2026-02")
    assert result.exit_code == 1
    assert ("kk: coverage 25% (1 of 4) is below the minimum 50% set in bulletin.yaml "
            "(1 unverified not counted: review, then bulletin translations --stamp)") in result.output
    assert not (root / "dist" / "2026-02").exists()


def test_publishing_settings_are_validated(project):
    config = CONFIG + ("publish:\n  min_coverage: {kk: 1.5}\n"
                       "delivery:\n  smtp: {host: mail.example.org, security: tls}\n  from: x\n  colour: red\n")
    result = run("check", "--project", project({"content/2026-02/a.ru.md": entry()}, config=config))
    assert result.exit_code == 1
    assert ("bulletin.yaml:10: error: 'publish.min_coverage.kk': expected a share from 0 to 1 (or 0% to 100%), "
            "got a number (1.5)") in result.output
    assert "bulletin.yaml:12: error: 'delivery.smtp.security': expected one of starttls, ssl, none" in result.output
    assert "bulletin.yaml:13: error: 'delivery.from': expected the sender's address" in result.output
    assert "bulletin.yaml:14: warning: unknown key 'delivery.colour'" in result.output


def test_month_argument_is_required_and_checked(project):
    root = project({"content/2026-02/a.ru.md": entry()}, config=CONFIG, rubrics=BASE_RUBRICS)
    assert publish(root, "2026-13").exit_code == 2
    assert run("publish", "--project", root).exit_code == 2


def test_force_of_unchanged_content_is_a_no_op(published, tmp_path, monkeypatch):
    """Without SOURCE_DATE_EPOCH: re-publishing minutes later writes nothing and keeps the release."""
    import time

    from conftest import age

    root = tmp_path / "project"
    shutil.copytree(published, root)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    age(root / "content", 1_893_456_000)  # the content's time (2030-01-01), newer than bulletin's own layouts
    assert publish(root, "2026-02", "--force").exit_code == 0
    dist = root / "dist"
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in dist.rglob("*") if p.is_file()}
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 600)
    result = publish(root, "2026-02", "--force")
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == (f"no change: {dist / '2026-02'} already holds exactly these "
                                                      f"6 files; the release is kept as it is")
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in dist.rglob("*") if p.is_file()} == before
    manifest = json.loads((dist / "2026-02" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["built"] == "2030-01-01T00:00:00Z"


def test_the_archive_page_reports_a_string_its_catalog_lacks(tmp_path):
    """publish's index page loads its strings with the real collector (was a throwaway one: silent)."""
    from bulletin.config import load_config
    from bulletin.problems import Problems
    from bulletin.publish import render_index

    text = (REPO / "layouts" / "locales" / "ru" / "LC_MESSAGES" / "bulletin.po").read_text(encoding="utf-8")
    root = make_project(tmp_path / "p", {"layouts/locales/ru/LC_MESSAGES/bulletin.po":
                                         text.replace('msgstr "Архив"', 'msgstr ""')})
    problems = Problems(root)
    page = render_index(load_config(root, problems), [], problems)
    line = text.splitlines().index('msgid "Archive"') + 1
    assert [str(p) for p in problems.items] == [
        f"layouts/locales/ru/LC_MESSAGES/bulletin.po:{line}: error: msgid 'Archive' has no translation in the "
        "default language's catalog ('ru'); add it there"]
    assert "Архив" not in page


def test_publish_updates_the_archive_index(published):
    import sqlite3

    with sqlite3.connect(published / "dist" / "archive.sqlite") as db:
        rows = sorted(db.execute("SELECT month, lang, slug FROM entries WHERE lang = 'ru'"))
    assert rows == [(m, "ru", slug) for m in ("2026-01", "2026-02") for slug in ("a", "b")]
