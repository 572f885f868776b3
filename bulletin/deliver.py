"""partners.yaml + a published dist/<MONTH>/ -> one e-mail per partner, each recorded in deliveries.json."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shlex
import smtplib
import ssl
from dataclasses import dataclass, field
from pathlib import Path

from .build import Progress
from .config import Config, Delivery
from .locale import format_size
from .problems import BulletinError, Problems
from .errors import UsageError
from .project import Project
from .atomic import write_atomic
from .release import DELIVERIES, MANIFEST, PublishError, lock_dist, resolve_dist
from .partners import PARTNERS_FILE, Partner, load_partners

SMTP_TIMEOUT = 60
# What a run does with a partner; a plan's outcome once it ran.
SEND, SKIP, CHANGED, UNCLEAR, ERROR = "send", "skip", "changed", "unclear", "error"
SENT, SENDING, FAILED, NOT_ATTEMPTED = "sent", "sending", "failed", "not attempted"


class DeliveryError(PublishError):
    """Delivery cannot start (nothing published, no settings, no password, no server)."""


class DeliveryUsageError(DeliveryError, UsageError):
    """The command was asked for something that does not exist (an unknown partner name)."""


@dataclass
class Plan:
    """One partner on this run: what to do, with which files, and what happened."""

    partner: Partner
    action: str
    files: list[dict] = field(default_factory=list)
    linked: bool = False
    note: str = ""
    outcome: str = ""
    message_id: str = ""
    earlier: dict | None = None  # a resend: the record of the send it corrects (or repeats)


@dataclass
class DeliveryResult:
    month: str
    plans: list[Plan]
    problems: Problems
    dry_run: bool
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(p.action in (ERROR, UNCLEAR) or p.outcome in (FAILED, SENDING, NOT_ATTEMPTED)
                       for p in self.plans)


def read_record(folder: Path) -> dict:
    path = folder / DELIVERIES
    if not path.is_file():
        return {"month": folder.name, "partners": {}}
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(record.get("partners"), dict):
            raise ValueError("no 'partners' mapping")
    except (OSError, ValueError, AttributeError) as exc:
        # Never guess: treating a damaged record as empty would send everyone the bulletin again.
        raise DeliveryError(f"{path}: cannot read the record of past deliveries ({exc}); repair it first")
    return record


def save_record(folder: Path, record: dict) -> None:
    write_atomic(folder / DELIVERIES, (json.dumps(record, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))


def plan_deliveries(partners: list[Partner], manifest: dict, folder: Path, record: dict,
                    delivery: Delivery, resend: list[str] | None = None) -> list[Plan]:
    """Decide per partner: send, skip (already served), or report (changed files, interrupted send).

    ``resend`` (``--resend``): ``[]`` sends the corrected issue to every partner whose files changed
    since it was served; names limit that to those partners, and may also repeat an interrupted send.
    """
    month = folder.name
    named = set(resend or ())
    plans, digests = [], {}
    for partner in partners:
        files = [dict(item) for fmt in partner.formats for item in manifest["files"]
                 if item["language"] == partner.language and item["format"] == fmt]
        plan = Plan(partner, SEND, files)
        plans.append(plan)
        missing = [fmt for fmt in partner.formats if fmt not in {f["format"] for f in files}]
        if missing:
            plan.action, plan.note = ERROR, f"this release has no {partner.language} {', '.join(missing)}"
            continue
        for item in files:
            path = folder / item["name"]
            if item["name"] not in digests:
                digests[item["name"]] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
            if digests[item["name"]] != item["sha256"]:
                plan.action, plan.note = ERROR, f"{item['name']} is missing or differs from {MANIFEST}: publish again"
        if plan.action == ERROR:
            continue
        done = record["partners"].get(partner.name)
        again = f"bulletin deliver {month} --resend {shlex.quote(partner.name)}"
        if done and done["status"] == SENDING and partner.name not in named:
            plan.action, plan.message_id = UNCLEAR, done["message_id"]
            plan.note = (f"a send started {done['started_at']} was interrupted and may have gone out: look for "
                         f"Message-ID {done['message_id']} in the mail server's log; if it is not there, "
                         f"send it again with: {again}")
        elif done and done["status"] == SENDING:
            plan.earlier = done  # named: the sender checked the mail log and wants it sent again
        elif done:
            plan.action, plan.message_id = SKIP, done["message_id"]
            before = {f["name"]: f["sha256"] for f in done["files"]}
            now = {f["name"]: f["sha256"] for f in files}
            plan.note = f"sent {done['sent_at']}"
            if before != now and resend is not None and (not named or partner.name in named):
                plan.action, plan.message_id, plan.earlier, plan.note = SEND, "", done, ""
            elif before != now:
                changed = sorted(set(before.items()) ^ set(now.items()))
                plan.action = CHANGED
                plan.note += (f" with files that have changed since ({', '.join(sorted({n for n, _ in changed}))});"
                              f" to send the corrected issue: {again}")
            elif partner.name in named:
                plan.note += ", and its files have not changed since: nothing to resend"
        if plan.action != SEND:
            continue
        plan.linked = sum(f["bytes"] for f in files) > delivery.max_attachment_bytes
        if plan.linked and not delivery.link_base:
            plan.action = ERROR
            plan.note = (f"the files total {sum(f['bytes'] for f in files)} bytes, over "
                         f"delivery.max_attachment_bytes ({delivery.max_attachment_bytes}), and no "
                         f"delivery.link_base is set to link them instead")
    return plans


def corrected_send(plan: Plan) -> dict | None:
    """The last completed send to this partner, when it had other files: this one is then a correction."""
    chain = [plan.earlier, *plan.earlier.get("earlier", [])] if plan.earlier else []
    last = next((entry for entry in chain if entry.get("status") == SENT), None)
    if last is None:
        return None
    before = {f["name"]: f["sha256"] for f in last["files"]}
    return last if before != {f["name"]: f["sha256"] for f in plan.files} else None


def _history(plan: Plan) -> list[dict]:
    """Earlier sends kept in the partner's record, newest first, each without its own history."""
    if not plan.earlier:
        return []
    return [{k: v for k, v in plan.earlier.items() if k != "earlier"}, *plan.earlier.get("earlier", [])]


