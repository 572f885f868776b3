"""Entry validation: every problem has its exact message, its line, and makes check/build exit 1."""

from __future__ import annotations

import pytest

from conftest import entry, run

M = "content/2026-02/"

BLANK = "'title' has no visible character (only spaces, no-break spaces or zero-width characters)"
REMOVE = "remove it (no output format can hold it)"
CASES = [
    ("missing-title", "---\nrubric: speech\ndate: 2026-02-10\n---\n\nТекст.\n",
     f"{M}item.ru.md:1: error: missing required key 'title'"),
    ("missing-date", "---\ntitle: Т\nrubric: speech\n---\n\nТекст.\n",
     f"{M}item.ru.md:1: error: missing required key 'date'"),
    ("unknown-rubric", entry(rubric="free-speach"),
     f"{M}item.ru.md:3: error: unknown rubric 'free-speach' (known: progress, prisoners, speech)"),
    ("impossible-date", entry(date="2026-02-30"), f"{M}item.ru.md:4: error: impossible date '2026-02-30'"),
    ("bad-date-form", entry(date="16.02.2026"),
     f"{M}item.ru.md:4: error: date '16.02.2026' is not in the form YYYY-MM-DD"),
    ("outside-month", entry(date="2026-03-01"),
     f"{M}item.ru.md:4: warning: date 2026-03-01 is outside the month of its folder (2026-02)"),
    ("unknown-key", entry(colour="red"),
     f"{M}item.ru.md:5: warning: unknown key 'colour' (known: title, rubric, date, author, outlet, source, "
     "weight, draft, tags, persons, source_hash)"),
    ("malformed-yaml", "---\ntitle: Т\nrubric: speech\ndate: 2026-02-10\nauthor: [Анна, Борис\n---\n\nТекст.\n",
     f"{M}item.ru.md:5: error: malformed YAML: while parsing a flow sequence expected ',' or ']', but got "
     "'<stream end>'"),
    ("colon-in-title", "---\ntitle: Итоги: год\nrubric: speech\ndate: 2026-02-10\n---\n\nТекст.\n",
     f"{M}item.ru.md:2: error: malformed YAML: mapping values are not allowed here (put quotes around a "
     "value that contains ': ')"),
    ("unclosed", "---\ntitle: Т\nrubric: speech\ndate: 2026-02-10\n\nТекст.\n",
     f"{M}item.ru.md:1: error: front matter opened on line 1 is never closed with '---'"),
    ("no-front-matter", "Просто текст.\n",
     f"{M}item.ru.md:1: error: missing front matter: the file must start with a line '---'"),
    ("weight-not-int", entry(weight="first"), f"{M}item.ru.md:5: error: 'weight' must be a whole number, got 'first'"),
    ("draft-yes", entry(draft="yes"), f"{M}item.ru.md:5: error: 'draft' must be true or false, got 'yes'"),
    ("bad-source", entry(source="www.example.org/news"),
     f"{M}item.ru.md:5: error: 'source' must be an http(s) URL, got 'www.example.org/news'"),
    ("duplicate-key", "---\ntitle: Т\nrubric: speech\ndate: 2026-02-10\ntitle: Другой\n---\n\nТекст.\n",
     f"{M}item.ru.md:5: error: duplicate key 'title' (first set on line 2)"),
    ("empty-body", entry(body=""), f"{M}item.ru.md:6: warning: empty body"),
    ("long-title", entry(title="Очень " * 40 + "длинный"),
     f"{M}item.ru.md:2: warning: title is 247 characters long (over 200)"),
    *[(name, entry(title=title), f"{M}item.ru.md:2: error: {BLANK}")
      for name, title in (("blank-title", '" "'), ("nbsp-title", '"\u00a0"'), ("zero-width-title", '"\u200b\u2060"'))],
    *[(f"control-in-{key}", entry(**{key: value}), f"{M}item.ru.md:{line}: error: '{key}' contains the control "
       f"character {char}: {REMOVE}") for key, value, line, char in (
        ("title", '"Суд\\x01 вынес"', 2, "U+0001"), ("source", '"https://example.org/\\x85x"', 5, "U+0085"),
        ("tags", '["суд", "\\x0b"]', 5, "U+000B"))],
    ("control-in-body", entry(body="Первая строка.\n\nВторая \x0c строка."),
     f"{M}item.ru.md:9: error: the control character U+000C is in the text: {REMOVE}"),
    ("placeholder-in-body", entry(body="Текст.\n\n![x](BULLETIN-ASSET:0) bulletin-asset:7"),
     f"{M}item.ru.md:9: error: 'bulletin-asset:' is reserved for bulletin's own image references: link images "
     "by file name"),
    *[(f"invisible-in-{key}", entry(**{key: value}), f"{M}item.ru.md:{line}: warning: '{key}' contains the "
       f"invisible character {char}, which can make a name or address pass for another: remove it")
      for key, value, line, char in (
          ("author", '"Иван \u202eвонавИ"', 5, "U+202E (RIGHT-TO-LEFT OVERRIDE)"),
          ("title", '"Ах\u200bметов"', 2, "U+200B (ZERO WIDTH SPACE)"),
          ("source", '"https://example.org/\u2066x"', 5, "U+2066 (LEFT-TO-RIGHT ISOLATE)"),
          ("outlet", '"\ufeffГазета"', 5, "U+FEFF (ZERO WIDTH NO-BREAK SPACE)"))],
]


