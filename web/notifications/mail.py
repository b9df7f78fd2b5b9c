"""The notification mail: worded in German as plain text, sent through the county's SMTP server.

`compose` is pure (a notification and the base URL in, an `EmailMessage` out); `send_mail_job`
is the job runner's handler. A server that is down, refuses the sender or times out ends the job
as failed with a German reason, logged and listed for the administration on „Meine Aufgaben“;
the workflow step that caused the mail was committed before and stays done.
"""

from __future__ import annotations

import logging
import re
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app

from web.database import db, utcnow
from web.jobs import finish, hold_lease
from web.models import JobState, MailJob, Notification, NotificationKind

log = logging.getLogger(__name__)

SIGNATURE = (
    "-- \nDiese Nachricht hat drafter automatisch versandt. Benachrichtigungen stehen auch in der Anwendung "
    "unter „Benachrichtigungen“."
)


def notification_link(notification: Notification) -> str:
    """The path of the answer (or, for an assignment, the inquiry) the notification is about."""
    adapter = current_app.url_map.bind("localhost")
    if notification.draft_id is not None:
        return adapter.build("drafts.workspace", {"draft_id": notification.draft_id})
    return adapter.build("inquiries.detail", {"inquiry_id": notification.inquiry_id})


def headline(notification: Notification) -> str:
    """One line saying what happened, as the list in the app and the mail's subject show it."""
    inquiry = notification.inquiry
    about = f"{inquiry.reference}: {inquiry.subject}"
    if notification.kind_enum == NotificationKind.ASSIGNED:
        return f"Anfrage zugewiesen – {about}"
    label = notification.draft.question.label
    verb = "zurückgegeben" if notification.kind_enum == NotificationKind.SENT_BACK else "freigegeben"
    return f"Antwort {label} {verb} – {about}"


def compose(notification: Notification, recipient: str, sender: str, base_url: str) -> EmailMessage:
    actor = notification.actor.display_name if notification.actor else "Jemand"
    inquiry = notification.inquiry
    about = f"zur Anfrage {inquiry.reference} („{_one_line(inquiry.subject)}“)"
    if notification.kind_enum == NotificationKind.ASSIGNED:
        event = f"{actor} hat Ihnen die Anfrage {inquiry.reference} („{_one_line(inquiry.subject)}“) zugewiesen."
        target = "Zur Anfrage"
    else:
        label = notification.draft.question.label
        sent_back = notification.kind_enum == NotificationKind.SENT_BACK
        done = "zur Überarbeitung zurückgegeben" if sent_back else "freigegeben"
        event = f"{actor} hat die Antwort {label} {about} {done}."
        target = "Zur Antwort"
    lines = [f"Guten Tag {notification.user.display_name},", "", event]
    if notification.comment:
        lines += ["", "Kommentar:", notification.comment]
    lines += [
        "",
        f"Frist der Anfrage: {inquiry.deadline:%d.%m.%Y}",
        f"{target}: {base_url}{notification_link(notification)}",
        "",
        SIGNATURE,
    ]
    message = EmailMessage()
    message["Subject"] = _one_line(headline(notification))[:200]
    message["From"] = sender
    message["To"] = recipient
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "drafter")
    message.set_content("\n".join(lines))
    return message


def _one_line(text: str) -> str:
    """Header values must not hold line breaks (a subject pasted with one would otherwise break the mail)."""
    return re.sub(r"\s+", " ", text).strip()


def send_mail_job(job_id: int) -> None:
    """Handler for the job runner: send the mail only while this run holds the job, and mark it sent right after.

    Sending cannot be rolled back, so the lease is checked and renewed once the SMTP server has greeted us and
    taken the login, just before the message goes out (`_send`), and checked again to store the outcome. A
    server slow to answer the connection, or a process paused before that, thus costs no second mail: the run
    that lost its job meanwhile hangs up without sending. The window left: when handing over the message
    outlasts the lease just renewed (DRAFTER_JOB_LEASE_SECONDS, 90 s by default, against DRAFTER_SMTP_TIMEOUT
    per step of the SMTP dialogue), or the process is cut off or paused that long between the check and the
    send, another host may take the job over and send the mail a second time; this run then logs that its
    outcome is discarded, and the new owner's outcome stands.
    """
    job = db.session.get(MailJob, job_id)
    config = current_app.config
    message = compose(job.notification, job.recipient, config["SMTP_FROM"], config["BASE_URL"])
    db.session.commit()  # no transaction open while the SMTP server takes its time to answer
    try:
        if not _send(message, job):
            return
        failure = None
    except (OSError, smtplib.SMTPException) as error:
        log.warning("E-Mail %s an %s nicht versandt: %s", job.id, job.recipient, error)
        failure = error
    if not hold_lease(job):
        return
    if failure is None:
        finish(job)
    else:
        job.state, job.finished_at = JobState.FAILED, utcnow()
        job.error = (
            f"Die E-Mail an {job.recipient} konnte nicht versandt werden ({type(failure).__name__}: {failure}). "
            f"Bitte den SMTP-Server {config['SMTP_HOST']}:{config['SMTP_PORT']} und die Einstellungen "
            "DRAFTER_SMTP_* prüfen; die Benachrichtigung steht in der Anwendung."
        )
    db.session.commit()


def _send(message: EmailMessage, job: MailJob) -> bool:
    """Whether the message went out: not when the run lost `job` while the server opened the dialogue."""
    config = current_app.config
    with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=config["SMTP_TIMEOUT"]) as server:
        if config["SMTP_STARTTLS"]:
            server.starttls(context=ssl.create_default_context(cafile=config["SMTP_CA_FILE"] or None))
        if config["SMTP_USER"]:
            server.login(config["SMTP_USER"], config["SMTP_PASSWORD"])
        if not hold_lease(job):
            return False
        db.session.commit()  # no lock held while the server takes the message
        server.send_message(message)
    return True
