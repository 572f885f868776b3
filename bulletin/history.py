"""A translation's source_hash -> the source version it was made from (git or snapshot) -> a word-level diff to now."""

from __future__ import annotations

import difflib
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .collection import STALE
from .content import Entry, hash_content, split_front_matter
from .problems import Problems

SNAPSHOTS = Path(".bulletin") / "sources"
SAME, CHANGED, ADDED, REMOVED = "same", "changed", "added", "removed"
PAIRING = 0.4  # two paragraphs with this share of words in common are one paragraph edited
GIT_TIMEOUT = 20


@dataclass
class Version:
    title: str
    body: str
    origin: str  # where it was found, for the reader: "git commit 1a2b3c4d" or the snapshot's path


@dataclass
class Paragraph:
    """One paragraph (or the title) of the source then and now; ``chunks`` are (kind, words) runs."""

    kind: str
    old: str | None
    new: str | None
    chunks: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class SourceDiff:
    title: Paragraph
    paragraphs: list[Paragraph]
    origin: str

    @property
    def changed(self) -> int:
        """Changed, added and removed paragraphs, the title counted as one."""
        return sum(p.kind != SAME for p in [self.title, *self.paragraphs])


def parse_version(text: str) -> tuple[str, str] | None:
    """(title, body) of an entry file's text, normalised as content.py does; None if it does not parse."""
    parts = split_front_matter(text.replace("\r\n", "\n"), Path("-"), Problems())
    if parts is None:
        return None
    try:
        meta = yaml.safe_load(parts[0])
    except yaml.YAMLError:
        return None
    if not isinstance(meta, dict) or meta.get("title") is None:
        return None
    return " ".join(str(meta["title"]).split()), parts[2].strip("\n")


def snapshot_path(root: Path, source_hash: str) -> Path:
    return root / SNAPSHOTS / f"{source_hash}.md"


def save_snapshot(root: Path, source: Entry) -> Path:
    """Keep the source file as it is now under .bulletin/sources/<hash>.md (meant to be committed)."""
    path = snapshot_path(root, source.content_hash)
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_bytes(source.path.read_bytes())
        os.replace(tmp, path)
    return path


def prune_snapshots(root: Path, wanted: set[str]) -> list[Path]:
    """Remove the snapshots whose hash no translation refers to; the removed paths."""
    folder = root / SNAPSHOTS
    removed = []
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        if path.stem not in wanted:
            path.unlink()
            removed.append(path)
    return removed


def referenced_hashes(root: Path, config) -> set[str]:
    """Every source_hash written in a translation of any month (read from the front matter alone)."""
    from .content import ENTRY_RE

    hashes = set()
    for path in config.content_dir.rglob("*.md"):
        match = ENTRY_RE.match(path.name)
        if not match or match["lang"] == config.default_language:
            continue
        parts = split_front_matter(path.read_text("utf-8", errors="replace"), path, Problems())
        try:
            meta = yaml.safe_load(parts[0]) if parts else None
        except yaml.YAMLError:
            meta = None
        if isinstance(meta, dict) and isinstance(meta.get("source_hash"), str):
            hashes.add(meta["source_hash"])
    return hashes


def _git(root: Path, *args: str, stdin: bytes | None = None) -> bytes | None:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], input=stdin, capture_output=True,
                              timeout=GIT_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def find_in_git(path: Path, source_hash: str) -> Version | None:
    """The newest commit whose version of ``path`` hashes to ``source_hash`` (no git, no repository: None)."""
    if shutil.which("git") is None:
        return None
    folder = path.parent
    prefix = _git(folder, "rev-parse", "--show-prefix")
    commits = _git(folder, "log", "--format=%H", "--", path.name)
    if prefix is None or not commits:
        return None
    names = [f"{c}:{prefix.decode().strip()}{path.name}" for c in commits.decode().split()]
    out = _git(folder, "cat-file", "--batch", stdin="".join(f"{n}\n" for n in names).encode())
    if out is None:
        return None
    position = 0
    for name in names:  # each object: "<oid> blob <size>\n<bytes>\n", or "<name> missing\n"
        end = out.index(b"\n", position)
        header = out[position:end].split()
        position = end + 1
        if len(header) != 3:
            continue
        size = int(header[2])
        data, position = out[position:position + size], position + size + 1
        parsed = parse_version(data.decode("utf-8", errors="replace"))
        if parsed and hash_content(*parsed) == source_hash:
            return Version(*parsed, origin=f"git commit {name.split(':')[0][:10]}")
    return None


