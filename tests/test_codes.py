"""Problem codes: every one used is listed (with its level) and documented; ignore: silences warnings only."""

from __future__ import annotations

import ast
import json


from bulletin.codes import CODES, format_table
from conftest import REPO, entry, run

M = "content/2026-02/"
# Codes the schema helper gives to the problems of these modules are registered where that work lands.
ELSEWHERE = {"config.py", "content.py", "schema.py", "scaffold.py", "deliver.py", "options.py"}


def used_codes() -> dict[str, set[str]]:
    """code -> the levels it is reported at, read from every problems.error/warning(..., code="…") call."""
    found: dict[str, set[str]] = {}
    for path in sorted((REPO / "bulletin").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr in ("error", "warning"):
                for keyword in node.keywords:
                    if keyword.arg == "code" and isinstance(keyword.value, ast.Constant):
                        found.setdefault(keyword.value.value, set()).add(node.func.attr)
    return found


def test_every_code_used_is_listed_with_its_level():
    wrong = {code: levels for code, levels in used_codes().items() if CODES.get(code, ("",))[0] not in levels
             or len(levels) != 1}
    assert wrong == {}


def string_constants() -> set[str]:
    """Every string constant in bulletin/: a code given by name (LEAK) or looked up (UNKNOWN[kind]) is one."""
    return {node.value for path in sorted((REPO / "bulletin").rglob("*.py"))
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)}


def test_every_listed_code_is_used():
    from bulletin.codes import option_codes

    assert sorted(set(CODES) - set(used_codes()) - string_constants() - set(option_codes())) == []


def test_every_problem_outside_the_schema_modules_has_a_code():
    missing = []
    for path in sorted((REPO / "bulletin").rglob("*.py")):
        if path.name in ELSEWHERE:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr in ("error", "warning") and "problems" in ast.unparse(node.func.value) \
                    and not any(k.arg == "code" for k in node.keywords):
                missing.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert missing == []


def test_the_readme_table_is_the_list_of_codes():
    """Regenerate it with: python -c 'from bulletin.codes import format_table; print(format_table())'"""
    assert format_table() in (REPO / "README.md").read_text(encoding="utf-8")


IGNORE_CONFIG = "publication: Тест\nlanguages: [ru, kk]\ndefault_language: ru\n"


def stale_project(project, ignore: str):
    from bulletin.content import hash_content

    translation = f"---\ntitle: Бірінші\nsource_hash: {hash_content('Первый', 'Старый текст.')}\n---\n\nМәтін.\n"
    return project({M + "a.ru.md": entry(title="Первый", body="Новый текст.", colour="red"),
                    M + "a.kk.md": translation}, config=IGNORE_CONFIG + ignore)


def test_ignored_warnings_are_not_reported_nor_fatal_and_are_counted(project):
    root = stale_project(project, "ignore: [translation.stale]\n")
    result = run("check", "--strict", "--project", root)
    assert "stale translation" not in result.output
    assert result.output.splitlines()[-1].endswith("in 2 entries (1 ignored)")
    clean = stale_project(project, "ignore: [translation.stale]\n")
    (clean / M / "a.ru.md").write_text(entry(title="Первый", body="Новый текст."), encoding="utf-8")
    strict = run("check", "--strict", "--project", clean)
    assert strict.exit_code == 0, strict.output
    assert strict.output.splitlines()[-1] == "0 errors, 0 warnings in 2 entries (1 ignored)"


def test_without_ignore_the_same_warning_is_fatal_under_strict(project):
    root = stale_project(project, "")
    (root / M / "a.ru.md").write_text(entry(title="Первый", body="Новый текст."), encoding="utf-8")
    result = run("check", "--strict", "--project", root)
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == "0 errors, 1 warning in 2 entries"


def test_errors_cannot_be_ignored_and_unknown_codes_are_named(project):
    root = project({M + "b.ru.md": entry(body="```{=openxml}\n<w:p/>\n```")},
                   config=IGNORE_CONFIG + "ignore: [entry.raw-block, no.such-code]\n")
    result = run("check", "--project", root)
    assert result.exit_code == 1
    assert "bulletin.yaml:4: warning: 'ignore': 'entry.raw-block' is an error, and errors cannot be ignored" \
        in result.output
    assert "bulletin.yaml:4: warning: 'ignore': unknown problem code 'no.such-code' (the README lists them)" \
        in result.output
    assert "content/2026-02/b.ru.md:7: error: raw 'openxml' block is not allowed in entries" in result.output


def test_ignore_must_be_a_list_of_codes(project):
    root = project({M + "a.ru.md": entry()}, config=IGNORE_CONFIG + "ignore: translation.stale\n")
    result = run("check", "--project", root)
    assert result.exit_code == 1
    assert ("bulletin.yaml:4: error: 'ignore': expected a list of problem codes, got a string "
            "('translation.stale')") in result.output


def test_json_problems_carry_their_code(project):
    root = stale_project(project, "")
    found = json.loads(run("check", "--format", "json", "--project", root).output)
    stale = [p for p in found if p.get("code") == "translation.stale"]
    assert [(p["path"], p["line"], p["level"]) for p in stale] == [("content/2026-02/a.kk.md", 3, "warning")]
    assert stale[0]["message"].startswith("stale translation: content/2026-02/a.ru.md changed")
