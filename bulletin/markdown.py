"""Entry Markdown bodies -> checked pandoc ASTs and sanitised HTML fragments, one pandoc call per batch."""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import nh3
import pypandoc

from .content import Entry
from .hyphenation import hyphenate_text
from .problems import Problems
from .typography import INLINE_TYPES, typeset_blocks

# No `smart`: pandoc's smart quotes are English-only and garble nested ones; typography.py sets quotes.
# autolink_bare_uris: a pasted address becomes a link, printed in full.
READER = ("markdown-smart-yaml_metadata_block-pandoc_title_block-tex_math_dollars"
          "-tex_math_single_backslash-raw_tex-citations+autolink_bare_uris")
LINK_SCHEMES = ("http://", "https://", "mailto:")
IMAGE_MAGIC = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg",
               b"GIF87a": "image/gif", b"GIF89a": "image/gif"}
ASSET_SCHEME = "bulletin-asset:"
ALLOWED_TAGS = {"p", "a", "em", "strong", "b", "i", "u", "s", "del", "ins", "sup", "sub", "small", "mark",
                "code", "pre", "kbd", "blockquote", "q", "ul", "ol", "li", "dl", "dt", "dd", "h3", "h4", "h5",
                "h6", "br", "hr", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "colgroup",
                "col", "figure", "figcaption", "img", "span", "div", "abbr", "cite"}
ALLOWED_ATTRIBUTES = {"*": {"id", "lang", "title", "class"}, "a": {"href"}, "img": {"src", "alt"},
                      "ol": {"start", "type"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan", "scope"},
                      "col": {"span"}, "abbr": {"title"}}
DROPPED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math",
                        "form", "textarea", "select", "button", "frame", "frameset", "applet", "audio", "video"}


class PandocError(Exception):
    pass


class PandocTimeout(PandocError):
    pass


ENTRY_TIMEOUT = 15  # seconds for one entry alone, when a whole batch ran out of time


def run_pandoc(args: list[str], data: bytes, timeout: int) -> bytes:
    """Run the bundled pandoc in its sandbox (it may read no file but its input) with a time limit."""
    command = [pypandoc.get_pandoc_path(), "--sandbox", *args]
    try:
        done = subprocess.run(command, input=data, capture_output=True, timeout=timeout, check=False)
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


def _body_key(entry: Entry, lang: str) -> str:
    digest = hashlib.sha256(f"{lang}\0{entry.path}\0{entry.body}".encode("utf-8")).hexdigest()
    return digest[:24]


def _line_of(entry: Entry, pattern: str) -> int:
    match = re.search(pattern, entry.body)
    return entry.body_line + entry.body[:match.start()].count("\n") if match else entry.body_line


def _wrap(bodies: list[str], nonce: str) -> str:
    fence = ":" * 40
    parts = [f"\n\n{fence} {{#{nonce}-{i}}}\n\n{body}\n\n{fence}\n\n" for i, body in enumerate(bodies)]
    return "".join(parts)


