"""project folder -> live HTML preview on 127.0.0.1 (rebuilt on change)"""

from __future__ import annotations

import errno
import html
import json
import re
import secrets
import socketserver
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from .build import load_month_content
from .layouts import Messages, load_messages, report_missing
from .edition import PUBLIC, mark_view
from .markdown import Converter
from .problems import Problems
from .errors import UsageError
from .project import Project
from .layouts import DEFAULT_LAYOUTS, layouts_dirs
from .render import make_view
from .preview_pages import TOOLBAR, WARNINGS, count_problems, error_page, error_panel, problem_lines

Log = Callable[[str], None]
HOST = "127.0.0.1"
WATCHED = ("content", "layouts", "bulletin.yaml")
# The server's own markup, appended to the page: never built from entry text except escaped problems.
RELOAD_SCRIPT = """<script>(function () {
  var token = %s, source = new EventSource("/events");
  source.onmessage = function (event) { if (event.data !== token) { source.close(); location.reload(); } };
})();</script>"""
BODY_TAG = re.compile(r"<body\b[^>]*>")


class PortInUse(UsageError):
    """The port asked for is taken (exit 2, as a wrong argument)."""


def guess_language(root: Path) -> str:
    """The default language of a project whose bulletin.yaml cannot be loaded (first build only)."""
    try:
        found = re.search(r"^default_language:\s*([a-z]{2})\b", (root / "bulletin.yaml").read_text("utf-8"), re.M)
    except (OSError, UnicodeDecodeError):
        found = None
    return found.group(1) if found else "ru"


