"""bulletin.yaml + content/rubrics.yaml -> Config, with every problem located by file and line."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from .validation import MISSING, At, Invalid, Option, Section, unwrap
from .options import Bool, Choice, Int, ListOf, Localized, Str, Url
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
LIMITS = {"front_matter_bytes": 64 * 1024, "body_bytes": 2 * 1024 * 1024, "nesting": 20, "table_columns": 100,
          "table_cells": 2000, "word_length": 200, "inline_nesting": 30, "image_pixels": 50_000_000,
          "image_bytes": 50_000_000, "pdf_memory_mb": 3072}
TIMEOUTS = {"pandoc": 120, "pdf": 900}


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
    limits: dict[str, int] = field(default_factory=lambda: dict(LIMITS))
    timeouts: dict[str, int] = field(default_factory=lambda: dict(TIMEOUTS))
    pdf_variant: str = "pdf/ua-1"
    rubrics: list[Rubric] = field(default_factory=list)
    min_coverage: dict[str, float] = field(default_factory=dict)
    delivery: Delivery | None = None
    vocabularies: dict = field(default_factory=dict)  # kind -> incidents.Vocabulary (regions, violations, groups)
    switches: dict[str, bool] = field(default_factory=lambda: dict(SWITCHES))
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


class Languages(ListOf):
    """Only languages bulletin has dates, plurals and catalogs for; the valid ones go on, so that later keys
    are not reported for a mistake made here."""

    def validate(self, value, at):
        found = super().validate(value, at)
        bad = [x for x in found if x not in KNOWN_LANGUAGES]
        if bad:
            at.error(f"'languages': unsupported language {', '.join(map(repr, bad))} "
                     f"(supported: {', '.join(KNOWN_LANGUAGES)})", "unsupported-language")
        return list(dict.fromkeys(x for x in found if x in KNOWN_LANGUAGES)) or ["ru"]

    def schema(self, env):
        return {"type": "array", "items": {"enum": list(KNOWN_LANGUAGES)}, "minItems": 1}


class Share(Option):
    """A share of a whole: 0.8 or "80%"."""

    expected, code = "a share from 0 to 1 (or 0% to 100%)", "bad-share"
    PERCENT = r"^\s*[0-9]+(\.[0-9]+)?%\s*$"

    def validate(self, value, at):
        if isinstance(value, str) and re.match(self.PERCENT, value):
            value = float(value.strip()[:-1]) / 100
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
            raise Invalid()
        return float(value)

    def schema(self, env):
        return {"oneOf": [{"type": "number", "minimum": 0, "maximum": 1}, {"type": "string", "pattern": self.PERCENT}]}


class Policies(Option):
    """translations: a mapping of configured language to policy; each wrong pair is named."""

    expected, code = f"a mapping of language to policy ({' or '.join(POLICIES)})", "bad-translation-policy"

    def validate(self, value, at):
        if not isinstance(value, dict):
            raise Invalid()
        for lang, policy in value.items():
            if lang not in at.env["languages"] or policy not in POLICIES:
                at.error(f"'{at.name}': expected language: {' or '.join(POLICIES)}, got {lang}: {policy!r}", self.code)
        return {k: v for k, v in value.items() if k in at.env["languages"] and v in POLICIES}

    def schema(self, env):
        return {"type": "object", "propertyNames": {"enum": list(env.get("languages", KNOWN_LANGUAGES))},
                "additionalProperties": {"enum": list(POLICIES)}}


def _numbers(defaults: dict[str, int], what: str) -> Section:
    return Section({name: Int("a positive whole number", min=1, default=number, description=what)
                    for name, number in defaults.items()}, description=what)


def _check_login(values: dict, at: At) -> None:
    if values.get("user") and at.child("password_env").node is None:
        at.child("user").error("'delivery.smtp.user' needs 'password_env': the name of the environment variable "
                               "that holds the password (never the password itself)", "password-env-missing")
    if values.get("user") and values.get("security") == "none":
        at.child("security").error("'delivery.smtp.security': none would send the password unencrypted; use "
                                   "starttls or ssl", "password-unencrypted")


SMTP = Section({
    "host": Str("the mail server's host name", required=True),
    "security": Choice(SECURITIES, default=Delivery.security),
    "port": Int("a port number from 1 to 65535", min=1, max=65535,
                default=lambda env: SECURITIES.get(env.get("security"), Delivery.port)),
    "user": Str(),
    "password_env": Str("the name of an environment variable", pattern=ENV_NAME_RE.pattern),
}, rules=(_check_login,), required=True, description="the mail server bulletin deliver sends through")
DELIVERY = Section({
    "smtp": SMTP,
    "from": Str("the sender's address, e.g. \"Name <bulletin@example.org>\"", pattern="@", required=True),
    "max_attachment_bytes": Int("a whole number of bytes", min=0, default=Delivery.max_attachment_bytes),
    "link_base": Url("the http(s) URL where dist/ is served"),
}, area="delivery", whole=True, description="how bulletin deliver reaches partners (partners.yaml)")
SWITCHES = {"meta_region": True, "statistics": False}  # template switches (bulletin/incidents.py, stats_section.py)


class Ignore(ListOf):
    """bulletin.yaml's ``ignore:``: warning codes; an unknown or error code is itself a warning (codes.py)."""

    def validate(self, value, at):
        from .codes import read_ignore

        codes = super().validate(value, at)
        return read_ignore(codes, at.path, at.line, at.problems)


