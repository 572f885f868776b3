"""Hostile entries: nothing leaves the project, nothing is fetched, no script survives, bad input fails cleanly.

Entry text and front matter are untrusted (pasted from the web). Every test here builds a throwaway project;
the "secret" is a file OUTSIDE the project holding a unique marker that must never reach an output.
"""

from __future__ import annotations

import errno
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from conftest import BASE_CONFIG, REPO, entry, make_project, run
from pdftext import pdf_text

M = "content/2026-02/"
X = f"{M}x.ru.md"
OUT = Path("build") / "2026-02"
HTML, DOCX, PDF = (f"bulletin-2026-02-ru.{ext}" for ext in ("html", "docx", "pdf"))
GOOD_BODY = ("Обычный текст с *курсивом* и **жирным**.\n\n- первый пункт\n- второй пункт\n\n"
             "[Обычная ссылка](https://example.org/ok)")
GOOD = {f"{M}good.ru.md": entry(title="Хороший материал", body=GOOD_BODY)}
STALE_TMP = re.compile(r"\.bulletin-2026-02-ru\.(pdf|docx|html)\.\w+\.tmp")


# ---------------------------------------------------------------------------------------------- helpers

def png(marker: bytes = b"") -> bytes:
    """A valid 1x1 PNG (with the marker in a tEXt chunk when given)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    text = chunk(b"tEXt", b"Comment\x00" + marker) if marker else b""
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)) + text
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden ones too), by relative path."""
    if not folder.exists():
        return {}
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def docx_payload(data: bytes) -> bytes:
    """Every part of a DOCX, unzipped and concatenated."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return b"\n".join(archive.read(name) for name in archive.namelist())


def pdf_payload(data: bytes, tmp: Path) -> bytes:
    """The PDF's bytes, every stream decompressed, and its extracted text."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    chunks = [data]
    for number in range(1, int(reader.trailer["/Size"])):
        try:
            obj = reader.get_object(number)
        except Exception:
            continue
        if hasattr(obj, "get_data"):
            try:
                chunks.append(obj.get_data())
            except Exception:
                pass
    path = tmp / "scan.pdf"
    path.write_bytes(data)
    chunks.append(pdf_text(path).encode("utf-8"))
    return b"\n".join(chunks)


def payload(name: str, data: bytes, tmp: Path) -> bytes:
    if name.endswith(".docx"):
        return docx_payload(data)
    if name.endswith(".pdf"):
        return pdf_payload(data, tmp)
    return data


def assert_absent(marker: str, outputs: dict[str, bytes], tmp: Path) -> None:
    assert outputs, "nothing was rendered"
    for name, data in outputs.items():
        content = payload(name, data, tmp)
        for form in (marker.encode("utf-8"), marker.encode("utf-16-le"), marker.encode("utf-16-be")):
            assert form not in content, f"{marker} leaked into {name}"


def render_anyway(root: Path, formats=("html", "docx", "pdf")) -> tuple[object, dict[str, bytes]]:
    """Render through the library even when the content has errors (a build would refuse to write)."""
    from bulletin.build import load_month_content, render_outputs

    content = load_month_content(root, "2026-02", ["ru"])
    outputs = render_outputs(content, ["ru"], list(formats), root / "not-written")
    return content.problems, {path.name: data for path, data in outputs.items()}


def messages(result) -> list[str]:
    return result.output.splitlines()


def assert_clean_failure(result) -> None:
    assert "Traceback" not in result.output
    assert "\ufffd" not in result.output


