"""bulletin serve: live HTML preview on loopback, rebuilt on change, errors on the page, PDF link, clean Ctrl-C."""

from __future__ import annotations

import http.client
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bulletin.serve import serve
from conftest import entry, make_project, run

ENTRY = "content/2026-02/a.ru.md"
BULLETIN = Path(sys.executable).with_name("bulletin")


def get(url: str, path: str = "/", host: str | None = None) -> tuple[int, str, bytes]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        connection.request("GET", path, headers={"Host": host} if host else {})
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read()
    finally:
        connection.close()


class Events:
    """A client of /events: the tokens the server sends, read line by line with a bounded wait."""

    def __init__(self, url: str):
        parts = urlsplit(url)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        self.connection.request("GET", "/events")
        self.response = self.connection.getresponse()
        assert self.response.status == 200
        assert self.response.getheader("Content-Type") == "text/event-stream"

    def next_token(self) -> str:
        while True:  # raises TimeoutError after 10 s without a line
            line = self.response.fp.readline().decode("ascii")
            assert line, "the event stream ended"
            if line.startswith("data: "):
                return line[len("data: "):].strip()

    def close(self) -> None:
        self.connection.close()


@pytest.fixture
def server(tmp_path):
    """serve() in a thread on port 0; yields (url, project, log lines); stops it and checks it stopped."""
    root = make_project(tmp_path / "p", {ENTRY: entry(title="Первый")})
    lines: list[str] = []
    served: queue.Queue[str] = queue.Queue()
    stop = threading.Event()

    def log(message: str) -> None:
        lines.append(message)
        if message.startswith("Serving "):
            served.put(message)

    thread = threading.Thread(target=serve, args=(root, None, None, 0), kwargs={"log": log, "stop": stop})
    thread.start()
    try:
        message = served.get(timeout=15)
        match = re.fullmatch(r"Serving (http://127\.0\.0\.1:(\d+)/) \(Ctrl-C to stop\)", message)
        assert match and match.group(2) != "0", message
        yield match.group(1), root, lines
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()


def edit(events: Events, token: str, path: Path, text: str) -> str:
    """Write ``text`` and wait (bounded) for the rebuild it causes; returns the new token."""
    path.write_text(text, encoding="utf-8")
    new = events.next_token()
    assert new != token
    return new


def test_preview_rebuilds_shows_errors_and_recovers(server):
    url, root, lines = server
    status, content_type, body = get(url)
    page = body.decode("utf-8")
    assert status == 200 and content_type.startswith("text/html")
    assert "Первый" in page
    assert 'new EventSource("/events")' in page and 'href="/bulletin.pdf"' in page

    events = Events(url)
    try:
        token = events.next_token()
        assert f'"{token}"' in get(url)[2].decode("utf-8")  # the page knows the token it was built as

        token = edit(events, token, root / ENTRY, entry(title="Второй"))
        page = get(url)[2].decode("utf-8")
        assert "Второй" in page and "Первый" not in page

        token = edit(events, token, root / ENTRY, entry(title="Второй", rubric="nope"))
        status, _, body = get(url)
        page = body.decode("utf-8")
        assert status == 200
        assert "content/2026-02/a.ru.md:3: error: unknown rubric 'nope'" in page
        assert 'new EventSource("/events")' in page  # the error page reloads itself once fixed
        status, content_type, body = get(url, "/bulletin.pdf")
        assert status == 409 and content_type.startswith("text/html") and b"unknown rubric" in body

        token = edit(events, token, root / ENTRY, entry(title="Второй", rubric="<b>nope</b>"))
        page = get(url)[2].decode("utf-8")
        assert "unknown rubric '&lt;b&gt;nope&lt;/b&gt;'" in page and "<b>nope" not in page

        token = edit(events, token, root / ENTRY, entry(title="Третий"))
        page = get(url)[2].decode("utf-8")
        assert "Третий" in page and "error:" not in page and 'class="warnings"' not in page
    finally:
        events.close()
    assert any("unknown rubric 'nope'" in line for line in lines)


def test_warnings_box_and_pdf(server):
    url, root, _ = server
    events = Events(url)
    try:
        token = events.next_token()
        edit(events, token, root / "content/2026-02/b.ru.md",
             entry(title="Предупреждение", body="[ссылка](javascript:alert(1)) <script>alert(2)</script>"))
    finally:
        events.close()
    page = get(url)[2].decode("utf-8")
    assert "Первый" in page and "Предупреждение" in page  # warnings do not stop the bulletin
    assert 'class="warnings"' in page and "<summary>2 предупреждения</summary>" in page
    assert "content/2026-02/b.ru.md:7: warning: link 'javascript:alert(1)' removed" in page
    assert page.count("<script") == 1 and "alert(2)" not in page  # only the server's own script

    status, content_type, body = get(url, "/bulletin.pdf")
    assert status == 200 and content_type == "application/pdf"
    assert body.startswith(b"%PDF")


def test_only_loopback_names_and_known_paths(server):
    url = server[0]
    assert get(url, "/nothing")[0] == 404
    status, content_type, body = get(url, "/review/kk")
    assert status == 200 and "Первый" in body.decode("utf-8") and 'new EventSource("/events")' in body.decode("utf-8")
    assert get(url, "/review/ru")[0] == 404  # the source language has nothing to review
    assert get(url, "/", host="evil.example")[0] == 403


def test_build_outputs_have_no_reload_script(tmp_path):
    root = make_project(tmp_path / "p", {ENTRY: entry(title="Первый")})
    result = run("build", "--format", "html", "--project", root)
    assert result.exit_code == 0, result.output
    page = (root / "build/2026-02/bulletin-2026-02-ru.html").read_text(encoding="utf-8")
    assert "Первый" in page and "EventSource" not in page and "bulletin.pdf" not in page


