"""Problem codes -> what each one means, and bulletin.yaml's ``ignore:`` list -> the warning codes it silences.

Every ``problems.error/warning(..., code=...)`` in bulletin/ uses a code listed here with its level
(tests/test_codes.py reads the calls and checks it), and the README's table of problem codes lists them all.
Only warnings can be ignored, as Sphinx's ``suppress_warnings`` only suppresses warnings: an error means
an output would be wrong, unsafe or impossible, and silencing it would publish that.
"""

from __future__ import annotations

from pathlib import Path

from .problems import ERROR, WARNING, Problems

E, W = ERROR, WARNING

CODES: dict[str, tuple[str, str]] = {
    # the month and its translations
    "project.no-months": (E, "no content/YYYY-MM/ folder"),
    "month.no-entries": (W, "the month has no entry to publish (none, or only drafts)"),
    "translation.no-source": (E, "a translation whose default-language entry does not exist"),
    "translation.not-translated": (W, "a translation skeleton whose title and body are still the source's"),
    "translation.stale": (W, "the source changed since the translation's source_hash"),
    "translation.differs-from-source": (W, "a translation sets a field (rubric, date…) other than its source's"),
    "translation.none-in-language": (W, "a language's bulletin would hold only untranslated titles"),
    "rubric.untitled-in-language": (W, "a rubric has no title in a language being built"),
    # entry bodies
    "entry.duplicate-id": (W, "an {#id} given twice in one entry"),
    "entry.raw-block": (E, "a raw ```{=format} block in an entry"),
    "entry.nested-too-deeply": (E, "formatting, links or divs nested past limits.inline_nesting or limits.nesting"),
    "html.local-reference": (E, "raw HTML refers to a file off this machine or outside content/"),
    "html.unsafe-removed": (W, "scripts, frames, event handlers or inline styles removed from raw HTML"),
    "link.removed": (W, "a link to a missing file, a draft, another month or a local file, removed"),
    "link.scheme-not-allowed": (W, "a link that is not http(s), mailto or relative, removed"),
    "link.outside-content": (W, "a relative link pointing outside content/, removed"),
    "link.raw-html-removed": (W, "a raw HTML link to a file, removed"),
    "link.no-such-anchor": (W, "a #link to an id that no entry or heading has"),
    "link.undefined-reference": (W, "a [reference] or [^footnote] not defined in its entry"),
    "link.defined-twice": (W, "a link reference or footnote defined twice in one entry"),
    "footnote.never-called": (W, "a footnote defined but never called"),
    "image.not-relative": (E, "an image that is not a relative path to a file"),
    "image.local-path": (E, "an image given as a path on a local computer"),
    "image.remote": (E, "an image on the web (builds never fetch)"),
    "image.outside-content": (E, "an image outside content/"),
    "image.missing": (E, "an image file that does not exist"),
    "image.unreadable": (E, "an image file that cannot be read, or is too large"),
    "image.too-many-bytes": (E, "an entry's images, counting each use, over limits.image_bytes"),
    "pandoc.failed": (E, "pandoc failed on the month's entries"),
    "pandoc.timeout": (E, "pandoc could not convert an entry within its time limit"),
    # files and YAML
    "file.not-utf8": (E, "a file in another encoding than UTF-8 (bulletin fix-encoding converts it)"),
    "file.invalid-utf8": (E, "a byte that is not valid UTF-8"),
    "file.nul-byte": (E, "a NUL byte: the file is not text"),
    "file.too-large": (E, "a file over its size limit"),
    "file.is-directory": (E, "a directory where a file was expected"),
    "file.not-regular": (E, "a pipe, socket or device where a file was expected"),
    "file.unreadable": (E, "a file that cannot be read"),
    "yaml.syntax": (E, "malformed YAML"),
    "yaml.alias": (E, "YAML anchors and aliases, which are not allowed"),
    "yaml.too-deep": (E, "YAML nested too deeply"),
    "yaml.duplicate-key": (E, "a key set twice in one mapping"),
    "config.ignore-unknown-code": (W, "ignore: names a code bulletin does not have"),
    "config.ignore-error-code": (W, "ignore: names an error code; errors cannot be ignored"),
    "places.missing": (W, "no content/places.yaml: place names in capitals titles are guessed"),
    "places.unreadable": (E, "content/places.yaml cannot be read"),
    "places.malformed": (E, "content/places.yaml is not shaped as a place list"),
    # interface strings
    "catalog.missing-default": (E, "no gettext catalog for the default language"),
    "catalog.missing": (W, "no gettext catalog for a language: its interface strings fall back"),
    "catalog.unreadable": (E, "a .po catalog that cannot be read"),
    "catalog.default-untranslated": (E, "a string the default language's catalog lacks"),
    "catalog.untranslated": (W, "a string a language's catalog lacks: the default language's is used"),
    "catalog.invalid-message": (E, "a catalog message with a wrong placeholder or format"),
    "catalog.no-babel-cfg": (E, "no babel.cfg, so bulletin catalogs cannot extract strings"),
    # outputs
    "render.failed": (E, "an output could not be rendered (PDF layout, pandoc)"),
    "font.missing-glyph": (W, "a character no font in fonts/ has: the PDF would show boxes"),
    "docx.font-not-embedded": (W, "a font that cannot be embedded into the DOCX"),
    "build.output-inside-content": (E, "the output folder is inside content/"),
    "build.cannot-write": (E, "the outputs cannot be written (earlier outputs are unchanged)"),
    "publish.dist-inside-content": (E, "the dist folder is inside content/"),
    "publish.release-left-out": (W, "a release whose manifest.json cannot be read is left out of index.html"),
    "serve.failed": (E, "the preview could not be rebuilt"),
    # bulletin import
    "import.binary-doc": (E, "an old binary .doc file"),
    "import.unreadable-docx": (E, "a .docx that cannot be read"),
    "import.undecodable": (E, "a legacy text file that does not decode in the encoding it looks like"),
    "import.not-utf8": (W, "a legacy text file decoded from Windows-1251 or UTF-16"),
    "import.empty": (E, "no text in the document"),
    "import.unknown-language": (E, "--lang names a language the project does not have"),
    "import.translations": (W, "imported entries in a language other than the default are translations"),
    "import.no-rubric-heading": (E, "no rubric heading found in the document"),
    "import.unknown-rubric-heading": (E, "a heading that names no rubric"),
    "import.unassigned-text": (E, "text that belongs to no entry"),
    "import.preamble-skipped": (W, "lines before the first rubric heading, skipped"),
    "import.entry-without-text": (W, "an entry title with no text after it"),
    "import.second-source": (W, "a second source URL, added to the body as a link"),
    "import.source-not-url": (W, "a source that is not a URL, left out"),
    "import.impossible-date": (W, "a date that does not exist, ignored"),
    "import.date-outside-month": (W, "an entry dated outside the month it goes into"),
    "import.already-imported": (W, "an entry already in the month (same source URL or title), skipped"),
    "import.cannot-write": (E, "an entry file cannot be written"),
    # incident fields and their vocabularies (bulletin/incidents.py)
    "entry.unknown-region": (E, "a region key content/regions.yaml does not have"),
    "entry.unknown-violation": (E, "a violation key content/violations.yaml does not have"),
    "entry.unknown-group": (E, "a person's group that content/groups.yaml does not have"),
    "entry.unknown-role": (E, "a person's role other than victim, perpetrator, source or intervening"),
    "entry.no-region-vocabulary": (E, "an entry has a region but the project has no content/regions.yaml"),
    "entry.no-violation-vocabulary": (E, "an entry has violations but the project has no content/violations.yaml"),
    "entry.no-group-vocabulary": (E, "a person has a group but the project has no content/groups.yaml"),
    "entry.violations-not-list": (E, "'violations' that is not a list of keys"),
    "entry.persons-not-list": (E, "'persons' that is not a list"),
    "entry.person-not-mapping": (E, "a person that is not a mapping with name and role"),
    "entry.person-without-name": (E, "a person without 'name'"),
    "entry.person-without-role": (E, "a person without 'role'"),
    "entry.confidential-not-bool": (E, "a person's 'confidential' that is not true or false"),
    "entry.unknown-person-key": (W, "a key a person does not have (name, role, group, confidential)"),
    "vocabulary.not-a-list": (E, "a vocabulary file that is not a list of terms"),
    "vocabulary.not-a-mapping": (E, "a vocabulary term that is not a mapping with key and names"),
    "vocabulary.bad-key": (E, "a vocabulary key that is not lower-case letters, digits and '-'"),
    "vocabulary.bad-name": (E, "a vocabulary term without a name in the default language"),
    "vocabulary.duplicate-key": (E, "a vocabulary key given twice"),
    "vocabulary.unknown-key": (W, "a key a vocabulary term does not have"),
    # confidential details (bulletin/confidential.py, leaks.py, edition.py)
    "confidential.leak": (W, "a confidential name, or a word that looks like one, not withheld in a public output"),
    "confidential.in-title": (W, "a confidential name in an entry's file name, which becomes its id"),
    "confidential.not-withheld": (E, "a raw HTML element marked confidential that cannot be withheld"),
    "edition.internal-dist": (E, "the internal edition asked to be written into dist/"),
    # files of the project, and entries' own text
    "config.missing": (E, "no bulletin.yaml in the project folder"),
    "rubric.missing": (E, "no content/rubrics.yaml"),
    "rubric.none": (E, "content/rubrics.yaml defines no rubric"),
    "partner.missing": (E, "no partners.yaml for bulletin deliver"),
    "partner.shared-address": (W, "two partners with the same e-mail address"),
    "entry.control-character": (E, "a control character in an entry's text"),
    "entry.invisible-character": (W, "a zero-width or bidirectional character in an entry's text"),
    "entry.date-outside-month": (W, "an entry dated outside the month of its folder"),
    # the PDF renderer's own warnings (bulletin/render/pdf_warnings.py)
    "pdf.css": (W, "a property or value in a layouts stylesheet that WeasyPrint ignores"),
    "pdf.missing-glyph": (W, "a character no font has, found while laying out the PDF"),
    "pdf.weasyprint": (W, "any other warning WeasyPrint gave while laying out the PDF"),
}


