"""Language rules -> text: Babel dates and plurals, gettext interface strings, typography per language."""

from __future__ import annotations

import datetime as dt
import gettext
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from babel.dates import format_date, format_skeleton
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from .problems import Problems

BABEL_LOCALES = {"ru": "ru_RU", "kk": "kk_KZ", "en": "en_GB"}
LANGUAGE_TAGS = {"ru": "ru-RU", "kk": "kk-KZ", "en": "en-GB"}
DOMAIN = "bulletin"
NBSP = "\u00a0"
# PT fonts have no U+202F/U+2009; Babel uses U+202F in ru/kk dates ("2026 г."), a plain NBSP looks the same.
SPACES = str.maketrans({"\u202f": NBSP, "\u2009": NBSP})
QUOTES = {"ru": ("«", "»", "„", "“"), "kk": ("«", "»", "„", "“"), "en": ("“", "”", "‘", "’")}
SHORT_WORDS = {"ru": set("вксоиаяуВКСОИАЯУ"), "kk": set(), "en": set()}


def format_long_date(date: dt.date, lang: str) -> str:
    """ru ``16 февраля 2026 г.``, kk ``2026 ж. 16 ақпан``, en ``16 February 2026``."""
    return format_date(date, "long", locale=BABEL_LOCALES[lang]).translate(SPACES)


def format_month(month: str, lang: str) -> str:
    """The cover's month, stand-alone (nominative) and capitalised: ``Февраль 2026``."""
    year, number = (int(x) for x in month.split("-"))
    text = format_date(dt.date(year, number, 1), "LLLL y", locale=BABEL_LOCALES[lang]).translate(SPACES)
    return text[:1].upper() + text[1:]


def format_month_in_text(month: str, lang: str) -> str:
    """The month inside a sentence, as CLDR writes it there: ``февраль 2026 г.``, ``2026 ж. ақпан``,
    ``February 2026``; lower case in Russian and Kazakh, unlike the cover's ``Февраль 2026``."""
    year, number = (int(x) for x in month.split("-"))
    return format_skeleton("yMMMM", dt.date(year, number, 1), locale=BABEL_LOCALES[lang]).translate(SPACES)


def _first(layouts: Path | list[Path], name: str) -> Path:
    """``name`` in the first layouts folder that has it (the project's, then bulletin's), else the first's."""
    folders = [layouts] if isinstance(layouts, Path) else layouts
    paths = [folder / "locales" / name for folder in folders]
    return next((path for path in paths if path.is_file()), paths[0])


def catalog_path(layouts: Path | list[Path], lang: str) -> Path:
    return _first(layouts, f"{lang}/LC_MESSAGES/{DOMAIN}.po")


def template_path(layouts: Path | list[Path]) -> Path:
    return _first(layouts, f"{DOMAIN}.pot")


@dataclass
class Catalog:
    """One compiled .po file: its translations, and the line of each msgid it lists (translated or not)."""

    path: Path
    translations: gettext.GNUTranslations
    lines: dict[str, int]

    def has(self, msgid: str, plural: bool = False) -> bool:
        catalog = self.translations._catalog  # noqa: SLF001 - gettext has no public "is translated" query
        return bool(catalog.get((msgid, 0) if plural else msgid))


@dataclass
class Messages:
    """Interface strings of one language. A string it lacks comes from the default language (``missing``,
    a warning); a string the default language lacks too is ``absent`` (an error): never English by accident."""

    lang: str
    default: str
    primary: Catalog | None
    fallback: Catalog | None
    missing: set[str] = field(default_factory=set)
    absent: set[str] = field(default_factory=set)

    def _lookup(self, msgid: str, plural: bool) -> gettext.GNUTranslations | None:
        if self.primary is not None and self.primary.has(msgid, plural):
            return self.primary.translations
        if self.lang != self.default:
            self.missing.add(msgid)
            if self.fallback is not None and self.fallback.has(msgid, plural):
                return self.fallback.translations
        self.absent.add(msgid)
        return None

    def gettext(self, msgid: str) -> str:
        found = self._lookup(msgid, plural=False)
        return found.gettext(msgid) if found else msgid

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        found = self._lookup(singular, plural=True)
        if found:
            return found.ngettext(singular, plural, n)
        return singular if n == 1 else plural


def compile_catalog(path: Path, problems: Problems) -> Catalog | None:
    """Read a .po file and compile it in memory (no .mo files in the repository or the tree)."""
    if not path.is_file():
        return None
    try:
        with path.open("rb") as handle:
            catalog = read_po(handle, abort_invalid=True)
    except Exception as exc:  # babel raises several types for a broken catalog
        line = getattr(exc, "lineno", 0)
        problems.error(path, line, f"cannot read catalog: {exc}")
        return None
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    lines = {_msgid(m): m.lineno or 0 for m in catalog if m.id}
    return Catalog(path, gettext.GNUTranslations(buffer), lines)


