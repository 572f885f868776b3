"""translations --diff: the source's version at a translation's source_hash (git or snapshot), diffed word by word."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from bulletin.content import hash_content
from conftest import entry, run

SOURCE, TRANSLATION = "content/2026-02/a.ru.md", "content/2026-02/a.kk.md"
OLD = ("Первый абзац о задержании активиста в Алматы.\n\n"
       "Второй абзац: суд назначил штраф в 100 МРП.\n\n"
       "Третий абзац, который не меняется.")
NEW = ("Первый абзац о задержании активиста в Алматы.\n\n"
       "Второй абзац: суд назначил арест на 10 суток.\n\n"
       "Третий абзац, который не меняется.\n\n"
       "Адвокат обжалует решение.")
OLD_HASH = hash_content("Суд над активистом", OLD)


def translation(source_hash: str) -> str:
    return f"---\ntitle: Белсендіге сот\nsource_hash: {source_hash}\n---\n\nАударма.\n"


def git(root, *args):
    subprocess.run(["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                   check=True, capture_output=True)


@pytest.fixture
def history(project):
    """A git repository whose source changed after its translation was made."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = project({SOURCE: entry(title="Суд над активистом", body=OLD), TRANSLATION: translation(OLD_HASH)})
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "first")
    (root / SOURCE).write_text(entry(title="Суд над активистом", body=NEW), encoding="utf-8")
    git(root, "commit", "-qam", "source edited")
    return root


def test_diff_from_git_history_marks_words_and_collapses_unchanged_paragraphs(history):
    result = run("translations", "--project", history, "--diff", history / TRANSLATION)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith(f"content/2026-02/a.ru.md since source_hash {OLD_HASH} (git commit ")
    assert lines[1:6] == [
        "title: = Суд над активистом",
        "= Первый абзац о задержании активиста в Алматы.",
        "~ Второй абзац: суд назначил [-штраф в 100 МРП.-] {+арест на 10 суток.+}",
        "= Третий абзац, который не меняется.",
        "+ {+Адвокат обжалует решение.+}",
    ]
    assert lines[-1] == ("2 of 5 paragraphs changed (the title counted as one); after updating "
                         "content/2026-02/a.kk.md, run: bulletin translations --stamp content/2026-02/a.kk.md")


def test_diff_from_a_snapshot_when_there_is_no_git(project):
    root = project({SOURCE: entry(title="Суд над активистом", body=NEW), TRANSLATION: translation(OLD_HASH)})
    (root / ".bulletin/sources").mkdir(parents=True)
    (root / f".bulletin/sources/{OLD_HASH}.md").write_text(entry(title="Суд над активистом", body=OLD), "utf-8")
    result = run("translations", "--project", root, "--diff", root / TRANSLATION)
    assert result.exit_code == 0, result.output
    assert f"(.bulletin/sources/{OLD_HASH}.md):" in result.output.splitlines()[0]
    assert "~ Второй абзац: суд назначил [-штраф в 100 МРП.-] {+арест на 10 суток.+}" in result.output


def test_an_edited_snapshot_is_not_taken_for_that_version(project):
    root = project({SOURCE: entry(title="Суд над активистом", body=NEW), TRANSLATION: translation(OLD_HASH)})
    (root / ".bulletin/sources").mkdir(parents=True)
    (root / f".bulletin/sources/{OLD_HASH}.md").write_text(entry(title="Другой", body=OLD), "utf-8")
    assert run("translations", "--project", root, "--diff", root / TRANSLATION).exit_code == 2


def test_no_old_version_says_so_and_shows_the_current_source(project):
    root = project({SOURCE: entry(title="Суд над активистом", body=NEW), TRANSLATION: translation("abcdef123456")})
    result = run("translations", "--project", root, "--diff", root / TRANSLATION)
    assert result.exit_code == 2
    assert result.output.startswith(
        "no version of content/2026-02/a.ru.md with source_hash abcdef123456 was found (not in the git history, "
        "no .bulletin/sources/abcdef123456.md); the current source follows.\n\nСуд над активистом\n\n")
    assert "Адвокат обжалует решение." in result.output


def test_no_difference_exits_1(project):
    root = project({SOURCE: entry(title="Суд", body=OLD), TRANSLATION: translation(hash_content("Суд", OLD))})
    result = run("translations", "--project", root, "--diff", root / TRANSLATION)
    assert result.exit_code == 1
    assert result.output == ("no difference: the words of the title and body of content/2026-02/a.ru.md are as they "
                             f"were at source_hash {hash_content('Суд', OLD)}\n")


def test_rewrapped_lines_crlf_and_no_break_spaces_are_no_difference(history):
    """An editor's re-save: Windows line endings, a paragraph re-wrapped, a no-break space typed in."""
    rewrapped = OLD.replace("о задержании ", "о задержании\n").replace("100 МРП", "100\u00a0МРП")
    (history / SOURCE).write_bytes(entry(title="Суд над активистом", body=rewrapped).replace("\n", "\r\n").encode())
    result = run("translations", "--project", history, "--diff", history / TRANSLATION)
    assert result.exit_code == 1, result.output
    assert result.output.endswith(f"at source_hash {OLD_HASH} (only spacing or line breaks changed)\n")


def test_a_source_is_not_a_translation(project):
    root = project({SOURCE: entry(body=OLD)})
    result = run("translations", "--project", root, "--diff", root / SOURCE)
    assert result.exit_code == 2
    assert "not a translation with a source entry" in result.output


def test_new_and_stamp_keep_snapshots_and_stamp_prunes_the_unreferenced(project):
    root = project({SOURCE: entry(title="Суд над активистом", body=OLD)})
    assert run("new", "--project", root, "--translation-of", root / SOURCE, "--lang", "kk").exit_code == 0
    assert (root / f".bulletin/sources/{OLD_HASH}.md").read_text("utf-8") == (root / SOURCE).read_text("utf-8")
    (root / SOURCE).write_text(entry(title="Суд над активистом", body=NEW), encoding="utf-8")
    # the skeleton is still the old source's text: translate it, then the source moves on
    text = (root / TRANSLATION).read_text("utf-8").replace("Первый абзац", "Бірінші абзац")
    (root / TRANSLATION).write_text(text, encoding="utf-8")
    stale = json.loads(run("translations", "--project", root, "--json").output)
    assert stale["entries"]["a"]["kk"] == "stale"
    assert stale["changed_paragraphs"] == {"a": {"kk": 2}}
    result = run("translations", "--project", root, "--stamp", root / TRANSLATION)
    assert result.exit_code == 0, result.output
    new_hash = hash_content("Суд над активистом", NEW)
    assert sorted(p.name for p in (root / ".bulletin/sources").iterdir()) == [f"{new_hash}.md"]
    assert f".bulletin/sources/{OLD_HASH}.md: removed (no translation refers to it any more)" in result.output


def test_check_names_the_diff_command_in_the_stale_warning(history):
    result = run("check", "--project", history)
    assert ("content/2026-02/a.kk.md:3: warning: stale translation: content/2026-02/a.ru.md changed since it was "
            "translated (see what changed: bulletin translations --diff content/2026-02/a.kk.md; after review: "
            "bulletin translations --stamp content/2026-02/a.kk.md)") in result.output
