"""Background work of moderation: thin tasks that load by id and call a service."""

from celery import shared_task

from core.tasks import MAIL_RETRY

from . import services


@shared_task(**MAIL_RETRY, acks_late=True)
def decision_notify_task(audit_entry_id: int) -> int:
    return services.decision_notify(audit_entry_id=audit_entry_id)
