"""An entry's pandoc AST and raw HTML -> what they refer to (links, images, notes, files) checked and
confined to the project, and the sanitised HTML fragment."""

from __future__ import annotations

from __future__ import annotations

import functools
import json
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import nh3

from .config import Config
from .content import ANCHOR_PREFIX, ASSET_SCHEME, ENTRY_RE, Entry
from .images import ImageProblem, inspect_image
from .isolation import (ENTRY_TARGET, SEPARATOR, append_notes, confine_attr, internal_href, keep_classes,
                        node_id, note_call, note_ids, owned_id, without_id)
from .problems import Problems
from .typography import INLINE_TYPES, typeset_blocks

DEFAULT_LIMITS = Config(Path(".")).limits
LINK_SCHEMES = ("http://", "https://", "mailto:")
# Image references in converted bodies: unguessable, so no text an entry types can pass for one
ASSET_PREFIX = f"{ASSET_SCHEME}{secrets.token_hex(8)}-"
ASSET_REF = re.compile(re.escape(ASSET_PREFIX) + r"(\d+)")


ALLOWED_TAGS = {"p", "a", "em", "strong", "b", "i", "u", "s", "del", "ins", "sup", "sub", "small", "mark",
                "code", "pre", "kbd", "blockquote", "q", "ul", "ol", "li", "dl", "dt", "dd", "h3", "h4", "h5",
                "h6", "br", "hr", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "colgroup",
                "col", "figure", "figcaption", "img", "span", "div", "abbr", "cite"}
ALLOWED_ATTRIBUTES = {"*": {"id", "lang", "title", "class"}, "a": {"href"}, "img": {"src", "alt"},
                      "ol": {"start", "type"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan", "scope"},
                      "col": {"span"}, "abbr": {"title"}}
DROPPED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math",
                        "form", "textarea", "select", "button", "frame", "frameset", "applet", "audio", "video"}


@dataclass
class Asset:
    """An image of an entry, checked to be a real image inside the project."""

    path: Path
    mime: str


def _line_of(entry: Entry, pattern: str, nth: int = 0) -> int:
    """The line of the pattern's first match in the body (its ``nth`` one, counting from 0)."""
    match = next((m for i, m in enumerate(re.finditer(pattern, entry.body)) if i == nth), None)
    return entry.body_line + entry.body[:match.start()].count("\n") if match else entry.body_line


def _walk(node, visit):
    if isinstance(node, list):
        if node and all(isinstance(i, dict) and i.get("t") in INLINE_TYPES for i in node):
            node = visit("inlines", node)
        return [_walk(child, visit) for child in node]
    if isinstance(node, dict):
        node = visit("node", node)
        if isinstance(node, dict):
            return {k: _walk(v, visit) for k, v in node.items()}
        return node
    return node


# What makes a renderer fetch a file: images, stylesheets, attachments (<link>), media, CSS url() and
# @import. (Scripts, frames and objects are not fetched by WeasyPrint; the sanitiser removes them.)
_FETCHING_TAG = re.compile(r"<(?:img|image|link|source|video|audio|input|track|picture)\b([^>]*)>?", re.IGNORECASE)
_FETCHING_ATTRIBUTE = re.compile(r"""\s(?:src|srcset|href|xlink:href|poster)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""",
                                 re.IGNORECASE)
_CSS_REFERENCE = re.compile(r"""url\(\s*("[^"]*"|'[^']*'|[^)]*)\)|@import\s+("[^"]*"|'[^']*')""", re.IGNORECASE)


def find_raw_references(html: str) -> list[str]:
    refs = [m for tag in _FETCHING_TAG.finditer(html) for m in _FETCHING_ATTRIBUTE.findall(tag.group(1))]
    refs += [a or b for a, b in _CSS_REFERENCE.findall(html)]
    # srcset lists "url 2x, url 1x": each URL counts
    return [part.strip().split()[0] if part.strip() else "" for ref in refs
            for part in ref.strip().strip("'\"").split(",")]


