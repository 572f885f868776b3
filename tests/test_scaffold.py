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


KK_CONFIG = """\
publication: {kk: Сынақ бюллетені, ru: Тестовый бюллетень}
languages: [kk, ru]
default_language: kk
"""
KK_RUBRICS = "- key: speech\n  title: {kk: Сөз бостандығы, ru: Свобода слова}\n"


@pytest.mark.parametrize("config,rubrics,lang,expected", [
    (None, None, "ru", ["# author: Имя Фамилия  (или списком: [Имя Фамилия, Имя Фамилия])",
                        "# outlet: интернет-издание «…»  (издание, из которого взят материал)",
                        "# source: https://…  (адрес исходного материала)",
                        "# weight: 1  (чем меньше число, тем выше в рубрике)",
                        "# tags: [суд, журналисты]",
                        "# draft: true  (не входит в бюллетень, пока эта строка не удалена)"]),
    (KK_CONFIG, KK_RUBRICS, "kk", ["# author: Аты Тегі  (немесе тізіммен: [Аты Тегі, Аты Тегі])",
                                   "# outlet: интернет-басылым «…»  (материал алынған басылым)",
                                   "# source: https://…  (бастапқы материалдың мекенжайы)",
                                   "# weight: 1  (сан неғұрлым кіші болса, айдарда соғұрлым жоғары тұрады)",
                                   "# tags: [сот, журналистер]",
                                   "# draft: true  (бұл жол өшірілмейінше бюллетеньге кірмейді)"]),
])
def test_comments_are_in_the_default_language(project, config, rubrics, lang, expected):
    root = project(**({"config": config, "rubrics": rubrics} if config else {}))
    result = run("new", "--project", root, "--rubric", "speech", "--title", "Сот шешімі", "--date", "2026-02-17")
    assert result.exit_code == 0, result.output
    text = (root / result.output.strip()).read_text(encoding="utf-8")
    assert [line for line in text.splitlines() if line.startswith("#")] == expected
    assert result.output.strip().endswith(f".{lang}.md")


def test_translation_skeleton_comments_are_in_the_default_language(project):
    root = project({"content/2026-02/a.ru.md": "---\ntitle: Т\nrubric: speech\ndate: 2026-02-03\n---\n\nТекст.\n"})
    assert run("new", "--translation-of", root / "content/2026-02/a.ru.md", "--lang", "en", "--project", root).exit_code == 0
    lines = (root / "content/2026-02/a.en.md").read_text(encoding="utf-8").splitlines()
    assert lines[1:4] == ["# Перевод (английский) материала content/2026-02/a.ru.md: переведите заголовок и текст.",
                          "# Рубрика, дата, источник, вес и теги берутся из оригинала.",
                          "# Проверив изменения в оригинале, выполните: bulletin translations --stamp "
                          "content/2026-02/a.en.md"]


def test_a_comment_the_default_catalog_lacks_is_refused(project):
    import shutil
    from conftest import REPO
    root = project()
    shutil.copytree(REPO / "layouts" / "locales", root / "layouts" / "locales")
    po = root / "layouts" / "locales" / "ru" / "LC_MESSAGES" / "bulletin.po"
    text = po.read_text(encoding="utf-8")
    line = text[:text.index('msgid "Firstname Lastname"')].count("\n") + 1
    po.write_text(text.replace('msgstr "Имя Фамилия"', 'msgstr ""'), encoding="utf-8")
    result = run("new", "--project", root, "--rubric", "speech", "--title", "Заметка", "--date", "2026-02-17")
    assert result.exit_code == 1
    assert result.stderr == (f"bulletin: error: layouts/locales/ru/LC_MESSAGES/bulletin.po:{line}: error: msgid "
                             "'Firstname Lastname' has no translation in the default language's catalog ('ru'); "
                             "add it there\n")
    assert not (root / "content" / "2026-02").exists()


@pytest.mark.parametrize("option,value,message", [
    ("--source", "https://.example.org/x", "'source' must be an http(s) URL, got 'https://.example.org/x'"),
    ("--title", "\u200b", "'title' has no visible character"),
    ("--author", " ", "'author' must be a name or a list of names"),
    ("--date", "2026-02-30", "impossible date '2026-02-30'"),
])
def test_new_refuses_what_check_would_refuse_and_writes_nothing(project, option, value, message):
    """new judges its arguments by the front-matter table check uses: it never writes a file check refuses."""
    root = project()
    args = {"--rubric": "speech", "--title": "Заголовок", "--date": "2026-02-17", option: value}
    result = run("new", "--project", root, *[x for pair in args.items() for x in pair])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not list((root / "content").rglob("*.md"))
