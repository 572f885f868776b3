"""Entry Markdown bodies -> checked pandoc ASTs and sanitised HTML fragments, one pandoc call per batch."""

from __future__ import annotations

import functools
import hashlib
import json
import re
import secrets
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

import nh3
import pypandoc

from .config import Config
from .content import ANCHOR_PREFIX, ASSET_SCHEME, ENTRY_RE, Entry
from .hyphenation import hyphenate_text
from .images import ImageProblem, inspect_image
from .isolation import (ENTRY_TARGET, SEPARATOR, append_notes, confine_attr, internal_href, keep_classes,
                        node_id, note_call, note_ids, owned_id, report_labels, without_id)
from .problems import Problem, Problems
from .processes import run_bound
from .typography import INLINE_TYPES, typeset_blocks

# No `smart`: pandoc's smart quotes are English-only and garble nested ones; typography.py sets quotes.
# autolink_bare_uris: a pasted address becomes a link, printed in full.
READER = ("markdown-smart-yaml_metadata_block-pandoc_title_block-tex_math_dollars"
          "-tex_math_single_backslash-raw_tex-citations+autolink_bare_uris")
# What nests inside a paragraph; each level costs WeasyPrint (and our tree walks) a level of recursion.
NESTING_TYPES = {"Emph", "Underline", "Strong", "Strikeout", "Superscript", "Subscript", "SmallCaps", "Quoted",
                 "Cite", "Link", "Span", "Note", "Div"}
LINK_SCHEMES = ("http://", "https://", "mailto:")
# Image references in converted bodies: unguessable, so no text an entry types can pass for one
ASSET_PREFIX = f"{ASSET_SCHEME}{secrets.token_hex(8)}-"
ASSET_REF = re.compile(re.escape(ASSET_PREFIX) + r"(\d+)")
PANDOC_API = [1, 23, 1]
ENTRIES_FILTER = Path(__file__).with_name("entries.lua")
ALLOWED_TAGS = {"p", "a", "em", "strong", "b", "i", "u", "s", "del", "ins", "sup", "sub", "small", "mark",
                "code", "pre", "kbd", "blockquote", "q", "ul", "ol", "li", "dl", "dt", "dd", "h3", "h4", "h5",
                "h6", "br", "hr", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "colgroup",
                "col", "figure", "figcaption", "img", "span", "div", "abbr", "cite"}
ALLOWED_ATTRIBUTES = {"*": {"id", "lang", "title", "class"}, "a": {"href"}, "img": {"src", "alt"},
                      "ol": {"start", "type"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan", "scope"},
                      "col": {"span"}, "abbr": {"title"}}
DROPPED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math",
                        "form", "textarea", "select", "button", "frame", "frameset", "applet", "audio", "video"}


DEFAULT_LIMITS = Config(Path(".")).limits


class PandocError(Exception):
    pass


class PandocTimeout(PandocError):
    pass


ENTRY_TIMEOUT = 15  # seconds for one entry alone, when a whole batch ran out of time


def run_pandoc(args: list[str], data: bytes, timeout: int) -> bytes:
    """Run the bundled pandoc in its sandbox (it may read no file but its input) with a time limit."""
    command = [pypandoc.get_pandoc_path(), "--sandbox", *args]
    try:
        done = run_bound(command, data, timeout)
    except subprocess.TimeoutExpired:
        raise PandocTimeout(f"pandoc did not finish within {timeout} s (limit: timeouts.pandoc in bulletin.yaml)")
    if done.returncode != 0:
        raise PandocError(f"pandoc failed: {done.stderr.decode('utf-8', 'replace').strip()[:500]}")
    return done.stdout


@dataclass
class Asset:
    """An image of an entry, checked to be a real image inside the project."""

    path: Path
    mime: str


@dataclass
class Converted:
    """One entry's body in one language: AST blocks (for DOCX) and sanitised HTML (for HTML/PDF)."""

    blocks: list
    html: str = ""
    assets: list[Asset] = field(default_factory=list)


def _body_key(entry: Entry, lang: str, anchors: str) -> str:
    """``anchors``: the entries printed beside it, which its links to other entries depend on."""
    digest = hashlib.sha256(f"{lang}\0{entry.path}\0{anchors}\0{entry.body}".encode("utf-8")).hexdigest()
    return digest[:24]


def _line_of(entry: Entry, pattern: str, nth: int = 0) -> int:
    """The line of the pattern's first match in the body (its ``nth`` one, counting from 0)."""
    match = next((m for i, m in enumerate(re.finditer(pattern, entry.body)) if i == nth), None)
    return entry.body_line + entry.body[:match.start()].count("\n") if match else entry.body_line


