"""A synthetic month of Russian entries -> PDF, DOCX and HTML, timed stage by stage (a script, not a test)."""

from __future__ import annotations

import argparse
import io
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MONTH = "2030-01"
LANG = "ru"
SEED = 20300101
WORDS_PER_ENTRY = 400
PDF_TARGET = 1.15
PREVIEW_TARGET = 1.0
TYPESETTING_TARGET = 0.05
RUBRICS = ("progress", "political-prisoners", "defenders", "free-speech", "peaceful-assembly")

ADJECTIVES = """областной районный городской независимый гражданский административный уголовный
конституционный международный местный общественный новый очередной публичный судебный
правозащитный мирный официальный закрытый письменный апелляционный повторный""".split()
NOUNS = """суд акимат прокуратура полиция активист журналист адвокат заявитель депутат министерство
решение приговор штраф арест задержание протокол жалоба ходатайство заседание пикет митинг
собрание петиция закон поправка редакция издание блогер профсоюз комитет правозащитник
организация свидетель следователь документ обращение разрешение запрет отказ проверка""".split()
GENITIVES = """суда акимата прокуратуры полиции активиста журналиста адвоката заявителя депутата
министерства решения приговора протокола жалобы заседания пикета митинга собрания петиции
закона редакции издания блогера профсоюза комитета правозащитников организации свидетелей""".split()
VERBS = """рассмотрел отклонил обжаловал назначил потребовал сообщил заявил отказал признал
направил получил опубликовал подтвердил оспорил продлил вынес задержал оштрафовал""".split()
ADVERBS = """накануне повторно вновь публично официально фактически впоследствии немедленно
письменно ранее позднее""".split()
PREPOSITIONS = ("в отношении", "по делу", "в связи с позицией", "по итогам", "вопреки доводам",
                "на основании", "после", "без согласия", "в рамках", "по просьбе")
NAMES = ("Айгерим Сарсенова", "Ерлан Касымов", "Динара Ахметова", "Марат Жумабаев", "Ксения Ким",
         "Нурлан Оспанов", "Алия Тулегенова", "Сергей Волков", "Гульнара Искакова", "Тимур Бекенов")
PLACES = ("Алматы", "Астане", "Шымкенте", "Караганде", "Актобе", "Павлодаре", "Уральске", "Семее")
OUTLETS = ("FREEDOM MEDIA", "Дала хабар", "Голос степи", "Новый вестник", "Гражданский репортёр")
QUOTES = ("мы будем обжаловать это решение", "нарушений не выявлено", "задаёт неудобные вопросы",
          "собрание не согласовано", "это давление на прессу", "суд не учёл доводы защиты")


