"""The build command: outputs where promised, nothing touched on error, exit codes, one pandoc per language."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import entry, make_project, run

M = "content/2026-02/"


@pytest.fixture(scope="module")
def built_once(tmp_path_factory):
    root = make_project(tmp_path_factory.mktemp("built") / "project",
                        {f"{M}a.ru.md": entry(title="Первый материал"), f"{M}b.ru.md": entry(title="Второй", rubric="progress")})
    result = run("build", "--project", root, "--format", "html,docx")
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture
def built(built_once, tmp_path):
    """The module's built project, copied (times included) for a test to change as it likes: one build, not one each."""
    return Path(shutil.copytree(built_once, tmp_path / "project", symlinks=True))


def test_outputs_in_build_month_folder(built):
    out = built / "build" / "2026-02"
    assert sorted(p.name for p in out.iterdir()) == ["bulletin-2026-02-ru.docx", "bulletin-2026-02-ru.html"]


def test_failing_build_leaves_earlier_outputs_byte_identical(built):
    out = built / "build" / "2026-02"
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    stamps = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    (built / M / "c.ru.md").write_text(entry(rubric="nope"), encoding="utf-8")
    result = run("build", "--project", built, "--format", "html,docx")
    assert result.exit_code == 1
    assert "content/2026-02/c.ru.md:3: error: unknown rubric 'nope'" in result.output
    assert "nothing was written" in result.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == stamps
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_check_writes_nothing(project):
    root = project({f"{M}a.ru.md": entry()})
    result = run("check", "--project", root)
    assert result.exit_code == 0
    assert not (root / "build").exists()


def test_usage_errors_exit_2(built):
    assert run("build", "2026-13", "--project", built).exit_code == 2
    assert run("build", "--project", built, "--format", "odt").exit_code == 2
    assert run("build", "--project", built, "--lang", "de").exit_code == 2


def test_newest_month_is_the_default(project):
    root = project({"content/2026-01/a.ru.md": entry(date="2026-01-05"), f"{M}b.ru.md": entry(title="Февральский")})
    result = run("build", "--project", root, "--format", "html")
    assert result.exit_code == 0
    assert (root / "build" / "2026-02" / "bulletin-2026-02-ru.html").is_file()
    assert not (root / "build" / "2026-01").exists()


def test_out_option_and_refusal_inside_content(built, tmp_path):
    result = run("build", "--project", built, "--format", "html", "--out", tmp_path / "elsewhere")
    assert result.exit_code == 0
    assert (tmp_path / "elsewhere" / "2026-02" / "bulletin-2026-02-ru.html").is_file()
    result = run("build", "--project", built, "--format", "html", "--out", built / "content" / "out")
    assert result.exit_code == 1
    assert not (built / "content" / "out").exists()


def test_empty_rubrics_left_out_and_order_inside_rubric(project):
    root = project({
        f"{M}late.ru.md": entry(title="Б поздний", date="2026-02-20"),
        f"{M}early.ru.md": entry(title="В ранний", date="2026-02-01"),
        f"{M}same-day.ru.md": entry(title="А тот же день", date="2026-02-20"),
        f"{M}weighted.ru.md": entry(title="Я с весом", date="2026-02-28", weight=1),
    })
    result = run("build", "--project", root, "--format", "html")
    assert result.exit_code == 0
    html = (root / "build" / "2026-02" / "bulletin-2026-02-ru.html").read_text(encoding="utf-8")
    assert "rubric-progress" not in html and "rubric-prisoners" not in html
    positions = [html.index(f'id="entry-{slug}"') for slug in ("weighted", "early", "same-day", "late")]
    assert positions == sorted(positions)


def test_one_pandoc_process_per_language(project):
    from bulletin.build import build_month
    from bulletin.markdown import Converter, run_pandoc

    calls = []
    files = {f"{M}e{i}.ru.md": entry(title=f"Материал {i}", body="Абзац «цитата».\n\n- пункт\n- пункт") for i in range(12)}
    root = project(files)
    counting = Converter(root, pandoc=lambda args, data, timeout: calls.append(args) or run_pandoc(args, data, timeout))
    result = build_month(root, None, ["ru"], ["html"], converter=counting)  # BulletinError if it failed
    assert [path.name for path in result.outputs] == ["bulletin-2026-02-ru.html"]
    assert len(calls) == 2  # Markdown -> AST for all entries, AST -> HTML for all entries


def test_no_temporary_files_left_and_atomic_replace(built):
    out = built / "build" / "2026-02"
    inode = os.stat(out / "bulletin-2026-02-ru.html").st_ino
    (built / M / "a.ru.md").write_text(entry(title="Изменённый заголовок"), encoding="utf-8")
    assert run("build", "--project", built, "--format", "html").exit_code == 0
    assert os.stat(out / "bulletin-2026-02-ru.html").st_ino != inode  # replaced by rename, not rewritten
    assert "Изменённый заголовок" in (out / "bulletin-2026-02-ru.html").read_text(encoding="utf-8")
    assert sorted(p.name for p in out.iterdir()) == ["bulletin-2026-02-ru.docx", "bulletin-2026-02-ru.html"]


def test_quiet_and_verbose(built):
    quiet = run("build", "--project", built, "--format", "html", "-q")
    assert quiet.exit_code == 0 and quiet.stderr == ""
    verbose = run("build", "--project", built, "--format", "html", "-v")
    for stage in ("load+validate", "pandoc", "html"):
        assert stage in verbose.stderr


def test_empty_month_is_a_warning(project):
    root = project({f"{M}draft.ru.md": entry(draft="true")})
    result = run("check", "--project", root)
    assert "content/2026-02: warning: no entries to publish in this month (none, or only drafts)" in result.output
    assert run("check", "--project", root, "--strict").exit_code == 1


