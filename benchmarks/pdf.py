"""The synthetic month -> chunked, cached PDF builds timed against plain WeasyPrint, in one run (a script, not a test)."""

from __future__ import annotations

import argparse
import html as markup
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import LANG, MONTH, make_project  # noqa: E402  (the same synthetic month as run.py)

TARGETS = {"cold": 0.85, "edit": 0.30, "no-op": 0.08, "all languages": 0.6}
MEMORY_TARGET_MB = 400


def reference_html(root: Path) -> str:
    """Plain WeasyPrint's input: pandoc's HTML of all bodies under their titles, @font-face PT Serif, a
    minimal A4 stylesheet with page numbers."""
    from bulletin.build import load_month_content
    from bulletin.markdown import Converter
    from bulletin.fonts import fonts_dir

    month = load_month_content(root, MONTH, [LANG], converter=Converter(root))
    fonts = fonts_dir(month.config).resolve()
    faces = "".join(f'@font-face {{ font-family: "PT Serif"; src: url("{(fonts / name).as_uri()}"); '
                    f"font-weight: {weight}; font-style: {style}; }}\n"
                    for name, weight, style in [("PT_Serif-Regular.ttf", "normal", "normal"),
                                                ("PT_Serif-Bold.ttf", "bold", "normal"),
                                                ("PT_Serif-Italic.ttf", "normal", "italic"),
                                                ("PT_Serif-BoldItalic.ttf", "bold", "italic")])
    css = faces + ('@page { size: A4; margin: 22mm; @bottom-center { content: counter(page); } } '
                   'body { font-family: "PT Serif"; font-size: 10.5pt; }')
    bodies = "".join(f"<h2>{markup.escape(entry.title)}</h2>\n{month.converted[LANG][entry.key].html}\n"
                     for entry in month.entries)
    return (f'<!DOCTYPE html><html lang="{LANG}"><head><meta charset="utf-8"><style>{css}</style></head>'
            f"<body>{bodies}</body></html>")


class Memory:
    """Samples the RSS of this process and all its descendants (from /proc) every 50 ms: the largest one
    process reached, and the largest sum at one moment."""

    def __init__(self):
        self.largest = self.total = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _tree() -> dict[int, float]:
        parents, rss = {}, {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/status") as status:
                    fields = dict(line.split(":", 1) for line in status if ":" in line)
                parents[int(entry)] = int(fields["PPid"])
                rss[int(entry)] = int(fields.get("VmRSS", "0 kB").split()[0]) / 1024
            except (OSError, KeyError, ValueError):
                continue
        mine, changed = {os.getpid()}, True
        while changed:
            changed = False
            for pid, parent in parents.items():
                if parent in mine and pid not in mine:
                    mine.add(pid)
                    changed = True
        return {pid: rss.get(pid, 0.0) for pid in mine}

    def _run(self):
        while not self._stop.wait(0.05):
            tree = self._tree()
            self.largest = max(self.largest, max(tree.values(), default=0.0))
            self.total = max(self.total, sum(tree.values()))

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def timed(function, *args, **kwargs) -> float:
    started = time.perf_counter()
    function(*args, **kwargs)
    return time.perf_counter() - started


def build(root: Path, langs: str = LANG, formats: str = "pdf") -> None:
    from bulletin.build import build_month
    from bulletin.project import Project

    project = Project.of(root)
    build_month(project, MONTH, project.languages(langs), project.formats(formats))


def _size(root: Path) -> int:
    return (root / "build" / MONTH / f"bulletin-{MONTH}-{LANG}.pdf").stat().st_size


def _whole_size(root: Path) -> str:
    """The same month laid out as one document, for the size the chunks' repeated font subsets add."""
    from bulletin.build import load_month_content
    from bulletin.render import make_view
    from bulletin.render.pdf import render_pdf

    month = load_month_content(root, MONTH, [LANG])
    view = make_view(month.bulletins[LANG], month.converted[LANG], month.messages[LANG], month.created[LANG])
    whole = len(render_pdf(view, 600, whole=True))
    return f"chunked; as one document {whole / 1024:.0f} KiB ({_size(root) / whole - 1:+.1%})"


def run(folder: Path, entries: int, memory_entries: int) -> list[tuple[str, str, str]]:
    import weasyprint  # imported up front: neither side of a ratio pays for it

    from bulletin import scheduler

    root = make_project(folder / "month", entries)
    reference = timed(weasyprint.HTML(string=reference_html(root)).write_pdf)
    rows = [("reference", f"{reference:.2f} s", "plain WeasyPrint, pandoc's HTML of all bodies, PT Serif, A4")]

    def ratio(name: str, seconds: float, note: str, base: float = reference) -> None:
        value = seconds / base
        verdict = "PASS" if value <= TARGETS[name] else "OVER TARGET"
        rows.append((name, f"{seconds:.2f} s", f"{value:.3f} x (target <= {TARGETS[name]}: {verdict}) {note}"))

    shutil.rmtree(root / "build", ignore_errors=True)
    ratio("cold", timed(build, root), "build --format pdf, empty cache")
    edited = root / "content" / MONTH / f"news-{entries // 2:04d}.{LANG}.md"
    with edited.open("a", encoding="utf-8") as stream:
        stream.write("\nРедакция дополнила материал новыми подробностями после публикации.\n")
    ratio("edit", timed(build, root), "one entry's body edited, then build --format pdf")
    ratio("no-op", timed(build, root), "build --format pdf again, nothing changed")
    rows.append(("size", f"{_size(root) / 1024:.0f} KiB", _whole_size(root)))

    # (d) every language and format, no cache: one output after another in one process (--jobs 1), then
    # the same build with the scheduler's default (the cores)
    scheduler.configure(1, cache=False)
    serial = timed(build, root, "all", "pdf,docx,html")
    scheduler.configure(None, cache=False)
    together = timed(build, root, "all", "pdf,docx,html")
    ratio("all languages", together, f"build --lang all, no cache; --jobs 1: {serial:.2f} s", base=serial)

    # (e) memory at a larger month, cold
    big = make_project(folder / "big", memory_entries)
    with Memory() as memory:
        seconds = timed(build, big)
    verdict = "PASS" if memory.largest <= MEMORY_TARGET_MB else "OVER TARGET"
    rows.append((f"memory, {memory_entries}", f"{memory.largest:.0f} MB",
                 f"largest one process (target <= {MEMORY_TARGET_MB}: {verdict}); all processes at once "
                 f"{memory.total:.0f} MB; cold build {seconds:.1f} s"))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=150)
    parser.add_argument("--memory-entries", type=int, default=300)
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="bulletin-bench-pdf-"))
    try:
        rows = run(folder, args.entries, args.memory_entries)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    cores = len(os.sched_getaffinity(0))
    model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    print(f"bulletin PDF benchmark: {args.entries} entries, {cores} cores, {model}, {time.strftime('%Y-%m-%d')}")
    width = max(len(r[0]) for r in rows)
    for name, value, note in rows:
        print(f"  {name:<{width}}  {value:>9}  {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
