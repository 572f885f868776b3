"""An entry's front matter (YAML mapping) -> checked field values: the one table `check` and `schema` read."""

from __future__ import annotations

import unicodedata

from .incidents import IncidentField
from .validation import Invalid, Section
from .options import Bool, Choice, Date, Int, ListOf, Str, Url

MAX_TITLE = 200
# Keys a translation takes from its source entry when it does not set them (collection.py).
INHERITED = ("rubric", "date", "source", "weight", "tags", "region", "violations", "persons")
ATTRIBUTES = {"author": "authors"}  # Entry attributes not named as their key


def entry_env(config, is_source: bool) -> dict:
    """What the rows may depend on (the rubrics, the languages, whether the entry is a translation): one place
    for check, new and schema, so that a row reading a new project list needs it added only here."""
    return {"languages": config.languages, "default_language": config.default_language, "rubrics": config.rubrics,
            "is_source": is_source, "config": config}


def _for_sources(env: dict) -> bool:
    return env["is_source"]


def visible(text: str) -> bool:
    """Whether the text shows anything: not only spaces, no-break spaces, zero-width and format characters."""
    return any(not c.isspace() and unicodedata.category(c) not in ("Cc", "Cf", "Zs", "Zl", "Zp") for c in text)


class Title(Str):
    """A headline that shows something: spaces and zero-width characters alone would print an empty heading."""

    def validate(self, value, at):
        text = super().validate(value, at)
        if not visible(text):
            raise Invalid("'title' has no visible character (only spaces, no-break spaces or zero-width "
                          "characters)", code="invisible-title")
        return text


class SourceHash(Str):
    """Only a translation records the version of its source it was made from."""

    def validate(self, value, at):
        if at.env["is_source"]:
            at.warning("'source_hash' is only meaningful in a translation", "source-hash-in-source")
            return None
        return super().validate(value, at)


# One row per key, in the order editors see them listed. The entry gets each as an attribute (ATTRIBUTES
# renames), the view and templates read it from there.
FIELDS = {
    "title": Title(numbers=True, empty=True, collapse=True, long=MAX_TITLE, required=True, code="bad-title",
                 message="'title' must be text, got {pytype}", description="the entry's headline, as printed"),
    "rubric": Choice(lambda env: [r.key for r in env["rubrics"]], required=_for_sources, code="unknown-rubric",
                     message="unknown rubric '{value}' (known: {choices})",
                     description="the key of a rubric from content/rubrics.yaml"),
    "date": Date(required=_for_sources, description="the date of the event or publication, YYYY-MM-DD"),
    "author": ListOf(Str(collapse=True), single=True, min_items=1, default=[], code="bad-author",
                     message="'author' must be a name or a list of names",
                     description="author of the original item: a name or a list of names"),
    "outlet": Str(numbers=True, code="bad-outlet", message="'outlet' must be text",
                  description="the publication the item comes from"),
    "source": Url(message="'source' must be an http(s) URL, got {cut!r}",
                  description="URL of the original item (http or https)"),
    "weight": Int(message="'weight' must be a whole number, got {value!r}",
                  description="whole number; lower weights come first inside a rubric"),
    "draft": Bool(default=False, message="'draft' must be true or false, got {value!r}",
                  description="true leaves the entry out of builds"),
    "tags": ListOf(Str(), default=[], code="bad-tags", message="'tags' must be a list of words",
                   description="list of free-form tags"),
    "source_hash": SourceHash(pattern=r"^[0-9a-f]{6,64}$", code="bad-source-hash",
                              message="'source_hash' must be a hex hash, got {value!r}",
                              description="translations only: the hash of the source version this translation "
                                          "was made from"),
    # The incident fields: checked against the vocabularies by incidents.read_incident, at each item's line.
    "region": IncidentField("region"),
    "violations": IncidentField("violations"),
    "persons": IncidentField("persons"),
}
FRONT_MATTER = Section(FIELDS, area="entry", unknown="unknown key '{key}' (known: {known})", sort_known=False,
                       missing="missing required key '{key}'", empty=(None,))
