"""A planned delivery -> the partner's e-mail: subject and body in its language, files attached or linked."""

from __future__ import annotations

import datetime as dt
from email import encoders
from email.header import Header
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from pathlib import Path

from .config import Config
from .deliver import Plan, corrected_send
from .layouts import layouts_dirs
from .layouts import load_messages, report_missing
from .locale import format_long_date, format_month_in_text, format_size
from .problems import Problems
from .render import MEDIA_TYPES
from .typography import typeset_text


def compose_message(config: Config, plan: Plan, month: str, folder: Path, problems: Problems) -> MIMEText | MIMEMultipart:
    """The partner's e-mail: subject and body from its language's catalog, files attached or linked; a
    string that catalog lacks comes from the default language's, with a warning in ``problems``."""
    lang, delivery = plan.partner.language, config.delivery
    messages = load_messages(layouts_dirs(config), lang, config.default_language, problems)
    _ = messages.gettext
    names = {"publication": config.localized(config.publication, lang), "month": format_month_in_text(month, lang)}
    corrects = corrected_send(plan)
    if plan.linked:
        listing = [_("The files are too large to attach; they can be downloaded here:")]
        listing += [f"  {delivery.link_base}{month}/{f['name']} ({format_size(f['bytes'], lang)})" for f in plan.files]
    else:
        listing = [_("The files are attached to this message:")]
        listing += [f"  {f['name']} ({format_size(f['bytes'], lang)})" for f in plan.files]
    body = [_("Dear colleagues,"), "", end_sentence(_("Here is the new issue of “%(publication)s”: %(month)s.") % names)]
    if corrects:
        sent = dt.date.fromisoformat(corrects["sent_at"][:10])
        body += [end_sentence(_("This is a corrected edition: it replaces the issue sent on %(date)s.")
                              % {"date": format_long_date(sent, lang)})]
    body += ["", *listing, "", _("Kind regards,")]
    if config.publisher:
        body.append(config.localized(config.publisher, lang))
    body = [typeset_text(line, lang) for line in body]  # the same typesetting as the bulletin itself
    # The compat32 classes, not EmailMessage: Python 3.11's folding drops the space between two
    # encoded words of a long Cyrillic subject ("жаңа шығарылым" arrives as "жаңашығарылым").
    message = MIMEMultipart() if not plan.linked else MIMEText("\n".join(body) + "\n", "plain", "utf-8")
    if not plan.linked:
        message.attach(MIMEText("\n".join(body) + "\n", "plain", "utf-8"))
        for item in plan.files:
            data = (folder / item["name"]).read_bytes()
            if item["format"] == "html":
                # Text, so mail clients show it; base64 keeps the published bytes exactly (and their checksum).
                part = MIMENonMultipart("text", "html", charset="utf-8")
                part.set_payload(data)
                encoders.encode_base64(part)
            else:
                part = MIMEApplication(data, MIME_SUBTYPES[item["format"]])
            part.add_header("Content-Disposition", "attachment", filename=item["name"])
            message.attach(part)
    subject = _("%(publication)s — corrected issue: %(month)s") if corrects else _("%(publication)s — new issue: %(month)s")
    # Typeset quotes and dashes, but plain spaces: a subject is searched and shown in one line.
    message["Subject"] = Header(typeset_text(subject % names, lang).replace("\u00a0", " "), "utf-8")
    display, address = parseaddr(delivery.sender)
    message["From"] = formataddr((display, address), charset="utf-8")
    message["To"] = ", ".join(plan.partner.emails)
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = plan.message_id = make_msgid("bulletin", domain=address.rpartition("@")[2])
    message["Content-Language"] = lang
    report_missing(messages, problems)
    return message


MIME_SUBTYPES = {fmt: media.partition("/")[2] for fmt, media in MEDIA_TYPES.items()}  # the registry's


def end_sentence(text: str) -> str:
    """A sentence ending in an abbreviation (``2026 г.``) takes no second full stop."""
    return text[:-1] if text.endswith("..") else text
