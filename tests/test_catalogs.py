"""bulletin catalogs: extract, merge and check the interface-string catalogs without churn."""

from __future__ import annotations

import shutil

import pytest

from bulletin.layouts import template_msgids
from conftest import REPO, run

LOCALES = "layouts/locales"


@pytest.fixture
def tree(tmp_path):
    """A copy of what the command reads and writes: babel.cfg, the code, the layouts, bulletin.yaml."""
    root = tmp_path / "repo"
    root.mkdir()
    for name in ("babel.cfg", "bulletin.yaml"):
        shutil.copy(REPO / name, root / name)
    for name in ("bulletin", "layouts", "content"):
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def snapshot(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_twice_in_a_row_leaves_the_tree_byte_identical(tree):
    before = snapshot(tree)
    for _ in range(2):
        result = run("catalogs", "--project", tree)
        assert result.exit_code == 0, result.output
        assert result.output.splitlines()[0] == "catalogs unchanged (4 files)"
    assert snapshot(tree) == before


def test_a_new_string_is_added_untranslated_to_every_catalog_and_only_it(tree):
    template = tree / "layouts" / "bulletin.html.j2"
    text = template.read_text("utf-8")
    assert '{{ _("Contents") }}' in text
    template.write_text(text.replace('{{ _("Contents") }}', '{{ _("Contents") }}{{ _("New string") }}', 1), "utf-8")
    before = snapshot(tree)
    result = run("catalogs", "--project", tree)
    assert result.exit_code == 0, result.output
    after = snapshot(tree)
    changed = sorted(name for name in after if after[name] != before.get(name))
    assert changed == [f"{LOCALES}/bulletin.pot"] + [f"{LOCALES}/{lang}/LC_MESSAGES/bulletin.po"
                                                     for lang in ("en", "kk", "ru")]
    for name in changed:
        assert after[name] == before[name] + b'\nmsgid "New string"\nmsgstr ""\n', name
    total = len(template_msgids(tree / "layouts"))
    for lang in ("ru", "kk", "en"):
        assert f"{lang}: {total} strings, 1 untranslated" in result.output
    line = before[f"{LOCALES}/kk/LC_MESSAGES/bulletin.po"].count(b"\n") + 2
    assert f"  {LOCALES}/kk/LC_MESSAGES/bulletin.po:{line}: untranslated: 'New string'" in result.output.splitlines()
    assert run("catalogs", "--project", tree).output.startswith("catalogs unchanged")


def test_a_changed_string_keeps_its_translation_marked_fuzzy(tree):
    serve = tree / "bulletin" / "serve.py"
    serve.write_text(serve.read_text("utf-8").replace('_("Fix them and try again.")', '_("Fix them, then try again.")'),
                     "utf-8")
    result = run("catalogs", "--project", tree)
    assert result.exit_code == 0, result.output
    po = (tree / LOCALES / "ru/LC_MESSAGES/bulletin.po").read_text("utf-8")
    assert "Fix them and try again." not in po
    fuzzy = po.split('msgid "Fix them, then try again."')[0].rsplit("\n\n", 1)[1]
    assert fuzzy == "#, fuzzy\n"
    assert f"ru: {len(template_msgids(tree / 'layouts'))} strings, 1 fuzzy" in result.output
    assert "fuzzy: 'Fix them, then try again.'" in result.output


def test_a_broken_catalog_is_located_and_nothing_is_written(tree):
    broken = tree / LOCALES / "kk/LC_MESSAGES/bulletin.po"
    broken.write_text(broken.read_text("utf-8") + '\nmsgid "x"\nmsgstr "y"\nnot po at all\n', "utf-8")
    (tree / "layouts" / "bulletin.html.j2").write_text('{{ _("New string") }}', "utf-8")
    before = snapshot(tree)
    result = run("catalogs", "--project", tree)
    assert result.exit_code == 1
    assert f"{LOCALES}/kk/LC_MESSAGES/bulletin.po:" in result.output and "cannot read catalog" in result.output
    assert snapshot(tree) == before
