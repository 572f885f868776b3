"""deliver: one e-mail per partner through a real SMTP server on 127.0.0.1, attachments or links,
--dry-run, partners.yaml validation, and no duplicate or skipped partner after a failure or a crash."""

from __future__ import annotations

import email
import email.policy
import json
import shutil
import smtplib
import socket
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from conftest import entry, make_project, run

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


def deliver(root: Path, *args: str):
    return run("deliver", "2026-02", "--project", root, *args)


def by_recipient(mailbox: Mailbox) -> dict[str, email.message.EmailMessage]:
    return {rcpts[0]: message for rcpts, message in mailbox.messages}


def test_each_partner_gets_one_email_in_its_language(site, mailbox):
    root = site()
    result = deliver(root)
    assert result.exit_code == 0, result.output
    assert sorted(sorted(r) for r, _ in mailbox.messages) == [
        ["alpha@example.org"], ["beta@example.org", "desk@example.org"], ["gamma@example.org"]]
    mails = by_recipient(mailbox)
    assert mails["alpha@example.org"]["Subject"] == "Тестовый бюллетень — новый выпуск: Февраль 2026"
    assert mails["beta@example.org"]["Subject"] == "Сынақ бюллетені — жаңа шығарылым: Ақпан 2026"
    assert mails["gamma@example.org"]["Subject"] == "Test Bulletin — new issue: February 2026"
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


def test_crash_after_a_send_never_duplicates_or_skips(site, mailbox, monkeypatch):
    root = site()
    real, calls = smtplib.SMTP.send_message, []

    def send_then_die(self, message, *args, **kwargs):
        calls.append(message["To"])
        result = real(self, message, *args, **kwargs)
        if len(calls) == 2:
            raise KeyboardInterrupt  # the process dies after the server took the 2nd message
        return result

    monkeypatch.setattr(smtplib.SMTP, "send_message", send_then_die)
    crashed = deliver(root)  # click turns the interrupt into "Aborted!", exit 1, like Ctrl-C
    assert crashed.exit_code == 1 and "Aborted!" in crashed.output
    monkeypatch.undo()
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
            and "with files that have changed since (bulletin-2026-02-ru.pdf); not resent" in result.output)
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