def read_ignore(value: object, path: Path, line: int, problems: Problems) -> list[str] | None:
    """bulletin.yaml's ``ignore:``: a list of warning codes; None when it is not a list of strings."""
    if not (isinstance(value, list) and all(isinstance(x, str) for x in value)):
        return None
    for code in value:
        level = CODES.get(code, ("", ""))[0]
        if not level:
            problems.warning(path, line, f"'ignore': unknown problem code '{code}' (the README lists them)",
                             code="config.ignore-unknown-code")
        elif level == ERROR:
            problems.warning(path, line, f"'ignore': '{code}' is an error, and errors cannot be ignored",
                             code="config.ignore-error-code")
    return [code for code in value if CODES.get(code, ("", ""))[0] == WARNING]


def format_table() -> str:
    """The README's table of problem codes (tests/test_codes.py checks the README holds exactly this)."""
    rows = ["| code | level | what it reports |", "|---|---|---|"]
    rows += [f"| `{code}` | {level} | {meaning} |" for code, (level, meaning) in CODES.items()]
    return "\n".join(rows)


# What the option tables (bulletin/options.py, validation.py) report, by the file each describes: generated
# from the tables, so a new row's codes are listed without a second list. Levels: a refused value is an error, an unknown key
# and an over-long text are warnings.
_FILES = {"config": "bulletin.yaml", "delivery": "bulletin.yaml's delivery", "rubric": "content/rubrics.yaml",
          "entry": "an entry's front matter", "partner": "partners.yaml"}
