"""Typed options (Str, Int, Bool, Choice, Url, Date, ListOf, Localized) -> checked values, located problems,
and the JSON Schema that states the same rules (MkDocs' config_options are the model; Section: validation.py)."""

from __future__ import annotations

import datetime as dt
import re

from .validation import MISSING, Invalid, Option

# The one rule for an address (an entry's source, delivery's link base, `bulletin new --source`): http(s) and a
# host that starts with a letter or digit ("https://.example.org" is no address). No regex flags, so that JSON
# Schema, whose patterns are ECMA-262, reads the same pattern.
URL_PATTERN = r"^[Hh][Tt][Tt][Pp][Ss]?://[^\s/$.?#]\S*$"
URL_RE = re.compile(URL_PATTERN)
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"  # ASCII digits: \d takes any script's
DATE_RE = re.compile(DATE_PATTERN)


class Str(Option):
    """Text, stripped. ``numbers``: a YAML number is read as its text (a title "1984"); ``collapse``: runs of
    spaces and line breaks become one space; ``pattern``: the whole text must match; ``long``: a length the
    check warns about (and the schema's maxLength, as editors' tools have no warnings)."""

    expected, code = "a string", "bad-text"

    def __init__(self, expected=None, *, pattern: str | None = None, numbers: bool = False, empty: bool = False,
                 collapse: bool = False, long: int | None = None, **kwargs):
        super().__init__(expected, **kwargs)
        self.pattern, self.numbers, self.empty, self.collapse, self.long = pattern, numbers, empty, collapse, long

    def validate(self, value, at):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if not self.numbers:  # the hint only where the number's text would do
                fits = not self.pattern or re.search(self.pattern, str(value))
                raise Invalid(note=f"put quotes around {value}, which YAML reads as a number" if fits else "")
            value = str(value)
        if not isinstance(value, str):
            raise Invalid()
        text = " ".join(value.split()) if self.collapse else value.strip()
        if (not text and not self.empty) or (self.pattern and not re.search(self.pattern, text)):
            raise Invalid()
        if self.long and len(text) > self.long:
            at.warning(f"{at.key} is {len(text)} characters long (over {self.long})", "long-text")
        return text

    def schema(self, env):
        found = {"type": ["string", "number"] if self.numbers else "string"}
        found |= {"minLength": 1} if not self.empty else {}
        found |= {"pattern": self.pattern} if self.pattern else {}
        return found | ({"maxLength": self.long} if self.long else {})


class Url(Str):
    expected, code = "an http(s) URL", "bad-url"

    def __init__(self, expected=None, **kwargs):
        super().__init__(expected, pattern=URL_PATTERN, **kwargs)

    def schema(self, env):
        return super().schema(env) | {"format": "uri"}


class Int(Option):
    expected, code = "a whole number", "bad-number"

    def __init__(self, expected=None, *, min: int | None = None, max: int | None = None, **kwargs):
        super().__init__(expected, **kwargs)
        self.min, self.max = min, max

    def validate(self, value, at):
        if (isinstance(value, bool) or not isinstance(value, int) or (self.min is not None and value < self.min)
                or (self.max is not None and value > self.max)):
            raise Invalid()
        return value

    def schema(self, env):
        bounds = {"minimum": self.min} if self.min is not None else {}
        return {"type": "integer", **bounds, **({"maximum": self.max} if self.max is not None else {})}


class Bool(Option):
    expected, code = "true or false", "bad-boolean"

    def validate(self, value, at):
        if not isinstance(value, bool):
            raise Invalid()
        return value

    def schema(self, env):
        return {"type": "boolean"}