class Preview:
    """The current state of the preview: one Converter for its lifetime, the page, the last good view."""

    def __init__(self, root: Path, month: str | None = None, lang: str | None = None, log: Log | None = None,
                 edition: str = PUBLIC):
        self.root, self.edition = Path(root).resolve(), edition
        self.month, self.lang, self.log = month, lang, log or (lambda message: None)
        self.converter: Converter | None = None
        self.problems, self.view, self.page = Problems(self.root), None, ""
        self.good_view = None  # the last view built without errors: shown under the errors
        self.interface = ([DEFAULT_LAYOUTS], lang or guess_language(self.root), None)  # layouts, lang, default
        self.instance, self.generation, self.seconds, self.closed = secrets.token_hex(4), 0, 0.0, False
        self._changed = threading.Condition()
        self._build_lock, self._pdf_lock = threading.Lock(), threading.Lock()

    @property
    def token(self) -> str:
        return f"{self.instance}-{self.generation}"

    def _build(self, script: str):
        """-> (problems, view or None, page); the view is kept only when there are no errors."""
        project = Project.open(self.root)  # again at every rebuild: bulletin.yaml may have changed
        problems, config = project.problems, project.config
        if problems.errors:
            return problems, None, None
        lang = project.languages(self.lang)[0]
        self.interface = (project.layouts, lang, config.default_language)
        if self.converter is None:
            self.converter = Converter(config.root, config.timeouts["pandoc"], config.limits)
        self.converter.timeout, self.converter.limits = config.timeouts["pandoc"], config.limits
        month = load_month_content(project, self.month, [lang], self.converter, edition=self.edition)
        if self.month is None and month.month:
            self.month = month.month  # the newest month at start stays the previewed one
        problems = month.problems
        if problems.errors:
            return problems, None, None
        from .render.html import render_html

        messages = month.messages[lang]
        view = make_view(month.bulletins[lang], month.converted[lang], messages, month.created[lang])
        mark_view(view, self.edition)
        mark = f"<!-- toolbar {secrets.token_hex(8)} -->"  # unguessable: no entry can contain it
        page = render_html(view, reload_script=mark + script)
        plural = ("%(num)d warning", "%(num)d warnings")
        messages.ngettext(*plural, 2)  # used before the strings are reported, so its own absence is too
        report_missing(messages, problems)
        warnings = ""
        if problems.warnings:
            label = messages.ngettext(*plural, len(problems.warnings)) % {"num": len(problems.warnings)}
            warnings = WARNINGS.format(count=html.escape(label), lines=problem_lines(problems.sorted()))
        return problems, view, page.replace(mark, TOOLBAR.format(warnings=warnings), 1)

    def rebuild(self) -> Problems:
        """Load, check and render again; errors (even a broken layout) become the page, never an exception."""
        with self._build_lock:
            started = time.perf_counter()
            script = RELOAD_SCRIPT % json.dumps(f"{self.instance}-{self.generation + 1}")
            try:
                problems, view, page = self._build(script)
            except Exception as exc:  # a template error, an unknown --lang after a config edit, …
                problems, view, page = Problems(self.root), None, None
                problems.error(self.root, 0, f"{type(exc).__name__}: {exc}", code="serve.failed")
            if page is None:
                page = self.errors_page(problems, script)
            with self._changed:
                self.problems, self.view, self.page = problems, view, page
                self.good_view = view or self.good_view
                self.generation += 1
                self._changed.notify_all()
            self.seconds = time.perf_counter() - started
        self.log(f"built {self.month or '(no month)'} in {self.seconds:.2f} s: "
                 f"{len(problems.errors)} error(s), {len(problems.warnings)} warning(s)")
        for problem in problems.sorted():
            self.log(str(problem))
        return problems

    def messages(self, problems: Problems) -> Messages:
        """The previewed language's strings; what its catalog lacks is reported into ``problems``."""
        layouts, lang, default = self.interface
        return load_messages(layouts, lang, default or lang, problems)

    def errors_page(self, problems: Problems, script: str) -> str:
        """The problems, in the bulletin's language, above the last good preview (or alone)."""
        messages = self.messages(problems)
        _ = messages.gettext
        heading, note, below = (_("The bulletin has errors"), _("This page reloads by itself when they are fixed."),
                                _("Below is the last version without errors."))
        count_problems(problems, messages)  # its plurals are used, so reported when missing
        report_missing(messages, problems)
        if self.good_view is not None:
            from .render.html import render_html
            try:
                page = render_html(self.good_view, reload_script=script)
            except Exception:  # the layout itself broke since: the errors alone
                page = ""
            body = BODY_TAG.search(page)
            if body:
                panel = error_panel(problems, messages, heading, f"{note} {below}")
                return page[:body.end()] + "\n" + panel + page[body.end():]
        return error_page(problems, messages, heading, note, script)

    def wait_change(self, token: str | None, timeout: float) -> str | None:
        """The token once it differs from ``token`` (or after ``timeout``); None when closing."""
        with self._changed:
            self._changed.wait_for(lambda: self.closed or self.token != token, timeout)
            return None if self.closed else self.token

    def pdf(self) -> tuple[int, str, bytes]:
        """(status, content type, body): the PDF of the current state, or an error page."""
        from .render.pdf import PdfError, render_pdf

        view, problems = self.view, Problems(self.root)
        problems.extend(self.problems)  # a copy: the page's own catalog warnings join it, not the build's
        messages = self.messages(problems)
        _ = messages.gettext
        if view is None:
            page = error_page(problems, messages, _("No PDF: the bulletin has errors"), _("Fix them and try again."))
            return 409, "text/html; charset=utf-8", page.encode("utf-8")
        with self._pdf_lock:
            try:
                from .cache import open_cache  # the chunks of the last PDF: one edit redoes one rubric
                return 200, "application/pdf", render_pdf(view, view.config.timeouts["pdf"],
                                                          cache=open_cache(view.config.root))
            except PdfError as exc:
                failed = Problems(self.root)
                messages = self.messages(failed)
                failed.error(view.config.content_dir / view.month, 0, f"{view.lang} pdf: {exc}", code="render.failed")
                page = error_page(failed, messages, _("The PDF could not be made"), _("The HTML preview is unaffected."))
                return 500, "text/html; charset=utf-8", page.encode("utf-8")

    def print_preview(self, anchor: str | None) -> tuple[int, str, bytes]:
        """One entry's pages as the PDF prints them (``anchor``; None: the entry edited last), in ~1 s."""
        from .render.chunked import preview_entry
        from .scheduler import TaskError

        view = self.view
        if view is None:
            return self.pdf()  # the error page
        entries = [e for s in view.sections for e in s.entries]
        if anchor is None and entries:
            anchor = max(entries, key=lambda e: (view.config.root / e.rel).stat().st_mtime_ns).anchor
        try:
            pdf = preview_entry(view, anchor or "", view.config.timeouts["pdf"])
        except TaskError as exc:
            return 500, "text/plain; charset=utf-8", f"the print preview failed: {exc}\n".encode("utf-8")
        if pdf is None:
            return 404, "text/plain; charset=utf-8", b"not found\n"
        return 200, "application/pdf", pdf

    def review(self, lang: str) -> tuple[int, str, bytes]:
        """The side-by-side review page of one translation language, read from disk now; it writes nothing."""
        from .review import render_review

        script = RELOAD_SCRIPT % json.dumps(self.token)  # reloads at the next rebuild, like the preview
        month = load_month_content(self.root, self.month, [])
        config = month.config
        if month.problems.errors or lang not in config.languages or lang == config.default_language:
            messages = self.messages(month.problems)
            if not month.problems.errors:
                return 404, "text/plain; charset=utf-8", b"not found\n"
            page = error_page(month.problems, messages, messages.gettext("The bulletin has errors"),
                              messages.gettext("This page reloads by itself when they are fixed."), script)
            return 200, "text/html; charset=utf-8", page.encode("utf-8")
        strings = Problems(self.root)  # the review page's own: what the language's catalog lacks
        messages = load_messages(layouts_dirs(config), lang, config.default_language, strings)
        page = render_review(config, month.month, month.families, lang, messages, script)
        report_missing(messages, strings)
        for problem in strings.sorted():
            self.log(str(problem))
        return 200, "text/html; charset=utf-8", page.encode("utf-8")

    def close(self) -> None:
        with self._changed:
            self.closed = True
            self._changed.notify_all()


