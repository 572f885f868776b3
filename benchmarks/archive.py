"""A synthetic year of published bulletins -> archive.sqlite and the static search index, sized and timed.

12 months × 3 languages × 150 entries (default), written straight as published HTML pages in the
bulletin template's structure (no pandoc or WeasyPrint: this measures the archive, not the build).
Words are drawn Zipf-wise from a vocabulary: for Russian, LEMMAS real lemmas with their real forms from
pymorphy3's dictionary; for Kazakh and English, as many made-up stems with each language's real endings.
Prints the index sizes, the time to index and to write the site, CLI query times and, when node +
playwright-core + Chromium are there, query times in the browser.
A script, not a test: it always exits 0 and prints OVER TARGET where a figure misses its target.
"""

from __future__ import annotations

import argparse
import html
import itertools
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

SEED = 20260101
WORDS_PER_ENTRY = 400
LEMMAS = 10_000  # per language: about what a year of one field's news uses
SIZE_TARGET = 5_000_000  # bytes of search-index.js
QUERY_TARGET_MS = 100.0
SYLLABLES = {
    "ru": "ба ва га да жа за ка ла ма на па ра са та фа ха ца ча ша бо во го до ко ло мо но по ро со то ку лу му ну ру "
          "су ту ки ли ми ни ри си ти бе ве де ке ле ме не ре се те ры ды вы мы ны зо жу шу чи щи ёл ён ов ев ин ан ст "
          "пр кр тр гр бр".split(),
    "kk": "ба да жа қа ла ма на са та ша ға ән әл ер ел ет ұл ұр үй үр ін іс ық ың ор ол өз өр бе де же ке ле ме не "
          "ре се те бі ді жі кі лі мі ні рі сі ті бұ дұ жұ құ лұ мұ нұ ру сұ тұ".split(),
    "en": "ba ca da fa ga ha la ma na pa ra sa ta va wa be ce de fe ge le me ne pe re se te ve bi ci di fi gi li mi "
          "ni pi ri si ti vi bo co do fo go lo mo no po ro so to vo bu cu du fu gu lu mu nu pu ru su tu str pl tr "
          "cr br gr st".split(),
}
ENDINGS = {
    "ru": "а у ом е ы ов ам ами ах ой ая ую ые ых ым ыми ий его ему им ем ет ют ил ила или ать ение ения ению".split()
          + [""] * 10,
    "kk": "да де та те ның нің дың дің ға ге қа ке ны ні ды ді мен бен пен лар лер дар дер дағы дегі тағы "
          "тегі дан ден тан тен шы ші лық лік".split() + [""] * 10,
    "en": "s ed ing er ers ion ions ly al ment ments ness es".split() + [""] * 12,
}
NAMES = {"ru": "Жыланбаев Касымов Нурланова Ибраева Сеитова Ахметов", "kk": "Жыланбаев Қасымов Нұрланова Ибраева "
         "Сейітова Ахметов", "en": "Zhylanbayev Kasymov Nurlanova Ibrayeva Seitova Akhmetov"}
QUERIES = ["суд", "журналист", "Zhylanbaev", "Касымова", "\"суд журналист\"", "Астана", "ба", "court",
           "суд OR арест", "журналист -суд", "Nurlanova -court", "ма"]
RUBRICS = ("progress", "political-prisoners", "defenders", "free-speech", "peaceful-assembly")


