"""main(argv, stdout, stderr, …): the command line with its streams and outside world passed in."""

from __future__ import annotations

import io
import signal

import pytest

from bulletin.cli import main
from conftest import entry

M = "content/2026-02/"


@pytest.fixture
def call():
    """main() as a process would run it; its SIGTERM handler is put back afterwards."""
    before = signal.getsignal(signal.SIGTERM)

    def invoke(*argv, **seams) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        with pytest.raises(SystemExit) as done:
            main([str(a) for a in argv], stdout=out, stderr=err, **seams)
        return done.value.code, out.getvalue(), err.getvalue()
    yield invoke
    signal.signal(signal.SIGTERM, before)


def test_output_goes_to_the_streams_given(project, call):
    root = project({M + "a.ru.md": entry(colour="red")})
    code, out, err = call("check", "--project", root)
    assert code == 0 and err == ""
    assert out.splitlines() == ["content/2026-02/a.ru.md:5: warning: unknown key 'colour' (known: title, rubric, "
                                "date, author, outlet, source, weight, draft, tags, source_hash, region, violations, persons)",
                                "0 errors, 1 warning in 1 entry"]


@pytest.mark.parametrize("argv,code,expected", [
    (["build", "--lang", "de"], 2, "Error: unknown language de (configured: ru, kk, en, or all)"),
    (["build", "2026-13"], 2, "Error: Invalid value for MONTH: '2026-13' is not a month in the form YYYY-MM"),
    (["new", "--rubric", "nope", "--title", "Т"], 2, "Error: unknown rubric 'nope' (known: progress, prisoners, "
                                                     "speech)"),
    (["deliver", "2026-02"], 1, "bulletin: error: bulletin.yaml has no 'delivery' section (smtp, from, "
                                "max_attachment_bytes, link_base)\n"),
    (["publish", "2026-03"], 1, "content/2026-03: error: no such month folder (months: 2026-02)\n"
                                "bulletin: 1 error(s), 0 warning(s); not published (publish needs check --strict "
                                "to pass)\n"),
])
def test_each_kind_of_error_has_its_exit_code_and_goes_to_stderr(project, call, argv, code, expected):
    """Usage (2), refusal (1) and content problems (1), mapped in one place whatever the command."""
    root = project({M + "a.ru.md": entry()})
    got, out, err = call(*argv, "--project", root)
    assert (got, out) == (code, "")
    assert expected in err, err