class _Checker:
    """Checks and rewrites one entry's AST: heading levels, ids, links, images, raw blocks."""

    def __init__(self, entry: Entry, lang: str, problems: Problems, root: Path, anchors: frozenset[str],
                 limits: dict):
        self.entry, self.lang, self.problems, self.root, self.limits = entry, lang, problems, root, limits
        self.image_bytes = 0  # every reference counts: HTML and DOCX embed the file once per reference
        self.anchors = anchors | {entry.anchor}  # the entries printed in the same bulletin
        self.notes: list[list] = []  # footnote contents, in the order they are called
        self.note_keys: list[str] = []
        self.ids: set[str] = set()  # every id of the entry, namespaced
        self.repeated: dict[str, int] = {}  # id as written -> how many times it came again
        self.id_links: list[tuple[str, str, int]] = []  # (id, url as written, line) of its #links
        self.assets: list[Asset] = []
        self.raw_html: list[str] = []

    def __call__(self, kind: str, node):
        if kind == "inlines":
            return node
        written = node_id(node)
        node = confine_attr(node, self.entry.anchor)
        if written and node_id(node) in self.ids:
            uses = self.repeated[written] = self.repeated.get(written, 0) + 1
            self.problems.warning(self.entry.path, _line_of(self.entry, re.escape(written[:40]), uses),
                                  f"id '{written[:80]}' is given twice in this entry: only the first is kept",
                                  code="entry.duplicate-id")
            node = without_id(node)
        elif written:
            self.ids.add(node_id(node))
        t = node.get("t")
        if t in ("RawBlock", "RawInline"):
            fmt = node["c"][0].lower()
            if fmt == "html":
                self.raw_html.append(node["c"][1])
                self._raw_references(node["c"][1])
                self._raw_links(node["c"][1])
                self.ids.update(owned_id(self.entry.anchor, ident) for ident in
                                re.findall(r"""\sid\s*=\s*["']?([^"'\s>]+)""", node["c"][1], re.IGNORECASE))
            else:
                self.problems.error(self.entry.path, _line_of(self.entry, r"\{=" + re.escape(fmt)),
                                    f"raw '{fmt}' block is not allowed in entries", code="entry.raw-block")
                # pandoc 3 has no Null block: an empty Div stands in for the refused raw block
                return {"t": "Str", "c": ""} if t == "RawInline" else {"t": "Div", "c": [["", [], []], []]}
        elif t == "Note":
            return self._note(node)
        elif t == "Link":
            attr, inlines, (url, title) = node["c"]
            target = self._link_target(url)
            if target is None:
                return {"t": "Span", "c": [["", [], []], inlines]}
            # a note called inside a link's text: its call cannot be a link too (Word refuses nested links)
            inlines = _walk(inlines, lambda kind, n: self._note(n, linked=False)
                            if kind == "node" and n.get("t") == "Note" else n)
            return {"t": "Link", "c": [attr, inlines, [target, title]]}
        elif t == "Image":
            attr, inlines, (url, title) = node["c"]
            asset = self._image(url)
            if asset is None:
                return {"t": "Span", "c": [["", [], []], inlines]}
            self.assets.append(asset)
            return {"t": "Image", "c": [attr, inlines, [f"{ASSET_PREFIX}{len(self.assets) - 1}", title]]}
        return node

    def _note(self, node: dict, linked: bool = True) -> dict:
        """A footnote -> its call; its text is checked like the body and kept for append_notes."""
        # pandoc copies a note for each call of its label: a label called again keeps its number
        key = json.dumps(node["c"])
        if key in self.note_keys:
            return note_call(self.entry.anchor, self.note_keys.index(key) + 1, first=False, linked=linked)
        self.note_keys.append(key)
        self.notes.append([])
        n = len(self.notes)
        self.ids.add(note_ids(self.entry.anchor, n)[0])
        self.notes[n - 1] = _walk(node["c"], self)  # a note inside this one is numbered next
        return note_call(self.entry.anchor, n, linked=linked)

    def _raw_references(self, html: str) -> None:
        """Raw HTML that would pull in a file or a URL (img src, link href, url(), @import…) is refused
        when it points outside content/ or off the machine; what stays inside is dropped by the sanitiser."""
        for ref in find_raw_references(html):
            ref = ref.strip("'\"")
            lowered = ref.lower()
            if not ref or lowered.startswith(("#", "data:", "mailto:", "javascript:", "vbscript:")):
                continue
            remote = bool(re.match(r"^[a-z][a-z0-9+.-]*:", lowered)) or ref.startswith("//")
            if remote or not _inside(self.entry.path.parent / ref, self.root / "content"):
                where = "off this machine" if remote and not lowered.startswith("file:") else "outside content/"
                self.problems.error(self.entry.path, _line_of(self.entry, re.escape(ref[:40])),
                                    f"raw HTML refers to '{ref[:80]}', {where}: it is never fetched or embedded",
                                    code="html.local-reference")

    def _raw_links(self, html: str) -> None:
        """Raw <a href> to a file: the sanitiser drops the href (a file path means nothing in a bulletin)."""
        for ref in re.findall(r"""<a\b[^>]*?\shref\s*=\s*["']?([^"'\s>]*)""", html, re.IGNORECASE):
            lowered = ref.lower()
            if ref and not lowered.startswith((*LINK_SCHEMES, "#")) and not re.match(r"^[a-z][a-z0-9+.-]*:", lowered):
                self.problems.warning(self.entry.path, _line_of(self.entry, re.escape(ref[:40])),
                                      f"link '{ref[:80]}' removed: raw HTML links may only go to the web, mailto "
                                      "or #ids; link another entry with [text](its-file.md)",
                                      code="link.raw-html-removed")

    def _link_target(self, url: str) -> str | None:
        """A link's URL as printed: web and mail links as they are, ``#x`` inside the entry, a link to
        another entry's file as that entry's anchor; None (with a warning) for anything else."""
        stripped = url.strip()
        lowered = stripped.lower()
        if lowered.startswith(LINK_SCHEMES):
            return url
        line = _line_of(self.entry, re.escape(url[:40])) if url else self.entry.body_line
        if re.match(r"^[a-z][a-z0-9+.-]*:", lowered):
            self.problems.warning(self.entry.path, line,
                                  f"link '{url[:80]}' removed: only http(s), mailto and relative links are allowed",
                                  code="link.scheme-not-allowed")
            return None
        path, _, fragment = stripped.partition("#")
        if not path:
            if ENTRY_TARGET.fullmatch(fragment) and fragment.split(SEPARATOR)[0] not in self.anchors:
                self.problems.warning(self.entry.path, line, f"link '{url[:80]}' removed: no entry of this "
                                                             "bulletin has that anchor", code="link.no-such-anchor")
                return None
            href = internal_href(fragment, self.entry.anchor)
            if href.startswith(f"#{self.entry.anchor}{SEPARATOR}"):
                self.id_links.append((href[1:], url, line))
            return href
        target = (self.entry.path.parent / unquote(path.split("?")[0])).resolve()
        content = (self.root / "content").resolve()
        if not _inside(target, content):
            self.problems.warning(self.entry.path, line, f"link '{url[:80]}' removed: it points outside content/",
                                  code="link.outside-content")
            return None
        match = ENTRY_RE.match(target.name)
        anchor = (ANCHOR_PREFIX + match["slug"] if match and target.relative_to(content).parts[0] == self.entry.month
                  else None)
        if anchor in self.anchors:
            return internal_href(fragment, anchor) if fragment else "#" + anchor
        if not target.exists():
            reason = "it points to a missing file"
        elif anchor:
            reason = "that entry is not in this bulletin (a draft, or not published in this language)"
        elif match:
            reason = "that entry belongs to another month; link to it by its web address"
        else:
            reason = "a bulletin cannot carry local files; link to a web address or to an entry of this month"
        self.problems.warning(self.entry.path, line, f"link '{url[:80]}' removed: {reason}", code="link.removed")
        return None

    def _image(self, url: str) -> Asset | None:
        line = _line_of(self.entry, re.escape(url[:40])) if url else self.entry.body_line
        where = self.problems.where(self.entry.path)
        if url.strip().lower().startswith("file:"):
            self.problems.error(self.entry.path, line, f"image '{url[:80]}' is refused: images must be files in "
                                                       f"the entry's folder, linked by a relative path",
                                code="image.not-relative")
            return None
        if re.match(r"^[a-z]:[\\/]|^\\\\", url.strip().lower()) or "\\" in url:  # C:\… or \\server\…
            self.problems.error(self.entry.path, line, f"image '{url[:80]}' is a path on a local computer: copy "
                                                       "the file into the entry's folder and link it by file name",
                                code="image.local-path")
            return None
        if re.match(r"^[a-z][a-z0-9+.-]*:", url.strip().lower()) or url.startswith("//"):
            self.problems.error(self.entry.path, line,
                                f"image '{url[:80]}' is not fetched: builds never use the network "
                                f"(download it into {Path(where).parent}/ and link it by file name)",
                                code="image.remote")
            return None
        target = (self.entry.path.parent / url).resolve()
        if not _inside(target, self.root / "content"):
            self.problems.error(self.entry.path, line, f"image '{url[:80]}' is outside the project's content/",
                                code="image.outside-content")
            return None
        if not target.is_file():
            self.problems.error(self.entry.path, line, f"image '{url[:80]}' does not exist", code="image.missing")
            return None
        try:
            mime = inspect_image(target, self.limits["image_pixels"])
        except ImageProblem as exc:
            self.problems.error(self.entry.path, line, f"image '{url[:80]}' {exc}", code="image.unreadable")
            return None
        limit, before = self.limits["image_bytes"], self.image_bytes
        self.image_bytes += target.stat().st_size
        if self.image_bytes > limit:
            if before <= limit:  # said once, where the total goes over
                self.problems.error(self.entry.path, line, f"the images of this entry add up to more than {limit} "
                                                           "bytes, counting each use (limit: limits.image_bytes in "
                                                           "bulletin.yaml)", code="image.too-many-bytes")
            return None
        return Asset(target, mime)


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except (ValueError, OSError):
        return False


