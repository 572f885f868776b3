"""Resource limits: inputs that would exhaust the CPU, the memory or the recursion of a renderer are refused
by check with a located message naming the limit, and the PDF renderer itself is bounded."""

from __future__ import annotations

import random
import time

import pytest

from conftest import BASE_CONFIG, entry, make_project, run

M = "content/2026-02/"
X = f"{M}x.ru.md"
GOOD = {f"{M}good.ru.md": entry(title="Хороший материал", body="Обычный текст.")}
LETTERS = "абвгдежзиклмнопрстуфхцчшщыэюяәғқңөұүһі"


def word(length: int, seed: int = 1) -> str:
    chooser = random.Random(seed)
    return "".join(chooser.choice(LETTERS) for _ in range(length))


def check(root, *extra):
    started = time.perf_counter()
    result = run("check", "--project", root, *extra)
    assert time.perf_counter() - started < 10
    assert "Traceback" not in result.output
    return result


@pytest.mark.parametrize("body, line", [
    ("Начало. " + word(5000) + " конец.", 7),
    ("Первая строка.\n\nВторая: " + word(201) + ".", 9),
    ("**" + word(300) + "**", 7),
    ("Номер: " + "1234567890" * 30, 7),
    ("Смесь " + "".join(c + "1" for c in word(150)), 7),
    ("Ударения " + "".join(c + "\u0301" for c in word(150)), 7),
], ids=["5000-letters", "201-letters-on-line-9", "inside-emphasis", "300-digits", "letters-and-digits",
        "combining-accents"])
def test_a_word_too_long_to_lay_out_is_a_located_error(body, line, tmp_path):
    root = make_project(tmp_path / "p", {**GOOD, X: entry(body=body)})
    result = check(root)
    assert result.exit_code == 1
    length = max(len(w) for w in body.replace("*", " ").replace(".", " ").replace(":", " ").split())
    assert (f"{X}:{line}: error: a word of {length} characters without a space or hyphen, over the limit of 200 "
            "(limits.word_length in bulletin.yaml)") in result.output, result.output


def test_long_words_in_the_title_and_outlet_are_refused_too(tmp_path):
    root = make_project(tmp_path / "p", {X: entry(title="Т" + word(400), outlet="О" + word(250))})
    result = check(root)
    assert f"{X}:2: error: a word of 401 characters" in result.output
    assert f"{X}:5: error: a word of 251 characters" in result.output


def test_words_at_the_limit_and_long_urls_pass(tmp_path):
    body = (f"{word(200)} и ссылка https://example.org/{'a1-' * 300} и [текст](https://example.org/{'b' * 500}),"
            f" и слово с мягкими переносами: {chr(0xAD).join(word(150, s) for s in range(5))}.")
    root = make_project(tmp_path / "p", {X: entry(body=body)})
    result = check(root, "--strict")
    assert result.exit_code == 0, result.output


def test_the_word_limit_is_configurable(tmp_path):
    config = BASE_CONFIG + "limits:\n  word_length: 50\n"
    root = make_project(tmp_path / "p", {X: entry(body="Слово " + word(51))}, config=config)
    assert f"{X}:7: error: a word of 51 characters without a space or hyphen, over the limit of 50" in check(root).output


@pytest.mark.parametrize("body, line, message", [
    ("Начало.\n\n" + "<b><i>" * 2000 + "x" + "</i></b>" * 2000, 9,
     "HTML elements nested more than 30 deep (limit: limits.inline_nesting in bulletin.yaml)"),
    ("<span>" * 31 + "x", 7, "HTML elements nested more than 30 deep (limit: limits.inline_nesting in bulletin.yaml)"),
    ("<div>\n" * 40 + "x", 37, "HTML elements nested more than 30 deep (limit: limits.inline_nesting in bulletin.yaml)"),
    ("Текст.\n\n" + "*_" * 150 + "x" + "_*" * 150, 9,
     "formatting, links or divs nested more than 30 deep (limit: limits.inline_nesting in bulletin.yaml)"),
    ("Текст.\n\n" + "*_" * 2000 + "x" + "_*" * 2000, 9,
     "formatting, links or divs nested more than 30 deep (limit: limits.inline_nesting in bulletin.yaml)"),
    ("".join(":" * (60 - i) + " d\n" for i in range(40)) + "x\n" + "".join(":" * (21 + i) + "\n" for i in range(40)), 7,
     "formatting, links or divs nested more than 30 deep (limit: limits.inline_nesting in bulletin.yaml)"),
], ids=["b-i-2000", "span-31", "div-40-lines", "emphasis-300", "emphasis-4000", "fenced-divs-40"])
def test_deep_inline_nesting_is_a_located_error_in_check(body, line, message, tmp_path):
    root = make_project(tmp_path / "p", {**GOOD, X: entry(body=body)})
    result = check(root)
    assert result.exit_code == 1
    assert f"{X}:{line}: error: {message}" in result.output, result.output
    assert len([x for x in result.output.splitlines() if ": error: " in x]) == 1