def test_long_source_url_printed_in_full(project):
    url = "https://example.org/" + "very-long-segment/" * 8 + "end"
    root = project({f"{M}a.ru.md": entry(source=url)})
    assert run("build", "--project", root, "--format", "html").exit_code == 0
    html = (root / "build" / "2026-02" / "bulletin-2026-02-ru.html").read_text(encoding="utf-8")
    assert f">{url}</a>" in html.replace("<wbr>", "")  # in full, breakable only after / . - ? &
    assert ">https://<wbr>example.<wbr>org/<wbr>very-<wbr>long-<wbr>" in html


def test_unchanged_content_rebuilds_byte_identical_minutes_later(project, monkeypatch):
    """Without SOURCE_DATE_EPOCH the outputs carry the content's time, not the clock's: a rebuild, or a
    build in a fresh clone, gives the same bytes (and publish and deliver see no change)."""
    import time
    import zipfile

    from pypdf import PdfReader

    from conftest import age, git

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    root = project({f"{M}a.ru.md": entry(title="Первый материал", body="Текст «с кавычками» и\u00a0пробелами.")})
    content_time = 1_893_456_000  # 2030-01-01T00:00:00Z, later than bulletin's own layouts and fonts
    age(root, content_time)
    out = root / "build" / "2026-02"

    def build() -> dict[str, bytes]:
        result = run("build", "--project", root)
        assert result.exit_code == 0, result.output
        return {p.name: p.read_bytes() for p in out.iterdir()}

    first = build()
    assert sorted(first) == ["bulletin-2026-02-ru.docx", "bulletin-2026-02-ru.html", "bulletin-2026-02-ru.pdf"]
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 600)  # ten minutes later, for fontTools' font stamps too
    assert build() == first
    assert PdfReader(out / "bulletin-2026-02-ru.pdf").metadata["/CreationDate"].startswith("D:20300101000000")
    assert '<meta name="dcterms.modified" content="2030-01-01T00:00:00+00:00">' in first["bulletin-2026-02-ru.html"].decode()
    core = zipfile.ZipFile(out / "bulletin-2026-02-ru.docx").read("docProps/core.xml").decode()
    assert '<dcterms:created xsi:type="dcterms:W3CDTF">2030-01-01T00:00:00Z</dcterms:created>' in core
    if shutil.which("git"):  # a clone: new mtimes everywhere, the commit's time in the outputs
        git(root, "init", "-q")
        git(root, "add", "bulletin.yaml", "content")
        git(root, "commit", "-q", "-m", "February", when=content_time)
        age(root, int(real()))
        assert build() == first


def test_the_driver_takes_lists_and_renderers_of_its_own(project):
    """build_month picks renderers from the registry it is given; a failing one is a located error."""
    from bulletin.build import build_month
    from bulletin.problems import BulletinError
    from bulletin.render import RenderError, Renderer

    class Titles(Renderer):
        format, suffix, media_type = "txt", ".txt", "text/plain"

        def render(self, view, options):
            return "\n".join(e.title for s in view.sections for e in s.entries).encode("utf-8")

    class Broken(Titles):
        format = "bad"

        def render(self, view, options):
            raise RenderError("no paper left", entry=view.sections[0].entries[0].rel)

    root = project({M + "a.ru.md": entry(title="Первый"), M + "a.kk.md": "---\ntitle: Бірінші\n---\n\nМәтін.\n"})
    result = build_month(root, "2026-02", ["ru", "kk"], ["txt"], renderers=[Titles()])
    assert [p.relative_to(root).as_posix() for p in result.outputs] == [
        "build/2026-02/bulletin-2026-02-ru.txt", "build/2026-02/bulletin-2026-02-kk.txt"]
    assert (root / "build/2026-02/bulletin-2026-02-kk.txt").read_text(encoding="utf-8") == "Бірінші"
    with pytest.raises(ValueError, match=r"unknown format pdf \(known: txt, bad\)"):
        build_month(root, "2026-02", ["ru"], ["pdf"], renderers=[Titles(), Broken()])
    with pytest.raises(BulletinError) as failed:
        build_month(root, "2026-02", ["ru"], ["bad"], renderers=[Broken()], out_dir=root / "other")
    assert [str(p) for p in failed.value.problems.errors] == [
        f"{M}a.ru.md:1: error: ru bad: no paper left (while laying out this entry)"]
    assert not (root / "other").exists()


def test_conversion_split_over_processes_gives_what_one_process_gives(project):
    """From markdown.PARALLEL_FROM new entries the bodies are converted in slices by forked children:
    the fragments, the ASTs and the located problems (here a link to a local file) must not change."""
    from bulletin.build import load_month_content
    from bulletin.markdown import PARALLEL_FROM

    files = {f"{M}e{i:02d}.ru.md": entry(title=f"Материал {i}", body=f"Абзац {i} «цитата» -- тире.\n\n- пункт")
             for i in range(PARALLEL_FROM + 3)}
    files[f"{M}e07.ru.md"] = entry(title="Ссылка", body="Текст.\n\nСм. [файл](../../secret.txt).")
    root = project(files)
    one, two = (load_month_content(root, "2026-02", ["ru"], jobs=jobs) for jobs in (1, 2))
    assert len(two.converted["ru"]) == PARALLEL_FROM + 3
    assert {k: (c.html, c.blocks) for k, c in two.converted["ru"].items()} == \
        {k: (c.html, c.blocks) for k, c in one.converted["ru"].items()}
    assert [str(p) for p in two.problems.items] == [str(p) for p in one.problems.items]
    assert any(str(p).startswith(f"{M}e07.ru.md:") for p in one.problems.items)