def prepare_blocks(blocks: list, entry: Entry, lang: str, problems: Problems, root: Path,
                   anchors: frozenset[str] = frozenset(), limits: dict = DEFAULT_LIMITS) -> tuple[list, list, str]:
    """Checked and typeset blocks, the entry's images, and the raw HTML it contains (to warn about).

    ``anchors``: the entries printed in the same bulletin, which links to entry files may point to.
    """
    checker = _Checker(entry, lang, problems, root, anchors, limits)
    # Inside a paragraph pandoc keeps only the <style> tags as raw HTML, the CSS between them is text.
    for css in re.findall(r"<style\b[^>]*>(.*?)</style\s*>", entry.body, re.IGNORECASE | re.DOTALL):
        checker._raw_references(css)
    blocks = typeset_blocks(append_notes(_walk(blocks, checker), checker.notes, entry.anchor), lang)
    for ident, url, line in checker.id_links:
        if ident not in checker.ids:
            problems.warning(entry.path, line, f"link '{url[:80]}' leads nowhere: no heading or id of this entry "
                                               "has that id", code="link.no-such-anchor")
    return blocks, checker.assets, "".join(checker.raw_html)


def _filter_attribute(prefix: str, seen: set, element: str, attribute: str, value: str) -> str | None:
    """Raw HTML gets the rules Markdown got in the AST: ids in the entry's namespace (``prefix``), safe
    classes only, links to the web, mail or an id; file links were resolved or refused before."""
    if element == "img" and attribute == "src":
        return value if ASSET_REF.fullmatch(value) else None
    if attribute == "id":  # ``seen``: the fragment's ids so far; a second use is dropped
        value = owned_id(prefix, value)
        if value in seen:
            return None
        seen.add(value)
        return value
    if attribute == "class":
        return " ".join(keep_classes(value.split())) or None
    if element == "a" and attribute == "href":
        lowered = value.strip().lower()
        if lowered.startswith("#"):
            return internal_href(value.strip()[1:], prefix)
        return value if lowered.startswith(LINK_SCHEMES) else None
    return value


