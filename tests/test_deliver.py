"""deliver: one e-mail per partner through a real SMTP server on 127.0.0.1, attachments or links,
--dry-run, partners.yaml validation, and no duplicate or skipped partner after a failure or a crash."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
import os
import shutil
import smtplib
import socket
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from bulletin.content import hash_content
from bulletin.deliver import connect_smtp
from bulletin.locale import format_long_date
from conftest import REPO, entry, make_project, run

CONFIG = """\
publication:
  ru: Тестовый бюллетень
  kk: Сынақ бюллетені
  en: Test Bulletin
publisher: {ru: Тестовая группа, kk: Сынақ тобы, en: Test Group}
languages: [ru, kk, en]
default_language: ru
translations: {kk: omit, en: original}
"""
DELIVERY = """\
delivery:
  smtp: {{host: 127.0.0.1, port: {port}, security: none}}
  from: "Test Group <bulletin@example.org>"
  max_attachment_bytes: {limit}
  link_base: https://example.org/bulletin
"""
PARTNERS = """\
partners:
  - name: Alpha Centre
    email: alpha@example.org
    language: ru
    formats: [pdf, docx]
  - name: Beta Media
    email: [beta@example.org, desk@example.org]
    language: kk
  - name: Gamma Watch
    email: gamma@example.org
    language: en
    formats: [html]
