"""Section: each key checked on its own line, in table order, unknown keys warned about, defaults kept."""

from __future__ import annotations

from bulletin.options import Choice, Int, ListOf, Str
from bulletin.validation import Section
from test_options import validate


def test_a_section_reports_each_key_on_its_line_and_goes_on_with_defaults():
    option = Section({"port": Int(min=1, default=25), "host": Str(required=True)}, area="mail")
    value, found = validate(option, "v:\n  port: 0\n  colour: red\n")
    assert value == {"port": 25}
    assert sorted(found) == sorted([
        (1, "error", "'v.host': expected a string, got nothing (None)", "mail.bad-text"),
        (2, "error", "'v.port': expected a whole number, got a number (0)", "mail.bad-number"),
        (3, "warning", "unknown key 'v.colour' (known: host, port)", "mail.unknown-key")])


def test_later_keys_see_earlier_values():
    option = Section({"langs": ListOf(Str()), "main": Choice(lambda env: env["langs"])})
    assert validate(option, "v: {langs: [ru, kk], main: kk}") == ({"langs": ["ru", "kk"], "main": "kk"}, [])
    assert validate(option, "v: {langs: [ru], main: kk}")[1][0][2] == "'v.main': expected one of ru, got a string ('kk')"