def test_ordinary_nesting_and_tags_in_code_pass(tmp_path):
    body = ("Текст с <b><i>выделением</i></b>, **жирным с *курсивом* и [ссылкой](https://example.org)**.\n\n"
            "Код: `" + "<b>" * 40 + "`, и<br>перенос, <img src=x.png/> не в счёт.\n\n" + "<p>абзац</p>\n" * 50)
    root = make_project(tmp_path / "p", {X: entry(body=body)})
    result = check(root)
    assert ": error: " not in result.output, result.output


def test_pdf_memory_limit_is_a_message_not_a_crash(tmp_path):
    config = BASE_CONFIG + "limits:\n  pdf_memory_mb: 64\n"
    root = make_project(tmp_path / "p", GOOD, config=config)
    result = run("build", "--project", root, "--format", "pdf")
    assert result.exit_code == 1
    assert "ru pdf: " in result.output and "64 MB of memory (limit: limits.pdf_memory_mb in bulletin.yaml)" \
        in result.output, result.output
    assert "Traceback" not in result.output
    assert not (root / "build").exists()


def test_pdf_time_limit_names_the_entry_being_laid_out(tmp_path):
    """With word_length raised, 3,000 Cyrillic letters take WeasyPrint ~10 s: the time limit stops it."""
    config = BASE_CONFIG + "limits:\n  word_length: 100000\ntimeouts:\n  pdf: 2\n"
    root = make_project(tmp_path / "p", {**GOOD, X: entry(title="Второй", body="Начало. " + word(3000))},
                        config=config)
    started = time.perf_counter()
    result = run("build", "--project", root, "--format", "pdf")
    assert time.perf_counter() - started < 8
    assert result.exit_code == 1
    assert (f"{X}:1: error: ru pdf: the PDF layout did not finish within 2 s (limit: timeouts.pdf in "
            "bulletin.yaml) (while laying out this entry)") in result.output, result.output


def _table(columns: int, rows: int) -> str:
    return ("|" + "|".join(f"Столбец {i}" for i in range(columns)) + "|\n|" + "|".join("---" for _ in range(columns))
            + "|\n" + "".join("|" + "|".join("ячейка" for _ in range(columns)) + "|\n" for _ in range(rows)))


def test_a_table_with_too_many_cells_is_a_located_error(tmp_path):
    body = "Таблица ниже.\n\n" + _table(20, 101) + "\nИ ещё одна.\n\n" + _table(20, 99)
    root = make_project(tmp_path / "p", {X: entry(body=body)})
    result = check(root)
    assert result.exit_code == 1
    assert (f"{X}:9: error: table with more than 2000 cells (limit: limits.table_cells in bulletin.yaml): "
            "split it") in result.output.splitlines(), result.output


def test_tables_within_the_cell_limit_pass(tmp_path):
    body = "Первая.\n\n" + _table(20, 99) + "\nВторая.\n\n" + _table(20, 99) + "\nТекст | с | чертой.\n"
    root = make_project(tmp_path / "p", {X: entry(body=body)})
    assert ": error: " not in check(root).output


def test_an_unexpected_renderer_failure_is_one_line_without_a_traceback(tmp_path):
    from bulletin.render.pdf import PdfRenderer

    def broken(*args, **kwargs):
        raise ValueError("no such glyph table")
    root = make_project(tmp_path / "p", GOOD)
    # the renderer is forked: the child lays out with this one
    result = run("build", "--project", root, "--format", "pdf", renderers=(PdfRenderer(layout=broken),))
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if ": error: " in line]
    assert len(lines) == 1 and lines[0].startswith("content/2026-02: error: ru pdf: the PDF renderer failed: "
                                                   "ValueError: no such glyph table in test_limits.py:"), lines
    assert "Traceback" not in result.output


def test_one_image_used_over_and_over_is_bounded_by_the_image_bytes_limit(tmp_path):
    """HTML and DOCX embed an image at every use: one photo repeated 150,000 times would make gigabytes."""
    from PIL import Image
    import io

    buffer = io.BytesIO()
    Image.new("RGB", (60, 60), (10, 120, 200)).save(buffer, "PNG")
    config = BASE_CONFIG + f"limits:\n  image_bytes: {len(buffer.getvalue()) * 10}\n"
    body = "Снимки:\n\n" + "![Фото](p.png) " * 10 + "\n\nЕщё:\n\n" + "![Фото](q.png) " * 5000
    root = make_project(tmp_path / "p", {f"{M}p.png": buffer.getvalue(), f"{M}q.png": buffer.getvalue(),
                                         X: entry(body=body)}, config=config)
    result = check(root)
    errors = [line for line in result.output.splitlines() if ": error: " in line]
    assert errors == [f"{X}:13: error: the images of this entry add up to more than {len(buffer.getvalue()) * 10} "
                      "bytes, counting each use (limit: limits.image_bytes in bulletin.yaml)"], result.output
