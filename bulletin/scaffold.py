"""Editor's input (title, rubric, …) -> a new entry file from layouts/archetypes, never overwriting."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import unicodedata
from pathlib import Path

import jinja2
from babel import Locale

from .config import Config
from .content import Entry
from .frontmatter import FRONT_MATTER, entry_env
from .validation import At
from .layouts import load_messages, report_missing
from .errors import RefusalError, UsageError
from .problems import Problems
from .layouts import find_layout, layouts_dirs

MAX_SLUG = 60
TRANSLIT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "",
    "э": "e", "ю": "yu", "я": "ya",
    # Kazakh letters, after the 2021 Latin alphabet without diacritics: readable in a URL.
    "ә": "a", "ғ": "g", "қ": "q", "ң": "ng", "ө": "o", "ұ": "u", "ү": "u", "һ": "h", "і": "i",
    "№": "",  # "No" after NFKD: noise in a slug
}


class ScaffoldError(RefusalError):
    """The project refuses the new file (it exists, or the default catalog lacks a string)."""


class ScaffoldUsageError(ScaffoldError, UsageError):
    """The command's arguments are wrong (exit 2), as opposed to the project refusing the result."""


def transliterate(text: str) -> str:
    out = []
    for char in text.lower():
        if char in TRANSLIT:
            out.append(TRANSLIT[char])
        else:
            decomposed = unicodedata.normalize("NFKD", char)
            out.append("".join(c for c in decomposed if not unicodedata.combining(c)).lower())
    return "".join(out)


def slugify(title: str, limit: int = MAX_SLUG) -> str:
    """``Суд оставил в силе приговор`` -> ``sud-ostavil-v-sile-prigovor``; cut at a word boundary."""
    words = re.findall(r"[a-z0-9]+", transliterate(title))
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > limit:
            break
        slug = candidate
    if not slug and words:
        slug = words[0][:limit]
    return slug or "entry"


def _yaml_scalar(value) -> str:
    """A value as a YAML scalar that survives any punctuation (JSON strings are valid YAML)."""
    if isinstance(value, list):
        return "[" + ", ".join(_yaml_scalar(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def render_archetype(config: Config, name: str, problems: Problems | None = None, **values) -> str:
    """An archetype with its comments in the project's default language (what editors read is in their
    language). A string that language's catalog lacks goes into ``problems``, or is refused (ScaffoldError)."""
    collected = problems if problems is not None else Problems(config.root)
    lang = config.default_language
    messages = load_messages(layouts_dirs(config), lang, lang, collected)
    folder = find_layout(config, "archetypes/entry.md.j2").parent
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), autoescape=False,
                             keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined, extensions=["jinja2.ext.i18n"])
    env.filters["yaml"] = _yaml_scalar
    env.install_gettext_callables(messages.gettext, messages.ngettext, newstyle=True)
    text = env.get_template(name).render(**values)
    report_missing(messages, collected)
    if problems is None and collected.errors:
        raise ScaffoldError("; ".join(str(p) for p in collected.errors))
    return text


