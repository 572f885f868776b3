"""bulletin import: legacy bulletin text (and .docx, Windows-1251) -> entry files that pass check."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bulletin.casing import collect_forms, fix_title_case
from bulletin.importer import format_body, import_document, read_document
from bulletin.legacy import parse_date, repair_url, split_byline
from bulletin.markdown import run_pandoc
from bulletin.problems import Problems
from conftest import REPO, SITES, make_project, run

LEGACY = SITES / "legacy"
SAMPLE = (LEGACY / "bulletin-2026-02.txt").read_text(encoding="utf-8")
BROKEN = (LEGACY / "broken.txt").read_text(encoding="utf-8")
M = "content/2026-02"

RUBRICS = """\
- key: progress
  title: "Прогресс?"
- key: political-prisoners
  title: Политзаключенные
- key: defenders
  title: Положение правозащитников, гражданских активистов, профсоюзных деятелей и блогеров
- key: free-speech
  title: Свобода слова, получения и распространения информации
- key: peaceful-assembly
  title: Право на свободу мирных собраний
"""

# slug: (title, rubric, date, author, outlet, source)
EXPECTED = {
    "mazhilis-odobril-v-pervom-chtenii-popravki-o-klevete": (
        "Мажилис одобрил в первом чтении поправки о клевете", "progress", "2026-02-04", "Дана Ермекова",
        "интернет-издание «Степной вестник»", "https://example.org/stepnoy-vestnik/2026/02/04/defamation"),
    "apellyatsiya-ne-pomogla-prigovor-erlanu-kasymovu-ostavlen-v": (
        "Апелляция не помогла: приговор Ерлану Касымову оставлен в силе", "political-prisoners", "2026-02-16",
        None, "Информационное агентство КазТАГ", "https://example.org/kaztag/ru/news/kasymov-appeal"),
    "human-rights-watch-prizvala-osvobodit-uchitelnitsu-iz": (
        "Human Rights Watch призвала освободить учительницу из Жанакоргана", "political-prisoners",
        "2026-02-01", None, "Human Rights Watch", "https://example.org/hrw/news/2026/02/teacher"),
    "sotrudniki-knb-doprosili-profsoyuznogo-lidera-altyn-steppe": (
        "Сотрудники КНБ допросили профсоюзного лидера ALTYN STEPPE LOGISTICS", "defenders", "2026-02-09",
        ["Асель Нурланова", "Тимур Оспанов-Жаксыбеков"], "интернет-издание «Дала Хабар»",
        "https://example.org/dala-habar/2026/02/09/knb-union"),
    "dala-khabar-zablokirovan-bez-resheniya-suda": (
        "«Дала Хабар» заблокирован без решения суда", "free-speech", "2026-02-06", "Асель Нурланова",
        "интернет-издание «Дала Хабар»", None),
    "blogeru-iz-aksayska-otkazali-v-akkreditatsii": (
        "Блогеру из Аксайска отказали в аккредитации", "free-speech", "2026-02-18", None,
        "Информационное агентство КазТАГ", None),
    "akimat-aksayska-otkazal-v-pikete-v-zashchitu-parka": (
        "Акимат Аксайска отказал в пикете в защиту парка", "peaceful-assembly", "2026-02-11", "Дана Ермекова",
        "интернет-издание «Степной вестник»", "https://example.org/stepnoy-vestnik/2026/02/11/park"),
}


def new_project(tmp_path: Path, document: str | bytes = SAMPLE, name: str = "legacy.txt") -> Path:
    root = make_project(tmp_path / "project", rubrics=RUBRICS)
    for vocabulary in ("places.yaml", "regions.yaml"):
        (root / "content" / vocabulary).write_bytes((REPO / "content" / vocabulary).read_bytes())
    path = root / name
    path.write_bytes(document if isinstance(document, bytes) else document.encode("utf-8"))
    return root


def import_cli(root: Path, name: str = "legacy.txt", *extra: str):
    return run("import", root / name, "--month", "2026-02", "--project", root, *extra)


def read_entries(root: Path) -> dict[str, tuple[dict, str]]:
    found = {}
    for path in sorted((root / M).glob("*.ru.md")):
        _, head, body = path.read_text(encoding="utf-8").split("---\n", 2)
        found[path.name.split(".")[0]] = (yaml.safe_load(head), body.strip())
    return found


def summary(meta: dict) -> tuple:
    return (meta["title"], meta["rubric"], str(meta["date"]), meta.get("author"), meta.get("outlet"),
            meta.get("source"))


def to_docx(text: str) -> bytes:
    """Each line of the legacy text as its own Word paragraph, as the editors' documents have them."""
    escaped = [re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", line) for line in text.splitlines()]
    data = run_pandoc(["-f", "markdown-smart", "-t", "docx", "-o", "-"], "\n\n".join(escaped).encode(), 60)
    assert data.startswith(b"PK\x03\x04") and len(data) > 1000
    return data


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    root = new_project(tmp_path_factory.mktemp("imported"))
    result = import_cli(root)
    assert result.exit_code == 0, result.output
    return root, result


def test_every_entry_is_imported_with_its_fields(imported):
    root, _ = imported
    entries = read_entries(root)
    assert {slug: summary(meta) for slug, (meta, _) in entries.items()} == EXPECTED


def test_bodies_become_clean_markdown(imported):
    entries = read_entries(imported[0])
    law = entries["mazhilis-odobril-v-pervom-chtenii-popravki-o-klevete"][1]
    assert "\n\n## Что меняется\n\nЗаконопроект предусматривает:\n\n1. замену лишения свободы штрафом до 200 МРП;\n" \
           "2. отмену уголовной ответственности за «оскорбление представителя власти»;\n3. сокращение" in law
    assert "ИСТОЧНИК" not in law and "http" not in law and "Степной вестник\n" not in law
    appeal = entries["apellyatsiya-ne-pomogla-prigovor-erlanu-kasymovu-ostavlen-v"][1]
    assert appeal.startswith("Суд в Талдыбулаке не нашёл оснований смягчить наказание активисту.\n\nСудебная")
    assert "## Диалог в зале суда\n\n– Вы признаёте вину?\n\n– Нет. Я выходил на мирный пикет.\n\n" in appeal
    assert appeal.endswith("Защита Касымова намерена обратиться в Верховный суд.")
    blocked = entries["dala-khabar-zablokirovan-bez-resheniya-suda"][1]
    assert blocked.startswith("Редакция узнала о блокировке от читателей.\n\n6 февраля")
    assert "БЛОГЕРУ" not in blocked and "КазТАГ" not in blocked
    park = entries["akimat-aksayska-otkazal-v-pikete-v-zashchitu-parka"][1]
    assert "\n\n## Что говорят жители\n\n– Парк – единственное" in park


def test_report_names_what_was_not_found(imported):
    output = imported[1].output
    assert "   43  [political-prisoners] Human Rights Watch призвала освободить учительницу из Жанакоргана\n" \
           f"       -> {M}/human-rights-watch-prizvala-osvobodit-uchitelnitsu-iz.ru.md\n" \
           "       not found: date, author\n" in output
    assert "not found: author, source" in output
    assert output.rstrip().endswith(f"7 entries written to {M}")


def test_imported_month_passes_check_and_builds(imported):
    root = imported[0]
    check = run("check", "2026-02", "--project", root, "--strict")
    assert check.exit_code == 0, check.output
    build = run("build", "2026-02", "--project", root, "--lang", "ru", "--format", "html,docx")
    assert build.exit_code == 0, build.output
    html = (root / "build" / "2026-02" / "bulletin-2026-02-ru.html").read_text(encoding="utf-8")
    assert "Сотрудники КНБ допросили профсоюзного лидера ALTYN STEPPE LOGISTICS" in html


def test_errors_are_located_and_nothing_is_written(tmp_path):
    root = new_project(tmp_path, BROKEN)
    result = import_cli(root)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert "legacy.txt:1: warning: line 1 before the first rubric heading skipped (a masthead or introduction?): " \
           "'Бюллетень подготовлен для проверки импорта.'" in lines
    assert any(line.startswith("legacy.txt:12: error: text not assigned to any entry: 'Эта строка") for line in lines)
    assert any(line.startswith("legacy.txt:14: error: unknown rubric heading «Права потребителей» (known: "
                               "«Прогресс?», «Политзаключенные»,") for line in lines)
    assert lines[-1] == "bulletin: 2 error(s); nothing was written"
    assert "[?] Жители Аксайска пожаловались на тарифы" in result.output
    assert not (root / M).exists()


def test_existing_files_are_never_overwritten(tmp_path):
    root = new_project(tmp_path)
    taken = root / M / "blogeru-iz-aksayska-otkazali-v-akkreditatsii.ru.md"
    taken.parent.mkdir(parents=True)
    taken.write_text("---\ntitle: Другая заметка\nrubric: free-speech\ndate: 2026-02-02\n---\n\nТекст.\n",
                     encoding="utf-8")
    before = taken.read_bytes()
    assert import_cli(root).exit_code == 0
    assert taken.read_bytes() == before
    meta, _ = read_entries(root)["blogeru-iz-aksayska-otkazali-v-akkreditatsii-2"]
    assert meta["title"] == "Блогеру из Аксайска отказали в аккредитации"


def test_running_again_skips_what_was_imported(tmp_path):
    root = new_project(tmp_path)
    assert import_cli(root).exit_code == 0
    again = import_cli(root)
    assert again.exit_code == 0
    assert "already imported as content/2026-02/dala-khabar-zablokirovan-bez-resheniya-suda.ru.md " \
           "(same title): skipped" in again.stderr
    assert again.output.rstrip().endswith(f"0 entries written to {M}")
    assert len(read_entries(root)) == 7


def test_dry_run_writes_nothing(tmp_path):
    root = new_project(tmp_path)
    result = import_cli(root, "legacy.txt", "--dry-run")
    assert result.exit_code == 0, result.output
    assert not (root / M).exists()
    assert '       | title: "Мажилис одобрил в первом чтении поправки о клевете"' in result.output
    assert f"7 entries would be written to {M} (dry run: nothing was written)" in result.output


def test_docx_gives_the_same_entries(tmp_path):
    root = new_project(tmp_path, to_docx(SAMPLE), "legacy.docx")
    lines = read_document(root / "legacy.docx", 60, Problems())
    assert "МАЖИЛИС ОДОБРИЛ В ПЕРВОМ ЧТЕНИИ ПОПРАВКИ О КЛЕВЕТЕ" in lines
    assert "Дана ЕРМЕКОВА, интернет-издание «Степной вестник»" in lines and "1) замену лишения свободы " \
           "штрафом до 200 МРП;" in lines and "* * *" in lines
    from_docx = import_document(root, root / "legacy.docx", "2026-02", dry_run=True)
    from_text = import_document(root, LEGACY / "bulletin-2026-02.txt", "2026-02", dry_run=True)
    assert not from_docx.problems.items
    shape = [(e.title, e.rubric, e.date, e.authors, e.outlet, e.source, e.body) for e in from_text.entries]
    assert [(e.title, e.rubric, e.date, e.authors, e.outlet, e.source, e.body) for e in from_docx.entries] == shape


@pytest.mark.parametrize("codec,name", [("cp1251", "Windows-1251"), ("utf-16", "UTF-16")])
def test_legacy_encodings_are_decoded_with_a_warning(tmp_path, codec, name):
    root = new_project(tmp_path, SAMPLE.replace("\n", "\r\n").encode(codec))
    result = import_cli(root)
    assert result.exit_code == 0, result.output
    assert f"legacy.txt:1: warning: file is encoded as {name}, not UTF-8: decoded as {name}; check the " \
           "letters of the result (or re-save the file as UTF-8)" in result.stderr
    assert {slug: summary(meta) for slug, (meta, _) in read_entries(root).items()} == EXPECTED


@pytest.mark.parametrize("raw,body,expected", [
    ("СУД ОШТРАФОВАЛ FREEDOM FINANCE ПО ЖАЛОБЕ ООН", "Клиенты компании FREEDOM FINANCE обратились в ООН.",
     "Суд оштрафовал FREEDOM FINANCE по жалобе ООН"),
    ("«ДАЛА ХАБАР» ВНОВЬ ДОСТУПЕН", "", "«Дала хабар» вновь доступен"),
    ("ЖУРНАЛИСТКУ ИЗ УСТЬ-КАМЕНОГОРСКА ВЫЗВАЛИ В МВД", "Она живёт в Усть-Каменогорске.",
     "Журналистку из Усть-Каменогорска вызвали в МВД"),
    ("ВЕРХОВНЫЙ СУД ОТКАЗАЛ. ЗАЩИТА ИДЁТ В СТРАСБУРГ", "Жалобу рассмотрит Верховный суд, затем суд в Страсбурге.",
     "Верховный суд отказал. Защита идёт в Страсбург"),
    ("10 ЛЕТ КОЛОНИИ ДЛЯ БЛОГЕРА", "", "10 лет колонии для блогера"),
])
def test_titles_are_recased_from_the_body(raw, body, expected):
    assert fix_title_case(raw, collect_forms([body])) == expected


@pytest.fixture(scope="module")
def places():
    from bulletin.casing import load_places
    problems = Problems()
    found = load_places(REPO / "content" / "places.yaml", problems)
    assert not problems.items
    return found


@pytest.mark.parametrize("raw,expected", [
    ("В АЛМАТЫ ЗАДЕРЖАЛИ ОПЕРАТОРА", "В Алматы задержали оператора"),
    ("АКТИВИСТА ИЗ ЖАНАОЗЕНА ЭТАПИРОВАЛИ", "Активиста из Жанаозена этапировали"),
    ("ЦИК, МВД И КНБ НЕ ОТВЕТИЛИ НА ЗАПРОС HRW", "ЦИК, МВД и КНБ не ответили на запрос HRW"),
    ("ЖИТЕЛЬНИЦУ ВОСТОЧНО-КАЗАХСТАНСКОЙ ОБЛАСТИ ОШТРАФОВАЛИ В УСТЬ-КАМЕНОГОРСКЕ ЗА ПОСТ",
     "Жительницу Восточно-Казахстанской области оштрафовали в Усть-Каменогорске за пост"),
    ("ПИКЕТ В КОНАЕВЕ (БЫВШИЙ КАПШАГАЙ) РАЗОГНАЛИ. ЗАДЕРЖАН АЙДОС САДЫКОВ",
     "Пикет в Конаеве (бывший Капшагай) разогнали. Задержан Айдос Садыков"),
    ("СУД В КАРАГАНДЕ ОТКАЗАЛ ЕРЛАНУ НУРЛАНОВИЧУ ЖАКУПОВУ", "Суд в Караганде отказал Ерлану Нурлановичу Жакупову"),
    ("ИЗ КЫЗЫЛОРДЫ И АРАЛЬСКА — В ТУРКЕСТАН: ЭТАП ПРОДОЛЖАЕТСЯ", "Из Кызылорды и Аральска — в Туркестан: этап продолжается"),
    ("«АТАЖҰРТ» ПРОВЕЛ ВСТРЕЧУ В УЛЫТАУСКОЙ ОБЛАСТИ И ЖЕЗКАЗГАНЕ",
     "«Атажұрт» провел встречу в Улытауской области и Жезказгане"),
    ("ЖАҢАӨЗЕНДЕ ЖӘНЕ ҚОНАЕВТА НАРАЗЫЛЫҚ", "Жаңаөзенде және Қонаевта наразылық"),
    ("СУДЬБЫ СЕМЕЙ ПОЛИТЗАКЛЮЧЕННЫХ ИЗ СЕМЕЯ", "Судьбы семей политзаключенных из Семея"),
    ("АКИМ ЖЕТЫСУСКОЙ ОБЛАСТИ ВСТРЕТИЛСЯ С ЖИТЕЛЯМИ ТАЛДЫКОРГАНА",
     "Аким Жетысуской области встретился с жителями Талдыкоргана"),
    ("ДЕЛО № 12-3/2026: СУД В ПЕТРОПАВЛОВСКЕ ОПРАВДАЛ ЖУРНАЛИСТКУ ГАЗЕТЫ «УРАЛЬСКАЯ НЕДЕЛЯ»",
     "Дело № 12-3/2026: суд в Петропавловске оправдал журналистку газеты «Уральская неделя»"),
    ("ЖИТЕЛИ  АЛМАТИНСКОЙ ОБЛАСТИ ПОЖАЛОВАЛИСЬ В ЕСПЧ И ООН", "Жители Алматинской области пожаловались в ЕСПЧ и ООН"),
    ("ГРАЖДАНИНА КЫРГЫЗСТАНА ДЕПОРТИРОВАЛИ ИЗ ЖЕТЫСАЯ В БИШКЕК",
     "Гражданина Кыргызстана депортировали из Жетысая в Бишкек"),
    ("ЗАВОД В РУДНОМ ЗАКРЫТ, РАБОЧИЕ ИЗ ЭКИБАСТУЗА И ТЕМИРТАУ БАСТУЮТ",
     "Завод в Рудном закрыт, рабочие из Экибастуза и Темиртау бастуют"),
    ("ПРИГОВОР А. СЕРИКОВУ И Ж. НУРМАГАМБЕТОВУ ОСТАВИЛИ В СИЛЕ",
     "Приговор А. Серикову и Ж. Нурмагамбетову оставили в силе"),
    ("ДЕПУТАТ АЙДОС САРЫМ И ЖУРНАЛИСТ ЕРЛАН КАЛИЕВ ВЫЗВАНЫ В ПОЛИЦИЮ",
     "Депутат Айдос Сарым и журналист Ерлан Калиев вызваны в полицию"),
])
def test_titles_in_capitals_keep_proper_nouns(raw, expected, places):
    assert fix_title_case(raw, collect_forms([]), places) == expected


def test_what_the_case_was_guessed_from_is_listed(places):
    from bulletin.casing import recase_title
    recased = recase_title("ТИМУР ОСПАНОВ-ЖАКСЫБЕКОВ ИЗ СЕМЕЙ АКТИВИСТОВ: «ОСКОРБЛЕНИЕ ВЛАСТИ» — НЕ ПРЕСТУПЛЕНИЕ",
                           collect_forms([]), places)
    assert recased.title == "Тимур Оспанов-Жаксыбеков из семей активистов: «оскорбление власти» — не преступление"
    assert recased.guesses == [("Оспанов-Жаксыбеков", "surname"), ("семей", "place or common word?"),
                               ("оскорбление", "a quotation, or a name in quotes?")]
    body = collect_forms(["Жители Семея вышли к акимату. Там был и Тимур Оспанов-Жаксыбеков."])
    assert recase_title("ТИМУР ОСПАНОВ-ЖАКСЫБЕКОВ В СЕМЕЕ", body, places).guesses == []  # the body says it


def test_guessed_cases_are_listed_in_the_report(tmp_path):
    document = ("ПРАВОЗАЩИТНЫЙ БЮЛЛЕТЕНЬ\nВыпуск за февраль 2026 года\n\nВ этом выпуске — дела из Абайской области.\n\n"
                "«Политзаключенные»\n\nАРЕСТ МАРАТА ЖЫЛАНБАЕВА ПРОДЛИЛИ В СЕМЕЕ\n9 февраля 2026 г.\n\n"
                "Суд продлил срок содержания под стражей ещё на два месяца.\n\n"
                "ИСТОЧНИК: https://example.org/abai/arrest\n")
    root = new_project(tmp_path, document)
    result = import_cli(root)
    assert result.exit_code == 0, result.output
    assert "    8  [political-prisoners] Арест Марата Жыланбаева продлили в Семее\n" \
           f"       -> {M}/arest-marata-zhylanbaeva-prodlili-v-semee.ru.md\n" \
           "       not found: author, outlet\n" \
           "       case guessed: Марата (first name), Жыланбаева (surname)\n" in result.output
    assert result.stderr.splitlines()[0] == (
        "legacy.txt:1: warning: lines 1–4 before the first rubric heading skipped (a masthead or "
        "introduction?): 'ПРАВОЗАЩИТНЫЙ БЮЛЛЕТЕНЬ'")
    assert "БЮЛЛЕТЕНЬ" not in (root / M / "arest-marata-zhylanbaeva-prodlili-v-semee.ru.md").read_text("utf-8")


def test_without_a_rubric_heading_nothing_is_imported(tmp_path):
    root = new_project(tmp_path, "СУД ОСТАВИЛ В СИЛЕ ПРИГОВОР АКТИВИСТУ\n\nТекст заметки.\n")
    result = import_cli(root)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == ("legacy.txt: error: no rubric heading found (known: «Прогресс?», «Политзаключенные», "
                        "«Положение правозащитников, гражданских активистов, профсоюзных деятелей и блогеров», "
                        "«Свобода слова, получения и распространения информации», «Право на свободу мирных "
                        "собраний»): each rubric starts with its title on a line of its own")
    assert lines[1].startswith("legacy.txt:1: warning: lines 1–3 before the first rubric heading skipped")
    assert lines[1].endswith("; 1 of them in capitals: is a rubric heading missing?")


def test_small_parsers():
    assert parse_date("16 февраля 2026 г.", 2000) == (2026, 2, 16)
    assert parse_date("3 марта 2026", 2000) == (2026, 3, 3)
    assert parse_date("9 февраля", 2026) == (2026, 2, 9)
    assert parse_date("16 февралей 2026", 2026) is None
    assert repair_url("https://vlast.kz/ novosti/123") == "https://vlast.kz/novosti/123"
    assert repair_url("«Власть», https://vlast.kz/novosti/123.") == "https://vlast.kz/novosti/123"
    assert split_byline("Имя ФАМИЛИЯ, интернет-издание «Власть»") == (["Имя Фамилия"], "интернет-издание «Власть»")
    assert split_byline("А.Б. ИВАНОВ, Виктор ЛИ, Радио Азаттык") == (["А.Б. Иванов", "Виктор Ли"], "Радио Азаттык")
    assert split_byline("Human Rights Watch") is None
    assert split_byline("Информационное агентство КазТАГ") is None


def test_body_wrapping_and_escaping():
    lines = [(1, "Первая строка абзаца, перенесённая"), (2, "вручную посреди предложения."), (3, ""),
             (4, "* звёздочки и [скобки] — просто текст"), (5, "2026. год начался")]
    assert format_body(lines) == ("Первая строка абзаца, перенесённая вручную посреди предложения.\n\n"
                                  "- звёздочки и \\[скобки\\] — просто текст\n\n2026\\. год начался")  # "* " is a bullet


def test_more_irregularities(tmp_path):
    document = ("Политзаключенные\n"
                "«КАЗАХСТАНСКИЙ ВЕСТНИК»: 5 ЛЕТ ЗА ПОСТ В FACEBOOK\n"
                "А. СЕРИКОВ, газета «Казахстанский вестник»\n"
                "30 февраля 2026 г.\n"
                "16 февраля 2026 года\n\n"
                "Блогера Армана Серикова приговорили к 5 годам за пост в Facebook.\n"
                "«Мы будем обжаловать», – заявил адвокат.\n"
                "Источник: https://example.org/kv/ 5-let\n"
                "https://example.org/kv/5-let-mirror\n"
                "ДВА ЗАГОЛОВКА ПОДРЯД БЕЗ ТЕКСТА\n"
                "ВТОРОЙ ЗАГОЛОВОК ИДЁТ СРАЗУ ЗА ПЕРВЫМ\n"
                "Текст второй заметки о МВД, ЕСПЧ и СИЗО.\n")
    root = new_project(tmp_path, document)
    result = import_document(root, root / "legacy.txt", "2026-02", dry_run=True)
    assert [str(p) for p in result.problems.sorted()] == [
        "legacy.txt:4: warning: impossible date '30 февраля 2026 г.' ignored",
        "legacy.txt:10: warning: a second source URL: added to the body as a link",
        "legacy.txt:11: warning: entry 'ДВА ЗАГОЛОВКА ПОДРЯД БЕЗ ТЕКСТА' has no text (is this line, or the one "
        "after it, really a title?)"]
    first, empty, second = result.entries
    assert (first.title, first.rubric, first.date.isoformat(), first.authors, first.outlet, first.source) == (
        "«Казахстанский вестник»: 5 лет за пост в Facebook", "political-prisoners", "2026-02-16", ["А. Сериков"],
        "газета «Казахстанский вестник»", "https://example.org/kv/5-let")
    assert first.body.endswith("«Мы будем обжаловать», – заявил адвокат.\n\n<https://example.org/kv/5-let-mirror>")
    assert (empty.title, empty.body) == ("Два заголовка подряд без текста", "")
    assert second.title == "Второй заголовок идёт сразу за первым"
    assert not (root / M).exists()


def test_dash_bullets_become_a_markdown_list_and_a_guessed_date_is_marked(tmp_path):
    from bulletin.importer import format_body
    body = format_body([(1, "Защита требует:"), (2, "- повторной экспертизы;"), (3, "• допуска специалистов."),
                        (4, "– Это реплика в диалоге.")])
    assert "Защита требует:\n\n- повторной экспертизы;\n- допуска специалистов.\n\n– Это реплика в диалоге." == body


def test_a_guessed_date_is_marked_in_the_default_language(tmp_path):
    root = new_project(tmp_path, "«Политзаключенные»\n\nСУД В ТАРАЗЕ ОТКАЗАЛ В УДО\n\nТекст заметки без даты.\n")
    result = import_cli(root)
    assert result.exit_code == 0, result.output
    text = (root / M / "sud-v-taraze-otkazal-v-udo.ru.md").read_text(encoding="utf-8")
    assert "\ndate: 2026-02-01  # нет в исходном тексте: проверьте\n" in text
    assert "title: \"Суд в Таразе отказал в УДО\"" in text


def test_place_list_is_editable_and_its_mistakes_are_located(tmp_path):
    from bulletin.casing import load_places, recase_title
    path = tmp_path / "places.yaml"
    path.write_text("other:\n  - {ru: Кордай, kk: Қордай}\n  - {ru: Щербакты, forms: [Щербактах]}\n", encoding="utf-8")
    problems = Problems(tmp_path)
    places = load_places(path, problems)
    assert not problems.items
    assert recase_title("ЖИТЕЛИ КОРДАЯ И ЩЕРБАКТЫ, ПИКЕТ В ЩЕРБАКТАХ", collect_forms([]), places).title == \
        "Жители Кордая и Щербакты, пикет в Щербактах"  # a plural form the rules do not derive, listed
    path.write_text("regions:\n  - Абайская область\n", encoding="utf-8")
    load_places(path, problems)
    path.write_text("cities:\n  - {ru: Астана\n", encoding="utf-8")
    load_places(path, problems)
    load_places(tmp_path / "none.yaml", problems)
    messages = [str(p) for p in problems.items]
    assert messages[0] == ("places.yaml: error: the place list must have 'regions' (each with 'region' and 'towns') "
                           "and may have 'other', every place a mapping like {ru: Жанаозен, kk: Жаңаөзен}")
    assert messages[1].startswith("places.yaml:3: error: cannot read the place list: ")
    assert messages[2] == ("none.yaml: warning: no place list: Kazakh place names in capitals titles are guessed "
                           "by the analyser alone (copy content/places.yaml from the sample project)")


def test_terminal_escapes_in_a_legacy_file_are_printed_escaped(tmp_path):
    root = new_project(tmp_path, SAMPLE.replace("Редакция узнала", "Редакция\x1b]0;owned\x07\x1b[2J узнала", 1))
    result = import_cli(root, "legacy.txt", "--dry-run")
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "Редакция\\x1b" in result.output and "owned\\x07" in result.output