# Codes the tables' own validators give beside their options' (config.py, frontmatter.py).
_VALIDATORS = {
    "config.unsupported-language": (E, "a language bulletin has no dates, plurals and catalogs for"),
    "delivery.password-env-missing": (E, "an SMTP user without password_env"),
    "delivery.password-unencrypted": (E, "an SMTP user with security: none (the password would go unencrypted)"),
    "entry.invisible-title": (E, "a title of only spaces or zero-width characters"),
    "entry.source-hash-in-source": (W, "source_hash in an entry of the default language"),
}


def option_codes() -> dict[str, tuple[str, str]]:
    from .config import RUBRICS, SETTINGS
    from .frontmatter import FRONT_MATTER
    from .incidents import IncidentField
    from .validation import Section
    from .options import Date, ListOf, Localized, Str
    from .partners import PARTNERS

    env = {"languages": ["ru"], "default_language": "ru", "rubrics": [], "is_source": True, "config": None}
    keys: dict[str, tuple[str, list[str], set[str]]] = {}  # code -> level, the keys it reports, what it means

    def add(code: str, level: str, key: str, meaning: str) -> None:
        row = keys.setdefault(code, (level, [], set()))
        row[1].append(key)
        row[2].add(meaning)

    def walk(option, area: str, name: str) -> None:
        if isinstance(option, IncidentField):
            return  # read_incident reports these, with the codes listed above
        if isinstance(option, Section):
            area = option.area or area
            add(f"{area}.unknown-key", W, "", "a key {file} does not have")
            if option.missing:
                add(f"{area}.missing-key", E, "", "a required key missing from {file}")
            for key, child in option.table(env).items():
                walk(child, area, f"{name}.{key}" if name and area == "config" else key)
            return
        expected = "one of the allowed values" if "{" in option.expected else option.expected
        add(f"{area}.{option.code}", E, name, f"a value in {{file}} that is not {expected}")
        if isinstance(option, ListOf):
            if option.unique:
                add(f"{area}.duplicate-{option.unique[0]}", E, "", f"a {option.unique[0]} given twice in {{file}}")
            walk(option.item, area, name)
        elif isinstance(option, Date):
            add(f"{area}.impossible-date", E, name, "a date that does not exist in {file}")
        elif isinstance(option, Localized) and option.need_default:
            add(f"{area}.no-default-language", E, name, "no text in the default language in {file}")
        elif isinstance(option, Str) and option.long:
            add(f"{area}.long-text", W, name, f"a text over {option.long} characters in {{file}}")

    for table, area in ((SETTINGS, "config"), (RUBRICS, "rubric"), (FRONT_MATTER, "entry"), (PARTNERS, "partner")):
        walk(table, area, "")
    found = dict(_VALIDATORS)
    for code, (level, names, meanings) in keys.items():
        shown = sorted({n for n in names if n})
        meaning = meanings.pop() if len(meanings) == 1 else "a value of the wrong kind in {file}"
        found.setdefault(code, (level, meaning.format(file=_FILES[code.split(".")[0]]) +
                                (f" ({', '.join(shown)})" if shown else "")))
    return found


CODES.update({code: row for code, row in option_codes().items() if code not in CODES})