SETTINGS = Section({
    "languages": Languages(Str(), "a list of language codes", min_items=1, description=
                        f"the bulletin's languages, among {', '.join(KNOWN_LANGUAGES)}"),
    "default_language": Choice(lambda env: env["languages"], "a language code", default=Config.default_language,
                               required=lambda env: Config.default_language not in env["languages"],
                               refused="'{name}': '{value}' is not one of languages ({choices})",
                               description="the language entries are written in; the others are translations"),
    "publication": Localized(description="the bulletin's name"),
    "publisher": Localized(description="who publishes it"),
    "translations": Policies(description="per language: omit or original where a translation is missing"),
    "limits": _numbers(LIMITS, "what an entry may hold before it is refused"),
    "timeouts": _numbers(TIMEOUTS, "seconds a renderer may take"),
    "pdf_variant": Choice(PDF_VARIANTS, message="'{name}': expected one of {choices}, got {shown}"),
    "publish": Section({"min_coverage": Section(lambda env: {lang: Share() for lang in env["languages"]},
                                                description="per language, the share of entries translated")},
                       description="what bulletin publish requires"),
    "delivery": DELIVERY,
    "meta_region": Bool(default=SWITCHES["meta_region"], description="the entry's region at the end of its meta line"),
    "statistics": Bool(default=SWITCHES["statistics"], description="a statistics section after the last rubric"),
    "ignore": Ignore(Str(), "a list of problem codes", default=[], description="warning codes to silence on purpose"),
}, message="expected a mapping of settings, got {type}")


RUBRIC = Section({
    "key": Str(pattern=KEY_RE.pattern, message="rubric 'key': expected lower-case letters, digits and '-', got {shown}",
               code="bad-key", fatal=True, required=True, description="the name entries use in 'rubric:'"),
    "title": Localized(fill="default", required=True, message="{label}: 'title' must be a string or a mapping of "
                       "language to string", need_default="{label} has no title in the default language '{default}'",
                       description="the rubric's heading, per language"),
}, message="a rubric must be a mapping with 'key' and 'title', got {type}", unknown="unknown key '{key}' in rubric "
   "(known: {known})", label=lambda item: f"rubric '{item.get('key')}'", whole=True, lines=True)
RUBRICS = ListOf(RUBRIC, message="expected a list of rubrics, got {type}",
                 unique=("key", "duplicate rubric key '{value}' (first on line {first})"))


def _settings_at(doc: YamlDoc, path: Path, problems: Problems, config: Config) -> At:
    return At.of(doc, path, problems, env={"languages": config.languages, "default_language": config.default_language})


def _check_config(doc: YamlDoc, path: Path, problems: Problems, config: Config) -> None:
    data = doc.data if doc.data is not None else {}
    values = SETTINGS.check(data, _settings_at(doc, path, problems, config))
    if values is MISSING:
        return
    for key in ("languages", "default_language", "publication", "publisher", "translations", "limits",
                "timeouts", "pdf_variant"):  # what is absent or refused keeps Config's default
        if key in values:
            setattr(config, key, values[key])
    config.min_coverage = values.get("publish", {}).get("min_coverage", {})
    config.switches = {key: values.get(key, default) for key, default in SWITCHES.items()}
    config.ignore = values.get("ignore") or []
    if "delivery" in values:
        delivery, smtp = values["delivery"], values["delivery"]["smtp"]
        base = delivery.get("link_base")
        config.delivery = Delivery(smtp["host"], smtp["port"], smtp["security"], smtp.get("user"),
                                   smtp.get("password_env"), delivery["from"], delivery["max_attachment_bytes"],
                                   base if base is None or base.endswith("/") else base + "/")


def _check_rubrics(doc: YamlDoc, path: Path, problems: Problems, config: Config) -> None:
    data, at = unwrap(_settings_at(doc, path, problems, config), "rubrics")
    rubrics = RUBRICS.check(data, replace(at, area="rubric"))
    for item in rubrics if rubrics is not MISSING else ():
        config.rubrics.append(Rubric(item["key"], item["title"], item["lines"]["key"]))
    if not config.rubrics and not problems.errors:
        problems.error(path, 1, "no rubrics defined", code="rubric.none")


def load_config(root: Path, problems: Problems) -> Config:
    """Read the project's settings and rubric list; problems are collected, never raised."""
    config = Config(root=root.resolve())
    path = config.config_path
    if not path.is_file():
        problems.error(path, 0, f"no {CONFIG_FILE} here: is {root} a bulletin project?", code="config.missing")
        return config
    text = read_text(path, problems)
    doc = load_yaml(text, path, problems) if text is not None else None
    if doc is not None:
        _check_config(doc, path, problems, config)
    rubrics = config.rubrics_path
    if not rubrics.is_file():
        problems.error(rubrics, 0, "missing: the list of rubrics, in bulletin order", code="rubric.missing")
        return config
    text = read_text(rubrics, problems)
    doc = load_yaml(text, rubrics, problems) if text is not None else None
    if doc is not None:
        _check_rubrics(doc, rubrics, problems, config)
    from .incidents import load_vocabularies  # it imports this module's KEY_RE
    config.vocabularies = load_vocabularies(config.content_dir, problems, config.default_language)
    return config
