"""Complete sample projects under tests/sites/ build in every language and format and read right."""

from __future__ import annotations

import shutil
import zipfile

import pytest
from pypdf import PdfReader

from conftest import SITES, run
from pdftext import pdf_fonts, pdf_text


@pytest.fixture(scope="module")
def hard(tmp_path_factory):
    root = tmp_path_factory.mktemp("hard") / "site"
    shutil.copytree(SITES / "hard", root)
    result = run("build", "--project", root, "--lang", "all")
    assert result.exit_code == 0, result.output
    return root, result


def font_names():
    from fontTools.ttLib import TTFont
    names = set()
    for path in (SITES.parent.parent / "fonts").glob("*.ttf"):
        table = TTFont(path)["name"]
        for name_id in (1, 4, 6):
            name = table.getDebugName(name_id).replace(" ", "").replace("-", "")
            names.update({name, name.removesuffix("Regular")})
    return names


def test_long_title_odd_punctuation_and_mixed_scripts_survive(hard):
    root, _ = hard
    text = pdf_text(root / "build/2026-03/bulletin-2026-03-ru.pdf")
    assert ("Очень-очень длинный заголовок материала о том, как суд первой инстанции в посёлке Ақсу-Жабағылы "
            "«рассмотрел» (в который раз!) жалобу ТОО «FREEDOM FINANCE Kazakhstan» — и отказал; 86 500 ₸ штрафа, "
            "3 года, № 174-бис…") in text
    assert "Mixed scripts: Қазақша, русский, English — в одном заголовке" in text
    assert "«прямыми кавычками» и «одинарными»" in text  # top-level quotes are «…» whatever was pasted
    assert "Пустая рубрика" not in text  # a rubric without entries is left out


def test_every_glyph_from_the_project_fonts(hard):
    root, result = hard
    assert "no font in fonts/" not in result.output
    for lang in ("ru", "kk", "en"):
        used = {name.replace("-", "") for name in pdf_fonts(root / f"build/2026-03/bulletin-2026-03-{lang}.pdf")}
        assert used <= font_names(), used - font_names()


def test_image_is_embedded_in_every_format(hard):
    root, _ = hard
    out = root / "build/2026-03"
    reader = PdfReader(out / "bulletin-2026-03-ru.pdf")
    images = [img for page in reader.pages for img in page.images]
    assert images
    with zipfile.ZipFile(out / "bulletin-2026-03-ru.docx") as archive:
        assert any(name.startswith("word/media/") for name in archive.namelist())
    assert 'src="data:image/png;base64,' in (out / "bulletin-2026-03-ru.html").read_text(encoding="utf-8")


def test_table_alignment_and_nested_lists(hard):
    root, _ = hard
    html = (root / "build/2026-03/bulletin-2026-03-ru.html").read_text(encoding="utf-8")
    assert '<td class="align-right">86&nbsp;500</td>' in html
    assert "<ul>" in html and "<code>кодом</code>" in html


def test_policy_original_marks_russian_inside_kazakh(hard):
    root, _ = hard
    html = (root / "build/2026-03/bulletin-2026-03-kk.html").read_text(encoding="utf-8")
    assert 'id="entry-very-long-title" lang="ru"' in html
    assert 'id="entry-mixed-scripts"' in html and 'id="entry-mixed-scripts" lang=' not in html
    with zipfile.ZipFile(root / "build/2026-03/bulletin-2026-03-kk.docx") as archive:
        document = archive.read("word/document.xml").decode("utf-8")
        core = archive.read("docProps/core.xml").decode("utf-8")
    assert 'w:lang w:val="ru-RU"' in document and "kk-KZ" in core


def test_uncovered_characters_are_reported(tmp_path):
    root = tmp_path / "site"
    shutil.copytree(SITES / "hard", root)
    (root / "content/2026-03/emoji.ru.md").write_text(
        "---\ntitle: Эмодзи\nrubric: mixed\ndate: 2026-03-05\n---\n\nТекст 🙂 и 中文.\n", encoding="utf-8")
    result = run("check", "--project", root)
    assert ("content/2026-03/emoji.ru.md:7: warning: no font in fonts/ has 中 (U+4E2D), 文 (U+6587), "
            "🙂 (U+1F642): the PDF would show boxes") in result.output
