"""bulletin search: language-aware matching, query syntax, filters, output formats, malformed queries."""

from __future__ import annotations

import json

import pytest

from conftest import run


def found(root, query, *options) -> list[tuple[str, str, str]]:
    result = run("search", query, "--project", root, "--format", "json", *options)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["query"] == query and (data["total"] == len(data["results"]) or "--limit" in options)
    return sorted((r["month"], r["lang"], r["slug"]) for r in data["results"])


@pytest.mark.parametrize("query,expected", [
    # pymorphy3's lemmas: the text has марафонца / Жыланбаева / журналистов
    ("марафонец", [("2026-01", "ru", "runner-detained")]),
    ("журналист", [("2026-01", "ru", "journalists-accreditation"), ("2026-03", "ru", "kaztag-lawsuit")]),
    ("Жыланбаев", [("2026-01", "en", "runner-detained"), ("2026-01", "kk", "runner-detained"),
                   ("2026-01", "ru", "runner-detained")]),
    # ё and е are one letter, both ways (the text has «пройдёмте» and «ещё»; the title ЧЕТЫРЁХ)
    ("пройдемте", [("2026-01", "ru", "runner-detained")]),
    ("четырех", [("2026-01", "ru", "journalists-accreditation")]),
    ("ещё", [("2026-01", "ru", "runner-detained")]),
])
def test_russian_queries_match_inflected_forms_and_e_with_diaeresis(archive_site, query, expected):
    assert found(archive_site, query, "--lang", "ru") == [e for e in expected if e[1] == "ru"]
    assert found(archive_site, query) == expected


def test_english_is_stemmed(archive_site):
    assert found(archive_site, "detain", "--lang", "en") == [("2026-01", "en", "runner-detained")]
    assert found(archive_site, "journalist", "--lang", "en") == [("2026-01", "en", "journalists-accreditation")]


def test_kazakh_queries_are_prefixes_of_the_texts_words(archive_site):
    # Астанада, Астана: the query's word is a prefix; no Kazakh stemmer exists
    assert found(archive_site, "Астана", "--lang", "kk") == [("2026-01", "kk", "runner-detained"),
                                                             ("2026-03", "kk", "picket-dispersed")]
    assert found(archive_site, "марафоншы", "--lang", "kk") == [("2026-01", "kk", "runner-detained")]
    assert found(archive_site, "Астанада", "--lang", "kk") == [("2026-01", "kk", "runner-detained")]


def test_a_latin_query_finds_cyrillic_text_in_any_usual_spelling(archive_site):
    expected = [("2026-01", "en", "runner-detained"), ("2026-01", "kk", "runner-detained"),
                ("2026-01", "ru", "runner-detained")]
    for spelling in ("Zhylanbaev", "Zhylanbayev", "jylanbaev", "ZHILANBAEV"):
        assert found(archive_site, spelling) == expected, spelling
    assert found(archive_site, "Kaztag", "--lang", "ru") == [("2026-01", "ru", "journalists-accreditation"),
                                                             ("2026-03", "ru", "kaztag-lawsuit")]
    # and a Cyrillic one finds the English text
    assert found(archive_site, "Сеитова", "--lang", "en") == [("2026-03", "en", "picket-dispersed")]


def test_phrases_or_and_exclusion(archive_site):
    # «деловой репутации» in the text, the query in another case: lemmas in order, adjacent
    assert found(archive_site, '"деловая репутация"', "--lang", "ru") == [("2026-03", "ru", "kaztag-lawsuit")]
    assert found(archive_site, '"репутации деловой"', "--lang", "ru") == []
    assert found(archive_site, "марафонец OR пикет", "--lang", "ru") == [("2026-01", "ru", "runner-detained"),
                                                                        ("2026-03", "ru", "picket-dispersed")]
    assert found(archive_site, "журналист -суд", "--lang", "ru") == [("2026-01", "ru", "journalists-accreditation")]
    assert found(archive_site, 'КазТАГ -"деловой репутации"', "--lang", "ru") == [
        ("2026-01", "ru", "journalists-accreditation")]


def test_filters(archive_site):
    assert found(archive_site, "Астана", "--lang", "ru", "--from", "2026-02") == [("2026-03", "ru", "picket-dispersed")]
    assert found(archive_site, "Астана", "--lang", "ru", "--to", "2026-01") == [("2026-01", "ru", "runner-detained")]
    assert found(archive_site, "KazTAG", "--rubric", "speech", "--lang", "en") == [
        ("2026-01", "en", "journalists-accreditation"), ("2026-03", "en", "kaztag-lawsuit")]
    assert found(archive_site, "KazTAG", "--region", "almaty-city") == [
        ("2026-03", "en", "kaztag-lawsuit"), ("2026-03", "kk", "kaztag-lawsuit"), ("2026-03", "ru", "kaztag-lawsuit")]
    result = run("search", "KazTAG", "--limit", "2", "--format", "json", "--project", archive_site)
    data = json.loads(result.output)
    assert (data["total"], len(data["results"])) == (5, 2)


def test_text_output_marks_the_match_and_names_the_files(archive_site):
    result = run("search", "марафонец", "--lang", "ru", "--project", archive_site)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("1. 2026-01 ru  В Астане задержан марафонец")
    assert "**марафонца**" in lines[1]
    assert lines[2].endswith("content/2026-01/runner-detained.ru.md · "
                             f"{archive_site / 'dist/2026-01/bulletin-2026-01-ru.html'}#entry-runner-detained")
    assert lines[-1] == "1 of 1 result(s) for марафонец"


def test_json_has_exactly_the_documented_keys(archive_site):
    result = run("search", "Жыланбаев", "--project", archive_site, "--format", "json", "--limit", "1")
    data = json.loads(result.output)
    assert list(data) == ["query", "total", "results"] and data["total"] == 3
    assert list(data["results"][0]) == ["month", "lang", "slug", "title", "snippet", "rank"]


@pytest.mark.parametrize("query,message", [
    ('"деловой репутации', "column 1: the quotation mark opened here is never closed"),
    ("суд OR", "OR needs a word on each side"),
    ("OR суд", "column 1: OR needs a word on each side"),
    ("суд OR OR иск", "column 8: OR needs a word on each side"),
    ("-суд", "a leading '-' only excludes: give at least one word to find as well"),
    ('суд ""', 'column 5: the quoted phrase has no words'),
    ("  ", "the query is empty"),
    ("«» — !", "the query has no words to search for"),
    ('NEAR(суд иск) AND "x" * ^', None),  # FTS5's own syntax is only text here: no error, no traceback
])
def test_a_malformed_query_gets_a_clear_error(archive_site, query, message):
    result = run("search", "--project", archive_site, "--", query)  # `--`: a query may start with '-'
    if message is None:
        assert result.exit_code == 0, result.output
        return
    assert result.exit_code == 1
    assert result.stderr == f"bulletin: error: {message}\n"


def test_no_index_yet_is_a_clear_error(tmp_path):
    result = run("search", "суд", "--project", tmp_path)
    assert result.exit_code == 1
    assert result.stderr == f"bulletin: error: {tmp_path / 'dist' / 'archive.sqlite'}: no archive index yet; " \
                            "run `bulletin index` (publish also writes it)\n"


def test_a_bad_month_filter_is_refused(archive_site):
    result = run("search", "суд", "--from", "2026-13", "--project", archive_site)
    assert result.exit_code == 2 and "'2026-13' is not a month in the form YYYY-MM" in result.output
