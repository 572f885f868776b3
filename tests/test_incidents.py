"""Incident fields: vocabularies loaded and edited, region/violations/persons validated with file:line and code."""

from __future__ import annotations

import json
import re

import pytest

import conftest

from bulletin.config import load_config
from bulletin.content import load_month
from bulletin.problems import Problems
from conftest import REPO, entry, run

M = "content/2026-02/"
VOCABULARIES = {f"content/{name}": (REPO / "content" / name).read_text(encoding="utf-8")
                for name in ("regions.yaml", "violations.yaml", "groups.yaml")}
PERSONS = """persons:
  - name: Айгерим Сарсенова
    role: victim
    group: journalist
  - name: "Ерлан\u00a0 Касымов"
    role: victim
    group: activist
    confidential: true
  - {name: Асель Нурлан, role: source}"""
REGIONS = ("astana, almaty-city, shymkent, abai, akmola, aktobe, almaty, atyrau, east-kazakhstan, jambyl, jetisu, "
           "west-kazakhstan, karaganda, kostanay, kyzylorda, mangystau, pavlodar, north-kazakhstan, turkistan, ulytau")
ROLES = "victim, perpetrator, source, intervening"


def load(root) -> tuple[list, Problems]:
    problems = Problems(root)
    config = load_config(root, problems)
    return load_month(config, "2026-02", problems), problems


def test_shipped_vocabularies(project):
    root = project(VOCABULARIES)
    problems = Problems(root)
    config = load_config(root, problems)
    assert not problems.items
    regions, violations, groups = (config.vocabularies[k] for k in ("region", "violation", "group"))
    assert ", ".join(regions.terms) == REGIONS  # 3 cities of republican significance + 17 regions since 2022
    assert len(regions.terms) == 20 and all(set(t.names) == {"ru", "kk", "en"} for t in regions.terms.values())
    assert regions.name("abai", "kk", "ru") == "Абай облысы" and regions.name("ulytau", "en", "ru") == "Ulytau Region"
    assert {"detention", "torture", "expression", "assembly", "association", "fair-trial", "privacy",
            "religion"} <= set(violations.terms)
    assert list(groups.terms) == ["journalist", "activist", "human-rights-defender", "lawyer", "trade-unionist",
                                  "blogger", "religious-believer", "other"]
    for vocabulary in (violations, groups):
        assert all(set(t.names) == {"ru", "kk", "en"} for t in vocabulary.terms.values())


def test_fields_are_read_and_translations_inherit_them(project):
    root = project({**VOCABULARIES,
                    f"{M}item.ru.md": entry(region="almaty-city", violations="[detention, expression, detention]",
                                            persons=PERSONS[len("persons:"):]),
                    f"{M}item.en.md": "---\ntitle: Item\n---\n\nText.\n"})
    from bulletin.collection import link_translations
    entries, problems = load(root)
    assert not problems.items, problems.items
    source = next(e for e in entries if e.lang == "ru")
    assert source.region == "almaty-city" and source.violations == ["detention", "expression"]
    assert [(p.name, p.role, p.group, p.confidential, p.line) for p in source.persons] == [
        ("Айгерим Сарсенова", "victim", "journalist", False, 8),
        ("Ерлан Касымов", "victim", "activist", True, 11),
        ("Асель Нурлан", "source", None, False, 15)]
    link_translations(entries, load_config(root, Problems()), problems)
    english = next(e for e in entries if e.lang == "en")
    assert english.region == "almaty-city" and english.persons == source.persons


def test_an_entry_without_the_fields_needs_no_vocabulary(project):
    root = project({f"{M}item.ru.md": entry()})
    entries, problems = load(root)
    assert not problems.items and entries[0].region is None and entries[0].persons == []