def _msgid(message) -> str:
    return message.id[0] if isinstance(message.id, tuple) else message.id


def load_messages(layouts: Path | list[Path], lang: str, default: str, problems: Problems) -> Messages:
    primary_path, default_path = catalog_path(layouts, lang), catalog_path(layouts, default)
    primary = compile_catalog(primary_path, problems)
    fallback = compile_catalog(default_path, problems) if lang != default else primary
    if fallback is None and not default_path.is_file():
        problems.error(default_path, 0, f"no interface catalog for the default language '{default}'")
    elif primary is None and not primary_path.is_file():
        problems.warning(primary_path, 0, f"no interface catalog for '{lang}': every interface string "
                                          f"falls back to the default language '{default}'")
    return Messages(lang, default, primary, fallback)


def report_missing(messages: Messages, problems: Problems) -> None:
    """One problem per interface string used but not translated, at the catalog (and line) that lacks it."""
    default = messages.fallback
    for msgid in sorted(messages.absent):
        if default is not None:
            problems.error(default.path, default.lines.get(msgid, 0),
                           f"msgid {msgid!r} has no translation in the default language's catalog "
                           f"('{messages.default}'); add it there")
    if messages.primary is None:
        return  # said once, when the catalog was not found
    for msgid in sorted(messages.missing - messages.absent):
        problems.warning(messages.primary.path, messages.primary.lines.get(msgid, 0),
                         f"msgid {msgid!r} is not translated into '{messages.lang}': "
                         f"using the default language's ('{messages.default}') translation")


def template_msgids(layouts: Path | list[Path]) -> dict[str, bool]:
    """The msgids of bulletin.pot (every interface string the code and templates use): msgid -> plural."""
    path = template_path(layouts)
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        return {_msgid(m): isinstance(m.id, tuple) for m in read_po(handle) if m.id}


def check_default_catalog(layouts: Path | list[Path], default: str, problems: Problems) -> None:
    """Every string of the template looked up in the default language's catalog, so that ``check`` reports
    the same errors a build would, before anything is rendered."""
    messages = load_messages(layouts, default, default, Problems())
    for msgid, plural in template_msgids(layouts).items():
        messages._lookup(msgid, plural)  # noqa: SLF001 - the lookup records what is absent
    report_missing(messages, problems)


def catalog_completeness(layouts: Path | list[Path], lang: str) -> tuple[int, int, list[str]]:
    """(translated, total, untranslated msgids) of a language's catalog, counted against the template
    (bulletin.pot) too, so a catalog that was never updated with new strings does not look complete."""
    expected = set(template_msgids(layouts))
    path = catalog_path(layouts, lang)
    done: set[str] = set()
    if path.is_file():
        with path.open("rb") as handle:
            catalog = read_po(handle)
        for message in (m for m in catalog if m.id):
            expected.add(_msgid(message))
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if all(strings) and not message.fuzzy:
                done.add(_msgid(message))
    return len(done), len(expected), sorted(expected - done)


# --- typography -------------------------------------------------------------------------------

_NUMBER_WORD = re.compile(r"(?<=\d) (?=[^\W\d_]|[%₸$€№])")
_DIGIT_GROUPS = re.compile(r"(?<=\b\d) (?=\d{3}\b)|(?<=\b\d\d) (?=\d{3}\b)|(?<=\b\d{3}) (?=\d{3}\b)")
_DASH = re.compile(r" +([—–])")
_HYPHEN_DASH = re.compile(r"(?<=\S) - (?=\S)")


# A straight quote opens after a space or opening punctuation, and closes otherwise; pairs nest.
_OPENING_CONTEXT = set(" \t\n\u00a0([{«„/—–-")


class QuoteState:
    """What a run of text has seen so far: the previous character and the quotes still open."""

    def __init__(self) -> None:
        self.prev = " "
        self.stack: list[str] = []


