"""Typed options (Str, Int, Bool, Choice, Url, Date, ListOf, Localized, Section) -> checked values, located
problems, and the JSON Schema that states the same rules (MkDocs' config_options are the model)."""

from __future__ import annotations

import copy
import datetime as dt
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

import yaml

from .problems import Problems
from .source import YamlDoc

MISSING = object()  # no value: absent, or refused (then already reported)
# The one rule for an address (an entry's source, delivery's link base, `bulletin new --source`): http(s) and a
# host that starts with a letter or digit ("https://.example.org" is no address). No regex flags, so that JSON
# Schema, whose patterns are ECMA-262, reads the same pattern.
URL_PATTERN = r"^[Hh][Tt][Tt][Pp][Ss]?://[^\s/$.?#]\S*$"
URL_RE = re.compile(URL_PATTERN)
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"  # ASCII digits: \d takes any script's
DATE_RE = re.compile(DATE_PATTERN)
EXPECTED = "'{name}': expected {expected}, got {got}"  # bulletin.yaml's sentence: key, expectation, value
UNKNOWN = "unknown key '{name}' (known: {known})"


def type_name(value: object) -> str:
    if value is None:
        return "nothing"
    return {str: "a string", int: "a number", float: "a number", bool: "true/false",
            list: "a list", dict: "a mapping"}.get(type(value), type(value).__name__)


def shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "…"


class Invalid(Exception):
    """An option refuses a value. Without a message, the option's (or its section's) sentence is used;
    ``reported``: the problems are already collected (a mapping reports each of its keys itself)."""

    def __init__(self, message: str | None = None, *, code: str = "", note: str = "", reported: bool = False):
        super().__init__(message or "")
        self.message, self.code, self.note, self.reported = message, code, note, reported


@dataclass(frozen=True)
class At:
    """Where a value sits (file, YAML node, line, dotted name) and what its rules may depend on (``env``)."""

    path: Path
    problems: Problems
    doc: YamlDoc | None = None
    node: yaml.Node | None = None
    line: int = 1
    name: str = ""
    area: str = "config"  # the first half of every problem code: config.unknown-key, entry.bad-url
    style: str = EXPECTED
    label: str = ""  # who the sentence is about: "partner 'Alpha'", "rubric 'speech'"
    env: dict = field(default_factory=dict)

    @classmethod
    def of(cls, doc: YamlDoc, path: Path, problems: Problems, **kwargs) -> "At":
        return cls(path, problems, doc, doc.node, kwargs.pop("line", doc.line_of(doc.node)), **kwargs)

    @property
    def key(self) -> str:
        return self.name.rsplit(".", 1)[-1]

    def child(self, key: object) -> "At":
        """The value of ``key`` in this mapping, located on the key's line (or this one's, when absent)."""
        node, line = None, self.line
        if isinstance(self.node, yaml.MappingNode) and self.doc is not None:
            for k, v in self.node.value:
                if isinstance(k, yaml.ScalarNode) and str(k.value) == str(key):
                    node, line = v, self.doc.line_of(k)
        return replace(self, node=node, line=line, name=f"{self.name}.{key}" if self.name else str(key))

    def item(self, index: int) -> "At":
        node = self.node.value[index] if isinstance(self.node, yaml.SequenceNode) else None
        return replace(self, node=node, line=self.doc.line_of(node) if node is not None and self.doc else self.line)

    def error(self, message: str, code: str) -> None:
        self.problems.error(self.path, self.line, message, code=f"{self.area}.{code}")

    def warning(self, message: str, code: str) -> None:
        self.problems.warning(self.path, self.line, message, code=f"{self.area}.{code}")


class Option:
    """One value's rule. ``validate`` returns the value cleaned or raises Invalid; ``schema`` says the same
    in JSON Schema. ``message`` (a format string: name, key, label, value, got, shown, expected, choices …)
    replaces the section's sentence for this one key; ``code`` names the problem (``entry.<code>``)."""

    expected = "a value"
    code = "bad-value"
    reports = False  # whether validate() reports problems itself (mappings do, per key)

    def __init__(self, expected: str | None = None, *, default: object = MISSING, required: bool | Callable = False,
                 description: str = "", message: str | None = None, code: str | None = None, fatal: bool = False):
        self.expected = expected or self.expected
        self.code = code or self.code
        self._default, self._required = default, required
        self.description, self.message, self.fatal = description, message, fatal

    def default(self, env: dict) -> object:
        value = self._default(env) if callable(self._default) else self._default
        return copy.copy(value) if isinstance(value, (list, dict)) else value  # never one list for all entries

    def required(self, env: dict) -> bool:
        return self._required(env) if callable(self._required) else self._required

    def validate(self, value: object, at: At) -> object:
        return value

    def schema(self, env: dict) -> dict:
        return {}

    def describe(self, env: dict) -> dict:
        """The JSON Schema of this option, with its description."""
        found = self.schema(env)
        return {**found, "description": self.description} if self.description else found

    def facts(self, value: object, at: At) -> dict:
        return {"name": at.name, "key": at.key, "label": at.label, "value": value, "type": type_name(value),
                "pytype": type(value).__name__, "shown": shown(value), "got": f"{type_name(value)} ({shown(value)})",
                "cut": str(value)[:80], "expected": self.expected, "default": at.env.get("default_language", "")}

    def wrong(self, value: object, at: At) -> str:
        return (self.message or at.style).format(**self.facts(value, at))

    def check(self, value: object, at: At) -> object:
        """The value validated, or MISSING once its problem is reported at ``at``."""
        try:
            return self.validate(value, at)
        except Invalid as exc:
            if not exc.reported:
                message = exc.message or self.wrong(value, at)
                at.error(f"{message}: {exc.note}" if exc.note else message, exc.code or self.code)
            return MISSING


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


