"""bulletin.yaml + content/rubrics.yaml -> Config, with every problem located by file and line."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .codes import read_ignore
from .problems import Problems
from .source import YamlDoc, load_yaml, read_text

CONFIG_FILE = "bulletin.yaml"
RUBRICS_FILE = "rubrics.yaml"
KNOWN_LANGUAGES = ("ru", "kk", "en")
POLICIES = ("omit", "original")
PDF_VARIANTS = ("none", "pdf/ua-1", "pdf/a-3u", "pdf/a-2u", "pdf/a-3b")
KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
SECURITIES = {"starttls": 587, "ssl": 465, "none": 25}  # with the port each one uses by default
ENV_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
URL_BASE_RE = re.compile(r"^https?://[^\s/]+(/\S*)?$")


@dataclass
class Rubric:
    key: str
    titles: dict[str, str]
    line: int = 0

    def title(self, lang: str, default: str) -> str:
        return self.titles.get(lang) or self.titles.get(default) or self.key


@dataclass
class Delivery:
    """bulletin.yaml's delivery section: how `bulletin deliver` reaches partners."""

    host: str = ""
    port: int = 587
    security: str = "starttls"
    user: str | None = None
    password_env: str | None = None
    sender: str = ""
    max_attachment_bytes: int = 10_000_000
    link_base: str | None = None


@dataclass
class Config:
    root: Path
    publication: dict[str, str] = field(default_factory=lambda: {"ru": "Бюллетень"})
    publisher: dict[str, str] = field(default_factory=dict)
    languages: list[str] = field(default_factory=lambda: ["ru"])
    default_language: str = "ru"
    translations: dict[str, str] = field(default_factory=dict)
    limits: dict[str, int] = field(default_factory=lambda: {
        "front_matter_bytes": 64 * 1024, "body_bytes": 2 * 1024 * 1024, "nesting": 20, "table_columns": 100, "table_cells": 2000,
        "word_length": 200, "inline_nesting": 30, "image_pixels": 50_000_000, "image_bytes": 50_000_000, "pdf_memory_mb": 3072})
    timeouts: dict[str, int] = field(default_factory=lambda: {"pandoc": 120, "pdf": 900})
    pdf_variant: str = "pdf/ua-1"
    rubrics: list[Rubric] = field(default_factory=list)
    min_coverage: dict[str, float] = field(default_factory=dict)
    delivery: Delivery | None = None
    vocabularies: dict = field(default_factory=dict)  # kind -> incidents.Vocabulary (regions, violations, groups)
    switches: dict[str, bool] = field(default_factory=lambda: {"meta_region": True, "statistics": False})
    ignore: list[str] = field(default_factory=list)  # warning codes to silence (codes.read_ignore)

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def layouts_dir(self) -> Path:
        return self.root / "layouts"

    @property
    def fonts_dir(self) -> Path:
        return self.root / "fonts"

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_FILE

    @property
    def rubrics_path(self) -> Path:
        return self.content_dir / RUBRICS_FILE

    def rubric(self, key: str) -> Rubric | None:
        return next((r for r in self.rubrics if r.key == key), None)

    def localized(self, values: dict[str, str], lang: str) -> str:
        return values.get(lang) or values.get(self.default_language) or next(iter(values.values()), "")

    def policy(self, lang: str) -> str:
        return self.translations.get(lang, "omit")


def _type_name(value: object) -> str:
    if value is None:
        return "nothing"
    return {str: "a string", int: "a number", float: "a number", bool: "true/false",
            list: "a list", dict: "a mapping"}.get(type(value), type(value).__name__)


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "…"


class _Checker:
    """Validates one mapping key by key: messages name the key, the expectation and the value."""

    def __init__(self, doc: YamlDoc, path: Path, problems: Problems):
        self.doc, self.path, self.problems = doc, path, problems
        self.lines = doc.key_lines()

    def wrong(self, key: str, expected: str, value: object) -> None:
        self.problems.error(self.path, self.lines.get(key, 1),
                            f"'{key}': expected {expected}, got {_type_name(value)} ({_shown(value)})")

    def localized(self, key: str, value: object, languages: list[str]) -> dict[str, str] | None:
        if isinstance(value, str) and value.strip():
            return {lang: value for lang in languages}
        if isinstance(value, dict) and value and all(isinstance(k, str) and isinstance(v, str)
                                                     for k, v in value.items()):
            return dict(value)
        self.wrong(key, "a string or a mapping of language to string", value)
        return None