def connect_smtp(delivery: Delivery, password: str | None) -> smtplib.SMTP:
    where = f"{delivery.host}:{delivery.port} ({delivery.security})"
    try:
        if delivery.security == "ssl":
            smtp = smtplib.SMTP_SSL(delivery.host, delivery.port, timeout=SMTP_TIMEOUT,
                                    context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(delivery.host, delivery.port, timeout=SMTP_TIMEOUT)
        if delivery.security == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        if delivery.user:
            smtp.login(delivery.user, password)
    except smtplib.SMTPAuthenticationError as exc:
        raise DeliveryError(f"the mail server {where} refused the login of {delivery.user}: {exc.smtp_error!r}")
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(f"cannot use the mail server {where}: {exc}")
    return smtp


def send_planned(smtp: smtplib.SMTP, config: Config, plans: list[Plan], month: str, folder: Path, record: dict,
                 progress: Progress | None, problems: Problems) -> None:
    """Send one by one, recording each before (sending) and after (sent): a crash leaves no doubt unrecorded."""
    def now() -> str:
        return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")

    from .mail import compose_message

    queue = [plan for plan in plans if plan.action == SEND]
    for index, plan in enumerate(queue):
        partner = plan.partner
        message = compose_message(config, plan, month, folder, problems)
        entry = {"status": SENDING, "partner": partner.name, "addresses": partner.emails,
                 "language": partner.language, "message_id": plan.message_id, "started_at": now(),
                 "files": [{"name": f["name"], "sha256": f["sha256"], "bytes": f["bytes"],
                            "sent_as": "link" if plan.linked else "attachment"} for f in plan.files]}
        if plan.earlier:
            entry.update(correction=corrected_send(plan) is not None, earlier=_history(plan))
        record["partners"][partner.name] = entry
        save_record(folder, record)
        try:
            refused = smtp.send_message(message)
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException, smtplib.SMTPNotSupportedError) as exc:
            # The server answered no: nothing went out, so a later run may send it.
            if plan.earlier:
                record["partners"][partner.name] = plan.earlier
            else:
                del record["partners"][partner.name]
            save_record(folder, record)
            plan.outcome, plan.note = FAILED, f"the mail server refused it: {exc}"
            if progress:
                progress(plan)
            continue
        except (OSError, smtplib.SMTPException) as exc:
            # The connection broke mid-send: it may have been delivered, so it stays 'sending' (reported).
            plan.outcome, plan.note = SENDING, f"the connection broke while sending ({exc}); it may have gone out"
            for rest in queue[index + 1:]:
                rest.outcome = NOT_ATTEMPTED
            if progress:
                progress(plan)
            return
        entry.update(status=SENT, sent_at=now())
        if refused:
            entry["refused"] = sorted(refused)
            plan.note = f"refused by the server: {', '.join(sorted(refused))}"
        save_record(folder, record)
        plan.outcome = SENT
        if progress:
            progress(plan)


