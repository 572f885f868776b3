"""Text and pandoc ASTs as pasted -> the same set by the language's rules: quotes, dashes, no-break spaces."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable

from .quotes import set_quotes

NBSP = "\u00a0"
WORD_JOINER = "\u2060"  # after a range's en dash: browsers and WeasyPrint would otherwise break "50–|100"
# What web pages, Word and Telegram paste as spaces, and what the editors' HTML habits type: all of it is an
# ordinary space until the rules below decide where a no-break space belongs.
_FOREIGN_SPACES = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000]|&nbsp;|&#160;|&#x[aA]0;")
_RUN_OF_SPACES = re.compile(r"(?<=\S) {2,}")  # leading spaces are indentation (e-mail listings)
ATOM = "\ue000"  # stands for an inline the rules never enter (code, a link printed as its URL, a span in another language)
KEPT = "\ue001"  # stands for a URL or an e-mail address found in text, restored verbatim afterwards
_KEPT_TEXT = re.compile(r"(?:https?://|ftp://|mailto:|www\.)[^\s<>«»\"“”„]*[^\s<>«»\"“”„.,;:!?)\]']"
                        r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|[\ue000\ue001]")
INLINE_TYPES = {"Str", "Emph", "Underline", "Strong", "Strikeout", "Superscript", "Subscript", "SmallCaps",
                "Quoted", "Cite", "Code", "Space", "SoftBreak", "LineBreak", "Math", "RawInline", "Link",
                "Image", "Note", "Span"}
_CONTAINERS = {"Emph", "Underline", "Strong", "Strikeout", "Superscript", "Subscript", "SmallCaps"}
TYPESET_LANGUAGES = ("ru", "kk", "en")

# --- the rules ---------------------------------------------------------------------------------------
# English months keep their day and year: 16 February 2026, February 16, 2026. (A Russian or Kazakh day is
# bound to its month, and a year to г./ж., by the number rule.)
EN_MONTHS = "January February March April May June July August September October November December"
# Words of one or two letters bound to the word after them: prepositions, conjunctions, particles.
SHORT_WORDS = {"ru": "а в во да до за и из к ко на не ни но о об от по с со то у уж",
               "kk": "әр ең не я", "en": ""}
# Particles bound to the word before them.
PARTICLES = {"ru": "бы ли ль же", "kk": "ғой ма ме ба бе па пе да де та те", "en": ""}
# Abbreviations bound to what follows: ст. 174, п. 2, ч. 1, ул. Абая, г. Алматы (г. after a number is the year).
ABBREVIATIONS = "ст ч п пп ул обл см им рис стр гл тел пр просп кв корп мкр ж"
UNIT_SIGNS = "%‰°₸$€£¥₽"
UPPER = "A-ZА-ЯЁӘҒҚҢӨҰҮҺІ"
LOWER = "a-zа-яёәғқңөұүһі"

Rule = tuple[re.Pattern, str | Callable[[re.Match], str]] | None
SET_QUOTES = None  # the place of set_quotes among the rules


def _range(match: re.Match) -> str:
    """50-100 and 2020 – 2025 are ranges; 109-1 (an article number) and 8-701-… (a phone) are not."""
    left, right = match.group(1), match.group(2)
    return f"{left}–{WORD_JOINER}{right}" if int(right) > int(left) else match.group()


def _words(text: str) -> str:
    return "|".join(sorted(text.split(), key=len, reverse=True))


def _build_rules(lang: str) -> list[Rule]:
    nb = NBSP
    rules: list[Rule] = [
        (_FOREIGN_SPACES, " "),
        (_RUN_OF_SPACES, " "),
        (re.compile(r"---"), "—"),
        (re.compile(r"--"), "–"),
        (re.compile(r"(?<!\.)\.\.\.(?!\.)"), "…"),
        SET_QUOTES,  # before the rules below, which read the quotes as set
        (re.compile(r"(?<![\w.,\-–—/])(\d+) ?[-–—] ?(\d+)(?![\w\-–—]|[.,]\d)"), _range),
        # A dash between words, spaced: em dash in Russian and Kazakh, en dash in English; tied to the word before.
        (re.compile(r"(?<=\S) -(?=[ \u00a0]|$)"), nb + ("–" if lang == "en" else "—")),
        (re.compile(r"(?<=\S) ([–—])(?=[ \u00a0]|$)"), nb + (r"\1" if lang == "en" else "—")),
        # Digit groups: 86 500, 1 250 000.
        (re.compile(r"(?<![\d.,])\d{1,3}(?: \d{3})+(?!\d)"), lambda m: m.group().replace(" ", nb)),
        # A number and the word, unit or sign after it: 86 500 тенге, 50 KZT, 5 %, 2026 г., 16 февраля.
        (re.compile(rf"(?<=\d) (?=[^\W\d_]|[{UNIT_SIGNS}])"), nb),
        # A currency code or sign before a number: KZT 50, $ 100.
        (re.compile(rf"(?<![\w])([A-Z]{{3}}|[{UNIT_SIGNS}]) (?=\d)"), rf"\1{nb}"),
        (re.compile(r"([№§]) ?(?=[\w\ue000])"), rf"\1{nb}"),
        # Initials and the surname: М. Риттман, А. С. Пушкин (also typed А.С. Пушкин); the other way: Пушкин А. С.
        (re.compile(rf"(?<![\w.])([{UPPER}]\.)(?=[{UPPER}]\.[ {nb}]?[{UPPER}][{LOWER}])"), rf"\1{nb}"),
        (re.compile(rf"(?<![\w.])([{UPPER}]\.) (?=[{UPPER}](?:\.|[{LOWER}]))"), rf"\1{nb}"),
        (re.compile(rf"\b([{UPPER}][{LOWER}]+) (?=[{UPPER}]\.(?:[ {nb}]?[{UPPER}]\.)?(?![ {nb}]?[{UPPER}]|\w))"),
         rf"\1{nb}"),
        # т. е., т. д., и. о., т. б.
        (re.compile(rf"(?<![\w.])([{UPPER}{LOWER}][{LOWER}]?\.) (?=[{LOWER}]{{1,2}}\.)"), rf"\1{nb}"),
        (re.compile(rf"(?<![\w.\-])(?<!т\. )(?<!т\.{nb})((?:{_words(ABBREVIATIONS)})\.) (?=\S)"), rf"\1{nb}"),
        # г. Алматы (a town), but not "2026 г. Суд …" (a year, already bound to its number).
        (re.compile(rf"(?<![\w.])(?<!\d )(?<!\d{nb})(г\.) (?=[{UPPER}])"), rf"\1{nb}"),
        # Words that multiply a number stay with what they count: 86 тыс. тенге, 5 млн долларов.
        (re.compile(r"(?<=\d )(тыс\.|млн\.?|млрд\.?|трлн\.?|мың) (?=\S)"), rf"\1{nb}"),
        (re.compile(rf"(?<=\d{nb})(тыс\.|млн\.?|млрд\.?|трлн\.?|мың) (?=\S)"), rf"\1{nb}"),
    ]
    if lang == "en":
        months = _words(EN_MONTHS)
        rules += [(re.compile(rf"\b({months}) (?=\d)"), rf"\1{nb}"),
                  (re.compile(rf"\b((?:{months}){nb}\d{{1,2}},) (?=\d{{4}})"), rf"\1{nb}")]
    else:
        rules += [
            # Dialogue: a dash opening a paragraph or a line.
            (re.compile(r"^[-–—] ?(?=[^\W\d_]|[«„“‘])", re.MULTILINE), "—" + nb),
        ]
        # One lookbehind per word length (Python's are fixed-width): the match is the space alone, fast.
        for length in (1, 2):
            short = _words(" ".join(w for w in SHORT_WORDS[lang].split() if len(w) == length))
            if short:
                rules.append((re.compile(rf"(?<=(?<![\w\-’'.])(?i:{short})) (?=\S)"), nb))
        particles = _words(PARTICLES[lang])
        rules.append((re.compile(rf"(?<=[\w»”“’)]) (?=(?:{particles})(?![\w\-]))"), nb))
    return rules


RULES = {lang: _build_rules(lang) for lang in TYPESET_LANGUAGES}


# --- the one pass ----------------------------------------------------------------------------------
class _Run:
    """A paragraph's text as one string, each character remembering the AST leaf it came from."""

    def __init__(self) -> None:
        self.chars: list[str] = []
        self.origins: list[int] = []
        self.kept: list[str] = []

    def add(self, text: str, origin: int) -> None:
        def keep(match: re.Match) -> str:
            self.kept.append(match.group())
            return KEPT
        text = _KEPT_TEXT.sub(keep, text)
        self.chars.append(text)
        self.origins.extend([origin] * len(text))

    def apply(self, lang: str) -> tuple[str, list[int]]:
        text, origins = "".join(self.chars), self.origins
        for rule in RULES[lang]:
            if rule is SET_QUOTES:
                text = set_quotes(text, lang)  # one character for one: origins stay
            else:
                text, origins = _substitute(*rule, text, origins)
        return text, origins