class Text:
    """Russian-looking sentences from fixed word lists, reproducible with a fixed seed."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def clause(self) -> str:
        r = self.rng
        parts = [r.choice(ADJECTIVES), r.choice(NOUNS)]
        if r.random() < 0.5:
            parts.append(r.choice(GENITIVES))
        if r.random() < 0.4:
            parts.append(r.choice(ADVERBS))
        parts.append(r.choice(VERBS))
        parts += [r.choice(ADJECTIVES), r.choice(NOUNS), r.choice(GENITIVES)]
        if r.random() < 0.5:
            parts += [r.choice(PREPOSITIONS), r.choice(GENITIVES)]
        if r.random() < 0.3:
            parts += ["в", r.choice(PLACES)]
        return " ".join(parts)

    def sentence(self) -> str:
        r = self.rng
        text = self.clause()
        roll = r.random()
        if roll < 0.15:
            text += f" — {self.clause()}"
        elif roll < 0.3:
            text += f", а {r.choice(NAMES)} {r.choice(VERBS)}: «{r.choice(QUOTES)}»"
        elif roll < 0.4:
            text += f", назвав его \"{r.choice(QUOTES)}\""
        elif roll < 0.55:
            text += f", однако {self.clause()}"
        return text[0].upper() + text[1:] + "."

    def paragraph(self, sentences: int) -> str:
        return " ".join(self.sentence() for _ in range(sentences))

    def item(self) -> str:
        text = self.clause()
        return text[0].upper() + text[1:]


def entry_text(index: int, rng: random.Random) -> str:
    """One entry: front matter and a ~400-word body with lists, a quotation and sometimes a subheading."""
    text = Text(rng)
    title = text.item() + (f": «{rng.choice(QUOTES)}»" if index % 3 == 0 else "")
    front = [
        "---",
        f"title: '{title}'",
        f"rubric: {RUBRICS[index % len(RUBRICS)]}",
        f"date: {MONTH}-{index % 28 + 1:02d}",
        f"author: {rng.choice(NAMES)}",
        f"outlet: {rng.choice(OUTLETS)}",
        f"source: https://example.org/news/{MONTH}/{index:04d}",
        f"weight: {index}",
        "---",
    ]
    blocks = [text.paragraph(4), text.paragraph(3)]
    if index % 3 == 0:
        blocks.append("## " + text.item())
    blocks.append("Основные требования заявителей:")
    blocks.append("\n".join(f"- {text.item()};" for _ in range(4)))
    blocks.append(text.paragraph(3))
    blocks.append("> " + text.paragraph(2))
    blocks.append("Хронология событий:")
    blocks.append("\n".join(f"{n}. {text.item()}." for n in range(1, 5)))
    body = "\n\n".join(blocks)
    while len(body.split()) < WORDS_PER_ENTRY:  # top up to the target length, keeping the structure
        body += "\n\n" + text.paragraph(2)
    return "\n".join(front) + "\n\n" + body + "\n"


def make_project(folder: Path, entries: int) -> Path:
    (folder / "content" / MONTH).mkdir(parents=True)
    shutil.copy(REPO / "bulletin.yaml", folder / "bulletin.yaml")
    shutil.copy(REPO / "content" / "rubrics.yaml", folder / "content" / "rubrics.yaml")
    rng = random.Random(SEED)
    for index in range(entries):
        path = folder / "content" / MONTH / f"news-{index:04d}.{LANG}.md"
        path.write_text(entry_text(index, rng), encoding="utf-8")
    return folder


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started


def peak_mb() -> tuple[float, float]:
    """ru_maxrss is in KiB on Linux; the children's figure is the largest child, not a sum."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def time_typesetting() -> dict[str, float]:
    """Wrap the typesetter where the build calls it (bodies, then titles, dates and interface strings),
    adding up its time; nested calls are not counted twice."""
    import bulletin.locale
    import bulletin.markdown
    import bulletin.render

    spent = {"typesetting": 0.0}

    def timing(function):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent["typesetting"] += time.perf_counter() - started
        return wrapper
    bulletin.markdown.typeset_blocks = timing(bulletin.markdown.typeset_blocks)
    bulletin.render.typeset_text = timing(bulletin.render.typeset_text)
    bulletin.locale.typeset_text = timing(bulletin.locale.typeset_text)
    return spent