def _check_config(doc: YamlDoc, path: Path, problems: Problems, config: Config) -> None:
    data = doc.data if doc.data is not None else {}
    if not isinstance(data, dict):
        problems.error(path, doc.line_of(doc.node), f"expected a mapping of settings, got {_type_name(data)}")
        return
    check = _Checker(doc, path, problems)
    known = {"publication", "publisher", "languages", "default_language", "translations",
             "limits", "timeouts", "pdf_variant", "publish", "delivery", "ignore", *config.switches}
    for key in data:
        if key not in known:
            problems.warning(path, check.lines.get(str(key), 1),
                             f"unknown key '{key}' (known: {', '.join(sorted(known))})")

    languages = data.get("languages", config.languages)
    if not (isinstance(languages, list) and languages and all(isinstance(x, str) for x in languages)):
        check.wrong("languages", "a list of language codes", languages)
    else:
        bad = [x for x in languages if x not in KNOWN_LANGUAGES]
        if bad:
            problems.error(path, check.lines.get("languages", 1),
                           f"'languages': unsupported language {', '.join(map(repr, bad))} "
                           f"(supported: {', '.join(KNOWN_LANGUAGES)})")
        # Go on with the valid ones, so that later keys are not reported for a mistake made here.
        config.languages = list(dict.fromkeys(x for x in languages if x in KNOWN_LANGUAGES)) or config.languages

    default = data.get("default_language", config.default_language)
    if not isinstance(default, str):
        check.wrong("default_language", "a language code", default)
    elif default not in config.languages:
        problems.error(path, check.lines.get("default_language", 1),
                       f"'default_language': '{default}' is not one of languages ({', '.join(config.languages)})")
    else:
        config.default_language = default

    for key in ("publication", "publisher"):
        if key in data:
            value = check.localized(key, data[key], config.languages)
            if value is not None:
                setattr(config, key, value)

    translations = data.get("translations", {})
    if not isinstance(translations, dict):
        check.wrong("translations", "a mapping of language to policy (omit or original)", translations)
    else:
        for lang, policy in translations.items():
            if lang not in config.languages or policy not in POLICIES:
                problems.error(path, check.lines.get("translations", 1),
                               f"'translations': expected language: {' or '.join(POLICIES)}, "
                               f"got {lang}: {policy!r}")
            else:
                config.translations[lang] = policy

    for key in ("limits", "timeouts"):
        value = data.get(key, {})
        defaults = getattr(config, key)
        if not isinstance(value, dict):
            check.wrong(key, "a mapping", value)
            continue
        for name, number in value.items():
            if name not in defaults:
                problems.warning(path, check.lines.get(key, 1),
                                 f"unknown key '{key}.{name}' (known: {', '.join(sorted(defaults))})")
            elif not isinstance(number, int) or isinstance(number, bool) or number <= 0:
                check.wrong(key, f"a positive whole number for '{name}'", number)
            else:
                defaults[name] = number

    for key, default in config.switches.items():  # bulletin/incidents.py: the meta line's region, statistics
        value = data.get(key, default)
        if isinstance(value, bool):
            config.switches[key] = value
        else:
            check.wrong(key, "true or false", value)

    variant = data.get("pdf_variant", config.pdf_variant)
    if variant not in PDF_VARIANTS:
        problems.error(path, check.lines.get("pdf_variant", 1),
                       f"'pdf_variant': expected one of {', '.join(PDF_VARIANTS)}, got {_shown(variant)}")
    else:
        config.pdf_variant = variant
    ignore = read_ignore(data.get("ignore", []), path, check.lines.get("ignore", 1), problems)
    if ignore is None:
        check.wrong("ignore", "a list of problem codes", data["ignore"])
    config.ignore = ignore or []
    _check_publishing(doc, data, path, problems, config)


