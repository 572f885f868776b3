"""Confidential spans, blocks and persons: withheld from public editions in every artefact; the internal edition."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from bulletin.build import load_month_content
from bulletin.confidential import NameMatcher, Person
from bulletin.edition import INTERNAL
from bulletin.render import make_view
from bulletin.render.html import render_html
from conftest import make_project, run
from test_deliver import mailbox  # noqa: F401 - the fixture: a real SMTP server on 127.0.0.1

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
Адрес семьи: ZZSECRETBLOCK, кв. 7.[^1] <!-- ZZSECRETCOMMENT -->

[^1]: Сноска ZZSECRETNOTE.
:::

## Допрос [ZZSECRETHEAD]{.confidential}

Секретбаев находится под стражей. «Секретбаеву нужны лекарства», — говорит Айгерим Сарсенова.
См. [выше](#допрос-zzsecrethead) и [статью](https://example.org/a "О деле Секретбаева").
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


def make_site(root: Path) -> Path:
    root = make_project(root, {
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


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_site(tmp_path / "site")


@pytest.fixture(scope="module")
def internal(tmp_path_factory) -> Path:
    """The internal edition of every language, as `publish --edition internal` writes it."""
    root = make_site(tmp_path_factory.mktemp("internal") / "site")
    result = run("publish", "2026-02", "--edition", "internal", "--project", root)
    assert result.exit_code == 0, result.output
    assert "not published into dist/ and never delivered" in result.output
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
    ("Касымовтың ісі, Касымовқа, Касымовтарға, Қасымовқа", "[x] ісі, [x], [x], [x]"),
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


def test_a_latin_spelling_listed_as_a_person_is_matched_in_any_romanisation():
    matcher = NameMatcher([Person("Dzhamal Ospanov", True, Path("a.en.md"), 1)])
    assert matcher.replace("Jamal Ospanov’s case; Dzhamal; OSPANOV", "[x]") == "[x]’s case; [x]; [x]"


# ------------------------------------------------------------------------- every artefact, both editions

NEEDLES = ("zzsecret", "екретба", "ekretba", "зирек", "zirek")  # markers, and the person's name in any form/script
PARTNERS = """\
partners:
  - {name: Alpha Centre, email: alpha@example.org, language: ru, formats: [pdf, docx, html]}
  - {name: Beta Media, email: beta@example.org, language: kk, formats: [pdf, docx, html]}
  - {name: Gamma Watch, email: gamma@example.org, language: en, formats: [pdf, docx, html]}
"""
DELIVERY = """\
delivery:
  smtp: {{host: 127.0.0.1, port: {port}, security: none}}
  from: "Test Group <bulletin@example.org>"
  max_attachment_bytes: 50000000
  link_base: https://example.org/bulletin
"""


def texts_of(name: str, data: bytes) -> list[str]:
    """Every text a file holds, decoded: its bytes, and inside a PDF each stream decompressed, the page text,
    the document information, XMP and bookmarks; inside a DOCX every part."""
    import io
    import zipfile

    found = [data.decode("utf-8", "ignore"), data.decode("utf-16-be", "ignore")]
    if name.endswith(".pdf"):
        import pikepdf
        import pypdf

        with pikepdf.open(io.BytesIO(data)) as pdf:
            for obj in pdf.objects:
                if isinstance(obj, pikepdf.Stream):
                    try:
                        raw = obj.read_bytes()
                    except pikepdf.PdfError:
                        continue  # an image filter pikepdf does not decode
                    found += [raw.decode("utf-8", "ignore"), raw.decode("utf-16-be", "ignore")]
            found += [str(value) for value in pdf.docinfo.values()]
            found.append(str(pdf.open_metadata()))
            with pdf.open_outline() as outline:
                stack = list(outline.root)
                while stack:
                    item = stack.pop()
                    found.append(item.title)
                    stack.extend(item.children)
        found += [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]
    elif name.endswith(".docx"):
        with zipfile.ZipFile(io.BytesIO(data)) as docx:
            found += [docx.read(part).decode("utf-8", "ignore") for part in docx.namelist()]
    return found


def traces(name: str, data: bytes) -> frozenset[str]:
    """The needles found in a file: in any case, across soft hyphens and words hyphenated at a line's end."""
    return _traces(Path(name).suffix, data)


@functools.lru_cache(maxsize=None)  # an e-mail's attachment is the published file: read once
def _traces(suffix: str, data: bytes) -> frozenset[str]:
    found = set()
    for text in texts_of(suffix, data):
        text = text.replace("\u00ad", "").replace("-\n", "").casefold()
        found.update(needle for needle in NEEDLES if needle in text)
    return frozenset(found)


