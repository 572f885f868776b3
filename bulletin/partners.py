"""partners.yaml -> the partners bulletin deliver e-mails (name, addresses, language, formats), problems located."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .config import Config
from .validation import MISSING, At, Section, unwrap
from .options import Choice, ListOf, Str
from .problems import Problems
from .render import FORMATS
from .source import load_yaml, read_text

PARTNERS_FILE = "partners.yaml"
EMAIL_RE = re.compile(r"^[^@\s<>,;\"()]+@[^@\s<>,;\"()]+\.[^@\s<>,;\"()]+$")


@dataclass
class Partner:
    name: str
    emails: list[str]
    language: str
    formats: list[str]
    line: int = 0


PARTNER = Section({
    "name": Str("the organisation's name", required=True, description="the partner, as deliveries.json records it"),
    "email": ListOf(Str(pattern=EMAIL_RE.pattern), "an e-mail address or a list of them", single=True, min_items=1,
                    required=True, description="where the bulletin goes"),
    "language": Choice(lambda env: env["languages"], default=lambda env: env["default_language"],
                       description="the language of the issue sent"),
    "formats": ListOf(Choice(FORMATS), f"a list of {', '.join(FORMATS)}", single=True, min_items=1,
                      default=["pdf"], description="the formats attached (or linked)"),
}, area="partner", style="{label}: '{key}': expected {expected}, got {value!r}", sort_known=False,
   unknown="{label}: unknown key '{key}' (known: {known})", message="a partner must be a mapping with name, email, "
   "language and formats", label=lambda item: f"partner '{item.get('name')}'" if isinstance(item.get("name"), str)
   else "partner", whole=True, lines=True)
PARTNERS = ListOf(PARTNER, min_items=1, message="expected a list of partners (name, email, language, formats)",
                  unique=("name", "duplicate partner name '{value}' (first on line {first})"))


def load_partners(root: Path, config: Config, problems: Problems) -> list[Partner]:
    """partners.yaml: a list (or ``partners:`` list) of name, email, language, formats; problems located."""
    path = root.resolve() / PARTNERS_FILE
    if not path.is_file():
        problems.error(path, 0, f"no {PARTNERS_FILE} here: copy partners.example.yaml to {PARTNERS_FILE} and edit it",
                       code="partner.missing")
        return []
    text = read_text(path, problems)
    doc = load_yaml(text, path, problems) if text is not None else None
    if doc is None:
        return []
    data, at = unwrap(At.of(doc, path, problems, area="partner", env={
        "languages": config.languages, "default_language": config.default_language}), "partners")
    found = PARTNERS.check(data, at)
    partners, addresses = [], {}
    for item in found if found is not MISSING else ():
        for address in item["email"]:
            if address.lower() in addresses:  # allowed, but that mailbox gets two e-mails
                problems.warning(path, item["lines"]["email"], f"partner '{item['name']}': {address} is also an "
                                 f"address of partner '{addresses[address.lower()]}'", code="partner.shared-address")
            addresses.setdefault(address.lower(), item["name"])
        partners.append(Partner(item["name"], item["email"], item["language"],
                                [f for f in FORMATS if f in item["formats"]], item["lines"][""]))
    return partners
