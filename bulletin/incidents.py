"""content/{regions,violations,groups}.yaml + an entry's region, violations, persons -> validated incident data."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .config import KEY_RE  # the rubrics' rule for keys
from .validation import MISSING, Option
from .problems import Problems
from .source import YamlDoc, load_yaml, read_text

# kind -> (file under content/, what an entry names with it)
VOCABULARIES = {"region": "regions.yaml", "violation": "violations.yaml", "group": "groups.yaml"}
ROLES = ("victim", "perpetrator", "source", "intervening")  # HURIDOCS: victim, perpetrator, source, intervening party
ROLE_NAMES = {
    "victim": {"ru": "Пострадавшие", "kk": "Зардап шеккендер", "en": "Victims"},
    "perpetrator": {"ru": "Нарушители", "kk": "Құқық бұзушылар", "en": "Perpetrators"},
    "source": {"ru": "Источники", "kk": "Дереккөздер", "en": "Sources"},
    "intervening": {"ru": "Вмешавшиеся стороны", "kk": "Араласқан тараптар", "en": "Intervening parties"},
}
PERSON_KEYS = {
    "name": "the person's name as written in the entry",
    "role": f"one of: {', '.join(ROLES)}",
    "group": "the key of a group from content/groups.yaml (optional)",
    "confidential": "true withholds the name in public editions (it is still counted)",
}
KEYS = {
    "region": "the key of a region from content/regions.yaml: where the incident happened",
    "violations": "list of keys from content/violations.yaml: the rights violated",
    "persons": "list of the people involved: name, role, group, confidential",
}
TERM_KEYS = ("key", "name", "also")


@dataclass
class Term:
    key: str
    names: dict[str, str]
    also: list[str] = field(default_factory=list)
    line: int = 0

    def name(self, lang: str, default: str) -> str:
        return self.names.get(lang) or self.names.get(default) or self.key


@dataclass
class Vocabulary:
    kind: str
    path: Path
    terms: dict[str, Term] = field(default_factory=dict)

    def name(self, key: str, lang: str, default: str) -> str:
        term = self.terms.get(key)
        return term.name(lang, default) if term else key


@dataclass
class Person:
    name: str
    role: str
    group: str | None = None
    confidential: bool = False
    line: int = field(default=0, compare=False)  # where it is written, for messages; not part of its identity


def load_vocabulary(path: Path, kind: str, problems: Problems, default_language: str = "ru") -> Vocabulary | None:
    """One vocabulary file -> Vocabulary; None when the project has no such file (the feature is unused)."""
    if not path.is_file():
        return None
    vocabulary = Vocabulary(kind, path)
    text = read_text(path, problems)
    doc = load_yaml(text, path, problems) if text is not None else None
    if doc is None:
        return vocabulary
    if not isinstance(doc.data, list):
        problems.error(path, doc.line_of(doc.node), f"expected a list of {kind}s, each with 'key' and 'name'",
                       code="vocabulary.not-a-list")
        return vocabulary
    for item, node in zip(doc.data, doc.node.value):
        term = _read_term(item, node, doc, vocabulary, problems, default_language)
        if term is not None:
            vocabulary.terms[term.key] = term
    return vocabulary


def _read_term(item, node, doc: YamlDoc, vocabulary: Vocabulary, problems: Problems, default: str) -> Term | None:
    path, line, kind = vocabulary.path, doc.line_of(node), vocabulary.kind
    if not isinstance(item, dict):
        problems.error(path, line, f"a {kind} must be a mapping with 'key' and 'name'", code="vocabulary.not-a-mapping")
        return None
    lines = doc.key_lines(node)
    for extra in item:
        if extra not in TERM_KEYS:
            problems.warning(path, lines.get(str(extra), line),
                             f"unknown key '{extra}' in {kind} (known: {', '.join(TERM_KEYS)})", code="vocabulary.unknown-key")
    key, names, also = item.get("key"), item.get("name"), item.get("also") or []
    if not isinstance(key, str) or not KEY_RE.match(key):
        problems.error(path, lines.get("key", line), f"{kind} 'key': expected lower-case letters, digits and '-', "
                                                     f"got {key!r}", code="vocabulary.bad-key")
        return None
    if key in vocabulary.terms:
        problems.error(path, lines.get("key", line), f"duplicate {kind} key '{key}' (first on line "
                                                     f"{vocabulary.terms[key].line})", code="vocabulary.duplicate-key")
        return None
    names = {default: names} if isinstance(names, str) else names
    if not (isinstance(names, dict) and names.get(default) and all(isinstance(v, str) and v.strip()
                                                                   for v in names.values())):
        problems.error(path, lines.get("name", line), f"{kind} '{key}': 'name' must be a mapping of language to "
                                                      f"name, with the default language '{default}'",
                       code="vocabulary.bad-name")
        return None
    if not (isinstance(also, list) and all(isinstance(a, str) for a in also)):
        problems.error(path, lines.get("also", line), f"{kind} '{key}': 'also' must be a list of names",
                       code="vocabulary.bad-name")
        also = []
    return Term(key, {str(k): " ".join(v.split()) for k, v in names.items()}, also, lines.get("key", line))


def load_vocabularies(content_dir: Path, problems: Problems, default_language: str) -> dict[str, Vocabulary]:
    """Every vocabulary file the project has, by kind."""
    found = {kind: load_vocabulary(content_dir / name, kind, problems, default_language)
             for kind, name in VOCABULARIES.items()}
    return {kind: vocabulary for kind, vocabulary in found.items() if vocabulary is not None}


# Problem codes by vocabulary (codes.py lists them)
UNKNOWN = {"region": "entry.unknown-region", "violation": "entry.unknown-violation", "group": "entry.unknown-group"}
NO_VOCABULARY = {"region": "entry.no-region-vocabulary", "violation": "entry.no-violation-vocabulary",
                 "group": "entry.no-group-vocabulary"}


class _Reader:
    """Checks one entry's incident fields against the vocabularies; every message at its YAML line."""

    def __init__(self, entry, doc: YamlDoc, vocabularies: dict[str, Vocabulary], problems: Problems):
        self.entry, self.doc, self.vocabularies, self.problems = entry, doc, vocabularies, problems

    def node(self, parent, key: str):
        if not isinstance(parent, yaml.MappingNode):
            return None
        return next((value for name, value in parent.value if getattr(name, "value", None) == key), None)

    def known(self, kind: str, value: object, line: int, what: str) -> str | None:
        """``value`` when it is a key of the vocabulary, else an error listing the keys."""
        vocabulary = self.vocabularies.get(kind)
        if vocabulary is None:
            self.problems.error(self.entry.path, line, f"'{what}' needs content/{VOCABULARIES[kind]}, the list of "
                                                       f"{kind}s (copy it from the sample project)",
                                code=NO_VOCABULARY[kind])
            return None
        if isinstance(value, str) and value in vocabulary.terms:
            return value
        self.problems.error(self.entry.path, line, f"unknown {kind} {_shown(value)} in '{what}' (known: "
                                                   f"{', '.join(vocabulary.terms)})", code=UNKNOWN[kind])
        return None

    def region(self) -> None:
        value = self.entry.meta.get("region")
        if value is not None:
            self.entry.region = self.known("region", value, self.entry.line("region"), "region")

    def violations(self) -> None:
        value, line = self.entry.meta.get("violations"), self.entry.line("violations")
        if value is None:
            return
        items = self.node(self.doc.node, "violations")
        if not isinstance(value, list):
            self.problems.error(self.entry.path, line, "'violations' must be a list of keys, e.g. "
                                                       "[detention, expression]", code="entry.violations-not-list")
            return
        found = []
        for item, node in zip(value, items.value):
            key = self.known("violation", item, self.doc.line_of(node), "violations")
            if key and key not in found:
                found.append(key)
        self.entry.violations = found

    def persons(self) -> None:
        value, line = self.entry.meta.get("persons"), self.entry.line("persons")
        if value is None:
            return
        if not isinstance(value, list):
            self.problems.error(self.entry.path, line, "'persons' must be a list of persons, each with 'name' and "
                                                       "'role'", code="entry.persons-not-list")
            return
        for number, (item, node) in enumerate(zip(value, self.node(self.doc.node, "persons").value), start=1):
            person = self.person(number, item, node)
            if person is not None:
                self.entry.persons.append(person)

    def person(self, number: int, item: object, node) -> Person | None:
        path, line, problems = self.entry.path, self.doc.line_of(node), self.problems
        if not isinstance(item, dict):
            problems.error(path, line, f"person {number} must be a mapping with 'name' and 'role', got "
                                       f"{_shown(item)}", code="entry.person-not-mapping")
            return None
        lines = self.doc.key_lines(node)
        for extra in item:
            if extra not in PERSON_KEYS:
                problems.warning(path, lines.get(str(extra), line), f"unknown key '{extra}' in person {number} "
                                                                    f"(known: {', '.join(PERSON_KEYS)})",
                                 code="entry.unknown-person-key")
        name, role, group = item.get("name"), item.get("role"), item.get("group")
        confidential, ok = item.get("confidential", False), True
        if not (isinstance(name, str) and name.strip()):
            problems.error(path, lines.get("name", line), f"person {number} has no 'name'",
                           code="entry.person-without-name")
            ok = False
        if role is None:
            problems.error(path, line, f"person {number} has no 'role' (one of: {', '.join(ROLES)})",
                           code="entry.person-without-role")
            ok = False
        elif role not in ROLES:
            problems.error(path, lines.get("role", line), f"unknown role {_shown(role)} of person {number} "
                                                          f"(known: {', '.join(ROLES)})", code="entry.unknown-role")
            ok = False
        if group is not None and self.known("group", group, lines.get("group", line), "group") is None:
            ok = False
        if not isinstance(confidential, bool):
            problems.error(path, lines.get("confidential", line), f"'confidential' of person {number} must be true "
                                                                  f"or false, got {_shown(confidential)}",
                           code="entry.confidential-not-bool")
            ok = False
        if not ok:
            return None
        return Person(" ".join(name.split()), role, group, confidential, lines.get("name", line))


