"""The outbox: mail is written in the transaction that decides it and sent only after it commits.

Sending inside the transaction was wrong both ways (issue 10): a failed send rolled back the
"mailed" marks of the mails already sent, so they went out again on the next run. Now each
message is its own small transaction after the commit: sent, then marked sent (and its reminders
marked mailed); a failure leaves that message pending with its error, the rest go on, and the
next delivery retries only what is pending. A crash between the SMTP server's "queued" and the
mark is the one window where a message can go out twice; there is no way to close it over SMTP.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage

from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session, SessionTransaction

from app.db.base import utcnow
from app.db.engine import session_scope
from app.db.models.deadlines import Reminder
from app.db.models.outbox import OutboxMail
from app.settings import Settings, get_settings

log = logging.getLogger("jianti.outbox")
MAX_ATTEMPTS = 10  # then the message stays in the table with its error for a person to look at
_HOOKED = "jianti_outbox_hooked"


@dataclass
class Delivery:
    sent: list[int] = field(default_factory=list)  # outbox ids
    failed: dict[int, str] = field(default_factory=dict)  # id -> error


def enqueue(
    session: Session, *, subject: str, sender: str, to: Sequence[str], body: str, reminder_keys: Sequence[str] = ()
) -> OutboxMail:
    mail = OutboxMail(
        subject=subject, sender=sender, recipients=", ".join(to), body=body, reminder_keys=list(reminder_keys)
    )
    session.add(mail)
    return mail


def deliver_after_commit(session: Session, settings: Settings | None = None, report: Delivery | None = None) -> None:
    """Send what is pending once this session's transaction commits (nothing if it rolls back)."""
    if session.info.get(_HOOKED):
        return
    session.info[_HOOKED] = True
    engine = session.get_bind()
    armed = [True]

    def after_commit(_session: Session) -> None:
        if not armed[0]:
            return
        armed[0] = False
        session.info.pop(_HOOKED, None)
        try:
            result = deliver_pending(engine, settings)  # type: ignore[arg-type]
        except Exception:  # noqa: BLE001 - the commit stands; the mails stay pending for the next run
            log.exception("outbox delivery failed; pending mails stay queued")
            return
        if report is not None:
            report.sent.extend(result.sent)
            report.failed.update(result.failed)

    def after_rollback(_session: Session, previous: SessionTransaction) -> None:
        if armed[0] and previous.parent is None:  # the whole transaction, not a savepoint
            armed[0] = False
            session.info.pop(_HOOKED, None)

    event.listen(session, "after_commit", after_commit)
    event.listen(session, "after_soft_rollback", after_rollback)


def pending_ids(session: Session) -> list[int]:
    return list(
        session.scalars(
            select(OutboxMail.id)
            .where(OutboxMail.sent_at.is_(None), OutboxMail.attempts < MAX_ATTEMPTS)
            .order_by(OutboxMail.id)
        )
    )


def deliver_pending(engine: Engine, settings: Settings | None = None) -> Delivery:
    """Send every pending message, each in its own transaction; nothing when SMTP is not configured."""
    settings = settings or get_settings()
    report = Delivery()
    if not settings.smtp_host:
        return report
    with session_scope(engine) as session:
        ids = pending_ids(session)
    if not ids:
        return report
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
        for mail_id in ids:
            _deliver_one(engine, smtp, mail_id, report)
    return report


def _deliver_one(engine: Engine, smtp: smtplib.SMTP, mail_id: int, report: Delivery) -> None:
    with session_scope(engine) as session:
        # another sender (a second worker) may hold it: skip it rather than send it twice
        mail = session.scalar(
            select(OutboxMail)
            .where(OutboxMail.id == mail_id, OutboxMail.sent_at.is_(None))
            .with_for_update(skip_locked=True)
        )
        if mail is None:
            return
        message = EmailMessage()
        message["Subject"] = mail.subject
        message["From"] = mail.sender
        message["To"] = mail.recipients
        message.set_content(mail.body)
        try:
            smtp.send_message(message)
        except smtplib.SMTPException as exc:
            mail.attempts += 1
            mail.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            report.failed[mail.id] = mail.last_error
            log.warning("mail %s not sent (attempt %s): %s", mail.id, mail.attempts, mail.last_error)
            return
        now = utcnow()
        mail.attempts += 1
        mail.sent_at = now
        mail.last_error = None
        keys = list(mail.reminder_keys or [])
        if keys:
            for reminder in session.scalars(select(Reminder).where(Reminder.key.in_(keys))):
                reminder.mailed_at = now
        report.sent.append(mail.id)
