"""Entry Markdown bodies -> checked pandoc ASTs and sanitised HTML fragments, one pandoc call per batch."""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pypandoc

from .content import Entry
from .hyphenation import hyphenate_text
from .isolation import report_labels
from .problems import Problem, Problems
from .processes import run_bound
from .references import ASSET_PREFIX, DEFAULT_LIMITS, Asset, _walk, prepare_blocks, sanitize_html

# No `smart`: pandoc's smart quotes are English-only and garble nested ones; typography.py sets quotes.
# autolink_bare_uris: a pasted address becomes a link, printed in full.
READER = ("markdown-smart-yaml_metadata_block-pandoc_title_block-tex_math_dollars"
          "-tex_math_single_backslash-raw_tex-citations+autolink_bare_uris")
# What nests inside a paragraph; each level costs WeasyPrint (and our tree walks) a level of recursion.
NESTING_TYPES = {"Emph", "Underline", "Strong", "Strikeout", "Superscript", "Subscript", "SmallCaps", "Quoted",
                 "Cite", "Link", "Span", "Note", "Div"}
PANDOC_API = [1, 23, 1]
ENTRIES_FILTER = Path(__file__).with_name("entries.lua")


class PandocError(Exception):
    pass


class PandocTimeout(PandocError):
    pass


ENTRY_TIMEOUT = 15  # seconds for one entry alone, when a whole batch ran out of time
PARALLEL_FROM = 24  # new entries in one batch from which conversion is split over processes (a fork costs ~10 ms)


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
class Converted:
    """One entry's body in one language: AST blocks (for DOCX) and sanitised HTML (for HTML/PDF)."""

    blocks: list
    html: str = ""
    assets: list[Asset] = field(default_factory=list)


def _body_key(entry: Entry, lang: str, anchors: str) -> str:
    """``anchors``: the entries printed beside it, which its links to other entries depend on."""
    digest = hashlib.sha256(f"{lang}\0{entry.path}\0{anchors}\0{entry.body}".encode("utf-8")).hexdigest()
    return digest[:24]


def parse_bodies(entries: list[Entry], timeout: int, pandoc=run_pandoc) -> list[list]:
    """Markdown -> pandoc AST blocks for many entries in one pandoc process (``pandoc``: run_pandoc's stand-in).

    Each body is read as a document of its own (entries.lua), so one entry's reference links, footnote
    labels and unbalanced fences never reach another, however the entries are batched.
    """
    if not entries:
        return []
    blocks = [{"t": "Div", "c": [["", [], []], [{"t": "RawBlock", "c": ["markdown", e.body]}]]} for e in entries]
    doc = {"pandoc-api-version": PANDOC_API, "meta": {"bulletin-reader": {"t": "MetaString", "c": READER}},
           "blocks": blocks}
    out = pandoc(["-f", "json", "-t", "json", f"--lua-filter={ENTRIES_FILTER}"], json.dumps(doc).encode(), timeout)
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


def write_fragments(block_lists: list[list], timeout: int, pandoc=run_pandoc) -> list[str]:
    """pandoc AST blocks of many entries -> one HTML fragment each, in one pandoc process."""
    if not block_lists:
        return []
    nonce = "h" + secrets.token_hex(6)
    blocks = [{"t": "Div", "c": [[f"{nonce}-{i}", [], []], bl]} for i, bl in enumerate(block_lists)]
    doc = {"pandoc-api-version": PANDOC_API, "meta": {}, "blocks": blocks}
    out = pandoc(["-f", "json", "-t", "html5", "--wrap=none"], json.dumps(doc).encode(), timeout)
    html = out.decode("utf-8")
    parts = re.split(rf'<div id="{nonce}-(\d+)">', html)
    fragments = [""] * len(block_lists)
    for index, chunk in zip(parts[1::2], parts[2::2]):
        chunk = chunk.rstrip()
        if chunk.endswith("</div>"):
            chunk = chunk[: -len("</div>")]
        fragments[int(index)] = chunk.strip()
    return fragments