BAD = [
    ("unknown-region", entry(region="almaty-town"),
     f"{M}item.ru.md:5: error: unknown region 'almaty-town' in 'region' (known: {REGIONS})", "entry.unknown-region"),
    ("region-not-text", entry(region="[astana]"),
     f"{M}item.ru.md:5: error: unknown region ['astana'] in 'region' (known: {REGIONS})", "entry.unknown-region"),
    ("unknown-violation", entry(violations="\n  - detention\n  - free-speech"),
     f"{M}item.ru.md:7: error: unknown violation 'free-speech' in 'violations' (known: detention, torture, "
     "killing, disappearance, fair-trial, expression, information, assembly, association, privacy, religion, "
     "movement, participation, labour, discrimination, harassment, other)", "entry.unknown-violation"),
    ("violations-not-list", entry(violations="detention"),
     f"{M}item.ru.md:5: error: 'violations' must be a list of keys, e.g. [detention, expression]",
     "entry.violations-not-list"),
    ("person-without-name", entry(persons="\n  - role: victim\n    group: journalist"),
     f"{M}item.ru.md:6: error: person 1 has no 'name'", "entry.person-without-name"),
    ("person-without-role", entry(persons="\n  - name: Айгерим Сарсенова\n  - name: Ерлан Касымов\n    group: other"),
     f"{M}item.ru.md:6: error: person 1 has no 'role' (one of: {ROLES})", "entry.person-without-role"),
    ("unknown-role", entry(persons="\n  - name: Ерлан Касымов\n    role: witness"),
     f"{M}item.ru.md:7: error: unknown role 'witness' of person 1 (known: {ROLES})", "entry.unknown-role"),
    ("unknown-group", entry(persons="\n  - {name: А, role: victim}\n  - name: Б\n    role: victim\n    group: poet"),
     f"{M}item.ru.md:9: error: unknown group 'poet' in 'group' (known: journalist, activist, human-rights-defender, "
     "lawyer, trade-unionist, blogger, religious-believer, other)", "entry.unknown-group"),
    ("confidential-yes", entry(persons="\n  - name: Ерлан Касымов\n    role: victim\n    confidential: yes"),
     f"{M}item.ru.md:8: error: 'confidential' of person 1 must be true or false, got 'yes'",
     "entry.confidential-not-bool"),
    ("person-a-string", entry(persons="\n  - Ерлан Касымов"),
     f"{M}item.ru.md:6: error: person 1 must be a mapping with 'name' and 'role', got 'Ерлан Касымов'",
     "entry.person-not-mapping"),
    ("persons-not-list", entry(persons="Ерлан Касымов"),
     f"{M}item.ru.md:5: error: 'persons' must be a list of persons, each with 'name' and 'role'",
     "entry.persons-not-list"),
    ("unknown-person-key", entry(persons="\n  - name: Ерлан Касымов\n    role: victim\n    age: 30"),
     f"{M}item.ru.md:8: warning: unknown key 'age' in person 1 (known: name, role, group, confidential)",
     "entry.unknown-person-key"),
]


@pytest.mark.parametrize("name,text,expected,code", BAD, ids=[c[0] for c in BAD])
def test_problem_is_located_and_coded(project, name, text, expected, code):
    root = project({**VOCABULARIES, f"{M}item.ru.md": text})
    result = run("check", "2026-02", "--project", root)
    assert expected in result.output.splitlines(), result.output
    assert result.exit_code == (0 if ": warning:" in expected else 1)
    _, problems = load(root)
    assert {p.code for p in problems.items} == {code}


def test_a_field_without_its_vocabulary_says_which_file(project):
    root = project({f"{M}item.ru.md": entry(region="astana", persons="\n  - {name: А, role: victim, group: lawyer}")})
    _, problems = load(root)
    assert [str(p) for p in problems.sorted()] == [
        f"{M}item.ru.md:5: error: 'region' needs content/regions.yaml, the list of regions (copy it from the "
        "sample project)",
        f"{M}item.ru.md:7: error: 'group' needs content/groups.yaml, the list of groups (copy it from the sample "
        "project)"]


def test_vocabulary_is_editable_and_its_mistakes_located(project):
    regions = ("- key: astana\n  name: {ru: Астана, kk: Астана, en: Astana}\n- key: Astana\n  name: Астана\n"
               "- key: astana\n  name: Астана\n- key: oskemen\n  name: {en: Oskemen}\n- key: semey\n"
               "  name: Семей\n  colour: red\n")
    root = project({"content/regions.yaml": regions, f"{M}item.ru.md": entry(region="semey")})
    entries, problems = load(root)
    assert [str(p) for p in problems.sorted()] == [
        "content/regions.yaml:3: error: region 'key': expected lower-case letters, digits and '-', got 'Astana'",
        "content/regions.yaml:5: error: duplicate region key 'astana' (first on line 1)",
        "content/regions.yaml:8: error: region 'oskemen': 'name' must be a mapping of language to name, with "
        "the default language 'ru'",
        "content/regions.yaml:11: warning: unknown key 'colour' in region (known: key, name, also)"]
    assert entries[0].region == "semey"  # a key added by the editor