def _substitute(pattern: re.Pattern, replacement, text: str, origins: list[int]) -> tuple[str, list[int]]:
    """re.sub that keeps each character's origin: a replacement of the same length keeps them one to one,
    any other takes the origin of where the match starts."""
    pieces, new_origins, last = [], [], 0
    for match in pattern.finditer(text):
        start, end = match.span()
        new = replacement(match) if callable(replacement) else match.expand(replacement)
        if new == match.group():
            continue
        pieces.append(text[last:start])
        new_origins.extend(origins[last:start])
        if len(new) == end - start:
            new_origins.extend(origins[start:end])
        else:
            where = origins[start] if start < len(origins) else origins[start - 1]
            new_origins.extend([where] * len(new))
        pieces.append(new)
        last = end
    if not pieces:
        return text, origins
    pieces.append(text[last:])
    new_origins.extend(origins[last:])
    return "".join(pieces), new_origins


def base_language(tag: str | None, default: str) -> str:
    return (tag or default).split("-")[0].split("_")[0].lower() or default


def typeset_text(text: str, lang: str) -> str:
    """Plain text (titles, names, interface strings, e-mail lines) set by the language's rules."""
    if not text or lang not in RULES:
        return text
    run = _Run()
    run.add(text, 0)
    result, _ = run.apply(lang)
    kept = iter(run.kept)
    return re.sub(KEPT, lambda _m: next(kept), result)