def _shown(value: object) -> str:
    text = f"'{value}'" if isinstance(value, str) else repr(value)
    return text if len(text) <= 40 else text[:37] + "…"


def read_incident(entry, doc: YamlDoc, vocabularies: dict[str, Vocabulary], problems: Problems) -> None:
    """Fill ``entry.region``, ``entry.violations`` and ``entry.persons`` from its front matter (``doc``)."""
    reader = _Reader(entry, doc, vocabularies, problems)
    reader.region()
    reader.violations()
    reader.persons()


def _enum(config, kind: str) -> dict:
    """A vocabulary as a JSON Schema enum, its names in the default language as the description."""
    vocabulary = config.vocabularies.get(kind)
    if vocabulary is None:  # the project has no such file: any key is refused by check, say where to add it
        return {"type": "string", "description": f"a key from content/{VOCABULARIES[kind]} (not in this project)"}
    names = "; ".join(f"{t.key} = {t.name(config.default_language, config.default_language)}"
                      for t in vocabulary.terms.values())
    return {"type": "string", "enum": list(vocabulary.terms), "description": names}


def schema_properties(config) -> dict:
    """The incident fields for `bulletin schema`, with the project's vocabularies as enums."""
    person = {key: {"description": text} for key, text in PERSON_KEYS.items()}
    person["name"] |= {"type": "string", "minLength": 1}
    person["role"] |= {"type": "string", "enum": list(ROLES)}
    person["group"] |= {k: v for k, v in _enum(config, "group").items() if k != "description"}
    person["confidential"] |= {"type": "boolean"}
    return {
        "region": {**_enum(config, "region"), "description": f"{KEYS['region']}: {_enum(config, 'region')['description']}"},
        "violations": {"type": "array", "items": _enum(config, "violation"), "description": KEYS["violations"]},
        "persons": {"type": "array", "description": KEYS["persons"],
                    "items": {"type": "object", "properties": person, "required": ["name", "role"],
                              "additionalProperties": False}},
    }


class IncidentField(Option):
    """A row of the front-matter table (frontmatter.FIELDS) for an incident field: read_incident checks it
    against the vocabularies with its own messages; the row gives check its key and the schema its rule."""

    def __init__(self, key: str):
        super().__init__(description=KEYS[key])
        self.key = key

    def validate(self, value, at):
        return MISSING  # the entry keeps its default until read_incident, which runs next, sets the checked value

    def schema(self, env):
        return schema_properties(env["config"])[self.key]

    def describe(self, env):
        return self.schema(env)  # its description names the vocabulary's terms


def region_name(config, key: str | None, lang: str) -> str | None:
    """The region as the meta line shows it in ``lang``; None without one or with ``meta_region: false``."""
    vocabulary = config.vocabularies.get("region")
    if key is None or vocabulary is None or not config.switches.get("meta_region", True):
        return None
    return vocabulary.name(key, lang, config.default_language)
