"""A public edition -> located problems wherever something confidential would still be printed."""

from __future__ import annotations

import html
import io
import re
import zipfile
from pathlib import Path

from .confidential import CLASS, LEAK, Redaction
from .names import WORD, NameMatcher, fold
from .content import Entry
from .problems import Problems


def _line_of(entry: Entry, word: str) -> int:
    """The line of the entry's file where the word is written (the title's line when not in the body)."""
    folded = fold(word)
    for number, line in enumerate(entry.body.split("\n")):
        if any(fold(w) == folded for w in WORD.findall(line)):
            return entry.body_line + number
    return entry.line("title")


def _raw_line(entry: Entry) -> int:
    """The line of the first raw HTML tag other than span or div that carries the class."""
    for number, line in enumerate(entry.body.split("\n")):
        if re.search(rf"<(?!(?:span|div)\b)[a-z][^>]*\b{CLASS}\b", line, re.IGNORECASE):
            return entry.body_line + number
    return entry.body_line


def report_leaks(redaction: Redaction, month, problems: Problems) -> None:
    """What a public edition would still print of what is meant to be withheld: a word that looks like a
    confidential name (a form the matcher does not know, a typo; warned), an entry's file name holding one
    (every output uses it as the entry's id; warned), an element marked confidential in raw HTML that is
    not a <span> or <div> (not withheld: an error)."""
    seen: set[str] = set()
    for lang, bulletin in month.bulletins.items():
        converted = month.converted.get(lang, {})
        for item in bulletin.items + bulletin.untranslated:
            entry = item.entry
            if entry.rel in seen:
                continue
            seen.add(entry.rel)
            body = converted.get(entry.key)
            fragment = html.unescape(body.html) if body else ""
            if re.search(rf"""class=["'][^"']*\b{CLASS}\b""", fragment):
                problems.error(entry.path, _raw_line(entry), f"an element of raw HTML is marked "
                               f"{CLASS} but only <span> and <div> are withheld: use [text]{{.{CLASS}}} or "
                               f"::: {CLASS}", code="confidential.not-withheld")
            if f"{{.{CLASS}}}" in entry.title:
                problems.warning(entry.path, entry.line("title"), f"a title cannot withhold a part of itself "
                                 f"([…]{{.{CLASS}}} works in the body): it is printed as written",
                                 code="confidential.in-title")
            # ids in the body begin with the entry's anchor: its file name, reported below
            texts = [entry.title, *entry.authors, entry.outlet or "", entry.source or "", *entry.tags,
                     fragment.replace(entry.anchor, "")]
            _report_names(redaction.matcher, entry, texts, problems)


def _report_names(matcher: NameMatcher, entry: Entry, texts: list[str], problems: Problems) -> None:
    if not matcher.stems:
        return
    said: set[str] = set()
    for text in texts:
        for start, end in matcher.spans(text, matcher.resembles):
            word = text[start:end]
            if fold(word) in said:
                continue
            said.add(fold(word))
            problems.warning(entry.path, _line_of(entry, WORD.findall(word)[0]),
                             f"'{word}' looks like the name of a confidential person and is printed in the "
                             f"public edition: write it as [{word}]{{.{CLASS}}}, or rephrase", code=LEAK)
    if any(matcher.is_secret(w) or matcher.resembles(w) for w in entry.slug.split("-")):
        problems.warning(entry.path, 1, f"the file name '{entry.slug}' contains a confidential person's name, "
                                        "and every output uses it as the entry's id: rename the file", code=LEAK)


def scan_outputs(redaction: Redaction, outputs: dict[Path, bytes], anchors: set[str], problems: Problems) -> None:
    """The last safety net: a confidential name in a rendered HTML or DOCX (all of its parts) that did not
    come through the entries' redacted text (a rubric title, bulletin.yaml, a layout, a new feature)."""
    if not redaction.matcher:
        return
    for path, data in outputs.items():
        if path.suffix == ".html":
            texts = [html.unescape(data.decode("utf-8", "replace"))]
        elif path.suffix == ".docx":
            with zipfile.ZipFile(io.BytesIO(data)) as docx:
                texts = [html.unescape(docx.read(n).decode("utf-8", "replace")) for n in docx.namelist()
                         if n.endswith((".xml", ".rels"))]
        else:
            continue  # the PDF is laid out from the same view as the HTML
        # the redaction's own rule (capitalised words, public namesakes kept): what it would have replaced
        cleaned = [_without(text, anchors) for text in texts]
        found = sorted({text[start:end] for text in cleaned for start, end in redaction.matcher.spans(text)})
        if found:
            problems.warning(path, 0, f"a confidential person's name ({', '.join(found[:3])}) is in this public "
                                      "output outside the entries' text (a rubric title, bulletin.yaml or a "
                                      "layout?): it is not replaced there", code=LEAK)


def _without(text: str, anchors: set[str]) -> str:
    """The entries' ids taken out (their file names: check reports those)."""
    for anchor in sorted(anchors, key=len, reverse=True):
        text = text.replace(anchor, " ")
    return text
