"""Bytes on disk -> decoded text and located YAML data (line numbers kept, surprises refused)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import yaml

from .errors import RefusalError
from .problems import Problems

UTF8_BOM = b"\xef\xbb\xbf"
MAX_YAML_DEPTH = 50
FIX_HINT = "convert it to UTF-8 with: bulletin fix-encoding {path}"
CODECS = {"Windows-1251": "cp1251", "KZ-1048": "kz1048", "KOI8-R": "koi8_r"}  # single-byte code pages
# Kazakh letters that KZ-1048 puts where Windows-1251 has Serbian, Macedonian and Belarusian ones
# (ң ә қ һ ұ read as ѕ ј ќ ћ ў): no Russian, Kazakh or English text has these, even quoting Ukrainian.
KAZAKH_IN_1251 = set("ЌЋќћЎўЈЅѕј")
# What Russian, Kazakh and English text is made of; a conversion that yields anything else says so.
EXPECTED = set(map(chr, range(0x20, 0x7F))) | set("\t\n\r") | {chr(c) for c in range(0x410, 0x450)} | set(
    "ЁёӘәҒғҚқҢңӨөҰұҮүҺһІі«»„“”‘’‚—–…№•·°§©®™±×€‰\u00a0\u00ad")

_BOOL = "tag:yaml.org,2002:bool"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class DataLoader(yaml.SafeLoader):
    """SafeLoader that reads YAML as plain data: only true/false are booleans, dates stay strings.

    YAML 1.1 turns ``no`` (Norwegian), ``on``, ``yes`` into booleans and ``2026-02-30`` into a
    crash; editors expect neither, and content.py validates dates itself with a located message.
    """


class FastDataLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """The same rules on libyaml's parser, when PyYAML has it: about 5x faster, which `serve` feels
    (it re-reads every entry on each change). Its error messages are terser, so a file that fails
    is parsed again with DataLoader for the message editors see."""


for _loader in (DataLoader, FastDataLoader):
    _loader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag not in (_BOOL, _TIMESTAMP)]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    _loader.add_implicit_resolver(
        _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


@dataclass
class YamlDoc:
    """Constructed data plus the node tree, for line numbers (1-based, file-relative)."""

    data: object
    node: yaml.Node | None
    first_line: int

    def line_of(self, node: yaml.Node | None) -> int:
        if node is None:
            return self.first_line
        return node.start_mark.line + self.first_line

    def key_lines(self, node: yaml.Node | None = None) -> dict[str, int]:
        node = self.node if node is None else node
        if not isinstance(node, yaml.MappingNode):
            return {}
        return {str(k.value): self.line_of(k) for k, _ in node.value if isinstance(k, yaml.ScalarNode)}


def line_at(data: bytes | str, offset: int) -> int:
    return data[:offset].count(b"\n" if isinstance(data, bytes) else "\n") + 1


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when NUL bytes sit (almost) only at odd or only at even offsets.

    Russian and Kazakh letters are U+04xx, so their UTF-16 has no NUL byte at all: only the spaces, digits and
    punctuation do, which is why counting all NULs against the length is not enough.
    """
    units = len(data) // 2
    even, odd = data[0:units * 2:2].count(0), data[1:units * 2:2].count(0)
    if units < 2 or max(even, odd) * 10 < units or min(even, odd) * 20 > max(even, odd):
        return None
    return "utf-16-le" if odd > even else "utf-16-be"