def files_under(*folders: Path) -> dict[str, bytes]:
    return {str(path): path.read_bytes() for folder in folders for path in folder.rglob("*") if path.is_file()}


def test_a_public_build_publish_and_delivery_carry_no_trace_of_anything_confidential(site, mailbox):
    assert run("build", "2026-02", "--lang", "all", "--project", site).exit_code == 0
    published = run("publish", "2026-02", "--project", site)
    assert published.exit_code == 0, published.output
    config = (site / "bulletin.yaml").read_text(encoding="utf-8")
    (site / "bulletin.yaml").write_text(config + DELIVERY.format(port=mailbox.port), encoding="utf-8")
    (site / "partners.yaml").write_text(PARTNERS, encoding="utf-8")
    delivered = run("deliver", "2026-02", "--project", site)
    assert delivered.exit_code == 0, delivered.output
    box = mailbox
    outputs = files_under(site / "build", site / "dist")
    assert {Path(p).suffix for p in outputs} >= {".pdf", ".docx", ".html", ".json"}
    assert any(p.endswith("SHA256SUMS") for p in outputs) and any(p.endswith("deliveries.json") for p in outputs)
    for index, (_, message) in enumerate(box.messages):
        outputs[f"mail-{index}.eml"] = message.as_bytes()
        for part in message.walk():
            if not part.is_multipart():
                outputs[part.get_filename() or f"mail-{index}.txt"] = part.get_payload(decode=True)
    assert len(box.messages) == 3 and len(outputs) > 30
    leaks = {name: found for name, data in outputs.items() if (found := traces(name, data))}
    assert leaks == {}


def test_the_leak_search_finds_every_needle_in_the_internal_edition(internal):
    built = files_under(internal / "build" / "2026-02" / "internal")
    assert len(built) == 9
    for name, data in built.items():
        script = "ekretba" if "-en." in name else "екретба"
        assert {"zzsecret", script} <= traces(name, data), name


MARKS = {"ru": "ВНУТРЕННЕЕ ИЗДАНИЕ — НЕ ДЛЯ РАСПРОСТРАНЕНИЯ", "kk": "ІШКІ БАСЫЛЫМ — ТАРАТУҒА АРНАЛМАҒАН",
         "en": "INTERNAL EDITION — NOT FOR DISTRIBUTION"}


def plain(text: str) -> str:
    """The typesetter binds short words with no-break spaces; lines end where the layout put them."""
    return text.replace("\u00a0", " ").replace("\n", " ")


def test_the_internal_edition_is_marked_on_every_page_and_never_reaches_dist(internal):
    import io
    import re
    import zipfile

    import pypdf

    folder = internal / "build" / "2026-02" / "internal"
    assert not (internal / "dist").exists() and not list((internal / "build" / "2026-02").glob("*.pdf"))
    for lang, mark in MARKS.items():
        base = folder / f"bulletin-2026-02-{lang}"
        pages = pypdf.PdfReader(base.with_suffix(".pdf")).pages
        assert len(pages) >= 3 and all(mark in plain(page.extract_text()) for page in pages), lang
        page = plain(base.with_suffix(".html").read_text(encoding="utf-8"))
        body = page[page.index("<body>"):]
        assert re.search(r'<body>\s*<a class="skip-link"[^>]*>[^<]*</a>\s*<p class="edition-mark" role="note">'
                         + re.escape(mark) + "</p>", body), lang
        with zipfile.ZipFile(io.BytesIO(base.with_suffix(".docx").read_bytes())) as docx:
            headers = [n for n in docx.namelist() if re.fullmatch(r"word/(header|footer)\d+\.xml", n)]
            assert headers and all(mark in plain(docx.read(n).decode()) for n in headers), lang
            document = plain(docx.read("word/document.xml").decode())
            assert document.index(mark) < document.index("<w:sdt>"), lang  # above the cover and contents


def test_the_public_edition_has_no_mark(site):
    assert "edition-mark" not in html_of(site).split("</style>")[1]


def test_internal_edition_is_never_written_into_dist(site):
    result = run("build", "2026-02", "--edition", "internal", "--out", site / "dist" / "x", "--project", site)
    assert result.exit_code == 1
    assert "dist/x: error: the internal edition is never written into dist/" in result.output
    assert not (site / "dist").exists()


