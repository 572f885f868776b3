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
