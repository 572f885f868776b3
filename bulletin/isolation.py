"""Entry ids, classes, attributes, #links, footnotes and link labels -> the same, confined to their entry."""

from __future__ import annotations

import re

from .content import ANCHOR_PREFIX, SLUG, Entry
from .problems import Problems

# Classes an entry may give its text: presentational ones only, so that no entry can take a layout role
# (rubric-title feeds the PDF running header, skip-link and colophon are hidden in one format and not in
# another). A feature that gives entries a class of its own (e.g. confidential passages) adds it here.
ENTRY_CLASSES = {"mark", "smallcaps", "underline", "line-block", "align-left", "align-right", "align-center",
                 "confidential"}  # kept (and shown) in the internal edition only: see confidential.py
# Classes bulletin itself puts into entry bodies (per-entry footnotes); harmless if an entry uses them.
BODY_CLASSES = {"entry-notes", "uri", "email"}  # ours, and pandoc's on autolinks (styled as addresses)
# Key-value attributes: pandoc turns custom-style into a DOCX style (a body could pose as the rubric
# heading), HTML keeps others as data-*; only a language tag stays.
LANG_VALUE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
# Where each AST node that carries attributes keeps them.
ATTR_AT = {"Header": 1, "Div": 0, "Span": 0, "Code": 0, "CodeBlock": 0, "Link": 0, "Image": 0, "Table": 0,
           "Figure": 0}
SEPARATOR = "_"  # slugs have no '_': "<anchor>_…" belongs to that entry alone, whatever the other slugs
ENTRY_ANCHOR = re.compile(re.escape(ANCHOR_PREFIX) + SLUG)
ENTRY_TARGET = re.compile(ENTRY_ANCHOR.pattern + f"(?:{SEPARATOR}.*)?")


def entry_id(prefix: str, ident: str) -> str:
    """An id written in an entry -> the same inside the entry's namespace, with no '_' after it (ids
    beginning ``<anchor>__`` are bulletin's own, see note_ids)."""
    return prefix + SEPARATOR + re.sub(r"[^\w-]|_", "-", ident)


def owned_id(prefix: str, ident: str) -> str:
    """Ids already in the entry's namespace stay; any other is moved into it."""
    return ident if ident.startswith(prefix + SEPARATOR) else entry_id(prefix, ident)


def internal_href(fragment: str, prefix: str) -> str:
    """``#x`` in an entry -> another entry's anchor or one of its ids when x is one (a link may point
    anywhere, only ids are guarded), else x among the entry's own ids."""
    return "#" + (fragment if ENTRY_TARGET.fullmatch(fragment) else owned_id(prefix, fragment))


def keep_classes(classes: list[str]) -> list[str]:
    return [c for c in classes if c in ENTRY_CLASSES or c in BODY_CLASSES]


def node_id(node: dict) -> str:
    at = ATTR_AT.get(node.get("t"))
    return node["c"][at][0] if at is not None else ""


def without_id(node: dict) -> dict:
    at = ATTR_AT[node["t"]]
    content = list(node["c"])
    content[at] = ["", *content[at][1:]]
    return {"t": node["t"], "c": content}


def confine_attr(node: dict, prefix: str) -> dict:
    """An AST node's id namespaced, its classes from the safe list, its attributes reduced to lang."""
    at = ATTR_AT.get(node.get("t"))
    if at is None:
        return node
    ident, classes, pairs = node["c"][at]
    content = list(node["c"])
    content[at] = [owned_id(prefix, ident) if ident else "", keep_classes(classes),
                   [[k, v] for k, v in pairs if k == "lang" and LANG_VALUE.match(v)]]
    return {"t": node["t"], "c": content}


# -------------------------------------------------------------------------------------- footnotes

def note_ids(prefix: str, n: int) -> tuple[str, str]:
    """The ids of note ``n`` and of its first call: no id written in the entry can be one (see entry_id)."""
    return f"{prefix}{SEPARATOR}_fn-{n}", f"{prefix}{SEPARATOR}_fnref-{n}"


def note_call(prefix: str, n: int, first: bool = True, linked: bool = True) -> dict:
    """Where footnote ``n`` of an entry is called: a superscript number linking to the note (the note
    links back to its first call); not a link when ``linked`` is false (inside a link's text)."""
    note, call = note_ids(prefix, n)
    number = [{"t": "Str", "c": str(n)}]
    link = ({"t": "Link", "c": [["", [], []], number, ["#" + note, ""]]} if linked
            else {"t": "Span", "c": [["", [], []], number]})
    # the id on a Span, not the Link: pandoc's DOCX writer makes bookmarks of Span ids only
    return {"t": "Span", "c": [[call if first else "", [], []], [{"t": "Superscript", "c": [link]}]]}