def parse_bodies(entries: list[Entry], timeout: int) -> list[list]:
    """Markdown -> pandoc AST blocks for many entries in one pandoc process."""
    if not entries:
        return []
    nonce = "b" + secrets.token_hex(6)
    out = run_pandoc(["-f", READER, "-t", "json"], _wrap([e.body for e in entries], nonce).encode(), timeout)
    blocks = json.loads(out)["blocks"]
    ids = [b["c"][0][0] if b.get("t") == "Div" else None for b in blocks]
    if ids == [f"{nonce}-{i}" for i in range(len(entries))]:
        return [b["c"][1] for b in blocks]
    # An entry with unbalanced ':::' fences broke the wrapping: parse each entry on its own.
    return [json.loads(run_pandoc(["-f", READER, "-t", "json"], e.body.encode(), timeout))["blocks"]
            for e in entries]


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

    def __init__(self, entry: Entry, lang: str, problems: Problems, root: Path):
        self.entry, self.lang, self.problems, self.root = entry, lang, problems, root
        self.assets: list[Asset] = []
        self.raw_html: list[str] = []

    def __call__(self, kind: str, node):
        if kind == "inlines":
            return node
        t = node.get("t")
        if t in ("RawBlock", "RawInline"):
            fmt = node["c"][0].lower()
            if fmt == "html":
                self.raw_html.append(node["c"][1])
                self._raw_references(node["c"][1])
            else:
                self.problems.error(self.entry.path, _line_of(self.entry, r"\{=" + re.escape(fmt)),
                                    f"raw '{fmt}' block is not allowed in entries")
                # pandoc 3 has no Null block: an empty Div stands in for the refused raw block
                return {"t": "Str", "c": ""} if t == "RawInline" else {"t": "Div", "c": [["", [], []], []]}
        elif t == "Header":
            level, (ident, classes, attrs), inlines = node["c"]
            return {"t": "Header", "c": [level, [f"{self.entry.slug}-{ident}" if ident else "", classes, attrs],
                                         inlines]}
        elif t == "Link":
            attr, inlines, (url, title) = node["c"]
            if not self._link_ok(url):
                return {"t": "Span", "c": [["", [], []], inlines]}
        elif t == "Image":
            attr, inlines, (url, title) = node["c"]
            asset = self._image(url)
            if asset is None:
                return {"t": "Span", "c": [["", [], []], inlines]}
            self.assets.append(asset)
            return {"t": "Image", "c": [attr, inlines, [f"{ASSET_SCHEME}{len(self.assets) - 1}", title]]}
        return node

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
                                    f"raw HTML refers to '{ref[:80]}', {where}: it is never fetched or embedded")

    def _link_ok(self, url: str) -> bool:
        lowered = url.strip().lower()
        if lowered.startswith(LINK_SCHEMES) or lowered.startswith("#"):
            return True
        line = _line_of(self.entry, re.escape(url[:40])) if url else self.entry.body_line
        if re.match(r"^[a-z][a-z0-9+.-]*:", lowered):
            self.problems.warning(self.entry.path, line,
                                  f"link '{url[:80]}' removed: only http(s), mailto and relative links are allowed")
            return False
        target = (self.entry.path.parent / url.split("#")[0].split("?")[0]).resolve()
        if not _inside(target, self.root / "content"):
            self.problems.warning(self.entry.path, line, f"link '{url[:80]}' removed: it points outside content/")
            return False
        if not target.exists():
            self.problems.warning(self.entry.path, line, f"link '{url[:80]}' points to a missing file")
        return True

    def _image(self, url: str) -> Asset | None:
        line = _line_of(self.entry, re.escape(url[:40])) if url else self.entry.body_line
        where = self.problems.where(self.entry.path)
        if url.strip().lower().startswith("file:"):
            self.problems.error(self.entry.path, line, f"image '{url[:80]}' is refused: images must be files in "
                                                       f"the entry's folder, linked by a relative path")
            return None
        if re.match(r"^[a-z][a-z0-9+.-]*:", url.strip().lower()) or url.startswith("//"):
            self.problems.error(self.entry.path, line,
                                f"image '{url[:80]}' is not fetched: builds never use the network "
                                f"(download it into {Path(where).parent}/ and link it by file name)")
            return None
        target = (self.entry.path.parent / url).resolve()
        if not _inside(target, self.root / "content"):
            self.problems.error(self.entry.path, line, f"image '{url[:80]}' is outside the project's content/")
            return None
        if not target.is_file():
            self.problems.error(self.entry.path, line, f"image '{url[:80]}' does not exist")
            return None
        with target.open("rb") as handle:
            head = handle.read(16)
        mime = next((m for magic, m in IMAGE_MAGIC.items() if head.startswith(magic)), None)
        if mime is None and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
            mime = "image/webp"
        if mime is None:
            self.problems.error(self.entry.path, line, f"image '{url[:80]}' is not a PNG, JPEG, GIF or WebP file")
            return None
        return Asset(target, mime)


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except (ValueError, OSError):
        return False


def prepare_blocks(blocks: list, entry: Entry, lang: str, problems: Problems, root: Path) -> tuple[list, list, str]:
    """Checked and typeset blocks, the entry's images, and the raw HTML it contains (to warn about)."""
    checker = _Checker(entry, lang, problems, root)
    # Inside a paragraph pandoc keeps only the <style> tags as raw HTML, the CSS between them is text.
    for css in re.findall(r"<style\b[^>]*>(.*?)</style\s*>", entry.body, re.IGNORECASE | re.DOTALL):
        checker._raw_references(css)
    blocks = typeset_blocks(_walk(blocks, checker), lang)
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
    doc = {"pandoc-api-version": [1, 23, 1], "meta": {}, "blocks": blocks}
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