def _attr_lang(attr: list) -> str | None:
    return next((value for key, value in attr[2] if key == "lang"), None)


def _is_printed_url(node: dict) -> bool:
    """An autolink (pandoc's bare URI or e-mail), or a link whose text is its own address."""
    attr, content, (url, _title) = node["c"]
    if {"uri", "email"} & set(attr[1]):
        return True
    text = "".join(part.get("c", "") if part.get("t") == "Str" else "" for part in content)
    return bool(text) and text in (url, url.removeprefix("mailto:"))


class _Inlines:
    """Flattens an inline list, runs the rules once over its text, and rebuilds the same tree."""

    def __init__(self, lang: str):
        self.lang = lang
        self.run = _Run()
        self.leaves: list[dict] = []  # the original leaf nodes (Str, Space, breaks, atoms) in order

    def _leaf(self, node: dict, text: str) -> int:
        self.leaves.append(node)
        self.run.add(text, len(self.leaves) - 1) if node.get("t") == "Str" else self._atom(text)
        return len(self.leaves) - 1

    def _atom(self, text: str) -> None:
        self.run.chars.append(text)
        self.run.origins.extend([len(self.leaves) - 1] * len(text))

    def flatten(self, inlines: list) -> list:
        skeleton: list = []
        for node in inlines:
            kind = node.get("t")
            if kind == "Str":
                skeleton.append(self._leaf(node, node["c"]))
            elif kind in ("Space", "SoftBreak"):
                skeleton.append(self._leaf(node, " "))
            elif kind == "LineBreak":
                skeleton.append(self._leaf(node, "\n"))
            elif kind == "Quoted":
                mark = '"' if node["c"][0]["t"] == "DoubleQuote" else "'"
                skeleton.append(self._leaf({"t": "Str", "c": mark}, mark))
                skeleton.extend(self.flatten(node["c"][1]))
                skeleton.append(self._leaf({"t": "Str", "c": mark}, mark))
            elif kind in _CONTAINERS:
                skeleton.append((kind, None, self.flatten(node["c"])))
            elif kind == "Span" and base_language(_attr_lang(node["c"][0]), self.lang) == self.lang:
                skeleton.append((kind, node["c"][0], self.flatten(node["c"][1])))
            elif kind == "Link" and not _is_printed_url(node):
                skeleton.append((kind, node["c"], self.flatten(node["c"][1])))
            else:
                skeleton.append(self._leaf(self._set_apart(node), ATOM))
        return skeleton

    def _set_apart(self, node: dict) -> dict:
        """An inline the paragraph's rules skip; what text it holds follows its own language's rules."""
        kind = node.get("t")
        if kind == "Span":
            attr, content = node["c"]
            return {"t": "Span", "c": [attr, typeset_inlines(content, base_language(_attr_lang(attr), self.lang))]}
        if kind == "Note":
            return {"t": "Note", "c": typeset_blocks(node["c"], self.lang)}
        if kind == "Image":
            attr, alt, target = node["c"]
            return {"t": "Image", "c": [attr, typeset_inlines(alt, self.lang), target]}
        if kind == "Cite":
            citations, content = node["c"]
            return {"t": "Cite", "c": [citations, typeset_inlines(content, self.lang)]}
        return node

    def rebuild(self, skeleton: list, texts: list[str]) -> list:
        out: list = []
        for item in skeleton:
            if isinstance(item, int):
                out.extend(_leaf_nodes(self.leaves[item], texts[item]))
                continue
            kind, extra, children = item
            content = self.rebuild(children, texts)
            if kind in _CONTAINERS:
                out.append({"t": kind, "c": content})
            elif kind == "Span":
                out.append({"t": "Span", "c": [extra, content]})
            else:
                out.append({"t": "Link", "c": [extra[0], content, extra[2]]})
        return out