"""


KK_TRANSLATION = (f"---\ntitle: Бірінші материал\nsource_hash: {hash_content('Первый материал', 'Текст материала.')}\n"
                  "---\n\nМатериалдың мәтіні.\n")


class Mailbox:
    """An aiosmtpd handler that keeps every accepted message and can refuse chosen recipients."""

    def __init__(self):
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []
        self.refuse: set[str] = set()

    async def handle_DATA(self, server, session, envelope):
        if self.refuse & set(envelope.rcpt_tos):
            return "451 4.3.0 Try again later"
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 OK"

    def count(self, address: str) -> int:
        return sum(address in rcpts for rcpts, _ in self.messages)


@pytest.fixture
def mailbox():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    box.port = port
    yield box
    controller.stop()


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    """A project with 2026-02 published once; each test works on a copy."""
    root = make_project(tmp_path_factory.mktemp("deliver") / "project", {
        "content/2026-02/a.ru.md": entry(title="Первый материал"),
        "content/2026-02/b.ru.md": entry(title="Второй материал", rubric="progress"),
        "content/2026-02/a.kk.md": KK_TRANSLATION,
    }, CONFIG)
    result = run("publish", "2026-02", "--project", root)
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture
def site(release, tmp_path, mailbox):
    def make(limit: int = 10_000_000, partners: str = PARTNERS) -> Path:
        root = tmp_path / "project"
        if not root.exists():
            shutil.copytree(release, root)
        (root / "bulletin.yaml").write_text(CONFIG + DELIVERY.format(port=mailbox.port, limit=limit), encoding="utf-8")
        (root / "partners.yaml").write_text(partners, encoding="utf-8")
        return root
    return make


def deliver(root: Path, *args: str, **seams):
    return run("deliver", "2026-02", "--project", root, *args, **seams)


def by_recipient(mailbox: Mailbox) -> dict[str, email.message.EmailMessage]:
    return {rcpts[0]: message for rcpts, message in mailbox.messages}


def test_each_partner_gets_one_email_in_its_language(site, mailbox):
    root = site()
    result = deliver(root)
    assert result.exit_code == 0, result.output
    assert sorted(sorted(r) for r, _ in mailbox.messages) == [
        ["alpha@example.org"], ["beta@example.org", "desk@example.org"], ["gamma@example.org"]]
    mails = by_recipient(mailbox)
    # Inside a sentence the month is lower case in Russian and Kazakh (the cover's «Февраль 2026» is not).
    assert mails["alpha@example.org"]["Subject"] == "Тестовый бюллетень — новый выпуск: февраль 2026 г."
    assert mails["beta@example.org"]["Subject"] == "Сынақ бюллетені — жаңа шығарылым: 2026 ж. ақпан"
    assert mails["gamma@example.org"]["Subject"] == "Test Bulletin — new issue: February 2026"
    assert "Направляем вам новый выпуск издания «Тестовый бюллетень»: февраль 2026\u00a0г.\n" in \
        mails["alpha@example.org"].get_body().get_content()  # one full stop after «г.», not two
    assert mails["beta@example.org"]["To"] == "beta@example.org, desk@example.org"
    assert mails["alpha@example.org"].get_body().get_content().startswith("Уважаемые коллеги!")
    assert "Құрметпен,\nСынақ тобы" in mails["beta@example.org"].get_body().get_content()
    assert "Here is the new issue of “Test Bulletin”: February\xa02026." in \
        mails["gamma@example.org"].get_body().get_content()

    folder = root / "dist" / "2026-02"
    expected = {"alpha@example.org": ["bulletin-2026-02-ru.pdf", "bulletin-2026-02-ru.docx"],
                "beta@example.org": ["bulletin-2026-02-kk.pdf"], "gamma@example.org": ["bulletin-2026-02-en.html"]}
    for address, names in expected.items():
        parts = list(mails[address].iter_attachments())
        assert [p.get_filename() for p in parts] == names
        for part, name in zip(parts, names):
            assert part.get_content() == (folder / name).read_bytes() or \
                part.get_content() == (folder / name).read_text(encoding="utf-8")
    assert mails["alpha@example.org"].get_content_type() == "multipart/mixed"
    assert [p.get_content_type() for p in mails["alpha@example.org"].iter_attachments()] == [
        "application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"]
    html = next(mails["gamma@example.org"].iter_attachments())
    assert html["Content-Type"] == 'text/html; charset="utf-8"'
    assert html.get_content() == (folder / "bulletin-2026-02-en.html").read_text(encoding="utf-8")

    record = json.loads((folder / "deliveries.json").read_text(encoding="utf-8"))["partners"]
    assert sorted(record) == ["Alpha Centre", "Beta Media", "Gamma Watch"]
    assert record["Beta Media"]["addresses"] == ["beta@example.org", "desk@example.org"]
    assert record["Alpha Centre"]["message_id"] == mails["alpha@example.org"]["Message-ID"]
    manifest = {f["name"]: f["sha256"] for f in json.loads((folder / "manifest.json").read_text())["files"]}
    assert {f["name"]: f["sha256"] for f in record["Alpha Centre"]["files"]} == {
        n: manifest[n] for n in expected["alpha@example.org"]}
    assert all(r["status"] == "sent" and r["sent_at"] for r in record.values())

    again = deliver(root)
    assert again.exit_code == 0
    assert again.output.count("already sent: ") == 3
    assert len(mailbox.messages) == 3


def test_links_instead_of_attachments_over_the_limit(site, mailbox):
    root = site(limit=1000)
    assert deliver(root).exit_code == 0
    mail = by_recipient(mailbox)["alpha@example.org"]
    assert list(mail.iter_attachments()) == []
    body = mail.get_body().get_content().replace("\xa0", " ")  # typeset: no-break spaces after short words
    assert "Файлы слишком велики для вложения, их можно скачать по ссылкам:" in body
    assert "https://example.org/bulletin/2026-02/bulletin-2026-02-ru.pdf" in body
    assert "https://example.org/bulletin/2026-02/bulletin-2026-02-ru.docx" in body


def test_dry_run_sends_nothing(site, mailbox):
    root = site()
    result = deliver(root, "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.output.count("would send: ") == 3
    assert "would send: Beta Media <beta@example.org, desk@example.org> [kk]: bulletin-2026-02-kk.pdf attached" \
        in result.output
    assert mailbox.messages == []
    assert not (root / "dist" / "2026-02" / "deliveries.json").exists()


def test_refused_partner_is_sent_on_the_next_run_and_nobody_twice(site, mailbox):
    root = site()
    mailbox.refuse = {"beta@example.org"}
    first = deliver(root)
    assert first.exit_code == 1
    assert "error: not sent to Beta Media" in first.output and "451" in first.output
    mailbox.refuse = set()
    second = deliver(root)
    assert second.exit_code == 0, second.output
    assert "sent: Beta Media" in second.output and second.output.count("already sent: ") == 2
    for address in ("alpha@example.org", "beta@example.org", "gamma@example.org"):
        assert mailbox.count(address) == 1, address


def test_crash_after_a_send_never_duplicates_or_skips(site, mailbox):
    root = site()
    calls = []

    def connect_then_die(delivery, password) -> smtplib.SMTP:
        smtp = connect_smtp(delivery, password)
        real = smtp.send_message

        def send_then_die(message, *args, **kwargs):
            calls.append(message["To"])
            result = real(message, *args, **kwargs)
            if len(calls) == 2:
                raise KeyboardInterrupt  # the process dies after the server took the 2nd message
            return result
        smtp.send_message = send_then_die
        return smtp

    crashed = deliver(root, connect=connect_then_die)  # click turns the interrupt into "Aborted!", exit 1, like Ctrl-C
    assert crashed.exit_code == 1 and "Aborted!" in crashed.output
    assert len(mailbox.messages) == 2
    second = deliver(root)
    assert second.exit_code == 1  # the interrupted one needs a human look, and says so
    assert "error: unclear: Beta Media" in second.output and "Message-ID" in second.output
    assert "sent: Gamma Watch" in second.output
    for address in ("alpha@example.org", "beta@example.org", "gamma@example.org"):
        assert mailbox.count(address) == 1, address


def test_changed_files_are_reported_not_resent(site, mailbox):
    root = site()
    assert deliver(root).exit_code == 0
    path = root / "dist" / "2026-02" / "deliveries.json"
    record = json.loads(path.read_text(encoding="utf-8"))
    record["partners"]["Alpha Centre"]["files"][0]["sha256"] = "0" * 64  # as if sent before a republish
    path.write_text(json.dumps(record), encoding="utf-8")
    result = deliver(root)
    assert result.exit_code == 0
    assert ("warning: already sent: Alpha Centre <alpha@example.org> [ru]: sent " in result.output
            and "with files that have changed since (bulletin-2026-02-ru.pdf); to send the corrected issue: "
                "bulletin deliver 2026-02 --resend 'Alpha Centre'" in result.output)
    assert len(mailbox.messages) == 3


def test_partners_yaml_problems_are_located(site, mailbox):
    partners = PARTNERS.replace("email: gamma@example.org", "email: gamma-at-example") \
        .replace("language: kk", "language: de") + "  - name: Alpha Centre\n    email: a@example.org\n    fax: 1\n"
    result = deliver(site(partners=partners))
    assert result.exit_code == 1
    assert "partners.yaml:8: error: partner 'Beta Media': 'language': expected one of ru, kk, en, got 'de'" \
        in result.output
    assert ("partners.yaml:10: error: partner 'Gamma Watch': 'email': expected an e-mail address or a list of them, "
            "got 'gamma-at-example'") in result.output
    assert "partners.yaml:13: error: duplicate partner name 'Alpha Centre' (first on line 2)" in result.output
    assert "partners.yaml:15: warning: partner 'Alpha Centre': unknown key 'fax'" in result.output
    assert mailbox.messages == []


def test_refuses_unpublished_month_and_missing_password(site, mailbox, monkeypatch):
    root = site()
    result = run("deliver", "2026-03", "--project", root)
    assert result.exit_code == 1
    assert "2026-03 is not published" in result.output and "run bulletin publish 2026-03 first" in result.output
    config = (root / "bulletin.yaml").read_text(encoding="utf-8").replace(
        "security: none}", "security: starttls, user: bulletin, password_env: TEST_BULLETIN_SMTP_PASSWORD}")
    (root / "bulletin.yaml").write_text(config, encoding="utf-8")
    monkeypatch.delenv("TEST_BULLETIN_SMTP_PASSWORD", raising=False)
    result = deliver(root)
    assert result.exit_code == 1
    assert "the environment variable TEST_BULLETIN_SMTP_PASSWORD (delivery.smtp.password_env) is not set" \
        in result.output
    assert mailbox.messages == []


def test_a_correction_is_resent_to_exactly_the_partners_whose_files_changed(site, mailbox):
    partners = PARTNERS + "  - name: Delta Archive\n    email: delta@example.org\n    language: kk\n    formats: [docx]\n"
    root = site(partners=partners)
    published = (root / "content/rubrics.yaml").stat().st_mtime
    os.utime(root / "bulletin.yaml", (published, published))  # its delivery settings were there when published
    assert deliver(root).exit_code == 0
    assert len(mailbox.messages) == 4
    again = deliver(root)
    assert again.output.count("already sent: ") == 4 and "nothing to send: every partner already has these files" \
        in again.output

    path = root / "content/2026-02/a.kk.md"  # one word of the Kazakh translation corrected
    path.write_text(KK_TRANSLATION.replace("Материалдың мәтіні", "Материалдың түзетілген мәтіні"), encoding="utf-8")
    published = run("publish", "2026-02", "--force", "--project", root)
    assert published.exit_code == 0, published.output
    dry = deliver(root, "--dry-run")
    assert dry.exit_code == 0, dry.output
    changed = sorted(line.split(": ")[2].split(" <")[0] for line in dry.output.splitlines()
                     if line.startswith("warning: already sent: "))
    assert changed == ["Beta Media", "Delta Archive"]  # the two who get Kazakh; ru and en are byte-identical
    assert ("with files that have changed since (bulletin-2026-02-kk.docx); to send the corrected issue: "
            "bulletin deliver 2026-02 --resend 'Delta Archive'") in dry.output
    assert dry.output.count("already sent: Alpha Centre") == dry.output.count("already sent: Gamma Watch") == 1
    assert "would resend (corrected edition): Beta Media" in deliver(root, "--dry-run", "--resend").output
    only = deliver(root, "--dry-run", "--resend", "Delta Archive", "Alpha Centre").output
    assert "would resend (corrected edition): Delta Archive" in only and "warning: already sent: Beta Media" in only
    assert "already sent: Alpha Centre <alpha@example.org> [ru]: sent " in only
    assert "and its files have not changed since: nothing to resend" in only
    assert len(mailbox.messages) == 4

    record = root / "dist/2026-02/deliveries.json"
    beta = json.loads(record.read_text(encoding="utf-8"))["partners"]["Beta Media"]
    mailbox.refuse = {"beta@example.org"}
    refused = deliver(root, "--resend")
    assert refused.exit_code == 1 and "error: not sent to Beta Media" in refused.output
    assert json.loads(record.read_text(encoding="utf-8"))["partners"]["Beta Media"] == beta  # the first send stays
    mailbox.refuse = set()
    resent = deliver(root, "--resend")
    assert resent.exit_code == 0, resent.output
    assert resent.output.count("resent (corrected edition): ") == 1 and "resent (corrected edition): Beta" in resent.output
    assert [mailbox.count(a) for a in ("alpha@example.org", "beta@example.org", "gamma@example.org",
                                       "delta@example.org")] == [1, 2, 1, 2]
    mail = mailbox.messages[-1][1]
    assert mail["Subject"] == "Сынақ бюллетені — түзетілген шығарылым: 2026 ж. ақпан"
    body = mail.get_body().get_content()
    sent = json.loads(record.read_text(encoding="utf-8"))["partners"]
    first = sent["Beta Media"]["earlier"][0]
    assert first["status"] == "sent" and sent["Beta Media"]["correction"] is True
    day = format_long_date(dt.date.fromisoformat(first["sent_at"][:10]), "kk")
    assert ("Бұл — түзетілген басылым: ол бұрын жіберілген шығарылымның орнына жолданды (жіберілген күні: "
            f"{day}).\n").replace("\xa0", " ") in body.replace("\xa0", " ")  # typeset: no-break spaces
    assert sent["Beta Media"]["files"][0]["sha256"] != first["files"][0]["sha256"]
    assert "nothing to send" in deliver(root).output
    assert deliver(root, "--resend").output.count("already sent: ") == 4
    assert len(mailbox.messages) == 6


def test_resend_names_must_be_partners(site, mailbox):
    root = site()
    result = deliver(root, "--resend", "Nobody")
    assert result.exit_code == 2
    assert "--resend: no partner named 'Nobody' in partners.yaml (partners: Alpha Centre, Beta Media, Gamma Watch)" \
        in result.output
    result = deliver(root, "Alpha Centre")
    assert result.exit_code == 2 and "partner names are for --resend" in result.output
    assert mailbox.messages == []


def test_a_string_missing_from_the_partners_catalog_falls_back_with_a_located_warning(site, mailbox):
    """The e-mail's strings load with the deliver's own problem collector (was a throwaway one: Russian
    text in a Kazakh e-mail, and no word about it)."""
    root = site()
    po = root / "layouts" / "locales" / "kk" / "LC_MESSAGES" / "bulletin.po"
    po.parent.mkdir(parents=True)
    text = (REPO / "layouts" / "locales" / "kk" / "LC_MESSAGES" / "bulletin.po").read_text(encoding="utf-8")
    po.write_text(text.replace('msgstr "Құрметпен,"', 'msgstr ""'), encoding="utf-8")
    line = text.splitlines().index('msgid "Kind regards,"') + 1
    result = deliver(root)
    assert result.exit_code == 0, result.output
    assert (f"layouts/locales/kk/LC_MESSAGES/bulletin.po:{line}: warning: msgid 'Kind regards,' is not translated "
            "into 'kk': using the default language's ('ru') translation") in result.output + result.stderr
    body = by_recipient(mailbox)["beta@example.org"].get_body().get_content()
    assert "С уважением,\nСынақ тобы" in body