class Choice(Option):
    """One of ``choices`` (a sequence, or a function of the env: the configured languages, the rubrics).
    ``refused``: the sentence for a string that is not a choice, when it differs from a value of a wrong type."""

    expected, code = "one of {choices}", "bad-choice"

    def __init__(self, choices, expected=None, *, refused: str | None = None, **kwargs):
        super().__init__(expected, **kwargs)
        self.choices, self.refused = choices, refused

    def options(self, env: dict) -> list:
        return list(self.choices(env) if callable(self.choices) else self.choices)

    def facts(self, value, at):
        choices = ", ".join(map(str, self.options(at.env)))
        found = super().facts(value, at)
        return found | {"choices": choices, "expected": found["expected"].format(choices=choices)}

    def validate(self, value, at):
        if isinstance(value, (list, dict)) or value not in self.options(at.env):
            raise Invalid(self.refused.format(**self.facts(value, at)) if self.refused and isinstance(value, str)
                          else None)
        return value

    def schema(self, env):
        choices = self.options(env)
        return ({"type": "string"} if all(isinstance(c, str) for c in choices) else {}) | {"enum": choices}


class Date(Option):
    code = "bad-date"
    FORM = "date '{text}' is not in the form YYYY-MM-DD"
    IMPOSSIBLE = "impossible date '{text}'"

    def validate(self, value, at):
        text = str(value).strip()
        if not DATE_RE.match(text):
            raise Invalid(self.FORM.format(text=text))
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise Invalid(self.IMPOSSIBLE.format(text=text), code="impossible-date") from None

    def schema(self, env):
        return {"type": "string", "pattern": DATE_PATTERN, "format": "date"}


class ListOf(Option):
    """A list of ``item``. A refused scalar refuses the list (one sentence for the key); mappings report
    each of their problems on their own lines, and are left out. ``single``: one item may stand alone
    (``author: Anna``); ``unique``: (key, sentence) — a mapping repeating another's key is left out."""

    expected, code = "a list", "bad-list"

    def __init__(self, item: Option, expected=None, *, single: bool = False, min_items: int = 0,
                 unique: tuple[str, str] | None = None, **kwargs):
        super().__init__(expected, **kwargs)
        self.item, self.single, self.min_items, self.unique = item, single, min_items, unique

    def validate(self, value, at):
        items = [value] if self.single and not isinstance(value, list) else value
        if not isinstance(items, list) or len(items) < self.min_items:
            raise Invalid()
        found, first = [], {}
        for index, item in enumerate(items):
            where = at.item(index)
            if not self.item.reports:
                try:
                    found.append(self.item.validate(item, where))
                except Invalid as exc:
                    raise Invalid(note=exc.note) from None
                continue
            result = self.item.check(item, where)
            if result is MISSING:
                continue
            if self.unique and self.unique[0] in result:
                key, sentence = self.unique
                if result[key] in first:
                    where.child(key).error(sentence.format(value=result[key], first=first[result[key]]),
                                           f"duplicate-{key}")
                    continue
                first[result[key]] = where.child(key).line
            found.append(result)
        return found

    def schema(self, env):
        listed = {"type": "array", "items": self.item.describe(env)} | (
            {"minItems": self.min_items} if self.min_items else {})
        return {"oneOf": [self.item.describe(env), listed]} if self.single else listed


class Localized(Option):
    """A value per language: ``{ru: …, kk: …}``, or one string. ``fill``: the languages a lone string stands
    for (all configured ones, or the default only); ``need_default``: the sentence when the default is absent."""

    expected, code = "a string or a mapping of language to string", "bad-localized"

    def __init__(self, expected=None, *, fill: str = "all", need_default: str | None = None, **kwargs):
        super().__init__(expected, **kwargs)
        self.fill, self.need_default = fill, need_default

    def validate(self, value, at):
        default = at.env.get("default_language", "")
        if isinstance(value, str) and value.strip():
            return {lang: value.strip() for lang in (at.env.get("languages", []) if self.fill == "all" else [default])}
        if not (isinstance(value, dict) and value and all(isinstance(k, str) and isinstance(v, str) and v.strip()
                                                          for k, v in value.items())):
            raise Invalid()
        if self.need_default and default not in value:
            raise Invalid(self.need_default.format(**self.facts(value, at)), code="no-default-language")
        return {k: v.strip() for k, v in value.items()}

    def schema(self, env):
        text = {"type": "string", "minLength": 1}
        return {"oneOf": [text, {"type": "object", "additionalProperties": text, "minProperties": 1}]}