class Markup(HTMLParser):
    """Collects tags and attributes of an HTML document (entities in attribute values decoded)."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


def assert_no_active_content(html: str) -> None:
    """No script, frame, plug-in, event handler, inline style, or script/data URL anywhere in the document."""
    lowered = html.lower()
    assert "<script" not in lowered
    styles = 0
    for tag, attrs in Markup(html).tags:
        assert tag not in ("script", "iframe", "object", "embed", "frame", "applet", "base", "form", "svg",
                           "math", "link", "meta") or (tag == "meta" and not any(
                               k == "http-equiv" for k, _ in attrs)), tag
        styles += tag == "style"
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name, value)
            assert name != "style", (tag, value)
            # as a browser's URL parser reads it: C0 controls and spaces trimmed, tabs and newlines dropped
            squeezed = re.sub(r"[\t\n\r]", "", (value or "").strip("".join(map(chr, range(33))))).lower()
            assert not squeezed.startswith(("javascript:", "vbscript:")), (tag, name, value)
            if squeezed.startswith("data:"):
                assert tag == "img" and name == "src" and squeezed.startswith("data:image/"), (tag, name, value)
    assert styles <= 1  # the template's own stylesheet


@pytest.fixture
def secret(tmp_path):
    """A file outside every project, holding a unique marker; returns (folder, marker)."""
    folder = tmp_path / "outside"
    folder.mkdir()
    marker = f"SECRET-{uuid.uuid4().hex}"
    (folder / "secret.txt").write_text(f"{marker}\n", encoding="utf-8")
    (folder / "secret.png").write_bytes(png(marker.encode()))
    (folder / "secret.css").write_text(f'body::before {{ content: "{marker}" }}\n', encoding="utf-8")
    return folder, marker


# ------------------------------------------------------------------------- no file leaves the project

def _leak_cases(out: Path) -> list[tuple[str, str, dict, str]]:
    """(id, body, extra files, expected 'line: level: message' for an entry at content/2026-02/x.ru.md)."""
    def cut(ref: str) -> str:  # messages quote at most 80 characters of a reference
        return ref[:80]
    up = "../../../outside"  # from content/2026-02/ of tmp_path/project to tmp_path/outside
    unsafe = "warning: unsafe HTML removed from the entry (scripts, frames, event handlers, inline styles or unsafe links)"
    return [
        ("image-dotdot", f"![x]({up}/secret.txt)", {}, f"7: error: image '{up}/secret.txt' is outside the project's content/"),
        ("image-etc-passwd", "![x](../../../../../../../../etc/passwd)", {},
         "7: error: image '../../../../../../../../etc/passwd' is outside the project's content/"),
        ("image-absolute", f"![x]({out}/secret.png)", {}, f"7: error: image '{cut(f'{out}/secret.png')}' is outside the project's content/"),
        ("image-file-url", f"![x](file://{out}/secret.png)", {},
         f"7: error: image '{cut(f'file://{out}/secret.png')}' is refused: images must be files in the entry's folder, "
         "linked by a relative path"),
        ("image-dev-urandom", "![x](/dev/urandom)", {}, "7: error: image '/dev/urandom' is outside the project's content/"),
        ("image-in-project-not-content", "![x](../../bulletin.yaml)", {},
         "7: error: image '../../bulletin.yaml' is outside the project's content/"),
        ("image-symlink-out", "![x](escape.png)", {f"{M}escape.png": ("symlink", out / "secret.png")},
         "7: error: image 'escape.png' is outside the project's content/"),
        ("image-symlinked-folder", "![x](linked/secret.png)", {f"{M}linked": ("symlink", out)},
         "7: error: image 'linked/secret.png' is outside the project's content/"),
        ("image-not-an-image", "![x](x.png)", {f"{M}x.png": ("copy", out / "secret.txt")},
         "7: error: image 'x.png' is not a PNG, JPEG, GIF or WebP file"),
        ("link-dotdot", f"[x]({up}/secret.txt)", {}, f"7: warning: link '{up}/secret.txt' removed: it points outside content/"),
        ("link-file-url", f"[x](file://{out}/secret.txt)", {},
         f"7: warning: link '{cut(f'file://{out}/secret.txt')}' removed: only http(s), mailto and relative links are allowed"),
        ("raw-img-file", f'<img src="file://{out}/secret.png">', {}, f"7: error: raw HTML refers to '{cut(f'file://{out}/secret.png')}', outside content/: it is never fetched or embedded"),
        ("raw-img-dotdot", f'<img src="{up}/secret.png">', {}, f"7: error: raw HTML refers to '{cut(f'{up}/secret.png')}', outside content/: it is never fetched or embedded"),
        ("raw-link-attachment", f'<link rel="attachment" href="file://{out}/secret.txt">', {}, f"7: error: raw HTML refers to '{cut(f'file://{out}/secret.txt')}', outside content/: it is never fetched or embedded"),
        ("raw-a-attachment-file", f'<a rel="attachment" href="file://{out}/secret.txt">x</a>', {}, f"7: {unsafe}"),
        ("raw-style-import", f'<style>@import url("file://{out}/secret.css");</style>', {}, f"7: error: raw HTML refers to '{cut(f'file://{out}/secret.css')}', outside content/: it is never fetched or embedded"),
        ("raw-inline-style-url", f'<p style="background: url(file://{out}/secret.png)">x</p>', {}, f"7: error: raw HTML refers to '{cut(f'file://{out}/secret.png')}', outside content/: it is never fetched or embedded"),
        ("raw-object", f'<object data="file://{out}/secret.txt"></object>', {}, f"7: {unsafe}"),
        ("raw-iframe", f'<iframe src="file://{out}/secret.txt"></iframe>', {}, f"7: {unsafe}"),
        ("raw-svg-image", f'<svg><image href="file://{out}/secret.png"/></svg>', {}, f"7: error: raw HTML refers to '{cut(f'file://{out}/secret.png')}', outside content/: it is never fetched or embedded"),
        ("raw-html-block", f'```{{=html}}\n<img src="file://{out}/secret.png">\n```', {}, f"8: error: raw HTML refers to '{cut(f'file://{out}/secret.png')}', outside content/: it is never fetched or embedded"),
    ]


LEAK_IDS = [case[0] for case in _leak_cases(Path("/x"))]


def _write_extra(root: Path, extra: dict) -> None:
    for name, (kind, target) in extra.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if kind == "symlink":
            path.symlink_to(target)
        else:
            shutil.copy(target, path)


@pytest.mark.parametrize("case", LEAK_IDS)
def test_reference_outside_the_project_is_refused_with_its_location(case, tmp_path, secret):
    out, marker = secret
    _, body, extra, expected = next(c for c in _leak_cases(out) if c[0] == case)
    root = make_project(tmp_path / "project", {X: entry(body=body)})
    _write_extra(root, extra)
    result = run("check", "--project", root)
    assert f"{X}:{expected}" in messages(result), result.output
    assert result.exit_code == (1 if ": error: " in f": {expected}" else 0)
    assert marker not in result.output
    assert_clean_failure(result)


def test_no_outside_file_reaches_any_output(tmp_path, secret):
    """Every vector at once, rendered to PDF, DOCX and HTML even though the content has errors."""
    out, marker = secret
    files = {f"{M}v{i:02d}.ru.md": entry(title=f"Вектор {case[0]}", body=case[1])
             for i, case in enumerate(_leak_cases(out))}
    more = {  # vectors that are cleaned silently (no warning promised) or are plain text to pandoc
        "span-style": f'[x]{{style="background: url(file://{out}/secret.png)"}}',
        "a-attachment-relative": '<a rel="attachment" href="../../../outside/secret.txt">x</a>',
        "latex-input": f"\\input{{{out}/secret.txt}}\n\n\\include{{{out}/secret.txt}}",
        "include-block": f"```{{.include}}\n{out}/secret.txt\n```",
        "ssi-include": f'<!--#include file="{out}/secret.txt" -->',
        "image-attr": f"![x](pic.png){{src=file://{out}/secret.png}}",
        "srcset": f'<img src="pic.png" srcset="file://{out}/secret.png 2x">',
        "css-in-title": f'<span title="x" class="y" id="z">url(file://{out}/secret.png)</span>',
    }
    files.update({f"{M}w-{name}.ru.md": entry(title=name, body=body) for name, body in more.items()})
    files[f"{M}pic.png"] = png()
    root = make_project(tmp_path / "project", files)
    for case in _leak_cases(out):
        _write_extra(root, case[2])
    problems, outputs = render_anyway(root)
    assert sorted(outputs) == sorted([HTML, DOCX, PDF])
    assert_absent(marker, outputs, tmp_path)
    assert b"/EmbeddedFile" not in pdf_payload(outputs[PDF], tmp_path)  # no attachment of any kind
    assert b'rel="attachment"' not in outputs[HTML]
    assert_no_active_content(outputs[HTML].decode("utf-8"))
    # and the real build refuses to write anything
    result = run("build", "--project", root)
    assert result.exit_code == 1
    assert not (root / "build").exists()


def test_warned_vectors_build_and_leak_nothing(tmp_path, secret):
    """Raw HTML pointing outside is removed with a warning; the build goes on and embeds nothing."""
    out, marker = secret
    bodies = [c[1] for c in _leak_cases(out) if ": warning: " in f": {c[3]}"]
    root = make_project(tmp_path / "project", {
        **GOOD, X: entry(title="Вредный материал", body="\n\n".join(bodies) + "\n\nОстаток текста."),
    })
    result = run("build", "--project", root)
    assert result.exit_code == 0, result.output
    assert f"{X}:7: warning: unsafe HTML removed from the entry (scripts, frames, event handlers, inline styles or " \
           "unsafe links)" in messages(result)
    outputs = {p.name: p.read_bytes() for p in (root / OUT).iterdir()}
    assert_absent(marker, outputs, tmp_path)
    assert "Остаток текста" in outputs[HTML].decode("utf-8")


def test_entry_file_that_is_a_symlink_out_of_the_project_is_refused(tmp_path, secret):
    out, marker = secret
    (out / "planted.ru.md").write_text(entry(title=marker, body=marker), encoding="utf-8")
    root = make_project(tmp_path / "project", GOOD)
    (root / X).symlink_to(out / "planted.ru.md")
    result = run("build", "--project", root, "--format", "html")
    assert result.exit_code == 1
    assert any(line.endswith(f"{X}:1: error: is a symbolic link to a file outside content/; copy the file in instead")
               for line in messages(result)), result.output
    assert marker not in result.output
    assert not (root / "build").exists()


def test_pdf_fetcher_serves_only_project_files(tmp_path, secret):
    """Defence in depth: even if a URL got into the print HTML, the fetcher refuses it."""
    from weasyprint.urls import FatalURLFetchingError

    from bulletin.config import load_config
    from bulletin.problems import Problems
    from bulletin.render.pdf import make_fetcher

    out, marker = secret
    root = make_project(tmp_path / "project", {f"{M}pic.png": png()})
    (root / "content" / "escape.png").symlink_to(out / "secret.png")
    config = load_config(root, Problems(root))
    refused: list[str] = []
    fetcher = make_fetcher(config, refused)
    assert fetcher((root / M / "pic.png").as_uri()).read() == png()
    for url in (f"file://{out}/secret.txt", (root / "content" / "escape.png").as_uri(), "file:///etc/passwd",
                (root / "bulletin.yaml").as_uri(), "http://example.com/x.css", "https://example.com/x.png",
                "ftp://example.com/x", "data:text/plain,hello", f"file://evil.example{out}/secret.txt"):
        with pytest.raises(FatalURLFetchingError):
            fetcher(url)
    assert len(refused) == 9
    assert "refused to fetch 'http://example.com/x.css': builds never use the network" in refused
    assert all(marker not in r for r in refused)


# ----------------------------------------------------------------------------------- no network

@pytest.fixture
def network_log(tmp_path, monkeypatch):
    """Record (in a file, so the forked PDF renderer's calls count too) and block every way out."""
    log = tmp_path / "network.log"

    def blocker(name):
        def blocked(*args, **kwargs):
            with open(log, "a", encoding="utf-8") as stream:
                stream.write(f"{name} {args[1:3]!r}\n")
            raise OSError(f"network blocked by the test ({name})")
        return blocked
    monkeypatch.setattr(socket.socket, "connect", blocker("connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", blocker("connect_ex"))
    monkeypatch.setattr(socket, "getaddrinfo", blocker("getaddrinfo"))
    monkeypatch.setattr(socket, "create_connection", blocker("create_connection"))
    monkeypatch.setattr(urllib.request, "urlopen", blocker("urlopen"))
    monkeypatch.setattr(urllib.request.OpenerDirector, "open", blocker("OpenerDirector.open"))
    return lambda: log.read_text(encoding="utf-8").splitlines() if log.exists() else []


@pytest.fixture
def fetch_log(tmp_path):
    """Renderers whose PDF layout wraps make_fetcher, so that every URL WeasyPrint asks for is written down
    (in a file: the layout runs in forked children), and the log's lines."""
    from bulletin.render import RENDERERS
    from bulletin.render.pdf import PdfRenderer, html_to_pdf, make_fetcher

    log = tmp_path / "fetch.log"

    def wrapped(config, refused):
        fetcher = make_fetcher(config, refused)
        inner = fetcher.fetch

        def fetch(url, headers=None):
            with open(log, "a", encoding="utf-8") as stream:
                stream.write(url + "\n")
            return inner(url, headers)
        fetcher.fetch = fetch
        return fetcher

    def layout(*args, **kwargs):
        return html_to_pdf(*args, fetcher=wrapped, **kwargs)
    renderers = tuple(PdfRenderer(layout) if r.format == "pdf" else r for r in RENDERERS)
    return renderers, lambda: log.read_text(encoding="utf-8").splitlines() if log.exists() else []


@pytest.fixture
def pandoc_commands(monkeypatch):
    import bulletin.markdown as markdown

    commands = []
    original = markdown.subprocess.run

    def recording(command, *args, **kwargs):
        if "pandoc" in Path(command[0]).name:  # not the git a build asks for its content's time
            commands.append(list(command))
        return original(command, *args, **kwargs)
    monkeypatch.setattr(markdown.subprocess, "run", recording)
    return commands


@pytest.mark.parametrize("url", ["http://example.com/a.png", "https://example.com/a.png", "//example.com/a.png",
                                 "HTTP://EXAMPLE.COM/A.PNG", "ftp://example.com/a.png"])
def test_remote_image_is_an_error_and_is_not_fetched(url, tmp_path, network_log):
    root = make_project(tmp_path / "project", {**GOOD, X: entry(body=f"Текст.\n\n![Фото]({url})")})
    result = run("build", "--project", root, "--format", "html,docx")
    assert result.exit_code == 1
    assert (f"{X}:9: error: image '{url}' is not fetched: builds never use the network "
            "(download it into content/2026-02/ and link it by file name)") in messages(result)
    assert "nothing was written" in result.output
    assert network_log() == []


def test_build_with_remote_references_in_raw_html_opens_no_connection(tmp_path, network_log, fetch_log,
                                                                      pandoc_commands):
    body = "\n\n".join([
        '<img src="http://example.com/tracker.png">',
        '<link rel="stylesheet" href="http://example.com/evil.css">',
        '<style>@import url("https://example.com/evil.css"); p { background: url(http://example.com/b.png) }</style>',
        '<p style="background-image: url(https://example.com/c.png)">Абзац.</p>',
        '<iframe src="https://example.com/"></iframe>',
        '<video src="https://example.com/v.mp4" poster="https://example.com/p.png"></video>',
        '<img srcset="https://example.com/d.png 2x">',
        "[Обычная ссылка](https://example.org/ok) остаётся ссылкой.",
    ])
    root = make_project(tmp_path / "project", {**GOOD, X: entry(title="Удалённые ссылки", body=body),
                                               f"{M}pic.png": png(),
                                               f"{M}y.ru.md": entry(title="С картинкой", body="![Рисунок](pic.png)")})
    renderers, fetched_urls = fetch_log
    result = run("build", "--project", root, renderers=renderers)
    assert result.exit_code == 1, result.output  # remote images, stylesheets and url()s are errors
    for ref in ("http://example.com/tracker.png", "http://example.com/evil.css", "https://example.com/evil.css",
                "http://example.com/b.png", "https://example.com/c.png", "https://example.com/p.png",
                "https://example.com/v.mp4"):
        assert any(f"raw HTML refers to '{ref}', off this machine: it is never fetched or embedded" in line
                   for line in messages(result)), ref
    assert network_log() == []
    # With those references gone, what is left (an iframe, a normal link, an image in content/) builds,
    # and still nothing reaches the network.
    kept = "\n\n".join(['<iframe src="https://example.com/"></iframe>',
                         "[Обычная ссылка](https://example.org/ok) остаётся ссылкой."])
    (root / X).write_text(entry(title="Удалённые ссылки", body=kept), encoding="utf-8")
    result = run("build", "--project", root, renderers=renderers)
    assert result.exit_code == 0, result.output
    assert f"{X}:7: warning: unsafe HTML removed from the entry (scripts, frames, event handlers, inline styles " \
           "or unsafe links)" in messages(result)
    assert network_log() == []
    from bulletin.config import load_config
    from bulletin.problems import Problems
    from bulletin.render.pdf import allowed_roots

    roots = allowed_roots(load_config(root, Problems(root)))
    fetched = fetched_urls()
    # the wrapper did see the renderer's fetches: the entry's image, embedded (a file URL would name the folder)
    assert any(url.startswith("data:image/png;base64,") for url in fetched)
    for url in fetched:
        if url.startswith("data:image/"):
            continue
        assert url.startswith("file:///"), url
        path = Path(urllib.request.url2pathname(url[len("file://"):])).resolve()
        assert any(path == r or r in path.parents for r in roots), url
    assert pandoc_commands and all(command[1] == "--sandbox" for command in pandoc_commands)
    html = (root / OUT / HTML).read_text(encoding="utf-8")
    assert "example.com" not in html
    assert 'href="https://example.org/ok"' in html


# ----------------------------------------------------------------------------- no script in HTML

HOSTILE_HTML = [
    "<script>alert('s1')</script>",
    "<SCRIPT SRC=//example.com/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    '<div onclick="alert(2)">нажми</div>',
    '<a href="javascript:alert(3)">js</a>',
    '<a href="JaVaScRiPt:alert(4)">js2</a>',
    '<a href="jav&#x61;script:alert(5)">js3</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCg2KTwvc2NyaXB0Pg==">data</a>',
    '<iframe src="https://example.com/"></iframe>',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<svg onload="alert(7)"><circle r="1"/></svg>',
    '<p style="color: red">стиль</p>',
    '<form action="https://example.com/"><input name=q><button>go</button></form>',
    '<meta http-equiv="refresh" content="0; url=https://example.com/">',
    '<base href="https://example.com/">',
]


def test_active_html_is_removed_with_a_warning_and_formatting_survives(tmp_path):
    body = GOOD_BODY + "\n\n" + "\n\n".join(HOSTILE_HTML) + "\n\nПоследний абзац."
    root = make_project(tmp_path / "project", {X: entry(title="Смешанный", body=body)})
    result = run("build", "--project", root, "--format", "html")
    assert result.exit_code == 0, result.output
    assert messages(result).count(f"{X}:7: warning: unsafe HTML removed from the entry (scripts, frames, event "
                                  "handlers, inline styles or unsafe links)") == 1
    html = (root / OUT / HTML).read_text(encoding="utf-8")
    assert_no_active_content(html)
    for gone in ("alert(", "x.swf", "example.com", "color: red", "PHNjcmlwd"):
        assert gone not in html, gone
    for kept in ("<em>курсивом</em>", "<strong>жирным</strong>", "<li>первый пункт</li>", "нажми", "стиль",
                 '<a href="https://example.org/ok" rel="noopener noreferrer">Обычная ссылка</a>',
                 "Последний абзац."):
        assert kept in html, kept


@pytest.mark.parametrize("link", ["javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,hello",
                                  "vbscript:msgbox(1)", "file:///etc/passwd"])
def test_script_and_data_links_in_markdown_are_removed_with_a_warning(link, tmp_path):
    root = make_project(tmp_path / "project", {X: entry(body=f"Смотри [здесь]({link}) и *дальше*.")})
    result = run("build", "--project", root, "--format", "html")
    assert result.exit_code == 0
    assert (f"{X}:7: warning: link '{link}' removed: only http(s), mailto and relative links are allowed"
            in messages(result)), result.output
    html = (root / OUT / HTML).read_text(encoding="utf-8")
    assert_no_active_content(html)
    assert "здесь" in html and "<em>дальше</em>" in html


def test_pandoc_attribute_syntax_cannot_add_handlers_or_styles(tmp_path):
    body = ('[текст]{onclick="alert(1)" style="color:red"}\n\n'
            '[ссылка](https://example.org/ok){onmouseover="alert(2)"}\n\n'
            '::: {onload="alert(3)"}\nблок\n:::\n\n## Заголовок {onclick="alert(4)"}')
    root = make_project(tmp_path / "project", {X: entry(body=body)})
    result = run("build", "--project", root, "--format", "html")
    assert result.exit_code == 0, result.output
    html = (root / OUT / HTML).read_text(encoding="utf-8")
    assert_no_active_content(html)
    assert "alert(" not in html
    assert "текст" in html and "блок" in html and "Заголовок" in html


@pytest.mark.parametrize("fmt", ["openxml", "latex", "tex", "rtf", "html5", "docbook", "typst", "context"])
def test_raw_blocks_other_than_html_are_refused(fmt, tmp_path):
    root = make_project(tmp_path / "project", {X: entry(body=f"Текст.\n\n```{{={fmt}}}\nRAW-{fmt}\n```\n\nЕщё.")})
    result = run("check", "--project", root)
    assert result.exit_code == 1
    assert f"{X}:9: error: raw '{fmt}' block is not allowed in entries" in messages(result), result.output


def test_raw_inline_other_than_html_is_refused(tmp_path):
    root = make_project(tmp_path / "project", {X: entry(body="Текст `\\input{/etc/passwd}`{=latex} и ещё.")})
    result = run("check", "--project", root)
    assert result.exit_code == 1
    assert f"{X}:7: error: raw 'latex' block is not allowed in entries" in messages(result), result.output


def test_raw_openxml_never_reaches_the_docx(tmp_path):
    marker = f"OPENXML-{uuid.uuid4().hex}"
    openxml = f'<w:p><w:r><w:t>{marker}</w:t></w:r></w:p><w:altChunk r:id="{marker}"/>'
    root = make_project(tmp_path / "project", {**GOOD, X: entry(
        title="Сырой OpenXML", body=f"До.\n\n```{{=openxml}}\n{openxml}\n```\n\nПосле `{openxml}`{{=openxml}} конец.")})
    problems, outputs = render_anyway(root, ("docx",))
    assert [str(p) for p in problems.errors] == [f"{X}:9: error: raw 'openxml' block is not allowed in entries"]
    with zipfile.ZipFile(io.BytesIO(outputs[DOCX])) as archive:
        document = archive.read("word/document.xml").decode("utf-8")
        assert "До." in document and "После" in document and "конец." in document
        assert marker not in document
    assert marker.encode() not in docx_payload(outputs[DOCX])
    assert run("build", "--project", root, "--format", "docx").exit_code == 1


def test_raw_html_block_is_sanitised_not_refused(tmp_path):
    root = make_project(tmp_path / "project", {X: entry(
        body="```{=html}\n<p onclick=\"alert(1)\"><b>жирный</b></p><script>alert(2)</script>\n```")})
    result = run("build", "--project", root, "--format", "html")
    assert result.exit_code == 0
    assert f"{X}:7: warning: unsafe HTML removed from the entry (scripts, frames, event handlers, inline styles or " \
           "unsafe links)" in messages(result)
    html = (root / OUT / HTML).read_text(encoding="utf-8")
    assert "<p><b>жирный</b></p>" in html
    assert_no_active_content(html)


def test_front_matter_markup_is_escaped_everywhere(tmp_path):
    root = make_project(tmp_path / "project", {X: entry(
        title="'<script>alert(1)</script> & <b onmouseover=alert(2)>'", outlet="'<img src=x onerror=alert(3)>'",
        author="'\"><svg onload=alert(4)>'", source="'https://example.org/a\"onmouseover=\"alert(5)'")})
    result = run("build", "--project", root, "--format", "html")
    assert result.exit_code == 0, result.output
    html = (root / OUT / HTML).read_text(encoding="utf-8")
    assert_no_active_content(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b onmouseover=alert(2)&gt;" in html


# ----------------------------------------------------------------------------------- YAML is data

def test_duplicate_key_names_both_lines(tmp_path):
    root = make_project(tmp_path / "project", {
        X: "---\ntitle: Первый\nrubric: speech\ndate: 2026-02-10\n\ntitle: Второй\n---\n\nТекст.\n"})
    result = run("check", "--project", root)
    assert result.exit_code == 1
    assert f"{X}:6: error: duplicate key 'title' (first set on line 2)" in messages(result)


def test_only_true_and_false_are_booleans(tmp_path):
    root = make_project(tmp_path / "project", {
        X: entry(title="no", draft="yes"), f"{M}y.ru.md": entry(title="no", outlet="on", draft="false")})
    result = run("check", "--project", root)
    assert result.exit_code == 1
    assert messages(result)[:1] == [f"{X}:5: error: 'draft' must be true or false, got 'yes'"]
    from bulletin.build import load_month_content

    content = load_month_content(root, "2026-02", [])
    y = next(e for e in content.entries if e.slug == "y")
    assert (y.title, y.outlet, y.draft, y.meta["title"]) == ("no", "on", False, "no")


def test_billion_laughs_is_refused_quickly(tmp_path):
    levels = ["a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]"]
    levels += [f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]" for i in range(8)]
    text = "---\ntitle: Смех\nrubric: speech\ndate: 2026-02-10\n" + "\n".join(levels) + "\n---\n\nТекст.\n"
    root = make_project(tmp_path / "project", {X: text})
    started = time.perf_counter()
    result = run("check", "--project", root)
    assert time.perf_counter() - started < 1.0
    assert result.exit_code == 1
    assert f"{X}:5: error: YAML anchors and aliases (& and *) are not allowed" in messages(result)


def test_size_limits_and_their_configuration(tmp_path):
    big = tmp_path / "big"
    make_project(big, {f"{M}fm.ru.md": entry(outlet="x" * (64 * 1024)),
                       f"{M}body.ru.md": entry(body="слово " * (2 * 1024 * 1024 // 11 + 1))})
    result = run("check", "--project", big)
    assert result.exit_code == 1
    assert f"{M}fm.ru.md:1: error: front matter is over the limit of 65536 bytes" in messages(result)
    assert f"{M}body.ru.md:6: error: body is over the limit of 2097152 bytes" in messages(result)

    small = tmp_path / "small"
    config = BASE_CONFIG + "limits:\n  front_matter_bytes: 120\n  body_bytes: 50\n  nesting: 3\n  table_columns: 4\n"
    make_project(small, {f"{M}fm.ru.md": entry(outlet="x" * 60, body="Б"), f"{M}body.ru.md": entry(body="б" * 26),
                         f"{M}deep.ru.md": entry(body="> > > > глубоко"),
                         f"{M}wide.ru.md": entry(body="|a|b|c|d|e|\n|-|-|-|-|-|"),
                         f"{M}ok.ru.md": entry(body="> > ок\n\n|a|b|c|d|\n|-|-|-|-|")}, config=config)
    result = run("check", "--project", small)
    assert result.exit_code == 1
    assert sorted(line for line in messages(result) if ": error: " in line) == [
        f"{M}body.ru.md:6: error: body is over the limit of 50 bytes",
        f"{M}deep.ru.md:7: error: blockquotes or lists nested more than 3 deep (limit: limits.nesting in bulletin.yaml)",
        f"{M}fm.ru.md:1: error: front matter is over the limit of 120 bytes",
        f"{M}wide.ru.md:7: error: table with 5 columns, over the limit of 4 (limits.table_columns in bulletin.yaml)",
    ]
    assert "1 entry" in result.output  # ok.ru.md alone passed


def test_deep_yaml_and_huge_numbers_are_located_errors_not_crashes(tmp_path):
    root = make_project(tmp_path / "project", {
        X: entry(tags="[" * 5000 + "]" * 5000), f"{M}y.ru.md": entry(weight="9" * 5000)})
    result = run("check", "--project", root)
    assert result.exit_code == 1
    assert_clean_failure(result)
    assert f"{X}:5: error: YAML nested more than 50 levels deep" in messages(result)
    assert (f"{M}y.ru.md:2: error: malformed YAML: a value cannot be read (Exceeds the limit (4300 digits) "
            "for integer string conversion)") in messages(result)


# ------------------------------------------------------------------------------------ encodings

RU = entry(title="Итоги года", body="Текст материала по-русски: суд, приговор, защита.")
RU_LONG = entry(title="Итоги года", body="Суд вынес приговор журналисту, защита обжалует решение. " * 20)
FIX = f"convert it to UTF-8 with: bulletin fix-encoding {X}"
RETYPE = "retype the character there, or re-save the file as UTF-8"  # fix-encoding has nothing to convert from


@pytest.mark.parametrize("text, codec, name", [
    (RU, "cp1251", "Windows-1251"),
    (RU, "utf-16", "UTF-16"),
    (RU, "bom-utf-16-be", "UTF-16"),
    (RU, "utf-16-le", "UTF-16 (without BOM)"),
    (RU, "utf-16-be", "UTF-16 (without BOM)"),
    (RU_LONG, "utf-16-le", "UTF-16 (without BOM)"),  # Cyrillic is U+04xx: almost no NUL bytes
    (RU_LONG, "utf-16-be", "UTF-16 (without BOM)"),
], ids=["cp1251", "utf16-bom-le", "utf16-bom-be", "utf16-le", "utf16-be", "utf16-le-cyrillic", "utf16-be-cyrillic"])
def test_office_encodings_are_named_with_the_fix_command_and_fixed_by_it(text, codec, name, tmp_path, monkeypatch):
    data = b"\xfe\xff" + text.encode("utf-16-be") if codec == "bom-utf-16-be" else text.encode(codec)
    root = make_project(tmp_path / "project", {X: data})
    result = run("check", "--project", root)
    assert result.exit_code == 1
    assert messages(result)[0] == f"{X}:1: error: file is encoded as {name}, not UTF-8; {FIX}"
    assert_clean_failure(result)

    monkeypatch.chdir(root)
    fixed = run("fix-encoding", X)
    assert fixed.exit_code == 0
    assert fixed.output == f"{X}: converted from {name} to UTF-8 (original kept as x.ru.md.bak)\n"
    assert (root / (X + ".bak")).read_bytes() == data
    assert (root / X).read_text(encoding="utf-8") == text
    assert run("check", "--project", root).exit_code == 0
    assert run("fix-encoding", X).output == f"{X}: already UTF-8, left as it is\n"


def test_bom_and_crlf_are_accepted_and_lines_stay_right(tmp_path):
    text = "\ufeff" + entry(title="Заголовок\r", body="Строка один.\r\n\r\n![x](nope.png)")
    root = make_project(tmp_path / "project", {
        X: text.replace("\n", "\r\n").replace("\r\r", "\r").encode("utf-8"),
        f"{M}y.ru.md": ("\ufeff" + entry(rubric="nope")).replace("\n", "\r\n").encode("utf-8"),
        f"{M}z.ru.md": ("\ufeff" + entry(title="Чистый", body="Абзац.\n\nЕщё абзац.")).replace("\n", "\r\n")
        .encode("utf-8")})
    result = run("check", "--project", root)
    assert [line for line in messages(result) if ": error: " in line] == [
        f"{X}:9: error: image 'nope.png' does not exist",
        f"{M}y.ru.md:3: error: unknown rubric 'nope' (known: progress, prisoners, speech)"]
    (root / X).unlink()
    (root / M / "y.ru.md").unlink()
    result = run("build", "--project", root, "--format", "html,docx")
    assert result.exit_code == 0, result.output
    html = (root / OUT / HTML).read_text(encoding="utf-8")
    assert "<h3 class=\"entry-title\">Чистый</h3>" in html and "\r" not in html
    for data in (html.encode(), docx_payload((root / OUT / DOCX).read_bytes())):
        assert "\ufeff".encode() not in data and "\ufffd".encode() not in data


@pytest.mark.parametrize("bad", [b"\x00", b"\x98", b"\xc3", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80"],
                         ids=["nul", "0x98", "truncated", "surrogate", "five-byte"])
def test_bad_bytes_are_located_and_never_replaced(bad, tmp_path):
    data = entry(title="Итоги", body="Первая строка.\n\nВторая строка.\n\nТут плохо: X, дальше.").encode("utf-8")
    offset = data.index(b"X")
    data = data.replace(b"X", bad)
    root = make_project(tmp_path / "project", {X: data})
    result = run("check", "--project", root)
    assert result.exit_code == 1
    expected = (f"{X}:11: error: NUL byte at offset {offset}; the file is not text" if bad == b"\x00" else
                f"{X}:11: error: byte 0x{bad[:1].hex()} at offset {offset} is not valid UTF-8; {RETYPE}")
    assert messages(result)[0] == expected
    assert_clean_failure(result)


# ---------------------------------------------------------------------------------- nothing lost

@pytest.fixture
def built(tmp_path):
    root = make_project(tmp_path / "project", {**GOOD, f"{M}b.ru.md": entry(title="Второй", rubric="progress")})
    result = run("build", "--project", root, "--format", "html,docx")
    assert result.exit_code == 0, result.output
    return root


def _fail_second(kind: str, monkeypatch) -> list[str]:
    """Make the second staged output fail with ENOSPC, either when created or when written."""
    calls: list[str] = []
    if kind == "mkstemp":
        real = tempfile.mkstemp

        def mkstemp(*args, **kwargs):
            if str(kwargs.get("prefix", "")).startswith(".bulletin-"):
                calls.append(kwargs["prefix"])
                if len(calls) == 2:
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return real(*args, **kwargs)
        monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    else:
        real_fdopen = os.fdopen

        class Full(io.RawIOBase):
            def __init__(self, stream):
                self.stream = stream

            def write(self, data):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

            def fileno(self):
                return self.stream.fileno()

            def close(self):
                self.stream.close()
                super().close()

        def fdopen(fd, mode="r", *args, **kwargs):
            stream = real_fdopen(fd, mode, *args, **kwargs)
            if "w" in mode and os.path.basename(os.readlink(f"/proc/self/fd/{fd}")).startswith(".bulletin-"):
                calls.append(mode)
                if len(calls) == 2:
                    return Full(stream)
            return stream
        monkeypatch.setattr(os, "fdopen", fdopen)
    return calls


@pytest.mark.parametrize("kind", ["mkstemp", "write"])
def test_full_disk_on_the_second_output_replaces_nothing(kind, built, monkeypatch):
    out = built / OUT
    before = snapshot(out)
    (built / M / "b.ru.md").write_text(entry(title="Изменённый", rubric="progress"), encoding="utf-8")
    calls = _fail_second(kind, monkeypatch)
    result = run("build", "--project", built, "--format", "html,docx")
    assert len(calls) == 2
    assert result.exit_code == 1
    assert_clean_failure(result)
    assert "build: error: cannot write the outputs: No space left on device; earlier outputs are unchanged" \
        in messages(result), result.output
    assert snapshot(out) == before  # the first output (HTML) was not replaced either, and no .tmp is left


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders; the ENOSPC tests cover this")
def test_read_only_output_folder_replaces_nothing(built):
    out = built / OUT
    before = snapshot(out)
    out.chmod(0o555)
    try:
        result = run("build", "--project", built, "--format", "html,docx")
    finally:
        out.chmod(0o755)
    assert result.exit_code == 1
    assert "cannot write the outputs" in result.output
    assert snapshot(out) == before


def test_build_never_writes_inside_content(tmp_path):
    root = make_project(tmp_path / "project", {**GOOD, f"{M}pic.png": png(),
                                               X: entry(title="С картинкой", body="![Рисунок](pic.png)")})
    content = root / "content"
    before = {p: (p.stat().st_mtime_ns, p.read_bytes() if p.is_file() else None) for p in content.rglob("*")}
    assert run("build", "--project", root).exit_code == 0
    assert run("build", "--project", root, "--format", "html").exit_code == 0
    after = {p: (p.stat().st_mtime_ns, p.read_bytes() if p.is_file() else None) for p in content.rglob("*")}
    assert after == before


def test_stale_staging_files_of_a_killed_build_are_cleaned_by_the_next_build(built):
    out = built / OUT
    stale = out / f".{HTML}.k1ll3d.tmp"
    stale.write_bytes(b"<html>half")
    assert run("build", "--project", built, "--format", "html,docx").exit_code == 0
    assert not stale.exists()
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def _valid(name: str, data: bytes) -> bool:
    if name.endswith(".pdf"):
        return data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    if name.endswith(".docx"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.testzip() is None and "word/document.xml" in archive.namelist()
    return data.rstrip().endswith(b"</html>")


def test_sigkill_at_any_moment_leaves_the_old_outputs(tmp_path):
    body = "Текст материала, достаточно длинный абзац для вёрстки. " * 4
    files = {f"{M}e{i:02d}.ru.md": entry(title=f"Материал номер {i}", rubric=("speech", "progress")[i % 2],
                                         body=f"{body}\n\n- пункт\n- ещё пункт\n\n{body}") for i in range(30)}
    root = make_project(tmp_path / "project", files)
    command = [sys.executable, "-m", "bulletin", "build", "--project", str(root)]
    env = {**os.environ, "TMPDIR": str(tmp_path), "PYTHONPATH": str(REPO)}
    env.pop("SOURCE_DATE_EPOCH", None)
    started = time.perf_counter()
    assert subprocess.run(command, env=env, capture_output=True, timeout=120).returncode == 0
    full = time.perf_counter() - started
    out = root / OUT
    old = snapshot(out)
    assert sorted(old) == sorted([HTML, DOCX, PDF])
    finished_runs = 0
    for delay in (0.3, 0.8, 1.5, 3.0):
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   start_new_session=True)
        time.sleep(delay)
        finished = process.poll() is not None
        process.kill()  # the build only: its forked PDF renderer must die with it by itself
        process.wait()
        now = snapshot(out)
        visible = {k: v for k, v in now.items() if not k.startswith(".")}
        leftovers = [k for k in now if k.startswith(".")]
        assert all(STALE_TMP.fullmatch(k) for k in leftovers), leftovers
        assert sorted(visible) == sorted(old)
        changed = [k for k in visible if visible[k] != old[k]]
        if changed:  # only a run that got to the renames may change anything
            assert finished or leftovers == [], (delay, changed)
            # Each file is replaced by one rename, so each is whole: old, or new and complete. (A kill that
            # lands between two of the renames, a window of microseconds, may leave some files old.)
            assert all(_valid(k, v) for k, v in visible.items())
            old, finished_runs = visible, finished_runs + 1
        else:
            assert visible == old
    assert full > 1.0, "the build is too quick for the kill points to fall inside it"
    deadline = time.monotonic() + 10
    while _processes_mentioning(str(root)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _processes_mentioning(str(root)) == [], "a renderer outlived the killed build"
    assert not list(tmp_path.glob("bulletin-*")), "temporary folders left behind"


def _children_of(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            pass
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:  # the child ended while we looked (a short-lived helper process)
        return b""


@pytest.mark.parametrize("sig", ["SIGKILL", "SIGTERM"])
def test_pandoc_dies_with_a_killed_build(sig, tmp_path):
    """pandoc busy on a slow entry (timeouts.pandoc far away) must not outlive the build it works for."""
    import signal

    config = BASE_CONFIG + "timeouts:\n  pandoc: 600\n"
    root = make_project(tmp_path / "project", {X: entry(body="<" * 200000 + "x")}, config=config)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen([sys.executable, "-m", "bulletin", "build", "--project", str(root), "--format", "html"],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    deadline, pandoc = time.monotonic() + 20, []
    while not pandoc and time.monotonic() < deadline and process.poll() is None:
        pandoc = [p for p in _children_of(process.pid) if b"pandoc" in _cmdline(p)]
        time.sleep(0.05)
    assert pandoc, "pandoc never started"
    process.send_signal(getattr(signal, sig))
    _, stderr = process.communicate(timeout=10)
    deadline = time.monotonic() + 5
    while _alive(pandoc[0]) and time.monotonic() < deadline:
        time.sleep(0.05)
    alive = _alive(pandoc[0])
    if alive:
        os.kill(pandoc[0], signal.SIGKILL)
    assert not alive, f"pandoc outlived the {sig}ed build"
    assert b"Traceback" not in stderr


def test_sigterm_removes_staging_files_as_ctrl_c_does(built):
    """SIGTERM while the outputs are being staged: the staging files go, the old outputs stay."""
    out = built / OUT
    before = snapshot(out)
    script = (
        "import os, signal, sys\n"
        "from bulletin.processes import exit_on_sigterm\n"
        "from bulletin.build import build_month\n"
        "exit_on_sigterm()\n"
        "real = os.fsync\n"
        "def fsync(fd):\n"
        "    real(fd)\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "os.fsync = fsync\n"
        "try:\n"
        f"    build_month(__import__('pathlib').Path({str(built)!r}), formats=['html', 'docx'])\n"
        "except KeyboardInterrupt:\n"
        "    sys.exit(143)\n"
        "sys.exit(0)\n")
    done = subprocess.run([sys.executable, "-c", script], env={**os.environ, "PYTHONPATH": str(REPO)},
                          capture_output=True, timeout=60)
    assert done.returncode == 143, done.stderr.decode()
    assert snapshot(out) == before


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if text.encode() in cmdline.read_bytes():
                found.append(int(cmdline.parent.name))
        except OSError:
            pass
    return found


# --------------------------------------------------------------------------------- time limits

@pytest.mark.parametrize("body, expected", [
    ("> " * 20000 + "глубоко", "7: error: blockquotes or lists nested more than 20 deep "
                               "(limit: limits.nesting in bulletin.yaml)"),
    (">" * 20000 + "глубоко", "7: error: blockquotes or lists nested more than 20 deep "
                              "(limit: limits.nesting in bulletin.yaml)"),
    ("- " * 20000 + "x", "7: error: blockquotes or lists nested more than 20 deep "
                         "(limit: limits.nesting in bulletin.yaml)"),
    ("- > 1. " * 7000 + "x", "7: error: blockquotes or lists nested more than 20 deep "
                             "(limit: limits.nesting in bulletin.yaml)"),
    ("|" + "a|" * 50000 + "\n|" + "-|" * 50000, "7: error: table with 50000 columns, over the limit of 100 "
                                                "(limits.table_columns in bulletin.yaml)"),
    ("a|" * 49999 + "a\n" + "-|" * 49999 + "-", "7: error: table with 50000 columns, over the limit of 100 "
                                                "(limits.table_columns in bulletin.yaml)"),
    ("a " * 50000 + "\n" + "-- " * 50000, "8: error: table with 50000 columns, over the limit of 100 "
                                          "(limits.table_columns in bulletin.yaml)"),
    ("+" + "-+" * 50000, "7: error: table with 50000 columns, over the limit of 100 "
                         "(limits.table_columns in bulletin.yaml)"),
    ("[" * 20 + "x" + "]" * 20, "7: error: square brackets nested more than 8 deep (write a literal bracket as \\[)"),
    ("Начало\n" + "[\n" * 20 + "x" + "]" * 20, "16: error: square brackets nested more than 8 deep "
                                                 "(write a literal bracket as \\[)"),
], ids=["quotes", "quotes-no-space", "one-line-lists", "mixed-containers", "pipe-table", "pipe-table-no-outer-pipes",
        "simple-table", "grid-table", "brackets", "brackets-across-lines"])
def test_pathological_markdown_ends_quickly_with_a_located_error(body, expected, tmp_path):
    root = make_project(tmp_path / "project", {**GOOD, X: entry(body=body)})
    started = time.perf_counter()
    result = run("build", "--project", root, "--format", "html,docx")
    assert time.perf_counter() - started < 10
    assert result.exit_code == 1
    assert f"{X}:{expected}" in messages(result), result.output[:2000]


def test_slow_pandoc_input_is_stopped_by_the_configured_time_limit(tmp_path):
    """Inputs that are merely quadratic for pandoc are not refused up front; timeouts.pandoc bounds them."""
    config = BASE_CONFIG + "timeouts:\n  pandoc: 2\n"
    root = make_project(tmp_path / "project", {X: entry(body="<" * 60000 + "x"), **GOOD}, config=config)
    started = time.perf_counter()
    result = run("build", "--project", root, "--format", "html")
    assert time.perf_counter() - started < 15
    assert result.exit_code == 1
    # The batch ran out of time; converting entry by entry names the one that pandoc chokes on.
    assert (f"{X}:7: error: pandoc could not convert this entry within 2 s: simplify its Markdown (very long "
            "runs of <, ` or [ are the usual cause)") in messages(result), result.output
    assert len([m for m in messages(result) if ": error: " in m]) == 1


# ------------------------------------------------------------------------------------ reproducible

def test_same_content_and_source_date_epoch_give_identical_files(tmp_path, monkeypatch):
    root = make_project(tmp_path / "project", {**GOOD, f"{M}pic.png": png(),
                                               X: entry(title="С картинкой", body="![Рисунок](pic.png)")})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    assert run("build", "--project", root).exit_code == 0
    first = snapshot(root / OUT)
    time.sleep(1.1)
    assert run("build", "--project", root).exit_code == 0
    assert snapshot(root / OUT) == first
    assert sorted(first) == sorted([HTML, DOCX, PDF])
    from pypdf import PdfReader

    assert PdfReader(root / OUT / PDF).metadata["/CreationDate"].startswith("D:20260101000000")


def test_without_source_date_epoch_the_pdf_is_dated_by_its_content(tmp_path, monkeypatch):
    from pypdf import PdfReader

    from conftest import age

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    root = make_project(tmp_path / "project", GOOD)
    age(root, 1_893_456_000)  # 2030-01-01T00:00:00Z: the newest input, not the clock (bulletin/epoch.py)
    assert run("build", "--project", root, "--format", "pdf").exit_code == 0
    assert PdfReader(root / OUT / PDF).metadata["/CreationDate"].startswith("D:20300101000000")


# ------------------------------------------------------------------------------ battery of bad input

DIRECTORY, SYMLINK_PASSWD, FIFO = object(), object(), object()
LAUGHS = "\n".join(["a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]"] + [
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]" for i in range(8)])
OFFICE = entry(title="Итоги", body="Русский текст материала.")
BAD98 = entry(body="Строка.\n\nЕщё строка.\n\nNUL: X.").encode().replace(b"X", b"\x98")
NUL = entry(body="Строка.\n\nЕщё строка.\n\nNUL: X.").encode().replace(b"X", b"\x00")
AT98 = AT00 = entry(body="Строка.\n\nЕщё строка.\n\nNUL: X.").encode().index(b"X")
UNSAFE = ("warning: unsafe HTML removed from the entry (scripts, frames, event handlers, inline styles or "
          "unsafe links)")
NESTING = "error: blockquotes or lists nested more than 20 deep (limit: limits.nesting in bulletin.yaml)"

BATTERY = [
    ("duplicate-key", X, "---\ntitle: А\nrubric: speech\ndate: 2026-02-10\ntitle: Б\n---\n\nТекст.\n",
     f"{X}:5: error: duplicate key 'title' (first set on line 2)"),
    ("draft-yes", X, entry(draft="yes"), f"{X}:5: error: 'draft' must be true or false, got 'yes'"),
    ("draft-on", X, entry(draft="on"), f"{X}:5: error: 'draft' must be true or false, got 'on'"),
    ("draft-quoted-true", X, entry(draft='"true"'), f"{X}:5: error: 'draft' must be true or false, got 'true'"),
    ("billion-laughs", X, "---\ntitle: Т\nrubric: speech\ndate: 2026-02-10\n" + LAUGHS + "\n---\n\nТекст.\n",
     f"{X}:5: error: YAML anchors and aliases (& and *) are not allowed"),
    ("merge-key", X, "---\nbase: &b {rubric: speech}\n<<: *b\ntitle: Т\ndate: 2026-02-10\n---\n\nТекст.\n",
     f"{X}:2: error: YAML anchors and aliases (& and *) are not allowed"),
    ("python-tag", X, entry(weight='!!python/object/apply:os.system ["echo pwned"]'),
     f"{X}:5: error: malformed YAML: could not determine a constructor for the tag "
     "'tag:yaml.org,2002:python/object/apply:os.system'"),
    ("front-matter-over-64k", X, entry(outlet="x" * 70000), f"{X}:1: error: front matter is over the limit of 65536 bytes"),
    ("body-over-2mb", X, entry(body="y" * (2 * 1024 * 1024 + 1)), f"{X}:6: error: body is over the limit of 2097152 bytes"),
    ("file-over-limit", X, entry(body="y" * (2 * 1024 * 1024 + 64 * 1024)),
     f"{X}:1: error: file is {len(entry(body='y' * (2 * 1024 * 1024 + 64 * 1024)).encode())} bytes, "
     "over the limit of 2162688"),
    ("unclosed-front-matter", X, "---\ntitle: Т\nrubric: speech\ndate: 2026-02-10\n\nТекст.\n",
     f"{X}:1: error: front matter opened on line 1 is never closed with '---'"),
    ("tab-indent", X, "---\ntitle: Т\nrubric: speech\ndate: 2026-02-10\ntags:\n\t- суд\n---\n\nТекст.\n",
     f"{X}:6: error: malformed YAML: tab character (indent with spaces, not tabs)"),
    ("unquoted-colon", X, entry(title="Итоги: год"), f"{X}:2: error: malformed YAML: mapping values are not allowed "
                                                   "here (put quotes around a value that contains ': ')"),
    ("feb-30", X, entry(date="2026-02-30"), f"{X}:4: error: impossible date '2026-02-30'"),
    ("date-form", X, entry(date="10.02.2026"), f"{X}:4: error: date '10.02.2026' is not in the form YYYY-MM-DD"),
    ("empty-file", X, "", f"{X}:1: error: missing front matter: the file must start with a line '---'"),
    ("no-front-matter", X, "Просто текст без заголовка.\n",
     f"{X}:1: error: missing front matter: the file must start with a line '---'"),
    ("front-matter-only", X, "---\ntitle: Т\nrubric: speech\ndate: 2026-02-10\n---\n", f"{X}:6: warning: empty body"),
    ("front-matter-list", X, "---\n- a\n- b\n---\n\nТекст.\n",
     f"{X}:2: error: front matter must be a mapping of keys to values"),
    ("byte-0x98", X, BAD98, f"{X}:11: error: byte 0x98 at offset {AT98} is not valid UTF-8; {RETYPE}"),
    ("nul-byte", X, NUL, f"{X}:11: error: NUL byte at offset {AT00}; the file is not text"),
    ("windows-1251", X, OFFICE.encode("cp1251"), f"{X}:1: error: file is encoded as Windows-1251, not UTF-8; {FIX}"),
    ("utf-16-bom", X, OFFICE.encode("utf-16"), f"{X}:1: error: file is encoded as UTF-16, not UTF-8; {FIX}"),
    ("utf-16-le", X, OFFICE.encode("utf-16-le"),
     f"{X}:1: error: file is encoded as UTF-16 (without BOM), not UTF-8; {FIX}"),
    ("utf-16-be", X, OFFICE.encode("utf-16-be"),
     f"{X}:1: error: file is encoded as UTF-16 (without BOM), not UTF-8; {FIX}"),
    ("utf-16-le-cyrillic", X, RU_LONG.encode("utf-16-le"),
     f"{X}:1: error: file is encoded as UTF-16 (without BOM), not UTF-8; {FIX}"),
    ("bom-crlf-located", X, ("\ufeff" + entry(rubric="nope")).replace("\n", "\r\n").encode(),
     f"{X}:3: error: unknown rubric 'nope' (known: progress, prisoners, speech)"),
    ("directory", X, DIRECTORY, f"{X}: error: is a directory, not a file"),
    ("symlink-to-etc-passwd", X, SYMLINK_PASSWD,
     f"{X}:1: error: is a symbolic link to a file outside content/; copy the file in instead"),
    ("named-pipe", X, FIFO, f"{X}: error: is not a regular file (a pipe, socket or device)"),
    ("title-over-200", X, entry(title="Д" * 201), f"{X}:2: warning: title is 201 characters long (over 200)"),
    ("unknown-language", f"{M}x.de.md", entry(), f"{M}x.de.md:1: error: unknown language 'de' (configured: ru, kk, en)"),
    ("uppercase-name", f"{M}Court.ru.md", entry(),
     f"{M}Court.ru.md:1: error: entry file names must be <slug>.<lang>.md with a lower-case Latin slug"),
    ("cyrillic-name", f"{M}суд.ru.md", entry(),
     f"{M}суд.ru.md:1: error: entry file names must be <slug>.<lang>.md with a lower-case Latin slug"),
    ("missing-title", X, "---\nrubric: speech\ndate: 2026-02-10\n---\n\nТекст.\n",
     f"{X}:1: error: missing required key 'title'"),
    ("unknown-rubric", X, entry(rubric="nope"), f"{X}:3: error: unknown rubric 'nope' (known: progress, prisoners, speech)"),
    ("source-javascript", X, entry(source="javascript:alert(1)"),
     f"{X}:5: error: 'source' must be an http(s) URL, got 'javascript:alert(1)'"),
    ("author-mapping", X, entry(author="{a: b}"), f"{X}:5: error: 'author' must be a name or a list of names"),
    ("duplicate-entry", f"{M}sub/good.ru.md", entry(),
     f"{M}sub/good.ru.md:1: error: duplicate entry 'good' in language 'ru' (also {M}good.ru.md)"),
    ("yaml-too-deep", X, entry(tags="[" * 3000 + "]" * 3000), f"{X}:5: error: YAML nested more than 50 levels deep"),
    ("yaml-huge-number", X, entry(weight="1" * 5000), f"{X}:2: error: malformed YAML: a value cannot be read "
                                                      "(Exceeds the limit (4300 digits) for integer string conversion)"),
    ("image-etc-passwd", X, entry(body="![x](../../../../../../../../etc/passwd)"),
     f"{X}:7: error: image '../../../../../../../../etc/passwd' is outside the project's content/"),
    ("image-file-url", X, entry(body="![x](file:///etc/passwd)"),
     f"{X}:7: error: image 'file:///etc/passwd' is refused: images must be files in the entry's folder"),
    ("image-dev-urandom", X, entry(body="![x](/dev/urandom)"),
     f"{X}:7: error: image '/dev/urandom' is outside the project's content/"),
    ("image-remote", X, entry(body="![x](https://example.com/a.png)"),
     f"{X}:7: error: image 'https://example.com/a.png' is not fetched: builds never use the network"),
    ("image-windows-path", X, entry(body="![x](C:\\Users\\anna\\Desktop\\photo.jpg)"),
     f"{X}:7: error: image 'C:\\Users\\anna\\Desktop\\photo.jpg' is a path on a local computer: copy the file "
     "into the entry's folder and link it by file name"),
    ("image-unc-path", X, entry(body="![x](\\\\server\\share\\photo.jpg)"),
     f"{X}:7: error: image '\\server\\share\\photo.jpg' is a path on a local computer"),  # Markdown ate one \\
    ("image-missing", X, entry(body="![x](nope.png)"), f"{X}:7: error: image 'nope.png' does not exist"),
    ("image-not-an-image", X, entry(body="![x](good.ru.md)"),
     f"{X}:7: error: image 'good.ru.md' is not a PNG, JPEG, GIF or WebP file"),
    ("raw-openxml", X, entry(body="```{=openxml}\n<w:p/>\n```"), f"{X}:7: error: raw 'openxml' block is not allowed in entries"),
    ("raw-latex-inline", X, entry(body="a `\\input{/etc/passwd}`{=latex} b"),
     f"{X}:7: error: raw 'latex' block is not allowed in entries"),
    ("link-javascript", X, entry(body="[x](javascript:alert(1))"),
     f"{X}:7: warning: link 'javascript:alert(1)' removed: only http(s), mailto and relative links are allowed"),
    ("raw-script", X, entry(body="<script>alert(1)</script>"), f"{X}:7: {UNSAFE}"),
    ("raw-img-onerror", X, entry(body="<img src=x onerror=alert(1)>"), f"{X}:7: {UNSAFE}"),
    ("nested-quotes-20000", X, entry(body="> " * 20000 + "x"), f"{X}:7: {NESTING}"),
    ("one-line-nested-lists", X, entry(body="- " * 5000 + "x"), f"{X}:7: {NESTING}"),
    ("table-50000-columns", X, entry(body="|" + "a|" * 50000 + "\n|" + "-|" * 50000),
     f"{X}:7: error: table with 50000 columns, over the limit of 100 (limits.table_columns in bulletin.yaml)"),
    ("nested-brackets", X, entry(body="[" * 30 + "x" + "]" * 30),
     f"{X}:7: error: square brackets nested more than 8 deep (write a literal bracket as \\[)"),
]


@pytest.fixture(scope="module")
def good_build(tmp_path_factory):
    """The good project, built once (html and docx); each case works on a copy of it."""
    root = make_project(tmp_path_factory.mktemp("battery") / "project", GOOD)
    result = run("build", "--project", root, "--format", "html,docx", "--strict")
    assert result.exit_code == 0 and not [line for line in messages(result) if ": warning: " in line], result.output
    return root


@pytest.mark.parametrize("name, path, data, expected", BATTERY, ids=[case[0] for case in BATTERY])
def test_bad_input_battery(name, path, data, expected, good_build, tmp_path):
    root = tmp_path / "project"
    shutil.copytree(good_build, root, symlinks=True)
    before = snapshot(root / OUT)
    assert sorted(before) == sorted([DOCX, HTML])
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    if data is DIRECTORY:
        target.mkdir()
    elif data is SYMLINK_PASSWD:
        target.symlink_to("/etc/passwd")
    elif data is FIFO:
        os.mkfifo(target)  # reading it would block the build forever
    elif isinstance(data, bytes):
        target.write_bytes(data)
    else:
        target.write_text(data, encoding="utf-8")
    strict = [] if ": error: " in expected else ["--strict"]
    started = time.perf_counter()
    result = run("build", "--project", root, "--format", "html,docx", *strict)
    assert time.perf_counter() - started < 10
    assert result.exit_code == 1, result.output
    found = [line for line in messages(result) if expected in line]
    assert found, f"expected {expected!r} in:\n{result.output[:3000]}"
    assert all(line.endswith(expected) or line.split(": ", 1)[0].endswith(expected.split(": ", 1)[0])
               for line in found)
    assert "nothing was written" in result.output
    assert_clean_failure(result)
    assert snapshot(root / OUT) == before


def test_battery_is_big_enough():
    assert len(BATTERY) >= 40
    assert len({case[0] for case in BATTERY}) == len(BATTERY)


# ----------------------------------------------------------------------------- property-based tests

FRAGMENTS = [
    "<script>alert(1)</script>", "<SCRIPT SRC=//x.example/x.js></SCRIPT>", "<script", "</script>",
    "<img src=x onerror=alert(1)>", '<IMG SRC="javascript:alert(1)">', "<img src=x onerror=alert(1)//",
    '<a href="javascript:alert(1)">x</a>', "<a href='JaVaScRiPt:alert(1)'>x</a>", '<a href="jav&#x61;script:alert(1)">',
    '<a href="java\tscript:alert(1)">x</a>', '<a href=" javascript:alert(1)">x</a>', "<a href=javascript&colon;alert(1)>",
    '<a href="data:text/html,<script>alert(1)</script>">x</a>', '<a href="vbscript:msgbox(1)">x</a>',
    "<svg onload=alert(1)>", "<svg><script>alert(1)</script></svg>", "<iframe src=javascript:alert(1)></iframe>",
    "<object data=x.swf></object>", "<embed src=x.swf>", '<p style="x:expression(alert(1))">p</p>',
    '<div onclick="alert(1)">d</div>', "<scr<script>ipt>alert(1)</scr</script>ipt>", "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>", "<!--<script>alert(1)</script>-->", "<![CDATA[<script>alert(1)</script>]]>",
    "<style>@import 'http://x.example/x.css'</style>", "<link rel=stylesheet href=http://x.example/x.css>",
    "<meta http-equiv=refresh content='0;url=javascript:alert(1)'>", "<base href=javascript:alert(1)//>",
    "<form action=javascript:alert(1)><button>x</button></form>", "<math><mi xlink:href=javascript:alert(1)>m</mi></math>",
    "<a href=# onmouseover=alert(1)>x</a>", "<x onclick=alert(1)>x</x>", "<input autofocus onfocus=alert(1)>",
    "[x](javascript:alert(1))", "![x](javascript:alert(1))", "[x](JAVASCRIPT:alert(1))", "<javascript:alert(1)>",
    "[x]{onclick=alert(1)}", "[x](https://ok.example){onclick=alert(1)}", "[x](data:text/html,alert)",
    "```{=html}\n<script>alert(1)</script>\n```", "`<script>`", "&lt;script&gt;", "&#x3C;script&#x3E;", "&#60;script",
    "*em*", "**strong**", "\n- item\n", "\n> quote\n", "\n\n", " ", "<", ">", '"', "'", "&", "=", ":", "`", "[", "]",
    "(", ")", "{", "}", "\n    code\n", "\n| a | b |\n|---|---|\n| 1 | 2 |\n", "<div>", "</div>", "<p>", "<a href=",
]
ENTITY = st.sampled_from(["&#x6A;", "&#106;", "&#0000106;", "&Tab;", "&NewLine;", "&colon;", "&#x3C;", "&lt;"])


def _case(fragment: str, mask: list[bool]) -> str:
    return "".join(c.upper() if m else c for c, m in zip(fragment, mask))


PIECES = st.one_of(
    st.sampled_from(FRAGMENTS),
    st.sampled_from(FRAGMENTS).flatmap(lambda f: st.lists(st.booleans(), min_size=len(f), max_size=len(f))
                                       .map(lambda mask, f=f: _case(f, mask))),
    st.tuples(st.sampled_from(FRAGMENTS), st.integers(0, 40)).map(lambda t: t[0][:t[1]]),
    ENTITY,
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12),
)
BODIES = st.lists(PIECES, min_size=1, max_size=10).map("".join)
YAMLISH = st.lists(st.one_of(
    st.sampled_from(["title: ", "rubric: speech", "date: 2026-02-10", "draft: ", "tags: ", "author: ", "weight: ",
                     "source: ", "outlet: ", "- ", "  ", "\t", "\n", ": ", "&a ", "*a", "!!python/object:os.system ",
                     "!!binary ", "!!set ", "? ", "{", "}", "[", "]", ",", "'", '"', "|", ">", "%YAML 1.1\n", "---",
                     "...", "#", "<script>", "javascript:", "yes", "no", "on", "~", "null", "0x1F", "1e400", "2026-02-30",
                     "12:30:45", "\\", "\ufeff", "\u2028", "\x85"]),
    st.text(max_size=8)), max_size=25).map("".join)
HOSTILE_VALUE = st.one_of(st.sampled_from(FRAGMENTS), BODIES).map(lambda s: s.replace("\n", " "))


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    """One project for every example: the month folder is emptied before each."""
    config = BASE_CONFIG.replace("languages: [ru, kk, en]", "languages: [ru]")
    return make_project(tmp_path_factory.mktemp("property") / "project", config=config)


def _fill(root: Path, files: dict[str, str]) -> None:
    month = root / M
    shutil.rmtree(month, ignore_errors=True)
    month.mkdir(parents=True)
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")


def _check_html(root: Path) -> None:
    """Load, convert (one pandoc batch for every entry) and render the month's HTML; it must be inert."""
    from bulletin.build import load_month_content
    from bulletin.render import make_view
    from bulletin.render.html import render_html

    content = load_month_content(root, "2026-02", ["ru"])
    for problem in content.problems.items:
        assert "\ufffd" not in problem.message
    view = make_view(content.bulletins["ru"], content.converted["ru"], content.messages["ru"])
    assert_no_active_content(render_html(view))


PROPERTY = settings(max_examples=60, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large])


@PROPERTY
@given(bodies=st.lists(BODIES, min_size=1, max_size=4))
def test_random_bodies_never_crash_and_never_yield_active_html(scratch, bodies):
    _fill(scratch, {f"{M}p{i}.ru.md": entry(title=f"Материал {i}", body=body) for i, body in enumerate(bodies)})
    _check_html(scratch)


@PROPERTY
@given(head=YAMLISH, body=BODIES)
def test_random_front_matter_never_crashes(scratch, head, body):
    _fill(scratch, {f"{M}f.ru.md": f"---\n{head}\n---\n\n{body}\n",
                    f"{M}g.ru.md": f"---\ntitle: Т\nrubric: speech\ndate: 2026-02-10\n{head}\n---\n\n{body}\n"})
    _check_html(scratch)


@PROPERTY
@given(title=HOSTILE_VALUE, outlet=HOSTILE_VALUE, author=HOSTILE_VALUE)
def test_hostile_front_matter_values_are_escaped(scratch, title, outlet, author):
    import json

    head = "\n".join(f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in
                     (("title", title or "Т"), ("outlet", outlet or "О"), ("author", author or "А")))
    _fill(scratch, {f"{M}h.ru.md": f"---\n{head}\nrubric: speech\ndate: 2026-02-10\n---\n\nТекст.\n"})
    _check_html(scratch)


@settings(max_examples=15, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.binary(max_size=300), head=st.sampled_from([b"", b"---\n", b"\xef\xbb\xbf---\r\n", b"\xff\xfe"]))
def test_random_bytes_through_the_cli_exit_0_or_1(scratch, data, head):
    _fill(scratch, {})
    (scratch / X).write_bytes(head + data)
    result = CliRunnerNoRaise().invoke("check", "--project", str(scratch))
    assert result.exit_code in (0, 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "\ufffd" not in result.output


class CliRunnerNoRaise:
    """Like conftest.run, but a crash is returned (as a non-0/1 exit) instead of raised."""

    def invoke(self, *args):
        from click.testing import CliRunner

        from bulletin.cli import cli

        return CliRunner().invoke(cli, list(args), catch_exceptions=True)


# ------------------------------------------------------------------ what check accepts, build renders

TRICKY = ("А", "я", "ә", "ң", "e", " ", "\u00a0", "\u200b", "\u202e", "\u2066", "\ufeff", "\u00ad", "\t", "\x01",
          "\x0b", "\x1b", "\x7f", "\x85", "\x9f", "\u2028", "\U0001F600", "<", "&", '"', "'", "*", "_", "`", "[", "]",
          "\\", ":", "#", "bulletin-asset:0", "https://example.org/", "₸", "\u0301")
PLAIN = ("Суд", " ", "вынес", "Қазақстан", "решение", ", ", "Ахметов")
TRICKY_TEXT = st.lists(st.one_of(st.sampled_from(PLAIN), st.sampled_from(PLAIN), st.sampled_from(TRICKY)),
                       max_size=8).map("".join)
RENDERABLE = settings(max_examples=12, deadline=30000, derandomize=True,
                      suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@RENDERABLE
@example(title="Суд\x01", author="А", source="a", ascii_escapes=True, body="Текст.")
@example(title="\u200b", author="А", source="a", ascii_escapes=True, body="Текст.")
@example(title="Т", author="А", source="a", ascii_escapes=True, body="Фото: bulletin-asset:0 ![x](pic.png)")
@given(title=TRICKY_TEXT, author=TRICKY_TEXT, source=st.sampled_from(["a", "news/1?x=2", "\u202e", "\x1b[1m", "\u200b"]), ascii_escapes=st.booleans(),
       body=st.lists(st.one_of(PIECES, st.sampled_from(PLAIN), st.sampled_from(TRICKY)), min_size=1,
                     max_size=8).map("".join))
def test_every_file_check_accepts_builds_in_all_three_formats(scratch, title, author, source, ascii_escapes, body):
    """Whatever the front matter and the Markdown, a month that check passes renders in every format."""
    import json
    import xml.etree.ElementTree as ElementTree

    from bulletin.build import load_month_content, render_outputs

    def value(text: str) -> str:
        return json.dumps(text, ensure_ascii=ascii_escapes)
    head = (f"title: {value(title or 'Т')}\nauthor: {value(author or 'А')}\nsource: {value('https://e.org/' + source)}"
            "\nrubric: speech\ndate: 2026-02-10")
    _fill(scratch, {f"{M}h.ru.md": f"---\n{head}\n---\n\n{body}\n"})
    (scratch / M / "pic.png").write_bytes(png())
    content = load_month_content(scratch, "2026-02", ["ru"])
    event(f"refused by check: {content.problems.errors[0].message[:30]}" if content.problems.errors else "rendered")
    if content.problems.errors:
        return  # check refuses it: nothing to render
    outputs = render_outputs(content, ["ru"], ["html", "docx", "pdf"], scratch / "not-written")
    assert not content.problems.errors, [str(p) for p in content.problems.errors]
    data = {path.suffix: blob for path, blob in outputs.items()}
    assert sorted(data) == [".docx", ".html", ".pdf"]
    with zipfile.ZipFile(io.BytesIO(data[".docx"])) as archive:  # Word refuses a part that is not XML
        for name in archive.namelist():
            if name.endswith(".xml"):
                ElementTree.fromstring(archive.read(name))
    assert data[".pdf"].startswith(b"%PDF-")
    assert_no_active_content(data[".html"].decode("utf-8"))


# ------------------------------------------------------------------------------------ broken images

def _image_bytes(fmt: str, size=(40, 30)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, fmt)
    return buffer.getvalue()


def _png_header(width: int, height: int) -> bytes:
    """A PNG whose header declares the size; its pixels never follow."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)))


@pytest.mark.parametrize("name, data, expected", [
    ("cut.jpg", lambda: _image_bytes("JPEG")[:300], "is damaged and cannot be decoded (Truncated File Read)"),
    ("cut.png", lambda: _image_bytes("PNG")[:-30], "is damaged and cannot be decoded ("),
    ("junk.png", lambda: b"\x89PNG\r\n\x1a\n" + os.urandom(200), "is damaged and cannot be decoded ("),
    ("junk.jpg", lambda: b"\xff\xd8\xff" + b"\x00junk" * 40, "is damaged and cannot be decoded ("),
    ("huge.png", lambda: _png_header(50000, 50000), "is 50000×50000 pixels, over the limit of 50000000 "
                                                    "(limits.image_pixels in bulletin.yaml): scale it down"),
], ids=["truncated-jpeg", "truncated-png", "png-magic-then-junk", "jpeg-magic-then-junk", "50000x50000"])
def test_broken_images_are_located_errors_in_check(name, data, expected, tmp_path):
    import weasyprint  # noqa: F401  (as in any build: importing it makes Pillow accept truncated files)

    root = make_project(tmp_path / "project", {**GOOD, f"{M}{name}": data(),
                                               X: entry(body=f"Фото ниже.\n\n![Снимок]({name})")})
    started = time.perf_counter()
    result = run("check", "--project", root)
    assert time.perf_counter() - started < 10
    assert result.exit_code == 1
    assert any(line.startswith(f"{X}:9: error: image '{name}' {expected}") for line in messages(result)), \
        result.output
    assert_clean_failure(result)


def test_an_image_over_the_configured_pixel_limit_is_an_error_with_its_size(tmp_path):
    config = BASE_CONFIG + "limits:\n  image_pixels: 1000\n"
    root = make_project(tmp_path / "project", {f"{M}big.png": _image_bytes("PNG", (40, 30)), f"{M}ok.png": png(),
                                               X: entry(body="![a](big.png) ![b](ok.png)")}, config=config)
    result = run("check", "--project", root)
    assert messages(result)[0] == (f"{X}:7: error: image 'big.png' is 40×30 pixels, over the limit of 1000 "
                                   "(limits.image_pixels in bulletin.yaml): scale it down")
    assert len([m for m in messages(result) if ": error: " in m]) == 1


@pytest.mark.parametrize("fmt, mime", [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("GIF", "image/gif"),
                                       ("WEBP", "image/webp")])
def test_whole_images_of_each_format_reach_every_output(fmt, mime, tmp_path):
    name = f"pic.{fmt.lower()}"
    root = make_project(tmp_path / "project", {f"{M}{name}": _image_bytes(fmt), X: entry(body=f"![Снимок]({name})")})
    result = run("build", "--project", root, "--format", "html,docx", "--strict")
    assert result.exit_code == 0, result.output
    html = (root / OUT / HTML).read_text(encoding="utf-8")
    assert f'src="data:{mime};base64,' in html
    with zipfile.ZipFile(root / OUT / DOCX) as archive:
        assert [n for n in archive.namelist() if n.startswith("word/media/")]
