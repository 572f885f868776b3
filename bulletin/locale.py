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


def catalog_path(layouts: Path, lang: str) -> Path:
    return layouts / "locales" / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@dataclass
class Messages:
    """Interface strings of one language, falling back to the default language (with a warning)."""

    lang: str
    primary: gettext.GNUTranslations | None
    fallback: gettext.GNUTranslations | None
    missing: set[str] = field(default_factory=set)

    def _has(self, trans: gettext.GNUTranslations | None, msgid: str, plural: bool = False) -> bool:
        if trans is None:
            return False
        catalog = trans._catalog  # noqa: SLF001 - gettext has no public "is translated" query
        return bool(catalog.get((msgid, 0) if plural else msgid))

    def gettext(self, msgid: str) -> str:
        if self._has(self.primary, msgid):
            return self.primary.gettext(msgid)
        self.missing.add(msgid)
        if self._has(self.fallback, msgid):
            return self.fallback.gettext(msgid)
        return msgid

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        if self._has(self.primary, singular, plural=True):
            return self.primary.ngettext(singular, plural, n)
        self.missing.add(singular)
        if self._has(self.fallback, singular, plural=True):
            return self.fallback.ngettext(singular, plural, n)
        return singular if n == 1 else plural


def compile_catalog(path: Path, problems: Problems) -> gettext.GNUTranslations | None:
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
    return gettext.GNUTranslations(buffer)


def load_messages(layouts: Path, lang: str, default: str, problems: Problems) -> Messages:
    primary = compile_catalog(catalog_path(layouts, lang), problems)
    fallback = compile_catalog(catalog_path(layouts, default), problems) if lang != default else None
    if primary is None and lang != default:
        problems.warning(catalog_path(layouts, lang), 0,
                         f"no interface catalog for '{lang}'; using '{default}' strings")
    return Messages(lang, primary, fallback)


def report_missing(messages: Messages, layouts: Path, default: str, problems: Problems) -> None:
    if messages.missing and messages.primary is not None:
        shown = ", ".join(sorted(repr(m) for m in messages.missing)[:5])
        more = "" if len(messages.missing) <= 5 else f" and {len(messages.missing) - 5} more"
        problems.warning(catalog_path(layouts, messages.lang), 0,
                         f"{len(messages.missing)} interface string(s) not translated into "
                         f"'{messages.lang}' ({shown}{more}); using '{default}'")


def catalog_completeness(layouts: Path, lang: str) -> tuple[int, int]:
    """(translated, total) messages of a language's catalog."""
    path = catalog_path(layouts, lang)
    if not path.is_file():
        return 0, 0
    with path.open("rb") as handle:
        catalog = read_po(handle)
    messages = [m for m in catalog if m.id]
    done = [m for m in messages if (all(m.string) if isinstance(m.string, tuple) else m.string)
            and not m.fuzzy]
    return len(done), len(messages)


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