class Section(Option):
    """A mapping of named options (``fields``: a dict, or a function of the env for keys such as languages).

    Keys are checked in table order, each seeing the values before it (``default_language`` sees
    ``languages``). Unknown keys are warnings. A refused value falls back to its default; ``whole``: any
    problem inside refuses the section. ``missing``: the sentence for an absent (or "") required key
    (otherwise the option judges its default, or None: "got nothing"); ``empty``: values that count as
    absent; ``rules``: checks of several keys at once, ``rule(values, at)``; ``label``: a function of the
    mapping that names it in sentences; ``lines``: keep {"": the mapping's line, key: its line} as "lines"."""

    expected, code, reports = "a mapping", "bad-mapping", True

    def __init__(self, fields: dict | Callable, expected=None, *, style: str | None = None, area: str | None = None,
                 unknown: str = UNKNOWN, sort_known: bool = True, label: Callable | None = None,
                 missing: str | None = None, empty: tuple = (), whole: bool = False, rules: tuple = (),
                 lines: bool = False, **kwargs):
        super().__init__(expected, **kwargs)
        self.fields, self.style, self.area, self.unknown, self.sort_known = fields, style, area, unknown, sort_known
        self.label, self.missing, self.empty, self.whole, self.rules = label, missing, empty, whole, rules
        self.lines = lines

    def table(self, env: dict) -> dict[str, Option]:
        return self.fields(env) if callable(self.fields) else self.fields

    def validate(self, value, at):
        if not isinstance(value, dict):
            raise Invalid()
        at = replace(at, style=self.style or at.style, area=self.area or at.area,
                     label=self.label(value) if self.label else at.label)
        table, errors = self.table(at.env), len(at.problems.errors)
        known = ", ".join(sorted(table) if self.sort_known else table)
        for key in value:
            if key not in table:
                where = at.child(key)
                where.warning(self.unknown.format(name=where.name, key=key, label=at.label, known=known), "unknown-key")
        values: dict = {}
        for key, option in table.items():
            where = replace(at.child(key), env={**at.env, **values})
            absent = key not in value or any(value[key] is e for e in self.empty)
            if key in value and value[key] == "" and self.missing and option.required(where.env):
                absent = True  # an empty required key is as missing as an absent one
            if absent and not option.required(where.env):
                result = MISSING
            elif absent and self.missing:
                where.error(self.missing.format(key=key, name=where.name, label=at.label), "missing-key")
                result = MISSING
            else:  # a required key is judged as given, or as its default (which may not suit the rest)
                given = option.default(where.env) if absent else value[key]
                result = option.check(None if given is MISSING else given, where)
                if result is MISSING and option.fatal:
                    raise Invalid(reported=True)
            values[key] = option.default(where.env) if result is MISSING else result
            if values[key] is MISSING:
                del values[key]
        for rule in self.rules:
            rule(values, replace(at, env={**at.env, **values}))
        if self.whole and len(at.problems.errors) > errors:
            raise Invalid(reported=True)
        return values | ({"lines": {"": at.line} | {key: at.child(key).line for key in table}} if self.lines else {})

    def schema(self, env):
        # A key left empty (``empty``: `author:` with nothing) counts as absent for the check; the schema, which
        # editors' tools show while they type, asks for a value or no key.
        table = self.table(env)
        required = [key for key, option in table.items() if option.required(env)]
        return {"type": "object", "properties": {key: option.describe(env) for key, option in table.items()},
                **({"required": required} if required else {}), "additionalProperties": False}


def unwrap(at: At, key: str) -> tuple[object, At]:
    """A list given as ``key: [...]`` (``rubrics:``, ``partners:``) instead of at the top of its file."""
    data = at.doc.data if at.doc is not None else None
    if isinstance(data, dict) and key in data:
        where = at.child(key)
        return data[key], replace(where, name="", line=at.doc.line_of(where.node))
    return data, at