def codec_for(encoding: str, data: bytes) -> str:
    """The Python codec for a name detect_encoding gave."""
    return CODECS.get(encoding) or (
        "utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else _utf16_without_bom(data) or "utf-16")


def detect_encoding(data: bytes) -> str | None:
    """Name a non-UTF-8 encoding an office tool may have saved, or None."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    if _utf16_without_bom(data):
        return "UTF-16 (without BOM)"
    try:
        data.decode("utf-8")
        return None
    except UnicodeDecodeError:
        pass
    # Mostly valid UTF-8 with a stray bad byte is broken UTF-8, not a legacy code page, where nearly
    # every byte above 0x7F is invalid UTF-8.
    high = sum(1 for byte in data if byte > 0x7F)
    if data.decode("utf-8", errors="replace").count("\ufffd") * 2 < high:
        return None
    # Russian text is mostly lower case; the same bytes read in the wrong Cyrillic code page are not.
    for codec, name in (("cp1251", "Windows-1251"), ("koi8_r", "KOI8-R")):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        cyrillic = [c for c in text if "\u0400" <= c <= "\u04ff"]
        letters = [c for c in text if c.isalpha()]
        if letters and len(cyrillic) / len(letters) > 0.3 and sum(c.islower() for c in cyrillic) > len(cyrillic) / 2:
            return "KZ-1048" if name == "Windows-1251" and KAZAKH_IN_1251 & set(text) else name
    return None


def convert_legacy(data: bytes) -> tuple[str, str, list[str]]:
    """A file detect_encoding names -> (encoding, text with LF line ends, notes on characters foreign to
    Russian, Kazakh and English that the code page produced). Raises EncodingError when there is no such
    conversion: check suggests fix-encoding exactly when this succeeds."""
    encoding = detect_encoding(data)
    if encoding is None:
        raise EncodingError("neither UTF-16 nor a Cyrillic code page (Windows-1251, KZ-1048, KOI8-R)")
    try:
        text = data.decode(codec_for(encoding, data))
    except UnicodeDecodeError as exc:
        raise EncodingError(f"looks like {encoding} but byte {exc.start} does not decode")
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    notes = []
    if encoding in CODECS:  # UTF-16 holds any character as it was written; a code page can be misread
        unusual = sorted({c for c in text if c not in EXPECTED})
        for char in unusual[:8]:
            notes.append(f"line {line_at(text, text.index(char))}: {char!r} (U+{ord(char):04X}) is unusual in "
                         f"Russian, Kazakh or English text; check that {encoding} is right")
    return encoding, text, notes


def decode_text(data: bytes, path: Path, problems: Problems) -> str | None:
    """Strict UTF-8 (BOM and CRLF tolerated); anything else is a located error, never U+FFFD."""
    if detect_encoding(data):
        try:
            encoding = convert_legacy(data)[0]
        except EncodingError as exc:
            problems.error(path, 1, f"file {exc}; re-save it as UTF-8 in the program that wrote it",
                           code="file.not-utf8")
            return None
        problems.error(path, 1, f"file is encoded as {encoding}, not UTF-8; "
                                + FIX_HINT.format(path=problems.where(path)), code="file.not-utf8")
        return None
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM):]
    nul = data.find(b"\x00")
    if nul >= 0:
        problems.error(path, line_at(data, nul), f"NUL byte at offset {nul}; the file is not text",
                       code="file.nul-byte")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = data[exc.start:exc.start + 1].hex()
        # the rest is UTF-8 (or no known encoding): fix-encoding has nothing to convert it from
        problems.error(path, line_at(data, exc.start),
                       f"byte 0x{bad} at offset {exc.start} is not valid UTF-8; retype the character there, "
                       "or re-save the file as UTF-8", code="file.invalid-utf8")
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_text(path: Path, problems: Problems, max_bytes: int | None = None) -> str | None:
    try:
        if path.is_dir():
            problems.error(path, 0, "is a directory, not a file", code="file.is-directory")
            return None
        if path.exists() and not path.is_file():  # a pipe would block the build forever, a device never ends
            problems.error(path, 0, "is not a regular file (a pipe, socket or device)", code="file.not-regular")
            return None
        if max_bytes is not None and path.stat().st_size > max_bytes:  # refused before it is read into memory
            problems.error(path, 1, f"file is {path.stat().st_size} bytes, over the limit of {max_bytes}",
                           code="file.too-large")
            return None
        data = path.read_bytes()
    except OSError as exc:
        problems.error(path, 0, f"cannot read: {exc.strerror or exc}", code="file.unreadable")
        return None
    if max_bytes is not None and len(data) > max_bytes:
        problems.error(path, 1, f"file is {len(data)} bytes, over the limit of {max_bytes}", code="file.too-large")
        return None
    return decode_text(data, path, problems)


def _describe_yaml_error(exc: yaml.MarkedYAMLError) -> str:
    problem = (exc.problem or str(exc)).strip()
    if "mapping values are not allowed" in problem:
        return "malformed YAML: mapping values are not allowed here (put quotes around a value that contains ': ')"
    if "'\\t'" in problem or "\\t" in problem:
        return "malformed YAML: tab character (indent with spaces, not tabs)"
    context = f" {exc.context}" if exc.context else ""
    return f"malformed YAML:{context} {problem}".replace("  ", " ")


def load_yaml(text: str, path: Path, problems: Problems, first_line: int = 1) -> YamlDoc | None:
    """Parse one YAML document; anchors/aliases and duplicate keys are refused with their lines."""
    if FastDataLoader is not DataLoader:
        trial = Problems(problems.root)
        doc = _load_yaml(text, path, trial, first_line, FastDataLoader)
        if not trial.items:
            return doc
    return _load_yaml(text, path, problems, first_line, DataLoader)


def _load_yaml(text: str, path: Path, problems: Problems, first_line: int, loader_class) -> YamlDoc | None:
    try:
        depth = 0
        for event in yaml.parse(text, Loader=loader_class):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                problems.error(path, event.start_mark.line + first_line,
                               "YAML anchors and aliases (& and *) are not allowed", code="yaml.alias")
                return None
            # the parser is iterative but the composer recurses: refuse deep nesting before composing
            depth += isinstance(event, yaml.CollectionStartEvent) - isinstance(event, yaml.CollectionEndEvent)
            if depth > MAX_YAML_DEPTH:
                problems.error(path, event.start_mark.line + first_line,
                               f"YAML nested more than {MAX_YAML_DEPTH} levels deep", code="yaml.too-deep")
                return None
        loader = loader_class(text)
        try:
            node = loader.get_single_node()
            doc = YamlDoc(None, node, first_line)
            if not _check_duplicates(doc, node, path, problems):
                return None
            doc.data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problems.error(path, (mark.line if mark else 0) + first_line, _describe_yaml_error(exc), code="yaml.syntax")
        return None
    except yaml.YAMLError as exc:
        problems.error(path, first_line, f"malformed YAML: {exc}", code="yaml.syntax")
        return None
    except ValueError as exc:  # int() refuses numbers of more than 4300 digits
        problems.error(path, first_line, f"malformed YAML: a value cannot be read ({str(exc).split(':')[0]})",
                       code="yaml.syntax")
        return None
    return doc


def _check_duplicates(doc: YamlDoc, node: yaml.Node | None, path: Path, problems: Problems) -> bool:
    ok = True
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                line = doc.line_of(key)
                if key.value in seen:
                    problems.error(path, line, f"duplicate key '{key.value}' "
                                               f"(first set on line {seen[key.value]})", code="yaml.duplicate-key")
                    ok = False
                else:
                    seen[key.value] = line
            ok = _check_duplicates(doc, value, path, problems) and ok
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            ok = _check_duplicates(doc, item, path, problems) and ok
    return ok


class EncodingError(RefusalError):
    pass


def fix_encoding(path: Path) -> tuple[str, Path, list[str]] | None:
    """Re-encode a UTF-16 or Cyrillic code-page file as UTF-8 in place, after copying it to ``PATH.bak``.

    Returns (detected encoding, backup path, notes on unusual characters), or None when the file already
    is UTF-8.
    """
    data = path.read_bytes()
    if detect_encoding(data) is None:
        try:
            data.decode("utf-8-sig")
            return None
        except UnicodeDecodeError:
            pass
    try:
        encoding, text, notes = convert_legacy(data)
    except EncodingError as exc:
        raise EncodingError(f"{path}: {exc}; convert it by hand")
    backup = path.with_name(path.name + ".bak")
    if backup.exists():
        raise EncodingError(f"{backup} already exists; move it away first")
    backup.write_bytes(data)
    temp = path.with_name(f".{path.name}.utf8")
    temp.write_bytes(text.encode("utf-8"))
    temp.replace(path)
    return encoding, backup, notes


def fix_encodings(paths) -> Iterator[tuple[Path, tuple | None, Exception | None]]:
    """fix-encoding over each file in turn: (path, what fix_encoding returned, the error that stopped it)."""
    for path in paths:
        try:
            yield path, fix_encoding(path), None
        except (EncodingError, OSError) as exc:
            yield path, None, exc
