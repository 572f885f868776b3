"""Confidential spans, blocks and persons -> a public edition's text, each replaced by a localised placeholder."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from .content import Entry
from .edition import N_
from .isolation import ATTR_AT
from .names import WORD, NameMatcher, Person, fold, read_persons
from .problems import Problems
from .typography import INLINE_TYPES

CLASS = "confidential"  # [text]{.confidential} and ::: confidential


PLACEHOLDER = N_("[withheld]")
LEAK = "confidential.leak"


def _text_of(node) -> str:
    """The words of an AST node (what a confidential span or block hides)."""
    out: list[str] = []

    def walk(n):
        if isinstance(n, dict):
            t, c = n.get("t"), n.get("c")
            if t == "Str":
                out.append(c)
            elif t in ("Code", "CodeBlock", "RawInline", "RawBlock", "Math"):
                out.append(c[-1])
            elif t in ("Link", "Image"):
                out.append(c[2][0])
                walk(c[1])
            else:
                walk(c)
            out.append(" ")
        elif isinstance(n, list):
            for child in n:
                walk(child)
    walk(node)
    return "".join(out)


def is_confidential(node: dict) -> bool:
    """A span, div, link, image, heading or code with the class: withheld whole."""
    at = ATTR_AT.get(node.get("t"))
    return at is not None and CLASS in node["c"][at][1]


_RUN_TYPES = {"Str": None, "Space": " ", "SoftBreak": "\n", "LineBreak": "\u2028"}
_RUN_SPLIT = re.compile("( |\n|\u2028)")
_BACK = {" ": {"t": "Space"}, "\n": {"t": "SoftBreak"}, "\u2028": {"t": "LineBreak"}}


@dataclass
class Redaction:
    """What a public edition withholds: confidential spans and blocks, and the names of confidential persons,
    each replaced by the placeholder of the text's language."""

    matcher: NameMatcher
    placeholders: dict[str, str]
    persons: list[Person] = field(default_factory=list)

    @property
    def key(self) -> str:
        """Part of the converter's cache key: a body redacted differently is converted again."""
        return "\2redacted\2" + self.matcher.key + repr(sorted(self.placeholders.items()))

    def placeholder(self, lang: str) -> str:
        return self.placeholders.get(lang) or next(iter(self.placeholders.values()), "[withheld]")

    def text(self, text: str | None, lang: str) -> str | None:
        return self.matcher.replace(text, self.placeholder(lang)) if text else text

    def _url_leaks(self, url: str) -> bool:
        return any(self.matcher.is_secret(w) for w in WORD.findall(unquote(url)))

    def entry(self, entry: Entry) -> Entry:
        """A copy with the title, meta line and tags redacted (the body is redacted in its AST); a source
        address naming the person is left out, as the article behind it names them too."""
        lang = entry.lang
        source = None if entry.source and self._url_leaks(entry.source) else entry.source
        return dataclasses.replace(entry, title=self.text(entry.title, lang),
                                   authors=[self.text(a, lang) for a in entry.authors],
                                   outlet=self.text(entry.outlet, lang), source=source,
                                   tags=[self.text(t, lang) for t in entry.tags])

    def bulletin(self, bulletin) -> None:
        """Every item of a language's bulletin printed from a redacted copy of its entry."""
        for item in bulletin.items + bulletin.untranslated:
            item.entry = self.entry(item.entry)
            item.source = item.entry if item.source.key == item.entry.key else self.entry(item.source)

    # ---------------------------------------------------------------------------------------- bodies

    def blocks(self, blocks: list, lang: str) -> list:
        """An entry body's AST with confidential spans and blocks replaced, names replaced in every text it
        holds (words, code, raw HTML, link titles), links whose address names a person unlinked, and ids
        made from withheld words renamed (headings get ids from their text)."""
        marked, ids = [], []
        for node in _all_nodes(blocks):  # one pass: what is marked, and every id (renamed before any link)
            at = ATTR_AT.get(node.get("t"))
            if at is not None:
                ident, classes = node["c"][at][:2]
                if CLASS in classes:
                    marked.append(node)
                if ident:
                    ids.append(ident)
        if not marked and not self.matcher:
            return blocks  # nothing to withhold: the month names no confidential person
        placeholder = self.placeholder(lang)
        hidden = {fold(w) for node in marked for w in WORD.findall(_text_of(node))}
        renamed: dict[str, str] = {}

        def leaks(ident: str) -> bool:
            return any(fold(w) in hidden or self.matcher.is_secret(w) for w in WORD.findall(ident))

        def new_id(ident: str) -> str:
            if ident and leaks(ident):
                return renamed.setdefault(ident, f"withheld-{len(renamed) + 1}")
            return ident

        def run(nodes: list) -> list:
            text = "".join(n["c"] if n["t"] == "Str" else _RUN_TYPES[n["t"]] for n in nodes)
            redacted = self.matcher.replace(text, placeholder)
            if redacted == text:
                return nodes
            return [_BACK[p] if p in _BACK else {"t": "Str", "c": p} for p in _RUN_SPLIT.split(redacted) if p]

        def inlines(items: list) -> list:
            out, pending = [], []
            for item in items:
                if isinstance(item, dict) and item.get("t") in _RUN_TYPES:
                    pending.append(item)
                    continue
                out += run(pending)
                pending = []
                out.append(walk(item))
            return out + run(pending)

        def attr(a: list) -> list:
            return [new_id(a[0]), a[1], [[k, self.matcher.replace(v, placeholder)] for k, v in a[2]]]

        def walk(node):
            if isinstance(node, list):
                if node and all(isinstance(i, dict) and i.get("t") in INLINE_TYPES for i in node):
                    return inlines(node)
                return [walk(child) for child in node]
            if not isinstance(node, dict):
                return node
            t, c = node.get("t"), node.get("c")
            if is_confidential(node):
                text = {"t": "Str", "c": placeholder}
                return text if t in INLINE_TYPES else {"t": "Para", "c": [text]}
            if t in ("Code", "CodeBlock"):
                return {"t": t, "c": [attr(c[0]), self.matcher.replace(c[1], placeholder)]}
            if t in ("RawInline", "RawBlock"):
                return {"t": t, "c": [c[0], self.matcher.replace(c[1], placeholder)]}
            if t in ("Link", "Image"):
                url, title = c[2]
                if t == "Link" and self._url_leaks(url):
                    return {"t": "Span", "c": [["", [], []], walk(c[1])]}
                if t == "Link" and url.startswith("#"):
                    url = "#" + renamed.get(url[1:], new_id(url[1:]))
                return {"t": t, "c": [attr(c[0]), walk(c[1]), [url, self.matcher.replace(title, placeholder)]]}
            if t == "Header":
                return {"t": t, "c": [c[0], attr(c[1]), walk(c[2])]}
            if t in ("Div", "Span", "Table", "Figure"):
                return {"t": t, "c": [attr(c[0]), *walk(c[1:])]}
            if t == "Str":
                return {"t": t, "c": self.matcher.replace(c, placeholder)}
            return {"t": t, "c": walk(c)} if "c" in node else node

        for ident in ids:  # a link before its target is renamed too
            new_id(ident)
        return walk(blocks)


def _all_nodes(tree):
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            yield node
            stack.append(node.get("c"))
        elif isinstance(node, list):
            stack.extend(node)


def make_redaction(entries: list[Entry], placeholders: dict[str, str]) -> Redaction:
    persons = read_persons(entries)
    return Redaction(NameMatcher(persons), placeholders, persons)


def load_placeholders(layouts: list[Path], languages, default: str) -> dict[str, str]:
    """The placeholder in every configured language, from the catalogs (missing ones reported by the build)."""
    from .layouts import load_messages

    return {lang: load_messages(layouts, lang, default, Problems()).gettext(PLACEHOLDER) for lang in languages}