def append_notes(blocks: list, notes: list[list], prefix: str) -> list:
    """An entry's footnotes, numbered from 1, printed after its body: the same in every format.

    pandoc would number a month's notes through and gather them at the end of the document (HTML) or
    of the page (DOCX, where Word numbers them through the file); a bulletin's reader expects each
    entry's notes with the entry, like an article's. Calls and notes link to each other.
    """
    if not notes:
        return blocks
    items = []
    for n, content in enumerate(notes, 1):
        note, call = note_ids(prefix, n)
        back = {"t": "Link", "c": [["", [], []], [{"t": "Str", "c": f"{n}."}], ["#" + call, ""]]}
        first = content[0] if content else {}
        if first.get("t") in ("Para", "Plain"):
            content = [{"t": first["t"], "c": [back, {"t": "Space"}, *first["c"]]}, *content[1:]]
        else:
            content = [{"t": "Plain", "c": [back]}, *content]
        items.append({"t": "Div", "c": [[note, [], []], content]})
    return blocks + [{"t": "Div", "c": [["", ["entry-notes"], [["custom-style", "Footnote Text"]]],
                                        [{"t": "HorizontalRule"}, *items]]}]


# ------------------------------------------------------------------------------- reference labels

_CODE = re.compile(r"^(```|~~~).*?^\1[`~]*[ \t]*$|`+[^`\n]*`+", re.MULTILINE | re.DOTALL)
_DEFINITION = re.compile(r"^ {0,3}\[(\^?)([^\]\n]+)\]:", re.MULTILINE)
_NOTE_CALL = re.compile(r"\[\^([^\]\s]+)\](?!:)")
_FULL_REFERENCE = re.compile(r"\]\[([^\]\n]+)\]")
_SHORTCUT = re.compile(r"(?<![\]!\\])\[([^\]\[\n^]+)\](?![\[(:])")


def _label(text: str) -> str:
    return " ".join(text.split()).casefold()


def _without_code(body: str) -> str:
    """Code spans and fenced blocks blanked (newlines kept, so lines stay right): brackets there are text."""
    return _CODE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), body)


def _definitions(entry: Entry) -> dict[tuple[str, str], list[tuple[int, str]]]:
    """(kind, label) -> the lines defining it and the label as written; kind is '^' for footnotes."""
    found: dict[tuple[str, str], list[tuple[int, str]]] = {}
    text = _without_code(entry.body)
    for match in _DEFINITION.finditer(text):
        line = entry.body_line + text[:match.start()].count("\n")
        found.setdefault((match[1], _label(match[2])), []).append((line, match[2]))
    return found


def report_labels(entries: list[Entry], problems: Problems) -> None:
    """Reference links and footnotes resolve inside their own entry only: say so where that changes
    what an editor may expect (a label defined twice, used but defined elsewhere or not at all, a
    footnote never called)."""
    defined = {entry.key: _definitions(entry) for entry in entries}
    for entry in entries:
        own = defined[entry.key]
        for (kind, label), lines in own.items():
            what = "footnote" if kind else "link reference"
            for line, written in lines[1:]:
                problems.warning(entry.path, line, f"{what} [{kind}{written}] is defined again (first on line "
                                                   f"{lines[0][0]}): only the first definition is used",
                                 code="link.defined-twice")
        text = _without_code(entry.body)
        calls = [("^", m) for m in _NOTE_CALL.finditer(text)]
        called = {_label(m[1]) for _, m in calls}
        for (kind, label), lines in own.items():
            if kind and label not in called:
                line, written = lines[0]
                problems.warning(entry.path, line, f"footnote [^{written}] is never called in this entry "
                                                   f"(write [^{written}] in the text): it is not printed",
                                 code="footnote.never-called")
        calls += [("", m) for m in _FULL_REFERENCE.finditer(text)] + [("", m) for m in _SHORTCUT.finditer(text)]
        for kind, match in calls:
            label = _label(match[1])
            if (kind, label) in own:
                continue
            elsewhere = next((e for e in entries if e is not entry and (kind, label) in defined[e.key]), None)
            if elsewhere is None and match.re is _SHORTCUT:
                continue  # "[sic]", "[…]": brackets in quoted text are common and mean no link
            line = entry.body_line + text[:match.start()].count("\n")
            shown = f"[{kind}{match[1]}]"
            where = (f"; it is defined in {problems.where(elsewhere.path)}, but labels work only inside their "
                     "own entry" if elsewhere is not None else "")
            what = "footnote" if kind else "link reference"
            problems.warning(entry.path, line, f"{what} {shown} is not defined in this entry{where}: "
                                               "it prints as plain text", code="link.undefined-reference")
