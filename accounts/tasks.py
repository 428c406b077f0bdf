"""Background work of the accounts app: e-mails and the retention of personal data."""

import smtplib

from celery import shared_task

from . import services

# E-mail servers fail now and then: retry with backoff (30 s, 1, 2, 4, 8 min).
MAIL_RETRY = {
    "autoretry_for": (smtplib.SMTPException, OSError),
    "retry_backoff": 30,
    "retry_backoff_max": 15 * 60,
    "max_retries": 5,
}


@shared_task(**MAIL_RETRY)
def email_send_task(*, subject: str, body: str, from_email: str, to: list[str], html=None):
    """Send a message rendered in the request (allauth's mails)."""
    services.email_send(subject=subject, body=body, from_email=from_email, to=to, html=html)


@shared_task(**MAIL_RETRY)
def invitation_send_task(invitation_id: int):
    services.invitation_send_mail(invitation_id=invitation_id)


@shared_task(**MAIL_RETRY)
def worker_decision_mail_task(user_id: int, verified: bool):
    services.worker_decision_mail(user_id=user_id, verified=verified)


@shared_task
def personal_data_retention_task() -> dict:
    """Daily (CELERY_BEAT_SCHEDULE): delete and anonymise what is kept too long."""
    return services.personal_data_retention()
