"""The review page of bulletin serve (/review/<lang>): entries side by side, stale ones first and highlighted."""

from __future__ import annotations

import json
import shutil
import subprocess
from html.parser import HTMLParser

import pytest

from bulletin.build import load_month_content
from bulletin.layouts import load_messages
from bulletin.problems import Problems
from bulletin.layouts import layouts_dirs
from bulletin.review import render_review
from bulletin.serve import Preview
from conftest import entry
from test_history import NEW, OLD, OLD_HASH, SOURCE, TRANSLATION
from test_html_checks import AXE, CHROMIUM, REPO, VNU, need

KK_BODY = ("Алматыда белсендіні ұстау туралы бірінші абзац.\n\n"
           "Екінші абзац: сот 100 АЕК айыппұл салды.\n\n"
           "Өзгермейтін үшінші абзац.")


class Rows(HTMLParser):
    """Each table row of each entry section: (section classes, row class, [cell texts], [inserted words])."""

    def __init__(self):
        super().__init__()
        self.rows, self.section, self.cell, self.inserted, self.deleted = [], "", None, [], []
        self.mark = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section":
            self.section = attrs.get("class", "")
        elif tag == "tr":
            self.rows.append((self.section, attrs.get("class", ""), [], [], []))
        elif tag == "td":
            self.cell = ""
        elif tag in ("ins", "del"):
            self.mark = tag

    def handle_endtag(self, tag):
        if tag == "td":
            self.rows[-1][2].append(" ".join(self.cell.split()))
            self.cell = None
        elif tag in ("ins", "del"):
            self.mark = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data
        if self.mark:
            self.rows[-1][3 if self.mark == "ins" else 4].append(data)


@pytest.fixture
def stale(project):
    root = project({
        SOURCE: entry(title="Суд над активистом", body=NEW),
        TRANSLATION: f"---\ntitle: Белсендіге сот\nsource_hash: {OLD_HASH}\n---\n\n{KK_BODY}\n",
        "content/2026-02/b.ru.md": entry(title="Другой материал", rubric="progress", body="Текст."),
    })
    (root / ".bulletin/sources").mkdir(parents=True)
    (root / f".bulletin/sources/{OLD_HASH}.md").write_text(entry(title="Суд над активистом", body=OLD), "utf-8")
    return root


def page_of(root, lang="kk") -> str:
    month = load_month_content(root, "2026-02", [])
    messages = load_messages(layouts_dirs(month.config), lang, "ru", Problems())
    return render_review(month.config, month.month, month.families, lang, messages)


def test_stale_entry_comes_first_with_its_changed_paragraphs_highlighted(stale):
    page = page_of(stale)
    parser = Rows()
    parser.feed(page)
    first = [row for row in parser.rows if "stale" in row[0]]
    body = [(kind, cells, ins, dels) for section, kind, cells, ins, dels in first if cells]
    assert body[0][:2] == ("same", ["Суд над активистом", "Белсендіге сот"])
    assert body[1][:2] == ("same", ["Первый абзац о задержании активиста в Алматы.",
                                    "Алматыда белсендіні ұстау туралы бірінші абзац."])
    assert body[2] == ("changed", ["Второй абзац: суд назначил штраф в 100 МРП. арест на 10 суток.",
                                   "Екінші абзац: сот 100 АЕК айыппұл салды."],
                       ["арест на 10 суток."], ["штраф в 100 МРП."])
    assert body[3][:2] == ("same", ["Третий абзац, который не меняется.", "Өзгермейтін үшінші абзац."])
    assert body[4] == ("added", ["Адвокат обжалует решение.", ""], ["Адвокат обжалует решение."], [])
    sections = [row[0] for row in parser.rows]
    assert sections.index("entry stale") < sections.index("entry missing")  # b comes first in rubric order
    assert "Аударылғаннан кейін өзгерген" in page and "2 абзац өзгерген" in page  # in the translator's language
    assert f"<code>bulletin translations --stamp {TRANSLATION}</code>" in page
    assert "<code>bulletin new --translation-of content/2026-02/b.ru.md --lang kk</code>" in page


def test_entry_text_is_escaped(project):
    root = project({SOURCE: entry(title="<script>alert(1)</script>", body="<img src=x onerror=alert(2)>")})
    page = page_of(root)
    assert "<script>alert" not in page and "<img" not in page and "&lt;img src=x" in page


def test_served_read_only_and_following_the_reload(stale):
    preview = Preview(stale)
    preview.rebuild()
    before = sorted((p, p.stat().st_mtime_ns) for p in stale.rglob("*") if p.is_file())
    status, content_type, body = preview.review("kk")
    assert status == 200 and content_type.startswith("text/html")
    page = body.decode("utf-8")
    assert f'var token = {json.dumps(preview.token)}, source = new EventSource("/events")' in page
    assert "<ins>Адвокат обжалует решение.</ins>" in page
    assert preview.review("ru")[0] == 404 and preview.review("de")[0] == 404
    assert sorted((p, p.stat().st_mtime_ns) for p in stale.rglob("*") if p.is_file()) == before


def test_review_page_passes_vnu_and_axe_at_1280(stale, tmp_path):
    need(CHROMIUM is not None, "Chromium is not installed (.ci/run installs Debian's chromium)")
    need(shutil.which("java") is not None, "Java is not installed (.ci/run installs default-jre-headless)")
    need((REPO / "node_modules" / "axe-core").is_dir() and VNU.is_file(),
         "vnu-jar / axe-core are not installed (run `npm ci`; .ci/run does)")
    path = tmp_path / "review.html"
    path.write_text(page_of(stale), encoding="utf-8")
    done = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json", str(path)],
                          capture_output=True, text=True, timeout=300)
    assert json.loads(done.stderr or '{"messages": []}')["messages"] == []
    done = subprocess.run(["node", str(AXE), str(path), "1280", str(tmp_path / "shot.png")], capture_output=True,
                          text=True, timeout=180,
                          env={"PATH": "/usr/bin:/bin:/usr/local/bin", "HOME": str(tmp_path), "CHROMIUM": CHROMIUM})
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert [v for v in result["violations"] if v["impact"] in ("serious", "critical")] == []
    assert result["overflow"] <= 0


def test_stale_without_its_old_version_says_so_and_aligns_by_position(stale):
    (stale / f".bulletin/sources/{OLD_HASH}.md").unlink()
    page = page_of(stale)
    assert "Аударма жасалған нұсқа табылмады: түпнұсқа қазіргі күйінде көрсетілген." in page
    assert "<ins>" not in page and "абзац өзгерген" not in page
