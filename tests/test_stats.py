"""bulletin stats: exact counts over the two-month site tests/sites/stats, periods, formats, names in --lang."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from bulletin.stats import parse_period
from conftest import REPO, SITES, run

VOCABULARIES = ("regions.yaml", "violations.yaml", "groups.yaml")


def copy_site(target):
    shutil.copytree(SITES / "stats", target)
    for name in VOCABULARIES:  # the repository's vocabularies: one list of regions
        shutil.copy(REPO / "content" / name, target / "content" / name)
    return target


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return copy_site(tmp_path_factory.mktemp("stats") / "site")


def stats(site, *args):
    result = run("stats", *args, "--project", site)
    assert result.exit_code == 0, result.output
    return result.output


# Counted: source entries, not their translations (journalist-detained.kk.md) nor drafts (unconfirmed.ru.md);
# a person listed twice in one entry (Айгерим Сарсенова, once with a no-break space) once.
EXPECTED = {
    "rubric": {"free-speech": 2, "progress": 1, "assembly": 1, "defenders": 1},
    "region": {"almaty-city": 2, "shymkent": 1, "mangystau": 1},  # law-passed.ru.md has no region
    "violation": {"expression": 2, "detention": 1, "fair-trial": 1, "assembly": 1, "association": 1, "labour": 1},
    "group": {"activist": 2, "journalist": 1, "trade-unionist": 1, "blogger": 1},  # victims only
    "role": {"victim": 5, "perpetrator": 2, "source": 1, "intervening": 1},
    "month": {"2026-01": 2, "2026-02": 3},
}


@pytest.mark.parametrize("by", list(EXPECTED))
def test_exact_counts_over_two_months(site, by):
    assert json.loads(stats(site, "2026-01..2026-02", "--by", by, "--format", "json")) == {
        "period": {"from": "2026-01", "to": "2026-02"}, "entries": 5, "persons": 9, "by": by,
        "counts": EXPECTED[by]}


def test_periods(site):
    newest = json.loads(stats(site, "--format", "json"))
    assert (newest["period"], newest["entries"], newest["persons"]) == ({"from": "2026-02", "to": "2026-02"}, 3, 4)
    january = json.loads(stats(site, "2026-01", "--by", "group", "--format", "json"))
    assert (january["entries"], january["persons"], january["counts"]) == (2, 5, {"activist": 2, "journalist": 1})
    year = json.loads(stats(site, "2026", "--by", "month", "--format", "json"))
    assert year["period"] == {"from": "2026-01", "to": "2026-12"} and year["entries"] == 5
    assert list(year["counts"].values()) == [2, 3] + [0] * 10  # every month of the period, empty ones too
    assert json.loads(stats(site, "2025", "--format", "json"))["counts"] == {}


@pytest.mark.parametrize("text,expected", [
    ("2026-02", ("2026-02", "2026-02")), ("2026", ("2026-01", "2026-12")),
    (" 2026-01..2026-06 ", ("2026-01", "2026-06")), (None, ("2026-03", "2026-03"))])
def test_parse_period(text, expected):
    assert parse_period(text, ["2026-01", "2026-03"]) == expected


@pytest.mark.parametrize("text,message", [
    ("2026-06..2026-01", "Error: period 2026-06..2026-01: 2026-06 comes after 2026-01"),
    ("2026-13", "Error: period '2026-13': expected YYYY-MM, YYYY or YYYY-MM..YYYY-MM (e.g. 2026-01..2026-06)"),
    ("feb", "Error: period 'feb': expected YYYY-MM, YYYY or YYYY-MM..YYYY-MM (e.g. 2026-01..2026-06)"),
    ("2026-01..", "Error: period '2026-01..': expected YYYY-MM, YYYY or YYYY-MM..YYYY-MM (e.g. 2026-01..2026-06)")])
def test_bad_period_is_a_usage_error(site, text, message):
    result = run("stats", text, "--project", site)
    assert result.exit_code == 2 and message in result.output.splitlines()


def test_table_shows_names_in_the_language(site):
    assert stats(site, "2026-01..2026-02", "--lang", "kk").splitlines() == [
        "2026-01..2026-02 · Материалдар: 5 · Адамдар: 9", "",
        "Өңір              Материалдар",
        "----------------  -----------",
        "Алматы                      2",
        "Шымкент                     1",
        "Маңғыстау облысы            1"]


def test_csv_in_english(site):
    assert stats(site, "2026-01..2026-02", "--by", "role", "--lang", "en", "--format", "csv").splitlines() == [
        "Role,Persons", "Victims,5", "Perpetrators,2", "Sources,1", "Intervening parties,1"]
    assert stats(site, "2026", "--by", "rubric", "--format", "csv").splitlines()[:2] == [
        "Рубрика,Материалы", "Свобода слова,2"]


def test_confidential_persons_are_counted_but_never_named(site):
    outputs = [stats(site, "2026-01", "--by", by, "--format", output, "--lang", lang)
               for by in EXPECTED for output in ("table", "csv", "json") for lang in ("ru", "en")]
    assert json.loads(stats(site, "2026-01", "--by", "group", "--format", "json"))["counts"]["activist"] == 2
    assert not any("Касымов" in text or "Kasymov" in text for text in outputs)


def test_an_invalid_entry_stops_stats_with_its_location(tmp_path):
    site = copy_site(tmp_path / "site")
    path = site / "content" / "2026-02" / "law-passed.ru.md"
    path.write_text(path.read_text(encoding="utf-8").replace("date: 2026-02-20", "date: 2026-02-20\nregion: almaty "
                                                                                 "city"), encoding="utf-8")
    result = run("stats", "2026", "--project", site)
    assert result.exit_code == 1
    assert result.output.splitlines()[0].startswith(
        "content/2026-02/law-passed.ru.md:5: error: unknown region 'almaty city' in 'region' (known: astana, ")
    assert run("stats", "2026-01", "--project", site).exit_code == 0  # another month's mistake is not in the way


def test_unknown_language(site):
    result = run("stats", "--lang", "de", "--project", site)
    assert result.exit_code == 2 and "Error: unknown language de (configured: ru, kk, en)" in result.output


def test_archive_index_shows_the_years_totals(tmp_path, monkeypatch):
    """publish records each month's totals in its manifest; the archive page sums them per year."""
    site = copy_site(tmp_path / "site")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1772323200")
    for month in ("2026-01", "2026-02"):
        result = run("publish", month, "--project", site, render=lambda content, progress, timings: {
            f"bulletin-{content.month}-ru.html": b"<!DOCTYPE html>"})  # the files are not what this is about
        assert result.exit_code == 0
    manifest = json.loads((site / "dist" / "2026-01" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["totals"] == {"entries": 2, "persons": 5}
    html = (site / "dist" / "index.html").read_text(encoding="utf-8")
    section = html[html.index('<section class="archive-totals"'):html.index("</section>")]
    text = " ".join(re.sub(r"<[^>]+>", " ", section).replace("\u00a0", " ").split())
    assert text == "Итоги по годам 2026 : 2 выпуска, 5 материалов, 9 человек, 1 кБ"
    assert "Касымов" not in html and "Касымов" not in json.dumps(manifest, ensure_ascii=False)


def test_year_totals_leave_out_releases_without_totals():
    from bulletin.stats import year_totals
    releases = [{"month": "2026-02", "totals": {"entries": 3, "persons": 4}}, {"month": "2026-01"},
                {"month": "2025-12", "totals": {"entries": 1, "persons": 0}}]
    assert year_totals(releases) == [{"year": "2026", "entries": 3, "persons": 4, "issues": 1},
                                     {"year": "2025", "entries": 1, "persons": 0, "issues": 1}]