def make_vocabulary(rng: random.Random, lang: str) -> list[list[str]]:
    """Lexemes (each a list of forms), in a random order that is also their Zipf rank."""
    if lang == "ru":
        import pymorphy3

        morph, lexemes = pymorphy3.MorphAnalyzer(), {}
        prefixes = [a + b for a in "бвгдзклмнпрстфхч" for b in "аеиоуя"]
        rng.shuffle(prefixes)
        for prefix in prefixes:
            for parse in itertools.islice(morph.iter_known_word_parses(prefix), 4000):
                if parse.word.isalpha() and len(parse.word) > 3:
                    lexemes.setdefault(parse.normal_form, set()).add(parse.word)
            if len(lexemes) >= 2 * LEMMAS:
                break
        chosen = rng.sample(sorted(lexemes), LEMMAS)
        return [sorted(lexemes[lemma]) for lemma in chosen]
    stems = set()
    while len(stems) < LEMMAS:
        stems.add("".join(rng.choice(SYLLABLES[lang]) for _ in range(rng.choice((1, 2, 2, 3, 3, 4)))))
    return [[stem + ending for ending in ENDINGS[lang]] for stem in rng.sample(sorted(stems), LEMMAS)]


def make_words(rng: random.Random, lang: str, lexemes: list[list[str]], cumulative: list[float], count: int) -> str:
    common = {"ru": ["суд", "журналист", "арест", "Астана"], "kk": ["сот", "журналист", "Астана"],
              "en": ["court", "journalist", "arrest", "Astana"]}[lang]
    words = []
    for lexeme in rng.choices(lexemes, cum_weights=cumulative, k=count):
        words.append(rng.choice(lexeme))
        if rng.random() < 0.02:
            words.append(rng.choice(NAMES[lang].split()) + rng.choice(("", "а", "у", "ым") if lang == "ru" else ("",)))
        if rng.random() < 0.01:
            words.append(rng.choice(common) + rng.choice(ENDINGS[lang]))
    return " ".join(words)


def write_page(path: Path, lang: str, entries: list[dict]) -> None:
    """The published bulletin's structure as archive.read_page reads it (layouts/bulletin.html.j2)."""
    parts = [f'<!DOCTYPE html>\n<html lang="{lang}">\n<body>\n<main id="main">\n']
    for rubric in RUBRICS:
        parts.append(f'<section class="rubric" id="rubric-{rubric}">\n<h2 class="rubric-title">{rubric}</h2>\n')
        for e in (e for e in entries if e["rubric"] == rubric):
            paragraphs = "".join(f"<p>{html.escape(p)}</p>\n" for p in e["paragraphs"])
            parts.append(f'<article class="entry" id="entry-{e["slug"]}">\n<h3 class="entry-title">'
                         f'{html.escape(e["title"])}</h3>\n<p class="entry-meta"><span class="entry-outlet">Outlet'
                         f'</span> · <time datetime="{e["date"]}">{e["date"]}</time></p>\n'
                         f'<div class="entry-body">\n{paragraphs}</div>\n</article>\n')
        parts.append("</section>\n")
    parts.append("</main>\n</body>\n</html>\n")
    path.write_text("".join(parts), encoding="utf-8")


