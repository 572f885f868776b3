"""Translations: inheritance, orphans, stale detection and stamping, policies omit/original, statuses."""

from __future__ import annotations

import json

import pytest

from conftest import BASE_CONFIG, entry, run

M = "content/2026-02/"


def translation(title, source_hash=None, **extra):
    lines = ["---", f"title: {title}"] + ([f"source_hash: {source_hash}"] if source_hash else [])
    lines += [f"{k}: {v}" for k, v in extra.items()]
    return "\n".join(lines) + "\n---\n\nАударма мәтіні.\n"


@pytest.fixture
def month(project):
    root = project({
        f"{M}one.ru.md": entry(title="Первый", body="Текст первого."),
        f"{M}two.ru.md": entry(title="Второй", rubric="progress", body="Текст второго."),
        f"{M}three.ru.md": entry(title="Третий", rubric="prisoners", body="Текст третьего."),
    }, config=BASE_CONFIG + "translations:\n  kk: omit\n  en: original\n")
    for slug in ("one", "two"):
        assert run("new", "--translation-of", root / M / f"{slug}.ru.md", "--lang", "kk", "--project", root).exit_code == 0
        path = root / M / f"{slug}.kk.md"  # the translator's work: the skeleton alone counts as missing
        path.write_text(path.read_text(encoding="utf-8").replace("Текст", "Мәтін"), encoding="utf-8")
    # 'two' without hash -> unverified; 'one' keeps its hash -> ok
    path = root / M / "two.kk.md"
    path.write_text("\n".join(l for l in path.read_text().splitlines() if not l.startswith("source_hash")) + "\n")
    return root


def statuses(root, *args):
    result = run("translations", "--json", "--project", root, *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_statuses_json(month):
    data = statuses(month)
    assert data["month"] == "2026-02"
    assert data["entries"]["one"] == {"ru": "source", "kk": "ok", "en": "missing"}
    assert data["entries"]["two"] == {"ru": "source", "kk": "unverified", "en": "missing"}
    assert data["summary"]["kk"] == {"ok": 1, "missing": 1, "stale": 0, "unverified": 1}
    assert data["summary"]["en"] == {"ok": 0, "missing": 3, "stale": 0, "unverified": 0}


def test_stale_after_source_edit_and_ok_after_stamp(month):
    source = month / M / "one.ru.md"
    source.write_text(source.read_text() + "\nНовый абзац.\n")
    assert statuses(month)["entries"]["one"]["kk"] == "stale"
    check = run("check", "--project", month)
    assert "content/2026-02/one.kk.md:6: warning: stale translation: content/2026-02/one.ru.md changed since it " \
           "was translated" in check.output
    stamp = run("translations", "--stamp", month / M / "one.kk.md", "--project", month)
    assert stamp.exit_code == 0 and "stamped" in stamp.output
    assert statuses(month)["entries"]["one"]["kk"] == "ok"
    # Trailing spaces and CRLF do not make a translation stale.
    source.write_bytes(source.read_bytes().replace(b"\n", b"   \r\n"))
    assert statuses(month)["entries"]["one"]["kk"] == "ok"


def test_new_translation_refuses_to_overwrite(month):
    before = (month / M / "one.kk.md").read_bytes()
    result = run("new", "--translation-of", month / M / "one.ru.md", "--lang", "kk", "--project", month)
    assert result.exit_code == 1
    assert "already exists; not overwriting it" in result.output
    assert (month / M / "one.kk.md").read_bytes() == before


def test_orphan_translation_is_an_error_naming_both_paths(month):
    (month / M / "ghost.kk.md").write_text(translation("Елес"))
    result = run("check", "--project", month)
    assert result.exit_code == 1
    assert ("content/2026-02/ghost.kk.md:1: error: translation without a source: content/2026-02/ghost.ru.md "
            "does not exist") in result.output


def test_inherited_fields_and_conflict_warning(month):
    (month / M / "three.kk.md").write_text(translation("Үшінші", rubric="speech"))
    result = run("check", "--project", month)
    assert "content/2026-02/three.kk.md:3: warning: 'rubric' differs from the source" in result.output


def test_a_translation_that_sets_another_rubric_is_told_the_source_rubric_is_used(month):
    (month / M / "one.kk.md").write_text(translation("Бірінші", rubric="progress"), encoding="utf-8")
    result = run("check", "--project", month)
    assert ("content/2026-02/one.kk.md:3: warning: 'rubric' differs from the source content/2026-02/one.ru.md "
            "(progress vs speech); the source's value is used") in result.output.splitlines(), result.output
    from bulletin.build import load_month_content

    bulletin = load_month_content(month, "2026-02", ["kk"]).bulletins["kk"]
    placed = {item.entry.slug: section.rubric.key for section in bulletin.sections for item in section.items}
    assert placed["one"] == "speech"


def test_translations_in_a_subfolder_of_the_month_are_made_and_stamped(project):
    court = f"{M}court/"
    root = project({f"{court}verdict.ru.md": entry(title="Приговор", body="Текст приговора.")})
    made = run("new", "--translation-of", root / court / "verdict.ru.md", "--lang", "kk", "--project", root)
    assert made.exit_code == 0, made.output
    path = root / court / "verdict.kk.md"
    assert path.is_file()
    path.write_text(path.read_text(encoding="utf-8").replace("Текст приговора.", "Үкім мәтіні."), encoding="utf-8")
    source = root / court / "verdict.ru.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nНовый абзац.\n", encoding="utf-8")
    assert statuses(root)["entries"]["verdict"]["kk"] == "stale"
    stamp = run("translations", "--stamp", path, "--project", root)
    assert stamp.exit_code == 0 and "stamped" in stamp.output, stamp.output
    assert statuses(root)["entries"]["verdict"]["kk"] == "ok"