class _Section:
    """A nested mapping of bulletin.yaml (publish, delivery, delivery.smtp): keys located on their own lines."""

    def __init__(self, doc: YamlDoc, node, name: str, value: object, known: set[str], line: int, problems: Problems,
                 path: Path):
        self.doc, self.name, self.line, self.problems, self.path = doc, name, line, problems, path
        self.node = node if isinstance(node, yaml.MappingNode) else None
        self.lines = doc.key_lines(self.node) if self.node is not None else {}
        self.data = value if isinstance(value, dict) else {}
        if not isinstance(value, dict):
            problems.error(path, line, f"'{name}': expected a mapping, got {_type_name(value)} ({_shown(value)})")
        for key in self.data:
            if key not in known:
                problems.warning(path, self.lines.get(str(key), line),
                                 f"unknown key '{name}.{key}' (known: {', '.join(sorted(known))})")

    def child(self, key: str, known: set[str]) -> "_Section":
        node = next((v for k, v in self.node.value if k.value == key), None) if self.node is not None else None
        return _Section(self.doc, node, f"{self.name}.{key}" if self.name else key, self.data.get(key), known,
                        self.lines.get(key, self.line), self.problems, self.path)

    def wrong(self, key: str, expected: str, value: object) -> None:
        self.problems.error(self.path, self.lines.get(key, self.line),
                            f"'{self.name}.{key}': expected {expected}, got {_type_name(value)} ({_shown(value)})")


def _check_publishing(doc: YamlDoc, data: dict, path: Path, problems: Problems, config: Config) -> None:
    """The publish section (used by bulletin publish): minimum translation coverage per language."""
    top = _Section(doc, doc.node, "", data, set(data), 1, problems, path)
    if "publish" in data:
        publish = top.child("publish", {"min_coverage"})
        if "min_coverage" in publish.data:
            coverage = publish.child("min_coverage", set(config.languages))
            for lang, share in coverage.data.items():
                if isinstance(share, str) and re.fullmatch(r"\d+(\.\d+)?%", share.strip()):
                    share = float(share.strip()[:-1]) / 100
                if lang not in config.languages:
                    pass  # already warned about as an unknown key, with the configured languages
                elif isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 <= share <= 1:
                    coverage.wrong(lang, "a share from 0 to 1 (or 0% to 100%)", share)
                else:
                    config.min_coverage[lang] = float(share)
    if "delivery" in data:
        _check_delivery(top.child("delivery", {"smtp", "from", "max_attachment_bytes", "link_base"}), problems, config)


def _check_delivery(delivery: _Section, problems: Problems, config: Config) -> None:
    """The delivery section (used by bulletin deliver); config.delivery stays None unless it is all valid."""
    errors, result = len(problems.errors), Delivery()
    smtp = delivery.child("smtp", {"host", "port", "security", "user", "password_env"})
    host, security = smtp.data.get("host"), smtp.data.get("security", "starttls")
    if isinstance(delivery.data.get("smtp"), dict) and not (isinstance(host, str) and host.strip()):
        smtp.wrong("host", "the mail server's host name", host)
    if security not in SECURITIES:
        smtp.wrong("security", f"one of {', '.join(SECURITIES)}", security)
    else:
        result.host, result.security, result.port = str(host or "").strip(), security, SECURITIES[security]
    port = smtp.data.get("port", result.port)
    if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
        smtp.wrong("port", "a port number from 1 to 65535", port)
    result.port = port
    for key in ("user", "password_env"):
        value = smtp.data.get(key)
        if value is not None and not (isinstance(value, str) and value.strip()):
            smtp.wrong(key, "a string", value)
        elif value is not None:
            setattr(result, key, value.strip())
    if result.password_env and not ENV_NAME_RE.match(result.password_env):
        smtp.wrong("password_env", "the name of an environment variable", result.password_env)
    if result.user and not result.password_env:
        problems.error(smtp.path, smtp.lines.get("user", smtp.line), "'delivery.smtp.user' needs 'password_env': "
                       "the name of the environment variable that holds the password (never the password itself)")
    if result.user and security == "none":
        problems.error(smtp.path, smtp.lines.get("security", smtp.line),
                       "'delivery.smtp.security': none would send the password unencrypted; use starttls or ssl")
    sender = delivery.data.get("from")
    if not (isinstance(sender, str) and "@" in sender):
        delivery.wrong("from", "the sender's address, e.g. \"Name <bulletin@example.org>\"", sender)
    else:
        result.sender = sender.strip()
    limit = delivery.data.get("max_attachment_bytes", result.max_attachment_bytes)
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        delivery.wrong("max_attachment_bytes", "a whole number of bytes", limit)
    else:
        result.max_attachment_bytes = limit
    base = delivery.data.get("link_base")
    if base is not None and not (isinstance(base, str) and URL_BASE_RE.match(base.strip())):
        delivery.wrong("link_base", "the http(s) URL where dist/ is served", base)
    elif base is not None:
        result.link_base = base.strip() if base.strip().endswith("/") else base.strip() + "/"
    if len(problems.errors) == errors:
        config.delivery = result


