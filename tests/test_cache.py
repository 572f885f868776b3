"""build/.cache/ (bulletin/cache.py): checksummed entries, damaged ones rebuilt, bounded, bypassed by --no-cache."""

from __future__ import annotations

from bulletin.cache import MAGIC, Cache
from conftest import entry, make_project, run

M = "content/2026-02/"


def test_an_entry_reads_back_and_a_garbled_one_is_a_miss_and_removed(tmp_path):
    cache = Cache(tmp_path / "c")
    key = cache.key("pdf-chunk", "<html>", "pdf/ua-1")
    cache.put(key, b"%PDF-1.7 data")
    assert cache.get(key) == b"%PDF-1.7 data"
    path = next((tmp_path / "c").glob("*/*"))
    path.write_bytes(path.read_bytes()[:-3] + b"xyz")  # same length, wrong bytes
    assert cache.get(key) is None and cache.damaged == 1
    assert not path.exists()
    cache.put(key, b"again")
    path.write_bytes(b"\x00\xff garbage")
    assert cache.get(key) is None and cache.damaged == 2


def test_keys_differ_by_every_part_and_writes_leave_no_staging_files(tmp_path):
    cache = Cache(tmp_path / "c")
    assert len({cache.key("a", "b"), cache.key("ab"), cache.key("a", "c"), cache.key("b", "a")}) == 4
    for index in range(3):
        cache.put(cache.key(str(index)), b"x" * 10)
    assert not list((tmp_path / "c").glob("*/.*.tmp"))
    assert all(p.read_bytes().startswith(MAGIC) for p in (tmp_path / "c").glob("*/*"))


def test_the_folder_is_pruned_oldest_use_first(tmp_path):
    import os

    cache = Cache(tmp_path / "c", limit_mb=1)
    keys = [cache.key(str(i)) for i in range(3)]
    for age, key in enumerate(keys):
        cache.put(key, b"x" * 300_000)
        path = next(p for p in (tmp_path / "c").glob("*/*") if p.name == key)
        os.utime(path, (1_000_000 + age, 1_000_000 + age))
    cache.get(keys[0])  # used now: the newest
    cache.put(cache.key("3"), b"x" * 300_000)
    left = {p.name for p in (tmp_path / "c").glob("*/*")}
    assert keys[0] in left and keys[1] not in left


def test_a_poisoned_cache_is_detected_and_the_pdf_rebuilt_the_same(tmp_path):
    root = make_project(tmp_path / "p", {f"{M}a.ru.md": entry(title="Первый", body="Текст. " * 200),
                                         f"{M}b.ru.md": entry(title="Второй", rubric="progress", body="Ещё. " * 200)})
    pdf = root / "build" / "2026-02" / "bulletin-2026-02-ru.pdf"
    assert run("build", "--project", root, "--format", "pdf").exit_code == 0
    first = pdf.read_bytes()
    entries = [p for p in (root / "build" / ".cache").glob("*/*")]
    assert len(entries) >= 5  # cover, contents (twice), two rubrics, folio, assembly, conversions
    for path in entries:
        path.write_bytes(b"garbage " + path.name.encode())
    result = run("build", "--project", root, "--format", "pdf")
    assert result.exit_code == 0, result.output
    assert pdf.read_bytes() == first
    assert not any(p.read_bytes().startswith(b"garbage") for p in (root / "build" / ".cache").glob("*/*"))


def test_no_cache_reads_and_writes_nothing(tmp_path):
    root = make_project(tmp_path / "p", {f"{M}a.ru.md": entry()})
    result = run("build", "--project", root, "--format", "html", "--no-cache")
    assert result.exit_code == 0, result.output
    assert not (root / "build" / ".cache").exists()


def test_held_entries_are_readable_at_once_and_written_only_on_commit(tmp_path):
    cache = Cache(tmp_path / "c", hold=True)
    key, other = cache.key("one"), cache.key("two")
    cache.put(key, b"first")
    assert cache.get(key) == b"first" and not (tmp_path / "c").exists()
    known = set(cache.held)
    cache.put(other, b"second")
    assert cache.held_since(known) == {other: b"second"}  # what a forked worker hands back
    cache.commit()
    assert Cache(tmp_path / "c").get(key) == b"first" and Cache(tmp_path / "c").get(other) == b"second"


def test_a_failed_build_writes_no_cache_entries(tmp_path):
    root = make_project(tmp_path / "p", {f"{M}a.ru.md": entry(body="Текст. " * 50),
                                         f"{M}b.ru.md": entry(title="Второй", rubric="nope")})
    result = run("build", "--project", root, "--format", "pdf")
    assert result.exit_code == 1 and "unknown rubric 'nope'" in result.output
    assert not (root / "build").exists()


def test_parallel_outputs_hand_their_entries_back_and_a_second_build_reads_them(tmp_path):
    """build --lang ru,en renders each output in a forked worker, whose cache is a copy: the chunks it
    laid out must come back to the build and be written, so the next build lays out nothing new."""
    root = make_project(tmp_path / "p", {f"{M}a.ru.md": entry(body="Текст. " * 50),
                                         f"{M}a.en.md": entry(title="Title", body="Text. " * 50)})
    assert run("build", "--project", root, "--lang", "ru,en", "--format", "pdf,html").exit_code == 0
    entries = {p.name: p.stat().st_mtime_ns for p in (root / "build" / ".cache").glob("*/*")}
    assert sum(1 for name in entries if not name.endswith("-meta")) >= 2 * 4  # 2 PDFs: cover, contents, rubric, assembly
    result = run("build", "--project", root, "--lang", "ru,en", "--format", "pdf,html", "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert {p.name for p in (root / "build" / ".cache").glob("*/*")} == set(entries)  # all hits, nothing new
