"""Leaks: check's located warnings where a public edition would still print something confidential."""

from __future__ import annotations

from bulletin.build import load_month_content
from conftest import run
from test_confidential import html_of, site  # noqa: F401 - fixtures

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
