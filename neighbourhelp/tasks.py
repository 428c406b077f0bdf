from celery import shared_task

from . import services


@shared_task
def help_match_notify_task(match_id: int, event: str, recipient_id: int | None = None) -> int:
    return services.help_match_notify(match_id=match_id, event=event, recipient_id=recipient_id)


@shared_task
def help_offer_remind_task(offer_id: int) -> int:
    return services.help_offer_remind(offer_id=offer_id)


@shared_task
def help_request_closed_task(request_id: int) -> int:
    return services.help_request_closed_notify(request_id=request_id)


@shared_task
def help_housekeeping_task() -> dict:
    return services.help_housekeeping()
