"""bulletin schema: a valid draft 2020-12 schema that accepts good front matter and rejects bad."""

from __future__ import annotations

import json

import pytest
import yaml

from bulletin.source import DataLoader
from conftest import REPO, run


@pytest.fixture(scope="module")
def schema():
    result = run("schema", "--project", REPO)
    assert result.exit_code == 0
    return json.loads(result.output)


def test_schema_is_valid_and_lists_rubrics(schema):
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["properties"]["rubric"]["enum"] == ["progress", "political-prisoners", "defenders",
                                                       "free-speech", "peaceful-assembly"]
    assert all(p.get("description") for p in schema["properties"].values())


def test_schema_accepts_sample_entries_and_rejects_mistakes(schema):
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(schema)
    for path in (REPO / "content" / "2026-02").glob("*.md"):
        meta = yaml.load(path.read_text(encoding="utf-8").split("---")[1], Loader=DataLoader)  # as bulletin reads it
        assert not list(validator.iter_errors(meta)), path
    assert list(validator.iter_errors({"title": "T", "rubric": "speech", "date": "2026-02-10"}))
    assert list(validator.iter_errors({"title": "T", "colour": "red"}))


FRONT_MATTERS = ["title: T\ntags: [2026]", "title: T\ntags: [суд, '2026']", "title: 1984", "title: T\nweight: 1.5",
                 "title: T\nsource: https://.example.org/x", "title: T\nsource: HTTPS://example.org/x",
                 "title: T\nauthor: []", "title: T\nauthor: Анна", "title: T\noutlet: ''", "title: T\ndate: 2026-02-10",
                 "title: T\ndate: 16.02.2026", "title: T\ndraft: 'true'", "title: T\nsource_hash: 0a1b2c",
                 "title: T\nrubric: free-speech", "title: T\nrubric: speech", "title: T\ncolour: red"]


@pytest.mark.parametrize("head", FRONT_MATTERS)
def test_check_and_schema_agree(head, schema, tmp_path):
    """What check reports on a translation (which needs only a title) is what the schema refuses."""
    jsonschema = pytest.importorskip("jsonschema")
    from conftest import make_project

    root = make_project(tmp_path / "p", {"content/2026-02/a.ru.md": "---\ntitle: Т\nrubric: progress\n"
                                         "date: 2026-02-10\n---\n\nТекст.\n",
                                         "content/2026-02/a.kk.md": f"---\n{head}\n---\n\nМәтін.\n"})
    result = run("check", "--project", root, "--format", "json")
    found = [p for p in json.loads(result.output) if p["path"].endswith("a.kk.md") and
             p.get("code", "").startswith("entry.")]  # not the translation's comparisons with its source
    local = json.loads(run("schema", "--project", root).output)
    refused = list(jsonschema.Draft202012Validator(local).iter_errors(yaml.load(head, Loader=DataLoader)))
    assert bool(found) == bool(refused), (found, refused)


@pytest.mark.parametrize("of,path", [("config", "bulletin.yaml"), ("rubrics", "content/rubrics.yaml"),
                                     ("partners", "partners.example.yaml")])
def test_each_yaml_file_has_a_schema_that_accepts_the_sample(of, path):
    jsonschema = pytest.importorskip("jsonschema")
    result = run("schema", "--project", REPO, "--file", of)
    assert result.exit_code == 0, result.output
    validator = jsonschema.Draft202012Validator(json.loads(result.output))
    data = yaml.load((REPO / path).read_text(encoding="utf-8"), Loader=DataLoader)
    assert not list(validator.iter_errors(data)), path
    assert list(validator.iter_errors({"colour": 1} if of == "config" else [{"colour": 1}]))