_LEAF_TEXT = {"Space": " ", "SoftBreak": " ", "LineBreak": "\n"}


def _leaf_nodes(node: dict, text: str) -> list:
    kind = node.get("t")
    if kind not in ("Str", "Space", "SoftBreak", "LineBreak"):
        return [node]  # an atom: kept whole
    if text == _LEAF_TEXT.get(kind) or (kind == "Str" and text == node["c"] and " " not in text):
        return [node]
    out: list = []
    for piece in re.split(r"([ \n])", text):
        if piece == " ":
            out.append({"t": "Space"})
        elif piece == "\n":
            out.append({"t": "LineBreak"})
        elif piece:
            out.append({"t": "Str", "c": piece})
    return out


def typeset_inlines(inlines: list, lang: str) -> list:
    """A pandoc inline list (a paragraph, heading or cell) set by the language's rules, as one text."""
    if not inlines or lang not in RULES:
        return inlines
    flat = _Inlines(lang)
    skeleton = flat.flatten(inlines)
    text, origins = flat.run.apply(lang)
    # Origins never decrease along the text (a replacement takes the origin where it starts), so each leaf's
    # text is one slice.
    texts, start, kept = [], 0, iter(flat.run.kept)
    for leaf in range(len(flat.leaves)):
        end = bisect.bisect_right(origins, leaf, start)
        piece = text[start:end]
        texts.append(re.sub(KEPT, lambda _m: next(kept), piece) if KEPT in piece else piece)
        start = end
    return flat.rebuild(skeleton, texts)


def typeset_blocks(node, lang: str):
    """Every inline list in pandoc blocks, by the language of the entry or of the Div around it."""
    if isinstance(node, list):
        if node and all(isinstance(i, dict) and i.get("t") in INLINE_TYPES for i in node):
            return typeset_inlines(node, lang)
        return [typeset_blocks(child, lang) for child in node]
    if isinstance(node, dict):
        kind = node.get("t")
        if kind in ("CodeBlock", "RawBlock"):
            return node
        if kind == "Div":
            attr, blocks = node["c"]
            return {"t": "Div", "c": [attr, typeset_blocks(blocks, base_language(_attr_lang(attr), lang))]}
        return {key: typeset_blocks(value, lang) for key, value in node.items()}
    return node


# --- addresses in HTML -------------------------------------------------------------------------------
_PRINTED_LINK = re.compile(r"<a\b([^>]*)>([^<]+)</a>")
_URL_BREAK = re.compile(r"(/+|\.|-|\?|&amp;)(?=.)")
_PLAIN_URL_BREAK = re.compile(r"(/+|\.|-|\?|&)(?=.)")
_ADDRESS = re.compile(r"(?:[a-z][a-z0-9+.-]*://|www\.|mailto:)\S+|[^\s@]+@[^\s@]+\.[^\s@]+", re.I)
ZWSP = "\u200b"


def break_url(escaped: str) -> str:
    """An HTML-escaped address with a break opportunity after / . - ? & (never a hyphen, never elsewhere)."""
    return _URL_BREAK.sub(r"\1<wbr>", escaped.replace("\u00ad", ""))


def break_plain_url(text: str) -> str:
    """Plain text that is one address -> the same break opportunities as zero-width spaces (for Word, which
    has no <wbr>); any other text unchanged."""
    plain = text.replace("\u00ad", "")
    if not _ADDRESS.fullmatch(plain):
        return text
    return _PLAIN_URL_BREAK.sub(rf"\1{ZWSP}", plain)


def break_printed_urls(html: str) -> str:
    """Links printed as their own address get break opportunities and the class that turns hyphenation off."""
    def replace(match: re.Match) -> str:
        attributes, text = match.groups()
        href = re.search(r'href="([^"]*)"', attributes)
        plain = text.replace("\u00ad", "")
        if not href or plain not in (href.group(1), href.group(1).removeprefix("mailto:")):
            return match.group()
        if 'class="' in attributes:  # pandoc's autolinks carry class="uri" or "email"
            attributes = attributes.replace('class="', 'class="url ', 1)
        else:
            attributes = ' class="url"' + attributes
        return f"<a{attributes}>{break_url(plain)}</a>"
    return _PRINTED_LINK.sub(replace, html)