def parse_bodies(entries: list[Entry], timeout: int) -> list[list]:
    """Markdown -> pandoc AST blocks for many entries in one pandoc process.

    Each body is read as a document of its own (entries.lua), so one entry's reference links, footnote
    labels and unbalanced fences never reach another, however the entries are batched.
    """
    if not entries:
        return []
    blocks = [{"t": "Div", "c": [["", [], []], [{"t": "RawBlock", "c": ["markdown", e.body]}]]} for e in entries]
    doc = {"pandoc-api-version": PANDOC_API, "meta": {"bulletin-reader": {"t": "MetaString", "c": READER}},
           "blocks": blocks}
    out = run_pandoc(["-f", "json", "-t", "json", f"--lua-filter={ENTRIES_FILTER}"], json.dumps(doc).encode(),
                     timeout)
    return [block["c"][1] for block in json.loads(out)["blocks"]]


def nesting_depth(blocks: list) -> int:
    """How deeply formatting, links, spans and divs nest in an AST (iteratively: any depth is measured)."""
    deepest, stack = 0, [(blocks, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            depth += node.get("t") in NESTING_TYPES
            deepest = max(deepest, depth)
            stack.append((node.get("c"), depth))
        elif isinstance(node, list):
            stack.extend((child, depth) for child in node)
    return deepest


def _deepest_line(entry: Entry) -> int:
    """The body line with the most markers that open a level (for a located message)."""
    lines = entry.body.split("\n")
    counts = [sum(line.count(c) for c in "*_~^[<:") for line in lines]
    return entry.body_line + counts.index(max(counts)) if lines else entry.body_line


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


def shift_headings(blocks: list, top: int) -> list:
    """Make the body's shallowest heading level ``top`` (entry headings sit under rubric and title)."""
    levels = []
    _walk(blocks, lambda kind, n: (levels.append(n["c"][0]) if kind == "node" and n.get("t") == "Header" else None)
          or n)
    if not levels:
        return blocks
    shift = top - min(levels)

    def visit(kind, node):
        if kind == "node" and node.get("t") == "Header":
            level, attr, inlines = node["c"]
            return {"t": "Header", "c": [min(6, level + shift), attr, inlines]}
        return node
    return _walk(blocks, visit)


def hyphenate_blocks(blocks: list, lang: str) -> list:
    """Soft hyphens for languages WeasyPrint cannot hyphenate itself (pyphen has no Kazakh)."""
    if lang != "kk":
        return blocks

    def visit(kind, node):
        if kind == "node" and node.get("t") == "Str":
            return {"t": "Str", "c": hyphenate_text(node["c"], lang)}
        if kind == "node" and node.get("t") in ("Code", "CodeBlock", "Link"):
            return node if node.get("t") != "Link" else {"t": "Link", "c": [node["c"][0], _walk(node["c"][1], visit),
                                                                         node["c"][2]]}
        return node
    return _walk(blocks, visit)


def write_fragments(block_lists: list[list], timeout: int) -> list[str]:
    """pandoc AST blocks of many entries -> one HTML fragment each, in one pandoc process."""
    if not block_lists:
        return []
    nonce = "h" + secrets.token_hex(6)
    blocks = [{"t": "Div", "c": [[f"{nonce}-{i}", [], []], bl]} for i, bl in enumerate(block_lists)]
    doc = {"pandoc-api-version": PANDOC_API, "meta": {}, "blocks": blocks}
    out = run_pandoc(["-f", "json", "-t", "html5", "--wrap=none"], json.dumps(doc).encode(), timeout)
    html = out.decode("utf-8")
    parts = re.split(rf'<div id="{nonce}-(\d+)">', html)
    fragments = [""] * len(block_lists)
    for index, chunk in zip(parts[1::2], parts[2::2]):
        chunk = chunk.rstrip()
        if chunk.endswith("</div>"):
            chunk = chunk[: -len("</div>")]
        fragments[int(index)] = chunk.strip()
    return fragments


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


class Converter:
    """Converts entry bodies per language, remembering results so a rebuild converts only what changed."""

    def _find_slow(self, entries: list[Entry], problems: Problems) -> tuple[list[Entry], list[list]]:
        """The batch ran out of time or nested too deeply: convert entries one by one to name the culprit."""
        kept, parsed = [], []
        limit = min(self.timeout, ENTRY_TIMEOUT)
        for entry in entries:
            try:
                parsed.append(json.loads(run_pandoc(["-f", READER, "-t", "json"], entry.body.encode(), limit))["blocks"])
                kept.append(entry)
            except PandocTimeout:
                problems.error(entry.path, entry.body_line, f"pandoc could not convert this entry within {limit} s: "
                                                            "simplify its Markdown (very long runs of <, ` or [ are "
                                                            "the usual cause)", code="pandoc.timeout")
            except RecursionError:
                self._too_deep(entry, problems)
        return kept, parsed

    def _too_deep(self, entry: Entry, problems: Problems) -> None:
        problems.error(entry.path, _deepest_line(entry), f"formatting, links or divs nested more than "
                                                         f"{self.limits['inline_nesting']} deep (limit: limits.inline_nesting "
                                                         "in bulletin.yaml)", code="entry.nested-too-deeply")

    def __init__(self, root: Path, timeout: int = 120, limits: dict | None = None, disk=None):
        """``disk``: a bulletin.cache.Cache that keeps conversions between runs (build uses the project's
        build/.cache/)."""
        self.root, self.timeout, self.limits = root, timeout, limits or DEFAULT_LIMITS
        self.cache: dict[str, tuple[list, str, list, Problems]] = {}
        self.disk = disk

    def _disk_key(self, key: str) -> str:
        return self.disk.key("pandoc", READER, json.dumps(self.limits, sort_keys=True), key)

    def _load(self, key: str) -> bool:
        """A conversion from an earlier run, with the problems it found (replayed, never skipped); refused
        when one of its images changed since."""
        raw = self.disk.get(self._disk_key(key)) if self.disk else None
        if raw is None:
            return False
        stored = json.loads(raw.decode("utf-8").replace(json.loads(raw)["prefix"], ASSET_PREFIX))
        assets = []
        for path, mime, stamp in stored["assets"]:
            try:
                if Path(path).stat().st_mtime_ns != stamp:
                    return False
            except OSError:
                return False
            assets.append(Asset(Path(path), mime))
        local = Problems(self.root.resolve())
        local.items = [Problem(**item) for item in stored["problems"]]
        self.cache[key] = (stored["blocks"], stored["html"], assets, local)
        return True

    def _store(self, key: str) -> None:
        if not self.disk:
            return
        blocks, fragment, assets, local = self.cache[key]
        try:
            stamps = [(str(a.path), a.mime, a.path.stat().st_mtime_ns) for a in assets]
        except OSError:
            return
        record = {"prefix": ASSET_PREFIX, "blocks": blocks, "html": fragment, "assets": stamps,
                  "problems": [p.as_dict() for p in local.items]}
        self.disk.put(self._disk_key(key), json.dumps(record, ensure_ascii=False).encode("utf-8"))

    def convert(self, entries: list[Entry], lang_of: dict, problems: Problems,
                redaction=None) -> dict[tuple, Converted]:
        """``lang_of`` maps entry.key to the language whose typography applies; ``entries`` are the ones
        printed together (links between them become internal links); ``redaction``: what a public edition
        withholds (confidential.Redaction), applied to each AST before anything else reads it."""
        anchors = frozenset(e.anchor for e in entries)
        printed = " ".join(sorted(anchors)) + (redaction.key if redaction is not None else "")
        report_labels(entries, problems)
        todo = [e for e in entries if _body_key(e, lang_of[e.key], printed) not in self.cache
                and not self._load(_body_key(e, lang_of[e.key], printed))]
        if todo:
            try:
                parsed = parse_bodies(todo, self.timeout)
            except (PandocTimeout, RecursionError):  # json's decoder refuses ~1000 levels of nesting
                todo, parsed = self._find_slow(todo, problems)
            deep = {id(e) for e, blocks in zip(todo, parsed) if nesting_depth(blocks) > self.limits["inline_nesting"]}
            for entry in (e for e in todo if id(e) in deep):
                self._too_deep(entry, problems)
            kept = [(e, b) for e, b in zip(todo, parsed) if id(e) not in deep]
            todo, parsed = [e for e, _ in kept], [b for _, b in kept]
            prepared = []
            for entry, blocks in zip(todo, parsed):
                if redaction is not None:
                    blocks = redaction.blocks(blocks, lang_of[entry.key])
                local = Problems(problems.root)
                blocks, assets, raw = prepare_blocks(blocks, entry, lang_of[entry.key], local, self.root, anchors,
                                                     self.limits)
                prepared.append((entry, blocks, assets, local, raw))
            html_blocks = [hyphenate_blocks(shift_headings(blocks, 4), lang_of[entry.key])
                           for entry, blocks, _, _, _ in prepared]
            fragments = write_fragments(html_blocks, self.timeout)
            for (entry, blocks, assets, local, raw), fragment in zip(prepared, fragments):
                fragment = sanitize_html(fragment, entry, local, raw)
                self.cache[_body_key(entry, lang_of[entry.key], printed)] = (blocks, fragment, assets, local)
                self._store(_body_key(entry, lang_of[entry.key], printed))
        result = {}
        for entry in entries:
            key = _body_key(entry, lang_of[entry.key], printed)
            if key not in self.cache:
                continue  # too slow to convert: reported by _find_slow
            blocks, fragment, assets, local = self.cache[key]
            problems.extend(local)
            result[entry.key] = Converted(blocks, fragment, assets)
        return result
