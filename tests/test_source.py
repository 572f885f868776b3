"""bulletin.source on its own: bytes -> text (or a located error), YAML -> plain data with line numbers."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bulletin.problems import Problems
from bulletin.source import (FIX_HINT, EncodingError, decode_text, detect_encoding, fix_encoding, line_at,
                             load_yaml, read_text)

RU = "---\ntitle: Итоги года\n---\n\nСуд вынес приговор журналисту; защита обжалует решение.\n"
P = Path("content/2026-02/x.ru.md")


def decode(data: bytes) -> tuple[str | None, list[str]]:
    problems = Problems()
    text = decode_text(data, P, problems)
    return text, [str(p) for p in problems.items]


def yaml_of(text: str, first_line: int = 1):
    problems = Problems()
    doc = load_yaml(text, P, problems, first_line=first_line)
    return doc, [str(p) for p in problems.items]


RETYPE = "retype the character there, or re-save the file as UTF-8"

# ------------------------------------------------------------------------------- detect_encoding

@pytest.mark.parametrize("data, expected", [
    (RU.encode("utf-8"), None),
    (b"\xef\xbb\xbf" + RU.encode("utf-8"), None),
    (b"plain ascii\n", None),
    (b"", None),
    (RU.encode("cp1251"), "Windows-1251"),
    (RU.encode("utf-16"), "UTF-16"),
    (b"\xfe\xff" + RU.encode("utf-16-be"), "UTF-16"),
    (RU.encode("utf-16-le"), "UTF-16 (without BOM)"),
    (RU.encode("utf-16-be"), "UTF-16 (without BOM)"),
    ("---\ntitle: Қазақстан\n---\n\nСот үкім шығарды, қорғау шағымданады.\n".encode("utf-16-le"), "UTF-16 (without BOM)"),
    (b"utf-8 text with one stray \x00 byte in it", None),  # a NUL error later, not a UTF-16 guess
    ("title: café crème".encode("latin-1"), None),  # not Cyrillic enough to be called Windows-1251
    (b"a\x98b", None),  # 0x98 is undefined in Windows-1251 too
])
def test_detect_encoding(data, expected):
    assert detect_encoding(data) == expected


# ----------------------------------------------------------------------------------- decode_text

def test_utf8_with_and_without_bom_and_every_line_ending():
    for data in (RU.encode(), b"\xef\xbb\xbf" + RU.encode(), RU.replace("\n", "\r\n").encode(),
                 b"\xef\xbb\xbf" + RU.replace("\n", "\r\n").encode(), RU.replace("\n", "\r").encode()):
        assert decode(data) == (RU, [])


def test_office_encodings_name_the_fix_command():
    hint = FIX_HINT.format(path=P.as_posix())
    assert hint == "convert it to UTF-8 with: bulletin fix-encoding content/2026-02/x.ru.md"
    for data, name in ((RU.encode("cp1251"), "Windows-1251"), (RU.encode("utf-16"), "UTF-16"),
                       (RU.encode("utf-16-le"), "UTF-16 (without BOM)")):
        assert decode(data) == (None, [f"{P}:1: error: file is encoded as {name}, not UTF-8; {hint}"])


@pytest.mark.parametrize("prefix", [b"", b"\xef\xbb\xbf"], ids=["plain", "bom"])
@pytest.mark.parametrize("newline", [b"\n", b"\r\n"], ids=["lf", "crlf"])
def test_bad_bytes_are_located_by_line_and_offset(prefix, newline):
    lines = [b"---", b"title: x", b"---", b"", "Текст.".encode(), b"bad: \x98 here"]
    data = prefix + newline.join(lines)
    offset = data.index(b"\x98") - len(prefix)  # offsets count from after the BOM
    assert decode(data) == (None, [f"{P}:6: error: byte 0x98 at offset {offset} is not valid UTF-8; {RETYPE}"])
    data = prefix + newline.join(lines[:3] + [b"nul \x00 here"])
    offset = data.index(b"\x00") - len(prefix)
    assert decode(data) == (None, [f"{P}:4: error: NUL byte at offset {offset}; the file is not text"])


def test_line_at():
    assert line_at(b"a\nb\nc", 0) == 1
    assert line_at(b"a\nb\nc", 2) == 2
    assert line_at("a\nb\nc", 4) == 3


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_decode_never_invents_replacement_characters(data):
    text, problems = decode(data)
    if text is None:
        assert len(problems) == 1 and ": error: " in problems[0]
    else:
        assert ("\ufffd" in text) == (b"\xef\xbf\xbd" in data)
        assert "\r" not in text and not text.startswith("\ufeff")
    assert all("\ufffd" not in p for p in problems)


# ------------------------------------------------------------------------------------- read_text

def test_read_text_refuses_what_is_not_a_small_regular_file(tmp_path):
    problems = Problems(tmp_path)
    (tmp_path / "dir.md").mkdir()
    os.mkfifo(tmp_path / "pipe.md")
    (tmp_path / "big.md").write_bytes(b"x" * 101)
    (tmp_path / "ok.md").write_bytes(b"\xef\xbb\xbfok\r\n")
    assert read_text(tmp_path / "dir.md", problems) is None
    assert read_text(tmp_path / "pipe.md", problems) is None  # would block forever if read
    assert read_text(tmp_path / "big.md", problems, max_bytes=100) is None
    assert read_text(tmp_path / "missing.md", problems) is None
    assert read_text(tmp_path / "ok.md", problems, max_bytes=100) == "ok\n"
    assert [str(p) for p in problems.items] == [
        "dir.md: error: is a directory, not a file",
        "pipe.md: error: is not a regular file (a pipe, socket or device)",
        "big.md:1: error: file is 101 bytes, over the limit of 100",
        "missing.md: error: cannot read: No such file or directory",
    ]


# ------------------------------------------------------------------------------------- load_yaml

def test_plain_data_only_true_false_are_booleans_and_dates_stay_strings():
    doc, problems = yaml_of("a: yes\nb: no\nc: on\nd: off\ne: true\nf: False\ng: 2026-02-30\nh: 2026-02-10\n"
                            "i: 12:30\nj: ~\nk: 0x1F\nl: 1.5\nm: '007'\n")
    assert problems == []
    assert doc.data == {"a": "yes", "b": "no", "c": "on", "d": "off", "e": True, "f": False, "g": "2026-02-30",
                        "h": "2026-02-10", "i": 750, "j": None, "k": 31, "l": 1.5, "m": "007"}


def test_key_lines_are_file_lines():
    doc, problems = yaml_of("title: Т\n\nrubric: speech\n# comment\ndate: 2026-02-10\n", first_line=2)
    assert problems == []
    assert doc.key_lines() == {"title": 2, "rubric": 4, "date": 6}
    assert doc.line_of(None) == 2


@pytest.mark.parametrize("text, first_line, expected", [
    ("title: A\nrubric: x\ntitle: B\n", 2, "x.ru.md:4: error: duplicate key 'title' (first set on line 2)"),
    ("author:\n  name: A\n  name: B\n", 2, "x.ru.md:4: error: duplicate key 'name' (first set on line 3)"),
    ("list:\n  - {a: 1, a: 2}\n", 1, "x.ru.md:2: error: duplicate key 'a' (first set on line 2)"),
    ("a: &x 1\nb: *x\n", 2, "x.ru.md:2: error: YAML anchors and aliases (& and *) are not allowed"),
    ("a: 1\nb: *x\n", 2, "x.ru.md:3: error: YAML anchors and aliases (& and *) are not allowed"),
    ("<<: {a: 1}\n", 1, None),  # a merge key without an alias is only a strange key
    ("title: Итоги: год\n", 2, "x.ru.md:2: error: malformed YAML: mapping values are not allowed here (put "
                               "quotes around a value that contains ': ')"),
    ("tags:\n\t- a\n", 2, "x.ru.md:3: error: malformed YAML: tab character (indent with spaces, not tabs)"),
    ("a: [1, 2\n", 2, "x.ru.md:3: error: malformed YAML: while parsing a flow sequence expected ',' or ']', "
                      "but got '<stream end>'"),
    ("a: !!python/object/apply:os.system [id]\n", 2,
     "x.ru.md:2: error: malformed YAML: could not determine a constructor for the tag "
     "'tag:yaml.org,2002:python/object/apply:os.system'"),
    ("a: 1\n---\nb: 2\n", 2, "x.ru.md:3: error: malformed YAML: expected a single document in the stream but "
                             "found another document"),
    ("a: " + "[" * 51 + "]" * 51 + "\n", 2, "x.ru.md:2: error: YAML nested more than 50 levels deep"),
    ("".join("  " * i + "k:\n" for i in range(60)), 2, "x.ru.md:52: error: YAML nested more than 50 levels deep"),
    ("a: " + "1" * 4301 + "\n", 2, "x.ru.md:2: error: malformed YAML: a value cannot be read (Exceeds the limit "
                                   "(4300 digits) for integer string conversion)"),
])
def test_yaml_problems_are_located(text, first_line, expected):
    doc, problems = yaml_of(text, first_line)
    assert [p.replace("content/2026-02/", "") for p in problems] == ([expected] if expected else [])
    assert (doc is None) == bool(expected)


def test_nesting_up_to_the_limit_is_fine():
    doc, problems = yaml_of("a: " + "[" * 49 + "1" + "]" * 49 + "\n")
    assert problems == [] and doc.data["a"] == [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]


def test_alias_bomb_is_refused_before_it_is_expanded():
    levels = ["a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]"] + [
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]" for i in range(20)]
    started = time.perf_counter()
    doc, problems = yaml_of("\n".join(levels))
    assert time.perf_counter() - started < 1.0
    assert doc is None and problems == [f"{P}:1: error: YAML anchors and aliases (& and *) are not allowed"]


def test_empty_and_comment_only_documents():
    assert yaml_of("")[0].data is None
    assert yaml_of("# nothing\n")[0].data is None


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(list("ab:-[]{}&*!|>'\"#?,% \t\n0123456789.~\ufeff") + ["yes", "no", "- ", ": "]),
                max_size=60).map("".join))
def test_load_yaml_never_raises(text):
    doc, problems = yaml_of(text, first_line=2)
    assert (doc is None) == bool(problems) or all(": warning: " in p for p in problems)
    for problem in problems:
        assert int(problem.split(":")[1]) >= 2  # content/2026-02/x.ru.md:LINE: ...


# ---------------------------------------------------------------------------------- fix_encoding

@pytest.mark.parametrize("data, name", [
    (RU.replace("\n", "\r\n").encode("cp1251"), "Windows-1251"),
    (RU.encode("utf-16"), "UTF-16"),
    (b"\xfe\xff" + RU.encode("utf-16-be"), "UTF-16"),
    (RU.encode("utf-16-le"), "UTF-16 (without BOM)"),
    (RU.encode("utf-16-be"), "UTF-16 (without BOM)"),
])
def test_fix_encoding_converts_in_place_and_keeps_a_backup(data, name, tmp_path):
    path = tmp_path / "x.ru.md"
    path.write_bytes(data)
    encoding, backup, notes = fix_encoding(path)
    assert (encoding, backup, notes) == (name, tmp_path / "x.ru.md.bak", [])
    assert backup.read_bytes() == data
    assert path.read_bytes() == RU.encode("utf-8")
    assert decode(path.read_bytes()) == (RU, [])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.ru.md", "x.ru.md.bak"]  # no temp file left
    assert fix_encoding(path) is None  # now UTF-8: left alone


def test_fix_encoding_refuses_to_overwrite_a_backup_or_guess(tmp_path):
    path = tmp_path / "x.ru.md"
    path.write_bytes(RU.encode("cp1251"))
    (tmp_path / "x.ru.md.bak").write_bytes(b"older backup")
    with pytest.raises(EncodingError, match=r"x\.ru\.md\.bak already exists; move it away first"):
        fix_encoding(path)
    assert path.read_bytes() == RU.encode("cp1251")
    assert (tmp_path / "x.ru.md.bak").read_bytes() == b"older backup"

    other = tmp_path / "latin.ru.md"
    other.write_bytes("title: café crème brûlée\n".encode("latin-1"))
    with pytest.raises(EncodingError, match=r"neither UTF-16 nor a Cyrillic code page \(Windows-1251, KZ-1048, "
                                            r"KOI8-R\); convert it by hand"):
        fix_encoding(other)
    assert not (tmp_path / "latin.ru.md.bak").exists()


def test_fix_encoding_leaves_utf8_with_bom_alone(tmp_path):
    path = tmp_path / "x.ru.md"
    path.write_bytes(b"\xef\xbb\xbf" + RU.encode())
    assert fix_encoding(path) is None
    assert path.read_bytes() == b"\xef\xbb\xbf" + RU.encode()


def test_koi8_r_is_named_and_converted(tmp_path):
    from bulletin.source import detect_encoding, fix_encoding
    text = "---\ntitle: КОИ восемь\n---\n\nТекст в кодировке КОИ-8, как в старых письмах.\n"
    path = tmp_path / "k.ru.md"
    path.write_bytes(text.encode("koi8_r"))
    assert detect_encoding(path.read_bytes()) == "KOI8-R"
    assert detect_encoding(text.encode("cp1251")) == "Windows-1251"
    assert fix_encoding(path)[0] == "KOI8-R"
    assert path.read_text(encoding="utf-8") == text


# ------------------------------------------------------------------------------------- KZ-1048

KK = ("---\ntitle: Соттың үкімі\n---\n\nҚала соты журналистің ісін қарады; ол өз кінәсін мойындамады. "
      "Қорғаушы шағым беретінін айтты: «Әділ сот болуы керек». Һ, ұ, ғ, ң.\n")


def test_kz1048_is_told_from_windows_1251_and_converted_without_garbling(tmp_path):
    data = KK.encode("kz1048")
    assert "ѕ" in data.decode("cp1251")  # ң read in the wrong code page
    assert detect_encoding(data) == "KZ-1048"
    assert decode(data) == (None, [f"{P}:1: error: file is encoded as KZ-1048, not UTF-8; {FIX_HINT.format(path=P)}"])
    path = tmp_path / "x.kk.md"
    path.write_bytes(data)
    assert fix_encoding(path) == ("KZ-1048", tmp_path / "x.kk.md.bak", [])
    assert path.read_text(encoding="utf-8") == KK


def test_russian_quoting_ukrainian_stays_windows_1251_and_its_rare_letters_are_named(tmp_path):
    text = RU + "Цитата: «Україна є державою», сказал он.\n"
    data = text.encode("cp1251")
    assert detect_encoding(data) == "Windows-1251"
    path = tmp_path / "x.ru.md"
    path.write_bytes(data)
    encoding, _, notes = fix_encoding(path)
    assert encoding == "Windows-1251" and path.read_text(encoding="utf-8") == text
    assert notes == [f"line 6: '{c}' (U+{ord(c):04X}) is unusual in Russian, Kazakh or English text; check that "
                     "Windows-1251 is right" for c in sorted("єї")]


def test_fix_encoding_command_says_what_it_could_not_vouch_for(tmp_path):
    from conftest import run

    path = tmp_path / "x.ru.md"
    path.write_bytes((RU + "Ґрунт ї.\n").encode("koi8_r", errors="ignore") + "ЂЃ".encode("cp1251"))
    result = run("fix-encoding", path)
    assert result.exit_code == 0, result.output
    assert f"{path}: converted from KOI8-R to UTF-8 (original kept as x.ru.md.bak)" in result.output
    assert f"{path}: warning: line 7: " in result.output and "check that KOI8-R is right" in result.output


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.binary(max_size=120),
                 st.tuples(st.sampled_from([RU, KK, RU + "є ї ґ"]), st.sampled_from(["cp1251", "kz1048", "koi8_r",
                                                                                       "utf-16-le", "utf-8"]),
                           st.binary(max_size=3)).map(lambda t: t[0].encode(t[1], errors="ignore") + t[2])))
def test_check_suggests_fix_encoding_exactly_when_fix_encoding_converts(tmp_path_factory, data):
    _, problems = decode(data)
    suggested = any("bulletin fix-encoding" in p for p in problems)
    path = tmp_path_factory.mktemp("fix") / "x.ru.md"
    path.write_bytes(data)
    try:
        converted = fix_encoding(path) is not None
    except EncodingError:
        converted = False
    assert suggested == converted, (problems, data)
