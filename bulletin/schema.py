"""Config + entry keys -> a JSON Schema (draft 2020-12) of entry front matter, for editors' YAML tools."""

from __future__ import annotations

from .config import Config
from .content import DATE_RE, KEYS, MAX_TITLE
from .incidents import schema_properties

SCHEMA_ID = "https://bulletin.invalid/schema/entry.json"


def make_schema(config: Config) -> dict:
    rubrics = [r.key for r in config.rubrics]
    rubric_titles = "; ".join(f"{r.key} = {r.title(config.default_language, config.default_language)}"
                              for r in config.rubrics)
    text = {"type": "string", "minLength": 1}
    properties = {
        "title": {**text, "maxLength": MAX_TITLE, "description": KEYS["title"]},
        "rubric": {"type": "string", "enum": rubrics, "description": f"{KEYS['rubric']}: {rubric_titles}"},
        "date": {"type": "string", "pattern": DATE_RE.pattern, "format": "date", "description": KEYS["date"]},
        "author": {"description": KEYS["author"],
                   "oneOf": [text, {"type": "array", "items": text, "minItems": 1}]},
        "outlet": {**text, "description": KEYS["outlet"]},
        "source": {"type": "string", "pattern": "^https?://\\S+$", "format": "uri", "description": KEYS["source"]},
        "weight": {"type": "integer", "description": KEYS["weight"]},
        "draft": {"type": "boolean", "description": KEYS["draft"]},
        "tags": {"type": "array", "items": text, "description": KEYS["tags"]},
        "source_hash": {"type": "string", "pattern": "^[0-9a-f]{6,64}$", "description": KEYS["source_hash"]},
        **schema_properties(config),
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "bulletin entry front matter",
        "description": ("Front matter of content/<YYYY-MM>/<slug>.<lang>.md. Entries in the default language "
                        f"('{config.default_language}') need title, rubric and date; translations need only "
                        "title and inherit the rest from their source."),
        "type": "object",
        "properties": properties,
        "required": ["title"],
        "additionalProperties": False,
    }