@pytest.mark.parametrize("name,text,expected", CASES, ids=[c[0] for c in CASES])
def test_problem_is_reported_with_file_and_line(project, name, text, expected):
    root = project({f"{M}item.ru.md": text, f"{M}good.ru.md": entry()})
    result = run("check", "2026-02", "--project", root)
    assert expected in result.output.splitlines(), result.output
    assert result.exit_code == (0 if ": warning:" in expected else 1)
    strict = run("check", "2026-02", "--project", root, "--strict")
    assert strict.exit_code == 1


def test_duplicate_slug_and_language(project):
    root = project({f"{M}a/same.ru.md": entry(), f"{M}b/same.ru.md": entry(title="Другой")})
    result = run("check", "--project", root)
    assert f"{M}b/same.ru.md:1: error: duplicate entry 'same' in language 'ru' (also {M}a/same.ru.md)" \
        in result.output
    assert result.exit_code == 1


def test_problems_are_collected_not_stopped_at_first(project):
    root = project({f"{M}one.ru.md": entry(rubric="nope"), f"{M}two.ru.md": entry(date="2026-02-31")})
    result = run("check", "--project", root)
    assert "one.ru.md:3: error: unknown rubric 'nope'" in result.output
    assert "two.ru.md:4: error: impossible date '2026-02-31'" in result.output
    assert result.output.strip().splitlines()[-1] == "2 errors, 0 warnings in 2 entries"


def test_yaml_booleans_and_dates_stay_text(project):
    root = project({f"{M}no.ru.md": entry(title="no", outlet="on")})
    result = run("check", "--project", root)
    assert result.exit_code == 0, result.output
    from bulletin.build import load_month_content
    month = load_month_content(root, "2026-02")
    assert month.entries[0].title == "no" and month.entries[0].outlet == "on"


def test_bad_file_name(project):
    root = project({f"{M}Суд.ru.md": entry()})
    result = run("check", "--project", root)
    assert f"{M}Суд.ru.md:1: error: entry file names must be <slug>.<lang>.md" in result.output
    assert result.exit_code == 1


def test_duplicate_source_is_a_warning_naming_both(project):
    root = project({f"{M}a.ru.md": entry(source="https://example.org/news/1"),
                    f"{M}b.ru.md": entry(title="Другой", source="http://www.example.org/news/1/")})
    result = run("check", "--project", root)
    assert f"{M}b.ru.md:5: warning: same source as {M}a.ru.md: is this news item entered twice?" in result.output
    assert result.exit_code == 0


def test_links_and_images_in_body(project):
    body = ("[ok](https://example.org) [mail](mailto:a@example.org) [bad](ftp://example.org/x) "
            "[missing](nothing.pdf)\n\n![photo](absent.png)")
    root = project({f"{M}a.ru.md": entry(body=body)})
    result = run("check", "--project", root)
    assert f"{M}a.ru.md:7: warning: link 'ftp://example.org/x' removed: only http(s), mailto and relative " \
           "links are allowed" in result.output
    assert f"{M}a.ru.md:7: warning: link 'nothing.pdf' removed: it points to a missing file" in result.output
    assert f"{M}a.ru.md:9: error: image 'absent.png' does not exist" in result.output
    assert result.exit_code == 1


def test_check_json_output(project):
    import json
    root = project({f"{M}a.ru.md": entry(rubric="nope")})
    result = run("check", "--project", root, "--format", "json")
    assert json.loads(result.output) == [{"path": f"{M}a.ru.md", "line": 3, "level": "error",
                                          "message": "unknown rubric 'nope' (known: progress, prisoners, speech)"}]
    assert result.exit_code == 1


def test_terminal_escapes_in_keys_and_values_are_shown_escaped(project):
    root = project({f"{M}a.ru.md": entry(rubric='"\\e[2J\\e[31mred"', **{'"\\e]0;owned\\a"': 1}),
                    f"{M}b.ru.md": entry(title='"x"', author='"\u202eevil"')})
    for fmt in ("text", "json"):
        result = run("check", "--project", root, "--format", fmt)
        assert "\x1b" not in result.output and "\x07" not in result.output and "\u202e" not in result.output
    result = run("check", "--project", root)
    assert f"{M}a.ru.md:3: error: unknown rubric '\\x1b[2J\\x1b[31mred' (known: progress, prisoners, speech)" \
        in result.output.splitlines()
    assert f"{M}a.ru.md:5: warning: unknown key '\\x1b]0;owned\\x07' (known:" in result.output
    assert "RIGHT-TO-LEFT OVERRIDE" in result.output


@pytest.mark.parametrize("name", ["2026-02\n", "\u0662\u0660\u0662\u0666-02", "2026-02 ", "2026-2"],
                         ids=["trailing-newline", "arabic-indic-digits", "trailing-space", "one-digit-month"])
def test_month_folders_are_exactly_yyyy_mm_in_ascii_digits(project, name):
    root = project({f"content/{name}/a.ru.md": entry(), f"{M}b.ru.md": entry()})
    from bulletin.config import load_config
    from bulletin.content import list_months
    from bulletin.problems import Problems

    assert list_months(load_config(root, Problems(root))) == ["2026-02"]
    result = run("check", name, "--project", root)
    assert result.exit_code == 2 and "is not a month in the form YYYY-MM" in result.output


def test_dates_need_ascii_digits(project):
    root = project({f"{M}a.ru.md": entry(date='"\u0662\u0660\u0662\u0666-02-10"')})
    result = run("check", "--project", root)
    assert (f"{M}a.ru.md:4: error: date '\u0662\u0660\u0662\u0666-02-10' is not in the form YYYY-MM-DD"
            in result.output.splitlines()), result.output