class Converter:
    """Converts entry bodies per language, remembering results so a rebuild converts only what changed."""

    def _find_slow(self, entries: list[Entry], problems: Problems) -> tuple[list[Entry], list[list]]:
        """The batch ran out of time or nested too deeply: convert entries one by one to name the culprit."""
        kept, parsed = [], []
        limit = min(self.timeout, ENTRY_TIMEOUT)
        for entry in entries:
            try:
                parsed.append(json.loads(self.pandoc(["-f", READER, "-t", "json"], entry.body.encode(), limit))["blocks"])
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

    def __init__(self, root: Path, timeout: int = 120, limits: dict | None = None, disk=None, pandoc=run_pandoc):
        """``disk``: a bulletin.cache.Cache that keeps conversions between runs (build uses the project's
        build/.cache/). ``pandoc(args, data, timeout) -> bytes``: run_pandoc, or a test's stand-in."""
        self.root, self.timeout, self.limits, self.pandoc = root, timeout, limits or DEFAULT_LIMITS, pandoc
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
                redaction=None, jobs: int | None = None) -> dict[tuple, Converted]:
        """``lang_of`` maps entry.key to the language whose typography applies; ``entries`` are the ones
        printed together (links between them become internal links); ``redaction``: what a public edition
        withholds (confidential.Redaction), applied to each AST before anything else reads it; ``jobs``:
        processes converting at once, for a batch of at least PARALLEL_FROM new entries."""
        anchors = frozenset(e.anchor for e in entries)
        printed = " ".join(sorted(anchors)) + (redaction.key if redaction is not None else "")
        report_labels(entries, problems)
        todo = [e for e in entries if _body_key(e, lang_of[e.key], printed) not in self.cache
                and not self._load(_body_key(e, lang_of[e.key], printed))]
        if len(todo) >= PARALLEL_FROM and (jobs or 1) > 1:
            self._convert_parallel(todo, lang_of, anchors, printed, redaction, problems, jobs)
        elif todo:
            self._convert_some(todo, lang_of, anchors, printed, redaction, problems)
        result = {}
        for entry in entries:
            key = _body_key(entry, lang_of[entry.key], printed)
            if key not in self.cache:
                continue  # too slow to convert: reported by _find_slow
            blocks, fragment, assets, local = self.cache[key]
            problems.extend(local)
            result[entry.key] = Converted(blocks, fragment, assets)
        return result

    def _convert_parallel(self, todo: list[Entry], lang_of: dict, anchors: frozenset, printed: str, redaction,
                          problems: Problems, jobs: int) -> None:
        """The entries in ``jobs`` slices, each converted in a forked child (pandoc and the Python passes
        over its ASTs, which are most of the time); their results join this converter's memory and disk."""
        from .scheduler import Task, TaskError, run_tasks

        slices = [todo[index::jobs] for index in range(jobs)]
        tasks = [Task(self._convert_slice, (part, lang_of, anchors, printed, redaction, problems.root),
                      self.timeout * 2, "the conversion of the entries", cost=len(part)) for part in slices]
        try:
            results = run_tasks(tasks, jobs)
        except TaskError:  # converted here instead, where a failure is reported entry by entry
            self._convert_some(todo, lang_of, anchors, printed, redaction, problems)
            return
        for converted, found, stored in results:
            self.cache.update(converted)
            problems.keep_all(found)
            if self.disk:
                self.disk.hold_entries(stored)

    def _convert_slice(self, todo, lang_of, anchors, printed, redaction, root, current=None):
        """In a forked child: what this slice adds to the memory cache, its problems and its disk entries."""
        local, known = Problems(root), set(self.cache)
        before = set(self.disk.held or ()) if self.disk else set()
        self._convert_some(todo, lang_of, anchors, printed, redaction, local)
        added = {key: value for key, value in self.cache.items() if key not in known}
        return added, local.items, self.disk.held_since(before) if self.disk else {}

    def _convert_some(self, todo: list[Entry], lang_of: dict, anchors: frozenset, printed: str, redaction,
                      problems: Problems) -> None:
        """Convert ``todo`` here: pandoc for all of them at once, then the passes over each AST."""
        try:
            parsed = parse_bodies(todo, self.timeout, self.pandoc)
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
        fragments = write_fragments(html_blocks, self.timeout, self.pandoc)
        for (entry, blocks, assets, local, raw), fragment in zip(prepared, fragments):
            fragment = sanitize_html(fragment, entry, local, raw)
            self.cache[_body_key(entry, lang_of[entry.key], printed)] = (blocks, fragment, assets, local)
            self._store(_body_key(entry, lang_of[entry.key], printed))
