"""Config + the option tables -> JSON Schemas (draft 2020-12) of front matter and the project's YAML files."""

from __future__ import annotations

from .config import RUBRICS, SETTINGS, Config
from .frontmatter import FRONT_MATTER, entry_env

SCHEMA_ID = "https://bulletin.invalid/schema/{}.json"
DRAFT = "https://json-schema.org/draft/2020-12/schema"
FILES = ("entry", "config", "rubrics", "partners")


def _listed(schema: dict, key: str) -> dict:
    """A list at the top of its file, or under one key (``rubrics:``), as options.unwrap reads it."""
    return {"oneOf": [schema, {"type": "object", "properties": {key: schema}, "required": [key],
                               "additionalProperties": False}]}


def make_schema(config: Config, of: str = "entry") -> dict:
    """The schema of one kind of file (FILES), generated from the same tables `bulletin check` validates with."""
    # is_source False: a schema cannot see a file's language, so it requires what a translation needs.
    env = entry_env(config, is_source=False)
    if of == "entry":
        schema = FRONT_MATTER.schema(env)
        rubric = schema["properties"]["rubric"]
        titles = "; ".join(f"{r.key} = {r.title(config.default_language, config.default_language)}"
                           for r in config.rubrics)
        rubric["description"] = f"{rubric['description']}: {titles}"
        title = "bulletin entry front matter"
        description = ("Front matter of content/<YYYY-MM>/<slug>.<lang>.md. Entries in the default language "
                       f"('{config.default_language}') need title, rubric and date; translations need only "
                       "title and inherit the rest from their source.")
    elif of == "partners":
        from .partners import PARTNERS

        schema, title, description = _listed(PARTNERS.schema(env), "partners"), "bulletin partners.yaml", \
            "Who bulletin deliver e-mails."
    else:
        table = {"config": SETTINGS, "rubrics": RUBRICS}[of]
        schema = table.schema(env) if of == "config" else _listed(table.schema(env), "rubrics")
        title = f"bulletin {'bulletin.yaml' if of == 'config' else 'content/rubrics.yaml'}"
        description = ("The project's settings." if of == "config" else
                       "The rubrics, in bulletin order: a key and a title per language.")
    return {"$schema": DRAFT, "$id": SCHEMA_ID.format(of), "title": title, "description": description, **schema}