def run(root: Path, entries: int) -> None:
    import pypdf
    import weasyprint  # noqa: F401  imported up front: neither side of the ratio pays for the import

    from bulletin.build import load_month_content
    from bulletin.config import load_config
    from bulletin.markdown import Converter
    from bulletin.problems import Problems
    from bulletin.render import make_view
    from bulletin.render.docx import render_docx
    from bulletin.render.html import render_html
    from bulletin.render.pdf import html_to_pdf, render_pdf

    spent = time_typesetting()
    config = load_config(root, Problems(root.resolve()))
    converter = Converter(config.root, config.timeouts["pandoc"])  # kept for the live-preview rebuild

    stages: dict[str, float] = {}
    month = load_month_content(root, MONTH, [LANG], converter=converter, timings=stages)
    if month.problems.fatal(strict=True):
        sys.exit("the synthetic month does not validate:\n" + "\n".join(map(str, month.problems.sorted())))
    view, stages["make_view"] = timed(make_view, month.bulletins[LANG], month.converted[LANG], month.messages[LANG])
    _, stages["HTML render"] = timed(render_html, view)
    print_html, stages["render_html (print)"] = timed(render_html, view, for_print=True)
    # The build's own path: render_html(for_print) again + WeasyPrint in a forked child, with a time limit.
    pdf, stages["PDF"] = timed(render_pdf, view, config.timeouts["pdf"])
    docx, stages["DOCX"] = timed(render_docx, view, config.timeouts["pandoc"])
    # WeasyPrint alone on the same final HTML string, same fonts and fetcher, in this (still cold) process.
    (alone_pdf, refused), weasy = timed(html_to_pdf, print_html, config)
    if refused:
        sys.exit("WeasyPrint refused: " + "; ".join(refused))

    pages = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
    alone_pages = len(pypdf.PdfReader(io.BytesIO(alone_pdf)).pages)
    whole = stages["load+validate"] + stages["pandoc"] + stages["make_view"] + stages["PDF"]
    ratio = whole / weasy
    # Typesetting's share of the full build of all three formats, measured before the preview rebuild.
    build_all = whole + stages["HTML render"] + stages["DOCX"]
    typeset_seconds = spent["typesetting"]
    typesetting = typeset_seconds / build_all

    # Live preview: edit one body, rebuild the screen HTML with the same Converter.
    edited = root / "content" / MONTH / f"news-{entries // 2:04d}.{LANG}.md"
    with edited.open("a", encoding="utf-8") as stream:
        stream.write("\nРедакция дополнила материал новыми подробностями после публикации.\n")
    started = time.perf_counter()
    again = load_month_content(root, MONTH, [LANG], converter=converter)
    preview_html = render_html(make_view(again.bulletins[LANG], again.converted[LANG], again.messages[LANG]))
    preview = time.perf_counter() - started
    if "новыми подробностями" not in preview_html:
        sys.exit("the live-preview rebuild did not pick up the edit")

    own, children = peak_mb()
    words = sum(len(e.body.split()) for e in month.entries)
    rows = [
        ("entries", f"{len(month.entries)}", f"{words} words, {words // max(1, len(month.entries))} per entry"),
        ("load+validate", f"{stages['load+validate']:.2f} s", ""),
        ("pandoc (all bodies)", f"{stages['pandoc']:.2f} s", "Markdown -> AST -> HTML fragments"),
        ("make_view", f"{stages['make_view']:.2f} s", ""),
        ("HTML render", f"{stages['HTML render']:.2f} s", f"screen; print HTML {stages['render_html (print)']:.2f} s"),
        ("PDF", f"{stages['PDF']:.2f} s", f"render_pdf (forked child), {pages} pages, {len(pdf) // 1024} KiB"),
        ("DOCX", f"{stages['DOCX']:.2f} s", f"{len(docx) // 1024} KiB"),
        ("WeasyPrint alone", f"{weasy:.2f} s", f"html_to_pdf on the same HTML, {alone_pages} pages"),
        ("whole PDF build", f"{whole:.2f} s", "load + pandoc + view + render_pdf"),
        ("ratio to WeasyPrint", f"{ratio:.3f}",
         f"target <= {PDF_TARGET}: {'PASS' if ratio <= PDF_TARGET else 'OVER TARGET'}"),
        ("typesetting", f"{typeset_seconds:.2f} s",
         f"{typesetting:.1%} of the {build_all:.1f} s build of PDF, HTML and DOCX (target < 5 %: "
         f"{'PASS' if typesetting < TYPESETTING_TARGET else 'OVER TARGET'})"),
        ("live-preview rebuild", f"{preview:.3f} s",
         f"{preview / PREVIEW_TARGET:.0%} of 1 s: {'PASS' if preview < PREVIEW_TARGET else 'OVER TARGET'}"),
        ("peak RSS", f"{max(own, children):.0f} MB", f"this process {own:.0f} MB, largest child {children:.0f} MB"),
    ]
    width = max(len(r[0]) for r in rows)
    value = max(len(r[1]) for r in rows)
    print(f"bulletin benchmark: {entries} entries, month {MONTH}, language {LANG}")
    for name, number, note in rows:
        print(f"  {name:<{width}}  {number:>{value}}  {note}".rstrip())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=150, help="number of synthetic entries (default 150)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary project and print its path")
    args = parser.parse_args(argv)
    if args.entries < 1:
        parser.error("--entries must be at least 1")
    folder = Path(tempfile.mkdtemp(prefix="bulletin-bench-"))
    try:
        (root, generate) = timed(make_project, folder, args.entries)
        print(f"generated {args.entries} entries in {generate:.2f} s")
        run(root, args.entries)
    finally:
        if args.keep:
            print(f"project kept in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
