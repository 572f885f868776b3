"""A YAML value and its rule -> the value checked, or a located, coded problem: the Option base, Section
(a mapping of options), At (where a value sits) and Invalid; the typed options are in options.py."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

import yaml

from .problems import Problems
from .source import YamlDoc

MISSING = object()  # no value: absent, or refused (then already reported)
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