def _filter_attribute(element: str, attribute: str, value: str) -> str | None:
    if element == "img" and attribute == "src":
        return value if value.startswith(ASSET_SCHEME) else None
    if element == "a" and attribute == "href":
        lowered = value.strip().lower()
        ok = lowered.startswith(LINK_SCHEMES) or lowered.startswith("#") or not re.match(r"^[a-z][a-z0-9+.-]*:", lowered)
        return value if ok else None
    return value


def sanitize_html(html: str, entry: Entry, problems: Problems, raw_html: str = "") -> str:
    """Strip scripts, frames, handlers, inline styles and unsafe URLs from an entry's HTML (nh3)."""
    # pandoc aligns table columns with inline styles, which the sanitiser drops: keep them as classes.
    html = re.sub(r'style="text-align: (left|right|center);"', r'class="align-\1"', html)
    clean = nh3.clean(html, tags=ALLOWED_TAGS, clean_content_tags=DROPPED_WITH_CONTENT,
                      attributes=ALLOWED_ATTRIBUTES, attribute_filter=_filter_attribute,
                      url_schemes={"http", "https", "mailto", ASSET_SCHEME.rstrip(":")},
                      link_rel="noopener noreferrer")
    # pandoc's own output (e.g. <col style=…> in wide tables) is cleaned silently; the entry's raw HTML is not.
    if _DANGER.search(raw_html):
        problems.warning(entry.path, entry.body_line,
                         "unsafe HTML removed from the entry (scripts, frames, event handlers, inline "
                         "styles or unsafe links)")
    return clean


_DANGER = re.compile(r"<\s*(script|iframe|object|embed|style|form|svg|math|frame|applet|base|meta|link)\b"
                     r"|\son\w+\s*=|\sstyle\s*=|javascript:|vbscript:|data:|file:"
                     r"|\ssrc(?:set)?\s*=\s*[\"']?(?!bulletin-asset:)", re.IGNORECASE)  # raw <img src> is always dropped


class Converter:
    """Converts entry bodies per language, remembering results so a rebuild converts only what changed."""

    def _find_slow(self, entries: list[Entry], problems: Problems) -> tuple[list[Entry], list[list]]:
        """The batch ran out of time: convert entries one by one to name the one pandoc chokes on."""
        kept, parsed = [], []
        limit = min(self.timeout, ENTRY_TIMEOUT)
        for entry in entries:
            try:
                parsed.append(json.loads(run_pandoc(["-f", READER, "-t", "json"], entry.body.encode(), limit))["blocks"])
                kept.append(entry)
            except PandocTimeout:
                problems.error(entry.path, entry.body_line, f"pandoc could not convert this entry within {limit} s: "
                                                            "simplify its Markdown (very long runs of <, ` or [ are "
                                                            "the usual cause)")
        return kept, parsed

    def __init__(self, root: Path, timeout: int = 120):
        self.root, self.timeout = root, timeout
        self.cache: dict[str, tuple[list, str, list, Problems]] = {}

    def convert(self, entries: list[Entry], lang_of: dict, problems: Problems) -> dict[tuple, Converted]:
        """``lang_of`` maps entry.key to the language whose typography applies."""
        todo = [e for e in entries if _body_key(e, lang_of[e.key]) not in self.cache]
        if todo:
            try:
                parsed = parse_bodies(todo, self.timeout)
            except PandocTimeout:
                todo, parsed = self._find_slow(todo, problems)
            prepared = []
            for entry, blocks in zip(todo, parsed):
                local = Problems(problems.root)
                blocks, assets, raw = prepare_blocks(blocks, entry, lang_of[entry.key], local, self.root)
                prepared.append((entry, blocks, assets, local, raw))
            html_blocks = [hyphenate_blocks(shift_headings(blocks, 4), lang_of[entry.key])
                           for entry, blocks, _, _, _ in prepared]
            fragments = write_fragments(html_blocks, self.timeout)
            for (entry, blocks, assets, local, raw), fragment in zip(prepared, fragments):
                fragment = sanitize_html(fragment, entry, local, raw)
                self.cache[_body_key(entry, lang_of[entry.key])] = (blocks, fragment, assets, local)
        result = {}
        for entry in entries:
            if _body_key(entry, lang_of[entry.key]) not in self.cache:
                continue  # too slow to convert: reported by _find_slow
            blocks, fragment, assets, local = self.cache[_body_key(entry, lang_of[entry.key])]
            problems.extend(local)
            result[entry.key] = Converted(blocks, fragment, assets)
        return result
