"""The front-matter table: a new field is one row, validated with located problems and present in the schema."""

from __future__ import annotations

from bulletin.frontmatter import FIELDS, INHERITED
from bulletin.validation import Section
from bulletin.options import Choice, ListOf, Str
from conftest import entry, run

M = "content/2026-02/"
PERSONS = ListOf(Section({"name": Str(required=True), "role": Choice(("defender", "journalist"))},
                         style="{label}: '{key}': expected {expected}, got {value!r}", whole=True,
                         label=lambda item: f"person '{item['name']}'" if "name" in item else "person"),
                 code="bad-persons",
                 description="people the incident concerns")


def test_every_row_is_described_and_inherited_keys_are_rows():
    assert all(option.description for option in FIELDS.values())
    assert set(INHERITED) <= set(FIELDS)


def test_a_list_of_mappings_is_one_row(project, monkeypatch):
    monkeypatch.setitem(FIELDS, "witnesses", PERSONS)  # a row this project does not have
    persons = "\n  - name: Анна Ли\n    role: defender\n  - name: Борис\n    role: judge\n  - role: journalist"
    root = project({f"{M}a.ru.md": entry(witnesses=persons)})
    result = run("check", "--project", root)
    assert result.exit_code == 1
    assert [line for line in result.output.splitlines() if ": error: " in line] == [
        f"{M}a.ru.md:9: error: person 'Борис': 'role': expected one of defender, journalist, got 'judge'",
        f"{M}a.ru.md:10: error: person: 'name': expected a string, got None"]
    from bulletin.build import load_month_content

    month = load_month_content(root, "2026-02")
    assert month.entries[0].witnesses == [{"name": "Анна Ли", "role": "defender"}]
    schema = run("schema", "--project", root)
    assert '"witnesses"' in schema.output and "people the incident concerns" in schema.output