def find_version(root: Path, source: Entry, source_hash: str) -> Version | None:
    """The source as it was at ``source_hash``: from git first, else from the snapshot."""
    found = find_in_git(source.path, source_hash)
    if found is not None:
        return found
    path = snapshot_path(root, source_hash)
    if path.is_file():
        parsed = parse_version(path.read_text("utf-8", errors="replace"))
        if parsed and hash_content(*parsed) == source_hash:  # an edited snapshot is not that version
            return Version(*parsed, origin=path.relative_to(root).as_posix())
    return None


def split_paragraphs(body: str) -> list[str]:
    paragraphs, current = [], []
    for line in body.split("\n"):
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return [" ".join(p.split()) for p in paragraphs]


def diff_words(old: str, new: str) -> Paragraph:
    a, b = old.split(), new.split()
    chunks = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            chunks.append((SAME, " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            chunks.append((REMOVED, " ".join(a[i1:i2])))
        if j2 > j1:
            chunks.append((ADDED, " ".join(b[j1:j2])))
    return Paragraph(SAME if a == b else CHANGED, old, new, chunks)


def _similar(old: str, new: str) -> bool:
    return difflib.SequenceMatcher(None, old.split(), new.split(), autojunk=False).ratio() >= PAIRING


def diff_paragraphs(old: list[str], new: list[str]) -> list[Paragraph]:
    """Paragraphs aligned in order; inside a replaced run, each old paragraph pairs with the next similar one."""
    result: list[Paragraph] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            result += [Paragraph(SAME, p, p, [(SAME, p)]) for p in old[i1:i2]]
            continue
        j = j1
        for i in range(i1, i2):
            match = next((k for k in range(j, j2) if _similar(old[i], new[k])), None)
            if match is None:
                result.append(Paragraph(REMOVED, old[i], None, [(REMOVED, old[i])]))
                continue
            result += [Paragraph(ADDED, None, p, [(ADDED, p)]) for p in new[j:match]]
            result.append(diff_words(old[i], new[match]))
            j = match + 1
        result += [Paragraph(ADDED, None, p, [(ADDED, p)]) for p in new[j:j2]]
    return result


def diff_source(old: Version, source: Entry) -> SourceDiff:
    title = diff_words(" ".join(old.title.split()), source.title)
    return SourceDiff(title, diff_paragraphs(split_paragraphs(old.body), split_paragraphs(source.body)), old.origin)


def source_diff(root: Path, source: Entry, translation: Entry) -> SourceDiff | None:
    """The diff from the translation's source version to now; None when that version cannot be found."""
    if translation.source_hash == source.content_hash:
        paragraphs = split_paragraphs(source.body)
        return SourceDiff(diff_words(source.title, source.title), [Paragraph(SAME, p, p, [(SAME, p)])
                                                                   for p in paragraphs], "the current source")
    if translation.source_hash is None:
        return None
    old = find_version(root, source, translation.source_hash)
    return diff_source(old, source) if old else None


# --- as text ------------------------------------------------------------------------------------

MARKS = {REMOVED: ("[-", "-]"), ADDED: ("{+", "+}")}
COLOURS = {REMOVED: ("\x1b[31;9m", "\x1b[0m"), ADDED: ("\x1b[32;4m", "\x1b[0m")}  # red struck, green underlined
SHORT = 70


def format_paragraph(paragraph: Paragraph, colour: bool) -> str:
    if paragraph.kind == SAME:
        text = paragraph.new or ""
        return "= " + (text if len(text) <= SHORT else text[:SHORT].rsplit(" ", 1)[0] + " …")
    marks = COLOURS if colour else MARKS
    words = [f"{marks[kind][0]}{text}{marks[kind][1]}" if kind in marks else text for kind, text in paragraph.chunks]
    return {CHANGED: "~ ", ADDED: "+ ", REMOVED: "- "}[paragraph.kind] + " ".join(words)


def format_diff(diff: SourceDiff, colour: bool = False) -> list[str]:
    """Title, then one line per paragraph: '=' unchanged (cut short), '~' changed, '+' added, '-' removed."""
    lines = ["title: " + format_paragraph(diff.title, colour)]
    lines += [format_paragraph(p, colour) for p in diff.paragraphs]
    return lines


def count_changes(families: dict, statuses: dict[str, dict[str, str]], root: Path) -> dict[str, dict[str, int | None]]:
    """Per stale translation, how many source paragraphs changed (None: its source version is not found)."""
    counts: dict[str, dict[str, int | None]] = {}
    for slug, row in statuses.items():
        for lang, status in row.items():
            if status == STALE:
                family = families[slug]
                diff = source_diff(root, family.source, family.translations[lang])
                counts.setdefault(slug, {})[lang] = diff.changed if diff else None
    return counts
