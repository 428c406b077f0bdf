from celery import shared_task

from core.tasks import MAIL_RETRY

from . import notifications, services


@shared_task(**MAIL_RETRY)
def help_match_notify_task(match_id: int, event: str, recipient_id: int | None = None) -> int:
    return notifications.help_match_notify(
        match_id=match_id, event=event, recipient_id=recipient_id
    )


@shared_task(**MAIL_RETRY)
def help_offer_remind_task(offer_id: int) -> int:
    return notifications.help_offer_remind(offer_id=offer_id)


@shared_task(**MAIL_RETRY)
def help_request_closed_task(request_id: int) -> int:
    return notifications.help_request_closed_notify(request_id=request_id)


@shared_task
def help_housekeeping_task() -> dict:
    return services.help_housekeeping()
