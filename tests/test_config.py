"""bulletin.yaml and rubrics.yaml: unknown keys warn, wrong types fail, each naming key, expectation, value."""

from __future__ import annotations

from conftest import BASE_CONFIG, entry, run

M = "content/2026-02/"


def check(project, config=BASE_CONFIG, rubrics=None):
    kwargs = {"config": config}
    if rubrics is not None:
        kwargs["rubrics"] = rubrics
    root = project({f"{M}a.ru.md": entry()}, **kwargs)
    return run("check", "--project", root)


def test_unknown_key_is_a_warning(project):
    result = check(project, BASE_CONFIG + "colour: red\n")
    assert result.exit_code == 0
    assert ("bulletin.yaml:8: warning: unknown key 'colour' (known: default_language, delivery, ignore, languages, "
            "limits, meta_region, pdf_variant, publication, publish, publisher, statistics, timeouts, translations)"
            ) in result.output


def test_wrong_type_is_an_error(project):
    result = check(project, BASE_CONFIG.replace("languages: [ru, kk, en]", "languages: ru"))
    assert result.exit_code == 1
    assert "bulletin.yaml:6: error: 'languages': expected a list of language codes, got a string ('ru')" \
        in result.output


def test_default_language_must_be_configured(project):
    result = check(project, BASE_CONFIG.replace("default_language: ru", "default_language: de"))
    assert "bulletin.yaml:7: error: 'default_language': 'de' is not one of languages (ru, kk, en)" in result.output


def test_translation_policy_values(project):
    result = check(project, BASE_CONFIG + "translations:\n  kk: skip\n")
    assert "bulletin.yaml:8: error: 'translations': expected language: omit or original, got kk: 'skip'" \
        in result.output


def test_rubric_problems(project):
    rubrics = "- key: speech\n  title: Свобода слова\n- key: Speech Now\n  title: X\n- key: speech\n  title: Y\n"
    result = check(project, rubrics=rubrics)
    assert "content/rubrics.yaml:3: error: rubric 'key': expected lower-case letters, digits and '-', " \
           "got 'Speech Now'" in result.output
    assert "content/rubrics.yaml:5: error: duplicate rubric key 'speech' (first on line 1)" in result.output


def test_missing_config(tmp_path):
    result = run("check", "--project", tmp_path)
    assert result.exit_code == 1
    assert "bulletin.yaml: error: no bulletin.yaml here" in result.output