def write_new_file(path: Path, text: str) -> None:
    """Create ``path`` exclusively: an existing file is never replaced."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)


def free_path(folder: Path, slug: str, lang: str) -> Path:
    """The entry path for ``slug``, or ``slug-2``, ``slug-3``… when taken in any language or subfolder."""
    taken = {p.name.split(".")[0] for p in folder.rglob("*.md")} if folder.is_dir() else set()
    candidate, number = slug, 2
    while candidate in taken:
        candidate = f"{slug}-{number}"
        number += 1
    return folder / f"{candidate}.{lang}.md"


def check_arguments(config: Config, **given) -> dict:
    """What `new` is asked to write, judged by the front-matter table itself, so that check accepts the file."""
    problems = Problems()
    values = FRONT_MATTER.check({k: v for k, v in given.items() if v is not None},
                                At(config.root, problems, area="entry", env=entry_env(config, is_source=True)))
    if problems.errors:
        raise ScaffoldUsageError("; ".join(p.message for p in problems.sorted() if p.level == "error"))
    return values


def new_entry(config: Config, title: str, rubric: str, date: dt.date | str | None = None, lang: str | None = None,
              author: list[str] | None = None, outlet: str | None = None, source: str | None = None,
              body: str = "", slug: str | None = None) -> Path:
    lang = lang or config.default_language
    if lang not in config.languages:
        raise ScaffoldUsageError(f"unknown language '{lang}' (configured: {', '.join(config.languages)})")
    if lang != config.default_language:
        raise ScaffoldUsageError(f"entries in '{lang}' are translations of '{config.default_language}' entries: write the "
                            f"'{config.default_language}' entry first, then use --translation-of it --lang {lang}")
    given = check_arguments(config, title=title, rubric=rubric, date=date or dt.date.today(), author=author,
                            outlet=outlet, source=source)
    title, date, author = given["title"], given["date"], given["author"]
    outlet, source = given.get("outlet"), given.get("source")
    folder = config.content_dir / date.strftime("%Y-%m")
    path = free_path(folder, slug or slugify(title), lang)
    text = render_archetype(config, "entry.md.j2", title=title, rubric=rubric, date=date.isoformat(), date_unsure=False,
                            author=(author[0] if author and len(author) == 1 else author) or None, outlet=outlet,
                            source=source)
    if body:
        text = text.rstrip("\n") + "\n\n" + body.strip("\n") + "\n"
    write_new_file(path, text)
    return path


def new_translation(config: Config, source: Entry, lang: str) -> Path:
    if source.lang != config.default_language:
        raise ScaffoldUsageError(f"{source.rel} is not in the default language '{config.default_language}'")
    if lang == source.lang or lang not in config.languages:
        raise ScaffoldUsageError(f"cannot translate into '{lang}' (configured: {', '.join(config.languages)})")
    path = source.path.with_name(f"{source.slug}.{lang}.md")
    if path.exists():
        raise ScaffoldError(f"{path.relative_to(config.root)} already exists; not overwriting it")
    language = Locale.parse(lang).get_display_name(config.default_language)
    text = render_archetype(config, "translation.md.j2", title=source.title, body=source.body, language=language,
                            source_hash=source.content_hash, source_rel=source.rel,
                            path_rel=path.relative_to(config.root).as_posix())
    write_new_file(path, text.rstrip("\n") + "\n")
    from .history import save_snapshot

    save_snapshot(config.root, source)  # what `translations --diff` compares with once the source changes
    return path


def scaffold_entry(project, rubric: str | None, title: str | None, date: str | None, source: str | None,
                   outlet: str | None, authors: list[str], lang: str | None, translation_of: Path | None) -> Path:
    """`bulletin new`: a translation skeleton of ``translation_of`` (into ``lang``), else a new entry."""
    from .translations import find_entry

    if translation_of is not None:
        if not lang:
            raise UsageError("--translation-of needs --lang (the language to translate into)")
        return new_translation(project.config, find_entry(project, translation_of), lang)
    if not rubric or not title:
        raise UsageError("new needs --rubric and --title (or --translation-of with --lang)")
    return new_entry(project.config, title, rubric, date, lang, list(authors) or None, outlet, source)


def stamp_translation(path: Path, source_hash: str) -> bool:
    """Set ``source_hash`` in a translation's front matter in place; True if the file changed."""
    text = path.read_text(encoding="utf-8-sig")
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.replace("\r\n", "\n").split("\n")
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if lines[0].strip() != "---" or end is None:
        raise ScaffoldError(f"{path}: no front matter to stamp")
    line = f"source_hash: {source_hash}"
    for index in range(1, end):
        if re.match(r"^source_hash\s*:", lines[index]):
            if lines[index] == line:
                return False
            lines[index] = line
            break
    else:
        lines.insert(end, line)
    tmp = path.with_name(f".{path.name}.stamp")
    tmp.write_text(newline.join(lines), encoding="utf-8", newline="")
    os.replace(tmp, path)
    return True
