"""A project's layouts folders -> its templates, stylesheets and interface strings, project first then bulletin's."""

from __future__ import annotations

import functools
import gettext
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from .config import Config
from .problems import Problems

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_LAYOUTS = PACKAGE_ROOT / "layouts"
DOMAIN = "bulletin"


def layouts_dirs(config: Config) -> list[Path]:
    """The project's layouts first, then the ones shipped with bulletin."""
    dirs = [config.layouts_dir] if config.layouts_dir.is_dir() else []
    if DEFAULT_LAYOUTS.resolve() not in [d.resolve() for d in dirs]:
        dirs.append(DEFAULT_LAYOUTS)
    return dirs


def find_layout(config: Config, name: str) -> Path:
    for folder in layouts_dirs(config):
        if (folder / name).is_file():
            return folder / name
    raise FileNotFoundError(f"layouts/{name} not found")


def read_layout(config: Config, name: str) -> str:
    return find_layout(config, name).read_text(encoding="utf-8")


# -- templates: one Jinja environment per set of layouts folders, never changed once made -------------------

@functools.lru_cache(maxsize=8)
def _environment(folders: tuple[str, ...]):
    import jinja2
    from markupsafe import Markup, escape

    from .typography import break_url

    # Kept between builds so `serve` does not recompile templates; auto_reload notices edited layouts.
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(list(folders)), auto_reload=True,
        autoescape=True,  # every template, whatever its name: entry text is data, never markup
        extensions=["jinja2.ext.i18n"], undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    # New-style gettext; the strings themselves come with each render (template_strings), so that renders
    # in other languages, threads or processes never see one another's.
    env.install_null_translations(newstyle=True)
    env.filters["plain"] = lambda text: str(text).replace("\u00a0", " ").replace("\u00ad", "").replace("\u2060", "")
    env.filters["url"] = lambda text: Markup(break_url(str(escape(text))))
    return env


def template_strings(gettext: Callable[[str], str], ngettext: Callable[[str, str, int], str]) -> dict:
    """``_``, ``gettext`` and ``ngettext`` for one render, as jinja2.ext.i18n's new style calls them:
    the translation is markup-safe, ``%(name)s`` filled (and escaped) from the call's keywords, ``num`` = n."""
    from jinja2 import pass_context
    from markupsafe import Markup

    @pass_context
    def singular(context, text: str, **variables) -> str:
        found = gettext(text)
        return (Markup(found) if context.eval_ctx.autoescape else found) % variables

    @pass_context
    def plural(context, one: str, many: str, n: int, **variables) -> str:
        variables.setdefault("num", n)
        found = ngettext(one, many, n)
        return (Markup(found) if context.eval_ctx.autoescape else found) % variables

    return {"_": singular, "gettext": singular, "ngettext": plural}


def render_template(config: Config, name: str, gettext, ngettext, **values) -> str:
    """A template from the layouts folders (project first), with this render's interface strings."""
    env = _environment(tuple(str(d) for d in layouts_dirs(config)))
    return env.get_template(name).render(**values, **template_strings(gettext, ngettext))


# -- interface strings: each language's catalogs, one per layouts folder, looked up in that order -----------

def catalog_paths(layouts: Path | list[Path], lang: str) -> list[Path]:
    """Every layouts folder's catalog of ``lang`` that exists, the project's first."""
    folders = [layouts] if isinstance(layouts, Path) else layouts
    return [p for p in (f / "locales" / lang / "LC_MESSAGES" / f"{DOMAIN}.po" for f in folders) if p.is_file()]


def _first(layouts: Path | list[Path], name: str) -> Path:
    """``name`` in the first layouts folder that has it (the project's, then bulletin's), else the first's."""
    folders = [layouts] if isinstance(layouts, Path) else layouts
    paths = [folder / "locales" / name for folder in folders]
    return next((path for path in paths if path.is_file()), paths[0])


def catalog_path(layouts: Path | list[Path], lang: str) -> Path:
    return _first(layouts, f"{lang}/LC_MESSAGES/{DOMAIN}.po")


def template_path(layouts: Path | list[Path]) -> Path:
    return _first(layouts, f"{DOMAIN}.pot")


@dataclass
class Catalog:
    """One compiled .po file: its translations, and the line of each msgid it lists (translated or not)."""

    path: Path
    translations: gettext.GNUTranslations
    lines: dict[str, int]

    def has(self, msgid: str, plural: bool = False) -> bool:
        catalog = self.translations._catalog  # noqa: SLF001 - gettext has no public "is translated" query
        return bool(catalog.get((msgid, 0) if plural else msgid))


def _find(catalogs: list[Catalog], msgid: str, plural: bool) -> Catalog | None:
    """The catalog that translates ``msgid``: the first that lists it decides, so a project's catalog
    can hold only the strings it changes, and a string it lists untranslated is untranslated."""
    listing = next((c for c in catalogs if msgid in c.lines or c.has(msgid, plural)), None)
    return listing if listing is not None and listing.has(msgid, plural) else None


def _where(catalogs: list[Catalog], msgid: str) -> tuple[Path, int]:
    """The first catalog that lists ``msgid`` (at its line), else the first one: where to add it."""
    listed = next((c for c in catalogs if msgid in c.lines), catalogs[0])
    return listed.path, listed.lines.get(msgid, 0)


