"""The typesetter: a corpus of pasted paragraphs set exactly, its properties, and the same rules in every output."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bulletin.markdown import READER, run_pandoc
from bulletin.typography import NBSP, break_plain_url, break_url, typeset_blocks, typeset_inlines, typeset_text

CORPUS = yaml.safe_load((Path(__file__).parent / "typography" / "corpus.yaml").read_text(encoding="utf-8"))
M = "content/2026-02/"
NB = NBSP


def expected_of(case: dict) -> str:
    return case["expected"].replace("~", NBSP)


def stringify(inlines: list) -> str:
    out = []
    for node in inlines:
        kind = node.get("t")
        if kind == "Str":
            out.append(node["c"])
        elif kind in ("Space", "SoftBreak"):
            out.append(" ")
        elif kind == "LineBreak":
            out.append("\n")
        elif kind in ("Emph", "Strong", "Strikeout", "Underline", "SmallCaps", "Superscript", "Subscript"):
            out.append(stringify(node["c"]))
        elif kind in ("Span", "Link"):
            out.append(stringify(node["c"][1]))
        elif kind == "Code":
            out.append(node["c"][1])
    return "".join(out)


def words_to_inlines(text: str) -> list:
    """Plain text as pandoc would tokenise it: a Str per word, a Space per run of spaces."""
    out: list = []
    for index, word in enumerate(re.split(r" +", text)):
        if index:
            out.append({"t": "Space"})
        if word:
            out.append({"t": "Str", "c": word})
    return out


# --- the corpus, exactly ------------------------------------------------------------------------

@pytest.mark.parametrize("case", CORPUS, ids=[f"{c['lang']}-{i}" for i, c in enumerate(CORPUS)])
def test_corpus_plain_text(case):
    assert typeset_text(case["input"], case["lang"]) == expected_of(case)


def test_corpus_through_pandoc():
    """The same paragraphs as entry Markdown: pandoc's AST, typeset, reads exactly as the plain-text pass.
    (A paragraph starting with "- " is a Markdown list, not a dialogue: those are left to the plain test.)"""
    cases = [c for c in CORPUS if not c["input"].startswith("- ")]
    source = "\n\n".join(c["input"] for c in cases).encode("utf-8")
    blocks = json.loads(run_pandoc(["-f", READER, "-t", "json"], source, 30))["blocks"]
    assert len(blocks) == len(cases)
    for block, case in zip(blocks, cases):
        assert stringify(typeset_blocks([block], case["lang"])[0]["c"]) == expected_of(case), case["input"]


def test_bare_urls_become_links_printed_in_full():
    source = "Пишите на info@kibhr.kz или см. https://example.org/a--b?x=1&y=2."
    blocks = json.loads(run_pandoc(["-f", READER, "-t", "json"], source.encode(), 30))["blocks"]
    links = [n for n in blocks[0]["c"] if n["t"] == "Link"]
    assert [(stringify(n["c"][1]), n["c"][2][0]) for n in links] == [
        ("info@kibhr.kz", "mailto:info@kibhr.kz"), ("https://example.org/a--b?x=1&y=2", "https://example.org/a--b?x=1&y=2")]
    typeset = typeset_blocks(blocks, "ru")
    assert [n for n in typeset[0]["c"] if n["t"] == "Link"] == links


def test_pasted_no_break_space_does_not_stop_a_rule():
    # a web page's U+00A0 after the noun used to hide the preposition from the rule
    assert typeset_text("суд\u00a0в Алматы", "ru") == f"суд в{NBSP}Алматы"
    assert typeset_text("суд&nbsp;в&nbsp;Алматы", "ru") == f"суд в{NBSP}Алматы"


def test_number_ranges_and_word_hyphens():
    assert typeset_text("50-100 человек, 2020 – 2025 годы, ст. 109-1, из-за, кое-что, COVID-19", "ru") == (
        f"50–\u2060100{NB}человек, 2020–\u20602025{NB}годы, ст.{NB}109-1, из-за, кое-что, COVID-19")


def test_english_keeps_its_spaced_en_dash_and_quotes():
    assert typeset_text('He said «no» - twice - to \u201eher\u201c \'plan\'', "en") == (
        f"He said “no”{NB}– twice{NB}– to “her” “plan”")  # by nesting level, whatever was pasted


def test_span_in_another_language_follows_its_rules():
    source = 'Он сказал: [the "illegal strike" - over]{lang=en} и "ушёл" - в суд.'
    blocks = json.loads(run_pandoc(["-f", READER, "-t", "json"], source.encode(), 30))["blocks"]
    text = stringify(typeset_blocks(blocks, "ru")[0]["c"])
    assert text == f"Он сказал: the “illegal strike”{NB}– over и{NB}«ушёл»{NB}— в{NB}суд."


def test_div_in_another_language_follows_its_rules():
    source = '::: {lang=kk}\n"Мұнайшы" - кәсіподақ\n:::\n\n"Нефтяник" - профсоюз'
    blocks = json.loads(run_pandoc(["-f", READER, "-t", "json"], source.encode(), 30))["blocks"]
    typeset = typeset_blocks(blocks, "en")
    assert stringify(typeset[0]["c"][1][0]["c"]) == f"«Мұнайшы»{NB}— кәсіподақ"
    assert stringify(typeset[1]["c"]) == f"“Нефтяник”{NB}– профсоюз"


def test_code_is_never_touched():
    inlines = [{"t": "Str", "c": '"в'}, {"t": "Space"}, {"t": "Code", "c": [["", [], []], 'a "b" -- c ...']},
               {"t": "Str", "c": '"'}]
    out = typeset_inlines(inlines, "ru")
    assert out[-2] == inlines[2]
    assert stringify(out) == f'«в{NB}a "b" -- c ...»'


def test_break_url_only_after_separators():
    assert break_url("https://a.kz/x-y?p=1&amp;q=2") == "https://<wbr>a.<wbr>kz/<wbr>x-<wbr>y?<wbr>p=1&amp;<wbr>q=2"
    assert break_plain_url("https://a.kz/x-y?p=1&q=2") == "https://\u200ba.\u200bkz/\u200bx-\u200by?\u200bp=1&\u200bq=2"
    assert break_plain_url("a.b@mail.kz") == "a.\u200bb@mail.\u200bkz"
    assert break_plain_url("КазТАГ.kz сообщил") == "КазТАГ.kz сообщил"  # a link's words are not an address


# --- moved from test_locale.py when typography got its own module ---

def test_typography_russian():
    text = typeset_text('Суд в Алматы - "решение" и штраф 86 500 тенге, № 87', "ru")
    assert text == f"Суд в{NB}Алматы{NB}— «решение» и{NB}штраф 86{NB}500{NB}тенге, №{NB}87"


def test_typography_in_bodies(project):
    from conftest import entry, run
    root = project({"content/2026-02/a.ru.md": entry(body='Он сказал "нет" и ушёл - к 5 часам. "Внешние \'внутренние\' кавычки"')})
    assert run("build", "--project", root, "--format", "html").exit_code == 0
    html = (root / "build" / "2026-02" / "bulletin-2026-02-ru.html").read_text(encoding="utf-8")
    assert "«нет»" in html and "“нет”" not in html
    assert "„внутренние“" in html
    assert "и&nbsp;ушёл&nbsp;— к&nbsp;5&nbsp;часам" in html or f"и{NB}ушёл{NB}— к{NB}5{NB}часам" in html


def test_nested_quotes_in_bodies_and_titles(project):
    from conftest import entry, run
    body = 'Компания "ТОО "Ақ жол"" обжаловала *"решение"* суда --- снова.'
    root = project({"content/2026-02/a.ru.md": entry(title='\'Дело "ТОО "Ақ жол"" закрыто\'', body=body)})
    assert run("build", "--project", root, "--format", "html,docx").exit_code == 0
    html = (root / "build" / "2026-02" / "bulletin-2026-02-ru.html").read_text(encoding="utf-8").replace("&nbsp;", " ")
    assert "Компания «ТОО „Ақ жол“» обжаловала <em>«решение»</em> суда — снова." in html.replace(NB, " ")
    assert "Дело «ТОО „Ақ жол“» закрыто" in html.replace(NB, " ")


# --- properties ----------------------------------------------------------------------------------

PASTED = st.lists(st.sampled_from(
    list("абвгдеВКСИОАЯУжықңәAZaz019 .,;:!?()-–—\"'«»„“”‘’№%₸$")
    + ["\u00a0", "\u202f", "\u2007", "&nbsp;", "г. ", "ст. ", " - ", " бы", "М. ", "16 февраля ", "2026 ж. ",
       "86 500 ", " https://x.kz/a-b ", " a@b.kz ", "...", "--", " в ", "В ", "\n"]), max_size=40).map("".join)
LANGS = st.sampled_from(["ru", "kk", "en"])


@settings(max_examples=300, deadline=None)
@given(PASTED, LANGS)
def test_typesetting_twice_is_once(text, lang):
    once = typeset_text(text, lang)
    assert typeset_text(once, lang) == once


URLS = st.sampled_from(["https://zakon.kz/2026-02-16/sud--delo?id=5&lang=ru", "www.example.org/a_b/'x'/y",
                        "ivanov.a-b@mail.kz", "http://x.kz/a...b/--c", "https://t.me/s/chan/123"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["в", "и", "- ", "\"", "'", "16", "февраля", "—", "…", "№", " "]), max_size=8)
       .map(" ".join), URLS, st.lists(st.sampled_from(["с", "\"", "--", "...", "50", "тенге"]), max_size=6)
       .map(" ".join), LANGS)
def test_urls_unchanged(before, url, after, lang):
    out = typeset_text(f"{before} {url} {after}", lang)
    assert url in out


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["в", "суд", "- ", "\"да\"", "'a'", "16", "февраля", "2026", "г.", "№", "86", "500",
                                 "тенге", "--", "М.", "Риттман", "бы", "\u00a0"]), max_size=14).map(" ".join),
       st.sampled_from(['a "b" -- c', "x - y", "в  мире", "'q'"]), LANGS)
def test_ast_pass_reads_as_the_text_pass_and_keeps_code(text, code, lang):
    """One pass: a paragraph set through the AST reads exactly as the same text set as a string; code stays."""
    inlines = words_to_inlines(text)
    assert stringify(typeset_inlines(inlines, lang)) == typeset_text(re.sub(" +", " ", text), lang)
    with_code = inlines + [{"t": "Space"}, {"t": "Code", "c": [["", [], []], code]}]
    out = typeset_inlines(with_code, lang)
    assert out[-1] == with_code[-1]
    assert typeset_inlines(out, lang) == out


# --- every format ----------------------------------------------------------------------------------

RU_BODY = [c for c in CORPUS if c["lang"] == "ru" and not c["input"].startswith("- ")]
KK_BODY = [c for c in CORPUS if c["lang"] == "kk" and not c["input"].startswith("- ")]


def bound_groups(expected: str) -> list[str]:
    """The runs the typesetter bound with no-break spaces: none may be split across lines."""
    return [token for token in expected.split(" ") if NBSP in token]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from conftest import entry, make_project, run
    # Repeated with a growing prefix, so that line ends fall in many different places.
    ru = "\n\n".join(("Так. " * n) + c["input"] for n in range(4) for c in RU_BODY)
    kk = "\n\n".join(("Иә. " * n) + c["input"] for n in range(4) for c in KK_BODY)
    root = make_project(tmp_path_factory.mktemp("typography") / "p", {
        f"{M}a.ru.md": entry(title='Суд\u00a0в Алматы - "решение"', body=ru, date="2026-02-16"),
        f"{M}b.ru.md": entry(title="Нефтяники", body="Текст."),
        f"{M}b.kk.md": entry(title="'\"Мұнайшы\" - кәсіподақ'", body=kk, date="2026-02-16")})
    result = run("build", "--project", str(root), "--lang", "ru,kk")
    assert result.exit_code == 0, result.output
    return root / "build" / "2026-02"


def test_built_html(built):
    import html as html_module
    page = (built / "bulletin-2026-02-ru.html").read_text(encoding="utf-8")
    text = html_module.unescape(re.sub(r"<[^>]+>", "", page.replace("<wbr>", "")))
    for case in RU_BODY:
        assert expected_of(case) in text
    assert f"Суд в{NB}Алматы{NB}— «решение»" in text  # a title
    assert f"Перейти к{NB}содержанию" in text  # the skip link
    assert f"2{NB}материала" in text  # the cover's count
    assert f"16{NB}февраля 2026{NB}г." in text  # a date under an entry
    assert '<a href="https://www.zakon.kz/news/2026-02-16/sud--delo?id=5&amp;lang=ru" class="url uri" rel=' in page
    assert "info@kibhr.<wbr>kz</a>" in page


ZW = "\u200b"


def test_built_docx_runs(built):
    from docx import Document
    from docx.oxml.ns import qn
    path = built / "bulletin-2026-02-ru.docx"
    # Every run of every paragraph, hyperlinks' runs included (python-docx's p.runs leaves those out).
    runs = ["".join(t.text or "" for t in p._p.iter(qn("w:t"))) for p in Document(str(path)).paragraphs]
    # A printed address breaks only after / . - ? &: Word has no <wbr>, so those carry a zero-width space.
    assert any(f"https://{ZW}www.{ZW}zakon.{ZW}kz/{ZW}news/{ZW}2026-{ZW}02-{ZW}16/{ZW}sud-{ZW}-{ZW}delo?{ZW}id=5&{ZW}lang=ru"
               in text for text in runs)
    assert any(f"info@kibhr.{ZW}kz" in text for text in runs)
    assert not any(ZW in text for text in runs if "://" not in text and "@" not in text)
    texts = [text.replace(ZW, "") for text in runs]
    for case in RU_BODY:
        assert expected_of(case) in texts
    assert f"Суд в{NB}Алматы{NB}— «решение»" in texts
    relations = zipfile.ZipFile(path).read("word/_rels/document.xml.rels").decode("utf-8")
    assert "mailto:info@kibhr.kz" in relations and "https://www.zakon.kz/news/2026-02-16/sud--delo" in relations


@pytest.mark.parametrize("lang,cases", [("ru", RU_BODY), ("kk", KK_BODY)])
def test_built_pdf_never_splits_what_is_bound(built, lang, cases):
    from pypdf import PdfReader
    raw = "\n".join(page.extract_text() or "" for page in PdfReader(built / f"bulletin-2026-02-{lang}.pdf").pages)
    lines = raw.replace("\u00a0", " ").replace("\u00ad", "")
    flat = re.sub(r"\s+", " ", lines)
    for case in cases:
        for group in bound_groups(expected_of(case)):
            words = group.strip(",.;:()«»…").replace("\u2060", "").split(NBSP)  # the word joiner is not text
            assert " ".join(words) in flat, group
            for first, second in zip(words, words[1:]):
                split = re.search(rf"(?<!\w){re.escape(first)} *\n *{re.escape(second)}", lines)
                assert split is None, f"{first!r} and {second!r} split across lines"
    # hyphenation never leaves fewer than 3 letters on a line or carries fewer than 3 over
    source = " ".join(c["input"] for c in cases)
    for left, right in re.findall(r"(\w+)-\n(\w+)", lines):
        if f"{left}-{right}" in source:
            continue  # a real hyphen at a line end (топ-менеджер)
        tail, head = re.search(r"[^\W\d_]*$", left).group(), re.match(r"[^\W\d_]*", right).group()
        assert len(tail) >= 3 and len(head) >= 3, (left, right)
