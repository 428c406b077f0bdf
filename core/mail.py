"""Sending e-mail without letting a mail server that does not answer hold anything up.

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

import smtplib
import socket

from django.core.mail.backends import smtp

from .outages import CircuitBreaker

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
