"""The HTML: one document, lang, contents with working links, articles with meta and source."""

from __future__ import annotations

from html.parser import HTMLParser

from pdftext import normalize


class Tree(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.ids, self.hrefs, self.text = [], set(), [], []
        self.stack = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if "id" in attrs:
            assert attrs["id"] not in self.ids, f"duplicate id {attrs['id']}"
            self.ids.add(attrs["id"])
        if tag == "a":
            self.hrefs.append(attrs.get("href"))

    def handle_data(self, data):
        self.text.append(data)


def parse(path):
    tree = Tree()
    tree.feed(path.read_text(encoding="utf-8"))
    return tree


def test_structure(sample_build, sample_titles):
    path = sample_build / "bulletin-2026-02-ru.html"
    html = path.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>\n<html lang=\"ru\">")
    tree = parse(path)
    articles = [a for t, a in tree.tags if t == "article"]
    assert len(articles) == sum(len(t) for t in sample_titles.values())
    text = normalize(" ".join(tree.text))
    for titles in sample_titles.values():
        for title in titles:
            assert normalize(title) in text
    for href in tree.hrefs:
        if href.startswith("#"):
            assert href[1:] in tree.ids, href
    assert "16 февраля 2026 г." in text
    assert "Источник:" in text and "https://example.org/zhana-dala/news/2026-02-16-kasymov" in tree.hrefs
    sections = [a["id"] for t, a in tree.tags if t == "section"]
    assert sections == ["rubric-progress", "rubric-political-prisoners", "rubric-defenders", "rubric-free-speech",
                        "rubric-peaceful-assembly"]


def test_no_script_and_phone_viewport(sample_build):
    html = (sample_build / "bulletin-2026-02-ru.html").read_text(encoding="utf-8")
    assert "<script" not in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html


def test_foreign_entries_are_marked_with_lang(sample_build):
    tree = parse(sample_build / "bulletin-2026-02-en.html")
    langs = {a.get("lang") for t, a in tree.tags if t == "article"}
    assert "ru" in langs  # policy 'original': untranslated Russian entries keep lang="ru"
