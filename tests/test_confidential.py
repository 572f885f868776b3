"""Confidential spans, blocks and persons: withheld from public editions in every artefact; the internal edition."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from bulletin.build import load_month_content
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


VOCABULARIES = {f"content/{name}": (Path(__file__).parent.parent / "content" / name).read_text(encoding="utf-8")
                for name in ("regions.yaml", "violations.yaml", "groups.yaml")}  # the sample project's


def make_site(root: Path) -> Path:
    root = make_project(root, {**VOCABULARIES,
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
