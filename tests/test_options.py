"""Typed options: each refusal is one located sentence with a code, and each schema says the same rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from bulletin.config import Share
from bulletin.validation import At, Section
from bulletin.options import Bool, Choice, Date, Int, ListOf, Localized, Str, Url
from bulletin.problems import Problems
from bulletin.source import load_yaml

PATH = Path("x.yaml")


def validate(option, text: str, **env):
    problems = Problems()
    doc = load_yaml(text, PATH, problems)
    value = Section({"v": option}).check(doc.data, At.of(doc, PATH, problems, env=env))
    return value.get("v"), [(p.line, p.level, p.message, p.code) for p in problems.sorted()]


@pytest.mark.parametrize("option,text,value", [
    (Str(), "v: ' text '", "text"),
    (Str(numbers=True), "v: 1984", "1984"),
    (Str(collapse=True), "v: \"a \\n  b\"", "a b"),
    (Int(min=1, max=3), "v: 3", 3),
    (Share(), "v: 80%", 0.8),
    (Bool(), "v: false", False),
    (Choice(("a", "b")), "v: b", "b"),
    (Url(), "v: https://example.org/x", "https://example.org/x"),
    (ListOf(Str(), single=True), "v: Anna", ["Anna"]),
    (Localized(), "v: Бюллетень", {"ru": "Бюллетень", "kk": "Бюллетень"}),
    (Localized(fill="default"), "v: Бюллетень", {"ru": "Бюллетень"}),
])
def test_good_values_pass_cleaned(option, text, value):
    assert validate(option, text, languages=["ru", "kk"], default_language="ru") == (value, [])


@pytest.mark.parametrize("option,text,problem", [
    (Str(), "\nv: [a]", (2, "error", "'v': expected a string, got a list (['a'])", "config.bad-text")),
    (Int(min=1), "v: 0", (1, "error", "'v': expected a whole number, got a number (0)", "config.bad-number")),
    (Int(), "v: true", (1, "error", "'v': expected a whole number, got true/false (True)", "config.bad-number")),
    (Bool(), "v: yes", (1, "error", "'v': expected true or false, got a string ('yes')", "config.bad-boolean")),
    (Choice(("a", "b")), "v: c", (1, "error", "'v': expected one of a, b, got a string ('c')", "config.bad-choice")),
    (Url(), "v: https://.example.org/x",
     (1, "error", "'v': expected an http(s) URL, got a string ('https://.example.org/x')", "config.bad-url")),
    (Date(), "v: 2026-02-30", (1, "error", "impossible date '2026-02-30'", "config.impossible-date")),
    (ListOf(Str()), "v: [a, 2026]", (1, "error", "'v': expected a list, got a list (['a', 2026]): put quotes "
                                                 "around 2026, which YAML reads as a number", "config.bad-list")),
    (Localized(need_default="no '{default}'"), "v: {kk: Б}", (1, "error", "no 'ru'", "config.no-default-language")),
    (Str(message="'{key}' must be text, got {pytype}", code="odd"), "v: {a: 1}",
     (1, "error", "'v' must be text, got dict", "config.odd")),
])
def test_bad_values_are_one_located_problem_with_a_code(option, text, problem):
    assert validate(option, text, languages=["ru", "kk"], default_language="ru") == (None, [problem])


def test_a_list_of_mappings_reports_each_item_and_drops_duplicates():
    person = Section({"name": Str(required=True)}, style="{label}: '{key}': expected {expected}, got {value!r}",
                     label=lambda item: f"person '{item.get('name')}'", whole=True)
    option = ListOf(person, unique=("name", "duplicate name '{value}' (first on line {first})"))
    value, found = validate(option, "v:\n  - name: A\n  - name: 5\n  - name: A\n")
    assert value == [{"name": "A"}]
    assert [f[:3] for f in found] == [
        (3, "error", "person '5': 'name': expected a string, got 5: put quotes around 5, which YAML reads as a number"),
        (4, "error", "duplicate name 'A' (first on line 2)")]


def test_schema_agrees_with_validation():
    jsonschema = pytest.importorskip("jsonschema")
    option = Section({"title": Str(numbers=True, long=10), "tags": ListOf(Str()), "source": Url(),
                      "n": Int(min=1, max=3), "when": Date(), "ok": Bool(), "share": Share(),
                      "who": ListOf(Str(), single=True, min_items=1), "name": Localized()}, empty=(None, ""))
    validator = jsonschema.Draft202012Validator(option.schema({}))
    for text in ("title: 1984", "tags: [a, 2026]", "source: https://.example.org/x", "source: ftp://x.org",
                 "n: 0", "n: 4", "n: 1.5", "when: 16.02.2026", "ok: 'true'", "share: 1.5", "share: '80'",
                 "who: []", "name: {ru: 1}", "colour: red"):
        problems = Problems()
        doc = load_yaml(text, PATH, problems)
        option.check(doc.data, At.of(doc, PATH, problems, env={"languages": ["ru"], "default_language": "ru"}))
        assert bool(problems.errors or problems.warnings) == bool(list(validator.iter_errors(doc.data))), text


def test_a_list_default_is_never_shared_between_values():
    option = ListOf(Str(), default=[])
    first, second = validate(option, "x: 1")[0], validate(option, "x: 1")[0]
    first.append("tag")
    assert second == [] and option.default({}) == []