def _check_rubrics(doc: YamlDoc, path: Path, problems: Problems, config: Config) -> None:
    data, node = doc.data, doc.node
    if isinstance(data, dict) and "rubrics" in data:
        node = next(v for k, v in node.value if k.value == "rubrics")
        data = data["rubrics"]
    if not isinstance(data, list):
        problems.error(path, doc.line_of(node), f"expected a list of rubrics, got {_type_name(data)}")
        return
    seen: dict[str, int] = {}
    for item, item_node in zip(data, node.value):
        line = doc.line_of(item_node)
        if not isinstance(item, dict):
            problems.error(path, line, f"a rubric must be a mapping with 'key' and 'title', got {_type_name(item)}")
            continue
        lines = doc.key_lines(item_node)
        key, title = item.get("key"), item.get("title")
        for extra in set(item) - {"key", "title"}:
            problems.warning(path, lines.get(str(extra), line), f"unknown key '{extra}' in rubric (known: key, title)")
        if not isinstance(key, str) or not KEY_RE.match(key):
            problems.error(path, lines.get("key", line),
                           f"rubric 'key': expected lower-case letters, digits and '-', got {_shown(key)}")
            continue
        if key in seen:
            problems.error(path, lines.get("key", line), f"duplicate rubric key '{key}' (first on line {seen[key]})")
            continue
        seen[key] = lines.get("key", line)
        if isinstance(title, str):
            title = {config.default_language: title}
        if not (isinstance(title, dict) and all(isinstance(v, str) and v.strip() for v in title.values())):
            problems.error(path, lines.get("title", line),
                           f"rubric '{key}': 'title' must be a string or a mapping of language to string")
            continue
        if config.default_language not in title:
            problems.error(path, lines.get("title", line),
                           f"rubric '{key}' has no title in the default language '{config.default_language}'")
            continue
        config.rubrics.append(Rubric(key, {str(k): v.strip() for k, v in title.items()}, seen[key]))
    if not config.rubrics and not problems.errors:
        problems.error(path, 1, "no rubrics defined")


def load_config(root: Path, problems: Problems) -> Config:
    """Read the project's settings and rubric list; problems are collected, never raised."""
    config = Config(root=root.resolve())
    path = config.config_path
    if not path.is_file():
        problems.error(path, 0, f"no {CONFIG_FILE} here: is {root} a bulletin project?")
        return config
    text = read_text(path, problems)
    doc = load_yaml(text, path, problems) if text is not None else None
    if doc is not None:
        _check_config(doc, path, problems, config)
    rubrics = config.rubrics_path
    if not rubrics.is_file():
        problems.error(rubrics, 0, "missing: the list of rubrics, in bulletin order")
        return config
    text = read_text(rubrics, problems)
    doc = load_yaml(text, rubrics, problems) if text is not None else None
    if doc is not None:
        _check_rubrics(doc, rubrics, problems, config)
    from .incidents import load_vocabularies  # imports this module's KEY_RE
    config.vocabularies = load_vocabularies(config.content_dir, problems, config.default_language)
    return config