def test_policy_omit_lists_untranslated_at_the_end(month):
    assert run("build", "--project", month, "--lang", "kk", "--format", "html").exit_code == 0
    html = (month / "build" / "2026-02" / "bulletin-2026-02-kk.html").read_text(encoding="utf-8")
    assert 'id="entry-three"' not in html
    assert 'id="untranslated"' in html and "Әлі аударылмаған" in html and "Третий" in html
    assert html.index('id="entry-one"') < html.index('id="untranslated"')


def test_policy_original_includes_marked_original(month):
    assert run("build", "--project", month, "--lang", "en", "--format", "html,docx").exit_code == 0
    html = (month / "build" / "2026-02" / "bulletin-2026-02-en.html").read_text(encoding="utf-8")
    assert '<article class="entry entry-untranslated" id="entry-three" lang="ru">' in html
    assert "Not yet translated: shown in the original language." in html
    assert 'id="untranslated"' not in html


def test_lang_all_builds_every_language(month):
    result = run("build", "--project", month, "--lang", "all", "--format", "html")
    assert result.exit_code == 0
    names = sorted(p.name for p in (month / "build" / "2026-02").iterdir())
    assert names == ["bulletin-2026-02-en.html", "bulletin-2026-02-kk.html", "bulletin-2026-02-ru.html"]


def test_building_an_untranslated_language_warns(project):
    root = project({f"{M}one.ru.md": entry(title="Первый")})
    result = run("build", "--project", root, "--lang", "kk", "--format", "html")
    assert result.exit_code == 0
    assert ("bulletin.yaml: warning: the 'kk' bulletin of 2026-02 has no entries: all 1 are untranslated and "
            "the 'kk' policy is omit") in result.output
    assert run("check", "--project", root, "--strict").exit_code == 0  # a fresh month is not an error


def test_untouched_skeleton_counts_as_missing(month):
    assert run("new", "--translation-of", month / M / "three.ru.md", "--lang", "kk", "--project", month).exit_code == 0
    assert statuses(month)["entries"]["three"]["kk"] == "missing"
    result = run("check", "--project", month)
    assert ("content/2026-02/three.kk.md:5: warning: not translated yet: the title and body are still those of "
            "content/2026-02/three.ru.md (counted as missing)") in result.output
    assert run("build", "--project", month, "--lang", "kk", "--format", "html").exit_code == 0
    html = (month / "build" / "2026-02" / "bulletin-2026-02-kk.html").read_text(encoding="utf-8")
    assert 'id="entry-three"' not in html  # policy omit: listed at the end as untranslated