def make_year(dist: Path, months: int, entries: int) -> None:
    rng = random.Random(SEED)
    for lang in ("ru", "kk", "en"):
        stems = make_vocabulary(rng, lang)
        weights = list(itertools.accumulate(1.0 / (rank + 1) for rank in range(len(stems))))  # Zipf
        for number in range(1, months + 1):
            month = f"2026-{number:02d}"
            (dist / month).mkdir(parents=True, exist_ok=True)
            items = [{"slug": f"item-{i:03d}", "rubric": RUBRICS[i % len(RUBRICS)], "date": f"{month}-{1 + i % 28:02d}",
                      "title": make_words(rng, lang, stems, weights, 12),
                      "paragraphs": [make_words(rng, lang, stems, weights, WORDS_PER_ENTRY // 5) for _ in range(5)]}
                     for i in range(entries)]
            write_page(dist / month / f"bulletin-{month}-{lang}.html", lang, items)


def timed(function, *args):
    started = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - started


def measure_browser(search_page: Path) -> dict | None:
    script = REPO / "benchmarks" / "archive-browser.mjs"
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium or not shutil.which("node") or not (REPO / "node_modules" / "playwright-core").is_dir():
        print("browser: skipped (needs node, `npm ci` for playwright-core, and Chromium)")
        return None
    done = subprocess.run(["node", str(script), str(search_page), json.dumps(QUERIES)], capture_output=True,
                          text=True, timeout=600, env={"PATH": "/usr/bin:/bin:/usr/local/bin", "CHROMIUM": chromium,
                                                       "HOME": tempfile.gettempdir()})
    if done.returncode:
        print("browser: failed:", done.stderr.strip()[-2000:])
        return None
    return json.loads(done.stdout)


def main(argv: list[str] | None = None) -> int:
    from bulletin.archive import update_archive
    from bulletin.config import load_config
    from bulletin.problems import Problems
    from bulletin.search import search_archive
    from bulletin.site import write_site

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--entries", type=int, default=150, help="entries per month and language (default 150)")
    parser.add_argument("--keep", action="store_true", help="keep the generated dist/ and print its path")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="bulletin-archive-bench-"))
    try:
        dist = folder / "dist"
        _, seconds = timed(make_year, dist, args.months, args.entries)
        total = args.months * 3 * args.entries
        print(f"generated {args.months} months × 3 languages × {args.entries} entries = {total} entries "
              f"({WORDS_PER_ENTRY} words each) in {seconds:.1f} s")
        result, seconds = timed(update_archive, dist, folder / "content", "ru")
        print(f"index (all months):        {seconds:6.1f} s, {result.entries} entries")
        db_size = (dist / "archive.sqlite").stat().st_size
        page = dist / "2026-01" / "bulletin-2026-01-ru.html"
        page.write_text(page.read_text(encoding="utf-8").replace("</main>", "<p>changed</p></main>"), encoding="utf-8")
        result, seconds = timed(update_archive, dist, folder / "content", "ru")
        print(f"index (one month changed): {seconds:6.1f} s, re-indexed {result.indexed}")
        config = load_config(REPO, Problems(REPO))
        (_, _), seconds = timed(write_site, dist, config, Problems())
        index_size = (dist / "search-index.js").stat().st_size
        pages = sum(p.stat().st_size for p in dist.glob("20*/*/index.html"))
        script = (dist / "search-index.js").read_text(encoding="utf-8")
        parts = json.loads(script[script.index("=") + 1:].rstrip().rstrip(";"))
        sizes = {"releases": parts["releases"]} | {f"{code} {key}": value for code, language in parts["languages"].items()
                                          for key, value in language.items() if value}
        print("search-index.js by part:  " + ", ".join(
            f"{name} {len(json.dumps(value, ensure_ascii=False).encode()) / 1e6:.2f}" for name, value in sizes.items())
            + " (MB)")
        print(f"site pages + search index: {seconds:6.1f} s")
        print(f"archive.sqlite:            {db_size / 1e6:6.2f} MB")
        flag = "" if index_size < SIZE_TARGET else "  OVER TARGET"
        print(f"search-index.js:           {index_size / 1e6:6.2f} MB ({index_size:,} bytes; target < "
              f"{SIZE_TARGET:,}){flag}")
        print(f"month pages:               {pages / 1e6:6.2f} MB in {len(list(dist.glob('20*/*/index.html')))} files")
        print("CLI (search_archive), ms:")
        for query in QUERIES:
            found, seconds = timed(search_archive, dist, query)
            print(f"  {query:<22} {seconds * 1000:7.1f} ms  {found.total:5d} found")
        browser = measure_browser(dist / "search.html")
        if browser:
            print(f"browser: page load with the index {browser['load']:.0f} ms; per query (first run, then median of "
                  f"{browser['repeats']}), ms:")
            for query, (first, median, count) in browser["queries"].items():
                flag = "" if max(first, median) < QUERY_TARGET_MS else "  OVER TARGET"
                print(f"  {query:<22} {first:7.1f} {median:7.1f}  {count:5d} found{flag}")
        if args.keep:
            print(f"kept: {dist}")
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