def test_port_in_use_exits_2(tmp_path):
    root = make_project(tmp_path / "p", {ENTRY: entry()})
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("serve", "--port", port, "--project", root)
    assert result.exit_code == 2
    assert f"port {port} on 127.0.0.1 is not available" in result.stderr


def test_unknown_language_is_a_usage_error(tmp_path):
    root = make_project(tmp_path / "p", {ENTRY: entry()})
    result = run("serve", "--lang", "xx", "--port", "0", "--project", root)
    assert result.exit_code == 2 and "unknown language xx" in result.output


def test_ctrl_c_exits_cleanly(tmp_path):
    root = make_project(tmp_path / "p", {ENTRY: entry(title="Первый")})
    temp = tmp_path / "tmp"
    temp.mkdir()
    # Ctrl-C as a terminal delivers it: with SIGINT's default disposition, whatever the suite was started
    # with (a shell's background job ignores SIGINT, and its children inherit that)
    process = subprocess.Popen([str(BULLETIN), "serve", "--port", "0", "--project", str(root)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "TMPDIR": str(temp)},
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True)
    reader.start()
    try:
        while not (line := lines.get(timeout=20)).startswith("Serving "):
            pass
        url = re.search(r"http://127\.0\.0\.1:\d+/", line).group(0)
        assert "Первый" in get(url)[2].decode("utf-8")
        assert get(url, "/bulletin.pdf")[2].startswith(b"%PDF")
        events = Events(url)  # an open tab: its stream must not keep the server alive
        events.next_token()
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=15) == 0
        events.close()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    reader.join(5)
    stderr = process.stderr.read()
    process.stderr.close()
    assert "Traceback" not in stderr, stderr
    assert list(temp.iterdir()) == []  # no temporary file left behind, PDF font cache included


def test_errors_are_listed_above_the_last_good_preview_in_the_bulletins_language(tmp_path):
    from bulletin.serve import Preview
    root = make_project(tmp_path / "p", {ENTRY: entry(title="Первый")})
    preview = Preview(root)
    assert not preview.rebuild().items
    (root / ENTRY).write_text(entry(title="Первый", rubric="nope"), encoding="utf-8")
    preview.rebuild()
    page = preview.page
    assert page.startswith("<!DOCTYPE html>") and '<html lang="ru"' in page
    panel = page.index('<section class="errors" lang="ru"')
    assert page.index("<body") < panel < page.index("Первый")  # above the preview, which is still there
    section = page[panel:page.index("</section>", panel)]
    assert ">В бюллетене есть ошибки</h1>" in section
    assert ">Страница обновится сама, когда они будут исправлены. Ниже — последняя версия без ошибок.</p>" in section
    assert ">1 ошибка, 0 предупреждений</p>" in section
    assert "content/2026-02/a.ru.md:3: error: unknown rubric 'nope'" in section
    assert page.count('new EventSource("/events")') == 1 and f'"{preview.token}"' in page
    status, _, body = preview.pdf()
    assert status == 409 and ">PDF не создан: в бюллетене есть ошибки</h1>" in body.decode("utf-8")


def test_error_page_without_a_good_preview_is_in_the_previewed_language(tmp_path):
    from bulletin.serve import Preview
    root = make_project(tmp_path / "p", {ENTRY: entry(title="Первый", rubric="nope")})
    preview = Preview(root, lang="kk")
    preview.rebuild()
    page = preview.page
    assert '<html lang="kk">' in page and "<title>bulletin: Бюллетеньде қателер бар</title>" in page
    assert ">Олар түзетілгенде бет өздігінен жаңарады.</p>" in page and "қатесіз" not in page
    assert ">1 қате, 0 ескерту</p>" in page
    assert "content/2026-02/a.ru.md:3: error: unknown rubric 'nope'" in page


def test_print_preview_is_the_one_entry_edited_last_in_the_print_styles(tmp_path):
    import io
    import time

    import pikepdf
    from pypdf import PdfReader

    from bulletin.serve import Preview
    root = make_project(tmp_path / "p", {ENTRY: entry(title="Первый материал",
                                                           body="\n\n".join(["Абзац с подробностями дела. " * 40] * 8)),
                                         "content/2026-02/b.ru.md": entry(title="Второй материал", rubric="progress",
                                                                          body="Другой текст. " * 40)})
    os.utime(root / ENTRY, (time.time() + 5, time.time() + 5))  # the one edited last
    preview = Preview(root)
    assert not preview.rebuild().items
    status, content_type, body = preview.print_preview(None)
    assert status == 200 and content_type == "application/pdf"
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(body)).pages]
    assert 2 <= len(pages) <= 3  # the entry's own pages, laid out as printed
    text = " ".join(pages)
    assert "Первый материал" in text and "Свобода слова" in text  # under its rubric's title
    assert "Второй материал" not in text and "Содержание" not in text  # no other entry, no contents
    with pikepdf.open(io.BytesIO(body)) as pdf:
        fonts = {str(f.get("/BaseFont", ""))[8:] for page in pdf.pages for f in page.Resources.Font.values()}
    assert "PT-Serif" in fonts and all(name.startswith("PT-") for name in fonts)  # the bulletin's fonts only
    status, _, body = preview.print_preview("entry-b")
    assert status == 200 and "Второй материал" in PdfReader(io.BytesIO(body)).pages[0].extract_text()
    assert preview.print_preview("entry-nothing")[0] == 404
