"""Background work of moderation: thin tasks that load by id and call a service."""

import smtplib

from celery import shared_task

from . import services


# Mail servers fail now and then: retry with backoff (30 s, 1, 2, 4, 8 min).
@shared_task(
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=15 * 60,
    max_retries=5,
    acks_late=True,
)
def decision_notify_task(audit_entry_id: int) -> int:
    return services.decision_notify(audit_entry_id=audit_entry_id)
