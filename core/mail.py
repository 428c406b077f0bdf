"""E-mail, built one way: rendered in the recipient's language, sent after the commit.

Every e-mail of the site is made by message_render() (subject and body from templates, in the
recipient's language, with the one subject prefix and absolute links from site_url()) and sent
by messages_send() from a task that runs once the transaction has committed: an app's own task
that loads its rows by id (activities, neighbourhelp, moderation, accounts, the referral
outbox), or core.tasks.mail_send_task for a message rendered in the request
(message_send_on_commit(), used for allauth's mails).

Templates follow allauth's names: <prefix>_subject.txt, <prefix>_message.txt and, when it
exists, <prefix>_message.html as an HTML alternative.

Below that, sending without letting a mail server that does not answer hold anything up.

settings.EMAIL_TIMEOUT bounds each wait on the server (Django passes it to smtplib). Without
it, a server that accepts the connection and never answers held a request (tasks run eagerly
without a broker) or a worker for good. This backend adds what a timeout alone does not: after
such a failure the server is left alone for OUTAGE_BACKOFF seconds, so that a request that
sends several e-mails (a referral tells every member of an association) waits once, not once
per e-mail; and a connection that timed out is dropped without a QUIT that would wait again.

The callers keep "save first, send later": e-mails go out in tasks queued after the commit
(core.tasks), never inside a transaction; a failure is logged by the task, and what has an
outbox (referral notifications) is tried again later.
"""

from __future__ import annotations

import contextlib
import logging
import re
import smtplib
import socket

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends import smtp
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation

from .outages import CircuitBreaker

logger = logging.getLogger(__name__)

LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")


def site_url(path: str = "") -> str:
    """An absolute link for an e-mail: settings.SITE_URL (the public address, which a task has
    no request to ask) followed by `path`."""
    return settings.SITE_URL.rstrip("/") + path


def recipient_language(recipient) -> str:
    """The language to write to `recipient` in: their own when the account stores one (a
    `language` attribute), else the site's (settings.LANGUAGE_CODE). An address alone has
    none."""
    return getattr(recipient, "language", "") or settings.LANGUAGE_CODE


def message_render(
    *,
    context: dict,
    recipient,
    template_prefix: str = "",
    subject_template: str = "",
    body_template: str = "",
    html_template: str = "",
    language: str | None = None,
) -> EmailMultiAlternatives:
    """One e-mail to `recipient` (a user or an address), rendered in `language` (default: the
    recipient's, recipient_language()).

    Templates: `template_prefix` + _subject.txt / _message.txt / _message.html (the HTML
    alternative only when that template exists), or each named. The subject becomes one line
    (a title can hold a line break, which a mail header cannot; French non-breaking spaces
    stay) after the one prefix,
    settings.ACCOUNT_EMAIL_SUBJECT_PREFIX (allauth adds the same to its own e-mails).
    """
    if template_prefix:
        subject_template = subject_template or f"{template_prefix}_subject.txt"
        body_template = body_template or f"{template_prefix}_message.txt"
        html_template = html_template or f"{template_prefix}_message.html"
    address = recipient if isinstance(recipient, str) else recipient.email
    with translation.override(language or recipient_language(recipient)):
        subject = LINE_BREAKS.sub(" ", render_to_string(subject_template, context)).strip()
        body = render_to_string(body_template, context)
        html = None
        if html_template:
            with contextlib.suppress(TemplateDoesNotExist):
                html = render_to_string(html_template, context)
    message = EmailMultiAlternatives(
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body, None, [address]
    )
    if html:
        message.attach_alternative(html, "text/html")
    return message


def messages_send(messages: list) -> int:
    """Send now, over one connection; the number sent. Call it from a task queued after the
    commit, never inside a transaction: a mail server that does not answer must hold no
    database lock. A failure is logged and raised again, for the task to retry (or the
    referral outbox to keep the message)."""
    if not messages:
        return 0
    try:
        return get_connection().send_messages(messages) or 0
    except Exception:
        logger.warning("%d e-mail(s) not sent", len(messages), exc_info=True)
        raise


def message_send_on_commit(message: EmailMultiAlternatives) -> None:
    """Send a message rendered now (in the request, in its language) from a task queued when
    the transaction commits: nothing goes out for a request that rolled back."""
    from .tasks import enqueue_on_commit, mail_send_task

    html = next((content for content, kind in message.alternatives if kind == "text/html"), None)
    enqueue_on_commit(
        mail_send_task,
        subject=message.subject,
        body=message.body,
        from_email=message.from_email,
        to=list(message.to),
        html=html,
    )


# The server is away (not: it refused one message).
UNREACHABLE = (
    TimeoutError,
    ConnectionError,
    socket.gaierror,
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
)

_breakers: dict[tuple[str, int], CircuitBreaker] = {}


class MailServerSkipped(smtplib.SMTPServerDisconnected):
    """Not tried: the mail server did not answer a moment ago. Tasks retry it like any
    SMTP failure."""


def breaker_for(host: str, port: int) -> CircuitBreaker:
    key = (host, int(port))
    if key not in _breakers:
        _breakers[key] = CircuitBreaker(f"Mail server {host}:{port}")
    return _breakers[key]


class EmailBackend(smtp.EmailBackend):
    """Django's SMTP backend (settings.EMAIL_BACKEND for an smtp:// EMAIL_URL) that skips a
    mail server for a while after it failed to answer."""

    def send_messages(self, email_messages):
        breaker = breaker_for(self.host, self.port)
        if email_messages and breaker.is_open:
            if self.fail_silently:
                return 0
            raise MailServerSkipped(f"{self.host}:{self.port} did not answer a moment ago")
        try:
            return super().send_messages(email_messages)
        except UNREACHABLE:
            breaker.trip()
            raise

    def _send(self, email_message):
        try:
            return super()._send(email_message)
        except UNREACHABLE:
            # Close the socket without a QUIT, which would wait for the server once more.
            self.connection.close()
            self.connection = None
            raise
