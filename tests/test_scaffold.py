"""bulletin new: readable slugs, filled front matter, never overwriting, clear refusals."""

from __future__ import annotations

import datetime as dt

import pytest

from bulletin.scaffold import slugify
from conftest import run


@pytest.mark.parametrize("title,slug", [
    ("Суд оставил в силе приговор активисту", "sud-ostavil-v-sile-prigovor-aktivistu"),
    ("Қазақстандағы сөз бостандығы: әділ сот, ұят, үміт, һәм ің", "qazaqstandagy-soz-bostandygy-adil-sot-uyat-umit-ham-ing"),
    ("FREEDOM FINANCE: «Жалоба» № 5 — отклонена!", "freedom-finance-zhaloba-5-otklonena"),
    ("Ёлка, щука, объём", "yolka-shchuka-obyom"),
    ("!!!", "entry"),
])
def test_slugify(title, slug):
    assert slugify(title) == slug


def test_slug_is_cut_at_a_word_boundary():
    slug = slugify("Апелляционный суд Нуржайлау оставил в силе приговор гражданскому активисту Ерлану Касымову")
    assert len(slug) <= 60 and not slug.endswith("-")
    assert slug == "apellyatsionnyy-sud-nurzhaylau-ostavil-v-sile-prigovor"


def test_new_writes_entry_that_passes_check(project):
    root = project()
    result = run("new", "--project", root, "--rubric", "speech", "--title", 'Итоги: "год" свободы',
                 "--date", "2026-02-17", "--author", "Анна Ли", "--author", "Борис Ким",
                 "--source", "https://example.org/a", "--outlet", "«Власть»")
    assert result.exit_code == 0, result.output
    path = root / result.output.strip()
    assert path == root / "content" / "2026-02" / "itogi-god-svobody.ru.md"
    text = path.read_text(encoding="utf-8")
    assert 'title: "Итоги: \\"год\\" свободы"' in text
    assert 'author: ["Анна Ли", "Борис Ким"]' in text
    assert "# weight:" in text and "# draft: true" in text
    path.write_text(text + "Текст.\n", encoding="utf-8")
    check = run("check", "--project", root, "--strict")
    assert check.exit_code == 0, check.output


def test_taken_slug_gets_suffix_and_nothing_is_overwritten(project):
    root = project()
    first = run("new", "--project", root, "--rubric", "speech", "--title", "Одно и то же", "--date", "2026-02-01")
    before = (root / first.output.strip()).read_bytes()
    second = run("new", "--project", root, "--rubric", "speech", "--title", "Одно и то же", "--date", "2026-02-01")
    assert second.output.strip().endswith("odno-i-to-zhe-2.ru.md")
    assert (root / first.output.strip()).read_bytes() == before


def test_unknown_rubric_lists_the_known_ones(project):
    result = run("new", "--project", project(), "--rubric", "free-speach", "--title", "Т")
    assert result.exit_code == 2
    assert "unknown rubric 'free-speach' (known: progress, prisoners, speech)" in result.output


def test_default_date_is_today(project):
    root = project()
    result = run("new", "--project", root, "--rubric", "speech", "--title", "Сегодня")
    today = dt.date.today()
    assert result.output.strip() == f"content/{today:%Y-%m}/segodnya.ru.md" or \
        result.output.strip().endswith(f"content/{today:%Y-%m}/segodnya.ru.md")
    assert f"date: {today.isoformat()}" in (root / "content" / f"{today:%Y-%m}" / "segodnya.ru.md").read_text()


def test_new_entry_in_another_language_points_to_translation_of(project):
    root = project()
    result = run("new", "--project", root, "--rubric", "speech", "--title", "Қазақша жаңалық", "--lang", "kk")
    assert result.exit_code == 2
    assert "entries in 'kk' are translations of 'ru' entries" in result.output
    assert not (root / "content" / "2026-02").exists() or not list((root / "content").rglob("*.kk.md"))