class Handler(BaseHTTPRequestHandler):
    server: "PreviewServer"
    timeout = 30  # a client that sends nothing cannot hold a thread for ever

    def log_message(self, format, *args):  # no printing: the CLI reports rebuilds
        pass

    def do_GET(self):
        preview = self.server.preview
        if self.headers.get("Host") not in self.server.hosts:  # DNS rebinding: only our own names
            return self._send(403, "text/plain; charset=utf-8", b"forbidden host\n")
        path = urlsplit(self.path).path
        if path in ("/", "/index.html"):
            self._send(200, "text/html; charset=utf-8", preview.page.encode("utf-8"))
        elif path == "/events":
            self._events(preview)
        elif path == "/bulletin.pdf":
            self._send(*preview.pdf())
        elif re.fullmatch(r"/print(/entry-[\w-]+)?", path):
            self._send(*preview.print_preview(path[len("/print/"):] or None))
        elif re.fullmatch(r"/review/[a-z]{2}", path):
            self._send(*preview.review(path.rsplit("/", 1)[1]))
        else:
            self._send(404, "text/plain; charset=utf-8", b"not found\n")

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        self.wfile.write(body)

    def _events(self, preview: Preview) -> None:
        """Server-Sent Events: the current token at once, then each new one (a comment every 15 s)."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        token = None
        try:
            self.wfile.write(b"retry: 1000\n\n")
            while (new := preview.wait_change(token, 15)) is not None:
                self.wfile.write(b": alive\n\n" if new == token else f"data: {new}\n\n".encode("ascii"))
                token = new
        except OSError:  # the tab was closed or reloaded
            pass


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = False  # server_close() joins the handlers, so every socket is closed on exit

    def __init__(self, address, preview: Preview):
        self.preview = preview
        super().__init__(address, Handler)
        self.hosts = {f"{HOST}:{self.server_port}", f"localhost:{self.server_port}"}

    def server_bind(self):  # HTTPServer's version does a reverse DNS lookup; not needed on loopback
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.server_port}/"


def open_server(preview: Preview, port: int) -> PreviewServer:
    try:
        return PreviewServer((HOST, port), preview)
    except OSError as exc:
        if exc.errno in (errno.EADDRINUSE, errno.EACCES):
            raise PortInUse(f"port {port} on {HOST} is not available ({exc.strerror}); "
                            "choose another with --port, or --port 0 for any free port") from None
        raise


def watch_filter(root: Path):
    from watchfiles import DefaultFilter

    default = DefaultFilter()  # editor swap files, .git, __pycache__, …

    def accept(change, path: str) -> bool:
        try:
            relative = Path(path).relative_to(root)
        except ValueError:
            return False
        return bool(relative.parts) and relative.parts[0] in WATCHED and default(change, str(relative))
    return accept


def watch_loop(preview: Preview, stop: threading.Event, ready: threading.Event) -> None:
    """Rebuild after each batch of changes under content/, layouts/ or to bulletin.yaml, until ``stop``."""
    from watchfiles import watch

    try:
        for changes in watch(preview.root, watch_filter=watch_filter(preview.root), step=50, stop_event=stop,
                             rust_timeout=300, yield_on_timeout=True, raise_interrupt=False):
            ready.set()  # the first yield (changes or a timeout) means the watches are in place
            if changes:
                preview.rebuild()
    except Exception as exc:
        preview.log(f"bulletin: watching stopped: {exc}")
    finally:
        ready.set()


def serve(root: Path, month: str | None = None, lang: str | None = None, port: int = 8000,
          log: Log | None = None, stop: threading.Event | None = None, edition: str = PUBLIC) -> None:
    """Build, serve and watch until Ctrl-C or ``stop``; raises PortInUse, or UsageError for a bad --lang."""
    log = log or (lambda message: None)
    preview = Preview(root, month, lang, log, edition)
    if not preview.root.is_dir():
        raise UsageError(f"{root} is not a folder")
    project = Project.open(preview.root)
    if not project.problems.errors and len(project.languages(lang)) != 1:
        raise UsageError("serve previews one language at a time: --lang ru, kk or en")
    server = open_server(preview, port)
    stop = stop or threading.Event()
    ready = threading.Event()
    watcher = threading.Thread(target=watch_loop, args=(preview, stop, ready), name="bulletin-watch", daemon=True)
    stopper = threading.Thread(target=lambda: (stop.wait(), server.shutdown()), name="bulletin-stop", daemon=True)
    try:
        watcher.start()
        ready.wait(10)
        preview.rebuild()
        log(f"Serving {server.url} (Ctrl-C to stop)")
        stopper.start()
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        preview.close()
        server.server_close()
        watcher.join(5)
        if stopper.ident is not None:
            stopper.join(5)
