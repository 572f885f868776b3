"""Confidential spans, blocks and persons: withheld from public editions in every artefact; the internal edition."""

from __future__ import annotations

from pathlib import Path

import pytest

from bulletin.build import load_month_content
from bulletin.confidential import INTERNAL, NameMatcher, Person
from bulletin.render import make_view
from bulletin.render.html import render_html
from conftest import make_project

SOURCE = """\
---
title: "Суд оставил в силе приговор активисту Зиреку Секретбаеву"
rubric: prisoners
date: 2026-02-16
author: [Асель Бекова]
outlet: Агентство «Жаңа Дала»
source: https://example.org/news/2026-02-16-sekretbaev
persons:
  - {name: Зирек Секретбаев, role: victim, group: activist, confidential: true}
  - {name: Айгерим Сарсенова, role: source}
---

Апелляционная коллегия отклонила жалобу защиты Зирека\u00a0Секретбаева , приговорённого в ноябре.
Свидетель [**ZZSECRETSPAN** живёт на ул. Абая, 15](https://example.org/ZZSECRETURL){.confidential} , дал показания.

::: confidential
Адрес семьи: ZZSECRETBLOCK, кв. 7.[^1]

[^1]: Сноска ZZSECRETNOTE.
:::

## Допрос [ZZSECRETHEAD]{.confidential}

Секретбаев находится под стражей. «Секретбаеву нужны лекарства», — говорит Айгерим Сарсенова.
См. [выше](#допрос-zzsecrethead).
"""

KAZAKH = """\
---
title: Сот Секретбаевтың үкімін өзгеріссіз қалдырды
source_hash: 0
---

Сот Зирек Секретбаевтың шағымын қанағаттандырмады; Секретбаевқа дәрі керек. [ZZSECRETSPAN]{.confidential}
"""

ENGLISH = """\
---
title: Court upholds the sentence of activist Zirek Sekretbayev
source_hash: 0
---

The appeal of Zirek Sekretbaev was rejected; Sekretbayev's lawyer said so. [ZZSECRETSPAN]{.confidential}
"""

MARKERS = ("ZZSECRET",)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = make_project(tmp_path / "site", {
        "content/2026-02/appeal.ru.md": SOURCE,
        "content/2026-02/appeal.kk.md": KAZAKH,
        "content/2026-02/appeal.en.md": ENGLISH,
        "content/2026-02/other.ru.md": "---\ntitle: Другое дело\nrubric: speech\ndate: 2026-02-10\n---\n\n"
                                       "Коллеги Секретбаева вышли на пикет.\n",
    })
    source = next(e for e in load_month_content(root, "2026-02", []).entries if e.key == ("appeal", "ru"))
    for lang in ("kk", "en"):  # translations up to date with their source
        path = root / f"content/2026-02/appeal.{lang}.md"
        path.write_text(path.read_text(encoding="utf-8").replace("source_hash: 0", f"source_hash: {source.content_hash}"),
                        encoding="utf-8")
    return root


def html_of(root: Path, lang: str = "ru", edition: str = "public") -> str:
    month = load_month_content(root, "2026-02", [lang], edition=edition)
    assert not month.problems.errors, month.problems.sorted()
    view = make_view(month.bulletins[lang], month.converted[lang], month.messages[lang], month.created[lang])
    return render_html(view)


def test_spans_and_blocks_are_replaced_by_the_placeholder_in_the_public_edition(site):
    page = html_of(site)
    assert "ZZSECRET" not in page
    assert "живёт на ул. Абая" not in page and "Адрес семьи" not in page
    assert "Свидетель [скрыто] , дал показания" in page  # the pasted space before the comma stays
    assert page.count("[скрыто]") >= 3
    # the heading's id was made from the withheld word: renamed, and the link to it follows
    assert 'id="entry-appeal_withheld-1"' in page and 'href="#entry-appeal_withheld-1"' in page


def test_the_internal_edition_keeps_everything(site):
    page = html_of(site, edition=INTERNAL)
    for marker in ("ZZSECRETSPAN", "ZZSECRETBLOCK", "ZZSECRETNOTE", "ZZSECRETHEAD", "Зирека Секретбаева"):
        assert marker in page.replace("\u00a0", " ")
    assert 'class="confidential"' in page
    assert "[скрыто]" not in page


def test_placeholder_is_in_the_language_of_the_text(site):
    assert "[жасырылды]" in html_of(site, "kk")
    assert "[withheld]" in html_of(site, "en")


def test_a_confidential_persons_name_and_its_forms_are_replaced_everywhere(site):
    pages = {lang: html_of(site, lang).replace("\xad", "") for lang in ("ru", "kk", "en")}  # kk: soft hyphens
    for lang, page in pages.items():
        assert "екретба" not in page and "ekretba" not in page.lower(), lang
    ru = pages["ru"]
    assert "активисту [скрыто]</h3>" in ru  # the title
    assert "жалобу защиты [скрыто] ," in ru  # first name and surname, with a no-break space: one placeholder
    assert "«[скрыто] нужны лекарства»" in ru and "Коллеги [скрыто] вышли" in ru  # another entry too
    assert "говорит Айгерим Сарсенова" in ru  # a person who is not confidential is printed
    assert "example.org/news" not in ru  # the source address names the person: left out
    assert "Сот [жасырылды] шағымын" in pages["kk"] and "[жасырылды]қа" not in pages["kk"]
    assert "The appeal of [withheld] was rejected; [withheld]’s lawyer" in pages["en"]


@pytest.mark.parametrize("text, expected", [
    ("Ерлана Касымова задержали", "[x] задержали"),
    ("Касымову, Касымовым и Касымовой", "[x], [x] и [x]"),
    ("Е. Касымов и Касымов Е. Е.", "[x] и [x]"),
    ("Касымовтың ісі, Касымовқа, Касымовтарға", "[x] ісі, [x], [x]"),
    ("Kassymov, Yerlan Kasymov's, Qasymov", "[x], [x]'s, [x]"),
    ("Кaсымов (Latin a), Касы\u00adмов, Ерлан\u00a0Касымов", "[x] (Latin a), [x], [x]"),
    ("Ерлан Сапаров и Айгерим Сарсенова", "[x] Сапаров и Айгерим Сарсенова"),
    ("Айгерим Касымова", "Айгерим [x]"),  # the surname is protected, a first name of its own is not
    ("Касымовский район, Ерлания", "Касымовский район, Ерлания"),
])
def test_name_matching(text, expected):
    matcher = NameMatcher([Person("Ерлан Касымов", True, Path("a.md"), 1),
                           Person("Айгерим Сарсенова", False, Path("a.md"), 1)])
    assert matcher.replace(text, "[x]") == expected