def smarten(text: str, lang: str, state: QuoteState | None = None) -> str:
    """Straight quotes to the language's quotes, nested by context (pandoc's smart quotes are
    English-only and garble "ТОО "Ақ жол""); apostrophes, --- and -- dashes, ... ellipses."""
    state = state or QuoteState()
    open_, close, inner_open, inner_close = QUOTES.get(lang, QUOTES["en"])
    text = text.replace("---", "—").replace("--", "–").replace("...", "…")
    out = []
    for index, char in enumerate(text):
        after = text[index + 1] if index + 1 < len(text) else " "
        if char == '"':
            opening = state.prev in _OPENING_CONTEXT and not after.isspace()
            if opening or not state.stack:
                char = open_ if not state.stack else inner_open
                state.stack.append('"')
            else:
                while state.stack and state.stack[-1] != '"':
                    state.stack.pop()
                state.stack.pop()
                char = close if not state.stack else inner_close
        elif char == "'":
            if state.prev.isalnum() and (after.isalnum() or "'" not in state.stack):
                char = "’"  # an apostrophe: O'Neil, isn't, workers'
            elif state.prev in _OPENING_CONTEXT and after.isalnum():
                state.stack.append("'")
                char = inner_open if lang in ("ru", "kk") else "‘"
            elif "'" in state.stack:
                while state.stack[-1] != "'":
                    state.stack.pop()
                state.stack.pop()
                char = inner_close if lang in ("ru", "kk") else "’"
            else:
                char = "’"
        out.append(char)
        # Remember what a quote did, not its glyph: “ opens in English but closes in Russian.
        if text[index] in "\"'" and char != "’":
            state.prev = "(" if char in (open_, inner_open, "‘") else ")"
        else:
            state.prev = "a" if char == "’" else char
    return "".join(out)


def typeset_text(text: str, lang: str) -> str:
    """Plain-text typography: quotes, dashes and no-break spaces by the language's rules."""
    if not text:
        return text
    text = smarten(text, lang)
    text = _HYPHEN_DASH.sub(" — " if lang in ("ru", "kk") else " – ", text)
    text = _DASH.sub(NBSP + r"\1", text)
    text = _DIGIT_GROUPS.sub(NBSP, text)
    text = _NUMBER_WORD.sub(NBSP, text)
    text = text.replace("№ ", "№" + NBSP)
    short = SHORT_WORDS.get(lang, set())
    if short:
        text = re.sub(r"(?<![\w-])([%s]) " % "".join(sorted(short)), r"\1" + NBSP, text)
    return text.translate(SPACES)


def _str(value: str) -> dict:
    return {"t": "Str", "c": value}


def typeset_inlines(inlines: list, lang: str, depth: int = 0, state: QuoteState | None = None) -> list:
    """The same rules on a pandoc AST inline list (Str/Space/Quoted nodes), recursively."""
    state = state or QuoteState()
    open_, close, inner_open, inner_close = QUOTES.get(lang, QUOTES["en"])
    short = SHORT_WORDS.get(lang, set())
    out: list = []
    for node in inlines:
        kind = node.get("t")
        if kind == "Quoted":
            quote_type, content = node["c"]
            nested = depth > 0 or quote_type["t"] == "SingleQuote"
            left, right = (inner_open, inner_close) if nested else (open_, close)
            out.append(_str(left))
            out.extend(typeset_inlines(content, lang, depth + 1, state))
            out.append(_str(right))
            continue
        if kind in ("Emph", "Strong", "Strikeout", "Underline", "SmallCaps", "Superscript", "Subscript"):
            node = {"t": kind, "c": typeset_inlines(node["c"], lang, depth, state)}
        elif kind in ("Link", "Span"):
            attr, content, *rest = node["c"]
            node = {"t": kind, "c": [attr, typeset_inlines(content, lang, depth, state), *rest]}
        elif kind == "Str":
            node = _str(smarten(node["c"], lang, state).translate(SPACES))
        elif kind in ("Space", "SoftBreak", "LineBreak"):
            state.prev = " "
        elif kind == "Code":
            state.prev = "x"
        out.append(node)
    # Second pass: decide each Space from its neighbours.
    result: list = []
    for index, node in enumerate(out):
        if node.get("t") == "Space" and 0 < index < len(out) - 1:
            before, after = out[index - 1], out[index + 1]
            left = before.get("c") if before.get("t") == "Str" else None
            right = after.get("c") if after.get("t") == "Str" else None
            if right == "-":  # a spaced hyphen is a dash: em in Russian and Kazakh, en in English
                right = "—" if lang in ("ru", "kk") else "–"
                out[index + 1] = after = _str(right)
            if right and right[0] in "—–":
                result.append(_str(NBSP))
                continue
            if left and (left in short or left[-1].isdigit() and right and (right[0].isalpha() or right[0] in "%₸$€")
                         or left.endswith("№") or left[-1].isdigit() and right and re.fullmatch(r"\d{3}\D*", right)
                         and len(re.sub(r"\D", "", left.split(NBSP)[-1])) <= 3):
                result.append(_str(NBSP))
                continue
        result.append(node)
    return result
