"""Background work of the accounts app: e-mails and the retention of personal data."""

from celery import shared_task

from core.tasks import MAIL_RETRY

from . import listing_reviews, services


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


@shared_task(**MAIL_RETRY)
def claim_email_task(claim_id: int, language: str):
    from . import joining

    joining.claim_email_send(claim_id=claim_id, language=language)


@shared_task(**MAIL_RETRY)
def worker_email_task(profile_id: int, language: str):
    services.worker_email_send(profile_id=profile_id, language=language)


@shared_task(**MAIL_RETRY)
def listing_review_mail_task(review_id: int) -> int:
    return listing_reviews.listing_review_mail(review_id=review_id)


@shared_task
def listing_reviews_task() -> dict:
    """Daily (CELERY_BEAT_SCHEDULE): ask for the reviews that are due, send what is unsent."""
    return listing_reviews.listing_reviews_run()