@dataclass
class Messages:
    """Interface strings of one language, from each layouts folder's catalog in turn (a project's catalog
    may hold only the strings it changes; see _find). A string none has comes from the default language's catalogs
    (``missing``, a warning); a string those lack too is ``absent`` (an error): never English by accident."""

    lang: str
    default: str
    catalogs: list[Catalog]
    defaults: list[Catalog]
    missing: set[str] = field(default_factory=set)
    absent: set[str] = field(default_factory=set)

    @property
    def primary(self) -> Catalog | None:
        return self.catalogs[0] if self.catalogs else None

    @property
    def fallback(self) -> Catalog | None:
        return self.defaults[0] if self.defaults else None

    def _lookup(self, msgid: str, plural: bool) -> gettext.GNUTranslations | None:
        found = _find(self.catalogs, msgid, plural)
        if found is None and self.lang != self.default:
            self.missing.add(msgid)
            found = _find(self.defaults, msgid, plural)
        if found is None:
            self.absent.add(msgid)
            return None
        return found.translations

    def gettext(self, msgid: str) -> str:
        found = self._lookup(msgid, plural=False)
        return found.gettext(msgid) if found else msgid

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        found = self._lookup(singular, plural=True)
        if found:
            return found.ngettext(singular, plural, n)
        return singular if n == 1 else plural


def compile_catalog(path: Path, problems: Problems) -> Catalog | None:
    """Read a .po file and compile it in memory (no .mo files in the repository or the tree)."""
    if not path.is_file():
        return None
    try:
        with path.open("rb") as handle:
            catalog = read_po(handle, abort_invalid=True)
    except Exception as exc:  # babel raises several types for a broken catalog
        line = getattr(exc, "lineno", 0)
        problems.error(path, line, f"cannot read catalog: {exc}", code="catalog.unreadable")
        return None
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    lines = {_msgid(m): m.lineno or 0 for m in catalog if m.id}
    return Catalog(path, gettext.GNUTranslations(buffer), lines)


def _msgid(message) -> str:
    return message.id[0] if isinstance(message.id, tuple) else message.id


def _compile_all(layouts: Path | list[Path], lang: str, problems: Problems) -> list[Catalog]:
    return [c for c in (compile_catalog(p, problems) for p in catalog_paths(layouts, lang)) if c is not None]


def load_messages(layouts: Path | list[Path], lang: str, default: str, problems: Problems) -> Messages:
    """``lang``'s strings from every layouts folder; what is missing or broken goes into ``problems``."""
    catalogs = _compile_all(layouts, lang, problems)
    defaults = _compile_all(layouts, default, problems) if lang != default else catalogs
    if not catalog_paths(layouts, default):
        problems.error(catalog_path(layouts, default), 0, f"no interface catalog for the default language '{default}'",
                       code="catalog.missing-default")
    elif not catalog_paths(layouts, lang):
        problems.warning(catalog_path(layouts, lang), 0, f"no interface catalog for '{lang}': every interface string "
                                                         f"falls back to the default language '{default}'",
                         code="catalog.missing")
    return Messages(lang, default, catalogs, defaults)


def report_missing(messages: Messages, problems: Problems) -> None:
    """One problem per interface string used but not translated, at the catalog (and line) that lacks it."""
    for msgid in sorted(messages.absent):
        if messages.defaults:
            problems.error(*_where(messages.defaults, msgid),
                           f"msgid {msgid!r} has no translation in the default language's catalog "
                           f"('{messages.default}'); add it there", code="catalog.default-untranslated")
    if not messages.catalogs:
        return  # said once, when the catalog was not found
    for msgid in sorted(messages.missing - messages.absent):
        problems.warning(*_where(messages.catalogs, msgid),
                         f"msgid {msgid!r} is not translated into '{messages.lang}': "
                         f"using the default language's ('{messages.default}') translation", code="catalog.untranslated")


def template_msgids(layouts: Path | list[Path]) -> dict[str, bool]:
    """The msgids of bulletin.pot (every interface string the code and templates use): msgid -> plural."""
    path = template_path(layouts)
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        return {_msgid(m): isinstance(m.id, tuple) for m in read_po(handle) if m.id}


def check_default_catalog(layouts: Path | list[Path], default: str, problems: Problems) -> None:
    """Every string of the template looked up in the default language's catalogs, so that ``check`` reports
    the same errors a build would, before anything is rendered."""
    messages = load_messages(layouts, default, default, Problems())
    for msgid, plural in template_msgids(layouts).items():
        messages._lookup(msgid, plural)  # noqa: SLF001 - the lookup records what is absent
    report_missing(messages, problems)


def catalog_completeness(layouts: Path | list[Path], lang: str) -> tuple[int, int, list[str]]:
    """(translated, total, untranslated msgids) of a language's catalogs (the first that lists a string
    decides, as in a build), against the template (bulletin.pot) too, so a catalog never updated with new
    strings does not look complete."""
    expected = set(template_msgids(layouts))
    decided: dict[str, bool] = {}
    for path in catalog_paths(layouts, lang):
        with path.open("rb") as handle:
            catalog = read_po(handle)
        for message in (m for m in catalog if m.id):
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            decided.setdefault(_msgid(message), all(strings) and not message.fuzzy)
    expected |= set(decided)
    done = {msgid for msgid, translated in decided.items() if translated}
    return len(done), len(expected), sorted(expected - done)
