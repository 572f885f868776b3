"""Code and templates (babel.cfg) -> bulletin.pot -> every language's .po, merged without churn, and checked."""

from __future__ import annotations

import io
import os
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

from .layouts import DOMAIN
from .problems import BulletinError, Problems

SKIPPED = {"node_modules", "build", "dist", "tests"}  # large trees no babel.cfg pattern is meant for
WIDTH = 0  # no wrapping: one line per string, as the catalogs are written, so an edit shows as one line


@dataclass
class LanguageReport:
    lang: str
    path: Path
    total: int = 0
    untranslated: list[tuple[int, str]] = field(default_factory=list)  # (line, msgid)
    fuzzy: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class CatalogsReport:
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    languages: list[LanguageReport] = field(default_factory=list)
    problems: Problems | None = None


def _msgid(message) -> str:
    return message.id[0] if isinstance(message.id, tuple) else message.id


def extract_messages(root: Path, problems: Problems) -> Catalog | None:
    """Every string the code and templates mark, in extraction order, without locations (no churn when a
    line moves)."""
    cfg = root / "babel.cfg"
    if not cfg.is_file():
        problems.error(cfg, 0, "no babel.cfg: it says which files hold interface strings", code="catalog.no-babel-cfg")
        return None
    with cfg.open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle, str(cfg))

    def wanted(dirname: str) -> bool:
        name = os.path.basename(dirname)
        return not name.startswith((".", "_")) and name not in SKIPPED

    fresh = Catalog(domain=DOMAIN)
    for _file, _line, message, comments, context in extract_from_dir(
            str(root), method_map, options_map, keywords=DEFAULT_KEYWORDS, directory_filter=wanted):
        key = message[0] if isinstance(message, tuple) else message
        if key and key not in fresh:
            fresh.add(message, None, auto_comments=comments, context=context)
    return fresh


def split_header(text: str) -> tuple[str, str]:
    """(header block up to and with its blank line, the rest) of a .po/.pot text, kept byte for byte."""
    start = text.find('msgid ""\n')
    end = text.find("\n\n", start)
    if start < 0 or end < 0:
        return "", text
    return text[:end + 2], text[end + 2:]


def serialise(catalog: Catalog, header: str | None) -> bytes:
    """The catalog's entries under ``header`` as it was; a new file gets Babel's header."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=WIDTH, omit_header=header is not None, include_previous=False,
             no_location=True)
    body = buffer.getvalue().decode("utf-8")
    return ((header or "") + body.strip("\n") + "\n").encode("utf-8")


def merge_template(old: Catalog | None, fresh: Catalog) -> Catalog:
    """The template in its former order; strings new to it come at the end, in extraction order."""
    template = old if old is not None else Catalog(domain=DOMAIN, project="bulletin")
    kept = {_msgid(m): m for m in template if m.id}
    for key in list(kept):
        if key not in fresh:
            del template[key]
    for message in fresh:
        if not message.id:
            continue
        key = _msgid(message)
        if key in kept:
            kept[key].id, kept[key].flags, kept[key].locations = message.id, set(message.flags), []
            kept[key].auto_comments = list(message.auto_comments)
        else:
            template.add(message.id, "" if not isinstance(message.id, tuple) else ("", ""),
                         flags=message.flags, auto_comments=message.auto_comments, context=message.context)
    return template


def _read(path: Path, problems: Problems, locale: str | None = None) -> tuple[Catalog | None, str | None]:
    if not path.is_file():
        return None, None
    text = path.read_text(encoding="utf-8")
    try:
        catalog = read_po(io.StringIO(text), locale=locale, abort_invalid=True)
    except Exception as exc:  # babel raises several types for a broken catalog
        problems.error(path, getattr(exc, "lineno", 0), f"cannot read catalog: {exc}", code="catalog.unreadable")
        return None, None
    return catalog, split_header(text)[0] or None


def _write(path: Path, data: bytes, report: CatalogsReport) -> None:
    if path.is_file() and path.read_bytes() == data:
        report.unchanged.append(path)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    report.written.append(path)


def describe(path: Path, lang: str, problems: Problems) -> LanguageReport:
    """The catalog as written: its untranslated and fuzzy msgids with their lines, format mistakes as errors."""
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    report = LanguageReport(lang, path)
    for message in (m for m in catalog if m.id):
        report.total += 1
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            report.fuzzy.append((message.lineno, _msgid(message)))
        elif not all(strings):
            report.untranslated.append((message.lineno, _msgid(message)))
    for message, errors in catalog.check():
        for error in errors:
            problems.error(path, message.lineno, f"msgid {_msgid(message)!r}: {error}", code="catalog.invalid-message")
    return report


def update_catalogs(root: Path, languages: list[str]) -> CatalogsReport:
    """Extract, merge into every language's catalog and check; a file is rewritten only when its bytes differ."""
    root = root.resolve()
    problems = Problems(root)
    report = CatalogsReport(problems=problems)
    fresh = extract_messages(root, problems)
    folder = root / "layouts" / "locales"
    pot_path = folder / f"{DOMAIN}.pot"
    old_pot, pot_header = _read(pot_path, problems)
    catalogs = {lang: _read(folder / lang / "LC_MESSAGES" / f"{DOMAIN}.po", problems, lang) for lang in languages}
    if problems.errors:
        raise BulletinError(problems)  # nothing is written over a catalog that could not be read
    if fresh is None:
        return report
    template = merge_template(old_pot, fresh)
    _write(pot_path, serialise(template, pot_header), report)
    for lang, (catalog, header) in catalogs.items():
        path = folder / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        if catalog is None:
            catalog = Catalog(locale=lang, domain=DOMAIN, project="bulletin")
        catalog.update(template, update_header_comment=False, update_creation_date=False)
        _write(path, serialise(catalog, header), report)
        report.languages.append(describe(path, lang, problems))
    return report