def test_importer_takes_region_names_from_the_one_list_of_regions(tmp_path):
    from bulletin.casing import collect_forms, load_places, recase_title
    (tmp_path / "regions.yaml").write_text("- key: abai\n  name: {ru: Абайская область, kk: Абай облысы}\n"
                                           "  also: [Семипалатинская область]\n", encoding="utf-8")
    (tmp_path / "places.yaml").write_text("regions:\n  - region: abai\n    towns:\n      - {ru: Курчатов}\n",
                                          encoding="utf-8")
    problems = Problems(tmp_path)
    places = load_places(tmp_path / "places.yaml", problems)
    assert not problems.items
    title = recase_title("ПИКЕТ В АБАЙСКОЙ ОБЛАСТИ И КУРЧАТОВЕ, НЕ В СЕМИПАЛАТИНСКОЙ ОБЛАСТИ", collect_forms([]),
                         places).title
    assert title == "Пикет в Абайской области и Курчатове, не в Семипалатинской области"
    places_text = (REPO / "content" / "places.yaml").read_text(encoding="utf-8")
    assert "область" not in places_text.split("\nregions:")[1]  # no second list of region names


def test_schema_has_the_fields_with_the_vocabularies_as_enums(project):
    jsonschema = pytest.importorskip("jsonschema")
    root = project(VOCABULARIES)
    schema = json.loads(run("schema", "--project", root).output)
    properties = schema["properties"]
    assert ", ".join(properties["region"]["enum"]) == REGIONS
    assert "abai = Абайская область" in properties["region"]["description"]
    assert properties["violations"]["items"]["enum"][:3] == ["detention", "torture", "killing"]
    person = properties["persons"]["items"]
    assert person["required"] == ["name", "role"] and person["properties"]["role"]["enum"] == list(ROLES.split(", "))
    assert person["properties"]["group"]["enum"][-1] == "other"
    validator = jsonschema.Draft202012Validator(schema)
    good = {"title": "Т", "region": "abai", "violations": ["torture"],
            "persons": [{"name": "А", "role": "victim", "group": "lawyer", "confidential": True}]}
    assert not list(validator.iter_errors(good))
    for bad in ({"region": "semey"}, {"violations": ["free-speech"]}, {"persons": [{"name": "А"}]},
                {"persons": [{"name": "А", "role": "victim", "confidential": "yes"}]}):
        assert list(validator.iter_errors({"title": "Т", **bad})), bad


META = entry(region="abai", author="Анна Ли", outlet="Газета").replace("Текст материала.", "Текст.")


@pytest.mark.parametrize("lang,region", [("ru", "Абайская область"), ("kk", "Абай облысы"), ("en", "Abai Region")])
def test_meta_line_shows_the_region_in_the_bulletins_language(project, lang, region):
    """An English bulletin printing the Russian original (policy original) still names the region in English."""
    config = conftest.BASE_CONFIG + "translations: {kk: original, en: original}\n"
    root = project({**VOCABULARIES, f"{M}item.ru.md": META}, config=config)
    assert run("build", "2026-02", "--lang", lang, "--format", "html,docx", "--project", root).exit_code == 0
    html = (root / "build" / "2026-02" / f"bulletin-2026-02-{lang}.html").read_text(encoding="utf-8")
    meta = re.search(r'<p class="entry-meta">(.*?)</p>', html, re.S)[1]
    assert re.sub("<[^>]+>", "", meta).endswith(f" · {region}")
    assert f'<span class="entry-region" lang="{lang}">{region}</span>' in meta
    import docx
    document = docx.Document(root / "build" / "2026-02" / f"bulletin-2026-02-{lang}.docx")
    metas = [p.text for p in document.paragraphs if p.style.name == "Entry Meta"]
    assert len(metas) == 1 and metas[0].endswith(f" · {region}")


def test_meta_region_switch_off(project):
    root = project({**VOCABULARIES, f"{M}item.ru.md": META}, config=conftest.BASE_CONFIG + "meta_region: false\n")
    assert run("build", "2026-02", "--format", "html", "--project", root).exit_code == 0
    html = (root / "build" / "2026-02" / "bulletin-2026-02-ru.html").read_text(encoding="utf-8")
    assert "entry-meta" in html and "entry-region" not in html and "Абайская" not in html
    root = project({**VOCABULARIES, f"{M}item.ru.md": META}, config=conftest.BASE_CONFIG + "meta_region: 'no'\n")
    result = run("check", "--project", root)
    assert "bulletin.yaml:8: error: 'meta_region': expected true or false, got a string ('no')" in result.output