def sanitize_html(html: str, entry: Entry, problems: Problems, raw_html: str = "") -> str:
    """Strip scripts, frames, handlers, inline styles and unsafe URLs from an entry's HTML (nh3)."""
    # pandoc aligns table columns with inline styles, which the sanitiser drops: keep them as classes.
    html = re.sub(r'style="text-align: (left|right|center);"', r'class="align-\1"', html)
    clean = nh3.clean(html, tags=ALLOWED_TAGS, clean_content_tags=DROPPED_WITH_CONTENT,
                      attributes=ALLOWED_ATTRIBUTES,
                      attribute_filter=functools.partial(_filter_attribute, entry.anchor, set()),
                      url_schemes={"http", "https", "mailto", ASSET_SCHEME.rstrip(":")},
                      link_rel="noopener noreferrer")
    # pandoc's own output (e.g. <col style=…> in wide tables) is cleaned silently; the entry's raw HTML is not.
    if _DANGER.search(raw_html):
        problems.warning(entry.path, entry.body_line,
                         "unsafe HTML removed from the entry (scripts, frames, event handlers, inline "
                         "styles or unsafe links)", code="html.unsafe-removed")
    return clean


_DANGER = re.compile(r"<\s*(script|iframe|object|embed|style|form|svg|math|frame|applet|base|meta|link)\b"
                     r"|\son\w+\s*=|\sstyle\s*=|javascript:|vbscript:|data:|file:"
                     r"|\ssrc(?:set)?\s*=\s*[\"']?(?!bulletin-asset:)", re.IGNORECASE)  # raw <img src> is always dropped