def describe_plan(plan: Plan, dry_run: bool) -> str:
    """One line for the terminal: what happened (or would happen) to a partner."""
    partner = plan.partner
    who = f"{partner.name} <{', '.join(partner.emails)}> [{partner.language}]"
    how = "linked" if plan.linked else "attached"
    size = format_size(sum(f["bytes"] for f in plan.files), "en")
    files = f"{', '.join(f['name'] for f in plan.files)} {how} ({size})"
    if plan.action == SEND:
        again = "re" if plan.earlier else ""
        kind = " (corrected edition)" if plan.earlier and corrected_send(plan) else ""
        if dry_run:
            return f"would {again}send{kind}: {who}: {files}"
        text = {SENT: f"{again}sent{kind}: {who}: {files}; Message-ID {plan.message_id}",
                FAILED: f"error: not sent to {who}: {plan.note}",
                SENDING: f"error: unclear whether it reached {who}: {plan.note}",
                NOT_ATTEMPTED: f"error: not sent to {who}: the connection to the mail server broke first; "
                               f"run deliver again"}[plan.outcome]
        return text + (f" ({plan.note})" if plan.outcome == SENT and plan.note else "")
    label = {SKIP: "already sent", CHANGED: "warning: already sent", UNCLEAR: "error: unclear", ERROR: "error"}
    return f"{label[plan.action]}: {who}: {plan.note}" + (f"; Message-ID {plan.message_id}" if plan.action == SKIP
                                                            else "")


def resend_names(partners: tuple[str, ...], resend: bool) -> list[str] | None:
    """deliver's ``resend`` argument from the command line: partner names go with --resend only."""
    if partners and not resend:
        raise UsageError("partner names are for --resend (bulletin deliver MONTH --resend [PARTNER]...)")
    return list(partners) if resend else None


def deliver_month(project: Project | Path, month: str, dist: Path | None = None, dry_run: bool = False,
                  progress: Progress | None = None, environ=None, resend: list[str] | None = None,
                  connect=connect_smtp) -> DeliveryResult:
    """Plan every partner's e-mail for a published month and, unless dry_run, send the ones due.

    ``resend``: None for a normal run; a (possibly empty) list of partner names for ``--resend``.
    ``connect(delivery, password)``: the SMTP factory (a test's stand-in server or failing connection).
    """
    environ = os.environ if environ is None else environ
    project = Project.of(project).require()
    config, problems, root = project.config, project.problems, project.root
    if config.delivery is None:
        raise DeliveryError("bulletin.yaml has no 'delivery' section (smtp, from, max_attachment_bytes, link_base)")
    folder = resolve_dist(config, dist) / month
    if not (folder / MANIFEST).is_file():
        raise DeliveryError(f"{month} is not published in {folder.parent}: run bulletin publish {month} first")
    partners = load_partners(root, config, problems)
    if problems.errors:
        raise BulletinError(problems)
    unknown = [name for name in resend or () if name not in {p.name for p in partners}]
    if unknown:
        raise DeliveryUsageError(f"--resend: no partner named {', '.join(map(repr, unknown))} in {PARTNERS_FILE} "
                                 f"(partners: {', '.join(p.name for p in partners)})")
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    delivery, password = config.delivery, None
    if delivery.user:
        password = environ.get(delivery.password_env)
        if password is None:
            message = (f"the environment variable {delivery.password_env} (delivery.smtp.password_env) is not set; "
                       f"it must hold the password of {delivery.user}")
            if not dry_run:
                raise DeliveryError(message)
    if dry_run:
        plans = plan_deliveries(partners, manifest, folder, read_record(folder), delivery, resend)
        notes = [f"note: {message}"] if delivery.user and password is None else []
        return DeliveryResult(month, plans, problems, True, notes)
    with lock_dist(folder.parent):
        record = read_record(folder)
        plans = plan_deliveries(partners, manifest, folder, record, delivery, resend)
        if any(plan.action == SEND for plan in plans):
            smtp = connect(delivery, password)
            try:
                send_planned(smtp, config, plans, month, folder, record, progress, problems)
            finally:
                try:
                    smtp.quit()
                except (OSError, smtplib.SMTPException):
                    pass  # the messages are already accepted or recorded; a failed goodbye changes nothing
    return DeliveryResult(month, plans, problems, False)