def test_check_warns_where_a_confidential_name_is_still_printed(site):
    assert "looks like the name" not in run("check", "2026-02", "--project", site).output
    (site / "content/2026-02/sekretbaev-case.ru.md").write_text(
        "---\ntitle: Секретбаевщина\nrubric: speech\ndate: 2026-02-11\n---\n\n"
        "Первый абзац.\n\nСемья Секретбаевых и «Секретбаевское дело» обсуждались.\n", encoding="utf-8")
    (site / "content/2026-02/other.en.md").write_text(
        "---\ntitle: Another case\nsource_hash: 0123456789ab\n---\n\nThe Sekretbayevs’ neighbours.\n", encoding="utf-8")
    result = run("check", "2026-02", "--project", site)
    lines = result.output.splitlines()
    where = "content/2026-02/sekretbaev-case.ru.md"
    assert f"{where}:1: warning: the file name 'sekretbaev-case' contains a confidential person's name, and " \
           "every output uses it as the entry's id: rename the file" in lines
    assert f"{where}:2: warning: 'Секретбаевщина' looks like the name of a confidential person and is printed in " \
           "the public edition: write it as [Секретбаевщина]{.confidential}, or rephrase" in lines
    assert "Семья [скрыто]" in html_of(site)  # a form the matcher knows is replaced, not warned about
    assert any(line.startswith(f"{where}:9: warning: 'Секретбаевское' looks like") for line in lines)
    assert any(line.startswith("content/2026-02/other.en.md:6: warning: 'Sekretbayevs' looks like") for line in lines)
    assert result.exit_code == 0
    assert run("check", "2026-02", "--strict", "--project", site).exit_code == 1
    assert '"code": "confidential.leak"' in run("check", "2026-02", "--format", "json", "--project", site).output


def test_raw_html_marked_confidential_is_withheld_or_refused(site):
    (site / "content/2026-02/raw.ru.md").write_text(
        "---\ntitle: Сырой HTML\nrubric: speech\ndate: 2026-02-12\n---\n\nТекст [открыто]{.x}.\n\n"
        'Свидетель <span class="confidential">ZZSECRETRAW1</span>.\n\n<div class="confidential">\nZZSECRETRAW2\n</div>\n\n'
        'И <b class="note confidential">ZZSECRETRAW3</b>.\n', encoding="utf-8")
    month = load_month_content(site, "2026-02", ["ru"])
    errors = [str(p) for p in month.problems.errors]
    assert errors == ["content/2026-02/raw.ru.md:15: error: an element of raw HTML is marked confidential but only "
                      "<span> and <div> are withheld: use [text]{.confidential} or ::: confidential"]
    html = month.converted["ru"][("raw", "ru")].html
    assert "ZZSECRETRAW1" not in html and "ZZSECRETRAW2" not in html


def test_a_name_outside_the_entries_is_caught_in_the_rendered_outputs(site):
    rubrics = (site / "content/rubrics.yaml").read_text(encoding="utf-8")
    (site / "content/rubrics.yaml").write_text(rubrics.replace("Политзаключенные", "Дело Секретбаева"),
                                               encoding="utf-8")
    result = run("build", "2026-02", "--format", "html,docx", "--project", site)
    assert result.exit_code == 0
    for suffix in ("html", "docx"):
        assert f"build/2026-02/bulletin-2026-02-ru.{suffix}: warning: a confidential person's name (Секретбаева) " \
               "is in this public output outside the entries' text (a rubric title, bulletin.yaml or a layout?): " \
               "it is not replaced there" in result.output
    assert run("build", "2026-02", "--format", "html", "--strict", "--project", site).exit_code == 1


def test_serve_previews_either_edition(site):
    from bulletin.serve import Preview

    public, internal = Preview(site), Preview(site, edition=INTERNAL)
    assert not public.rebuild().errors and not internal.rebuild().errors
    assert "ZZSECRETSPAN" not in public.page and "[скрыто]" in public.page and "edition-mark" not in \
        public.page.split("</style>")[1]
    assert "ZZSECRETSPAN" in internal.page
    assert '<p class="edition-mark" role="note">ВНУТРЕННЕЕ ИЗДАНИЕ\u00a0— НЕ\u00a0ДЛЯ РАСПРОСТРАНЕНИЯ</p>' in internal.page


@pytest.mark.parametrize("text, expected", [
    ("Митингіге азаматтар шықты, Азамат Ли мен Азаматқа да", "Митингіге азаматтар шықты, [x] мен [x] да"),
    ("азаматтар құқығы; Ли сказал, ли это", "азаматтар құқығы; Ли сказал, ли это"),
])
def test_a_name_is_capitalised_and_a_two_letter_one_needs_company(text, expected):
    """Hiding a common word (азамат: citizen) would garble the text and point at the name."""
    matcher = NameMatcher([Person("Азамат Ли", True, Path("a.md"), 1)])
    assert matcher.replace(text, "[x]") == expected
