"""Confirming an e-mail address by a link sent to it: a worker's work address
(services.worker_email_*) and the association's address given with a claim
(joining.claim_email_*). One way for both:

- the link carries an unguessable token (core.tokens.new_token), made anew with each address;
- it confirms only in the person's own session, so a link scanner (no session) or someone
  else (no token) confirms nothing; a wrong link is the model's DoesNotExist (a 404);
- opening it again changes nothing; the confirmation is in the audit log;
- with `made_field` and `valid_days_setting`, a link not used within that many days has
  expired (LinkExpired: nothing confirmed) and `renew` makes a new one.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from core.mail import message_render, messages_send, site_url
from core.tokens import new_token

from .models import OrganisationClaim, User, WorkerProfile

M = TypeVar("M", bound=models.Model)


class LinkExpired(Exception):
    """The right link, opened by the right person, but too late: nothing was confirmed."""

    def __init__(self, obj: models.Model):
        super().__init__(obj)
        self.obj = obj


@dataclass(frozen=True)
class AddressLink(Generic[M]):
    model: type[M]
    email_field: str
    token_field: str
    confirmed_field: str
    url_name: str
    template_prefix: str
    made_field: str = ""
    valid_days_setting: str = ""

    def issue(self, obj: M, email: str) -> None:
        """Give `obj` the address `email` (not saved): a new token, not confirmed."""
        setattr(obj, self.email_field, email)
        setattr(obj, self.token_field, new_token() if email else "")
        setattr(obj, self.confirmed_field, None)
        if self.made_field:
            setattr(obj, self.made_field, timezone.now())

    def url(self, obj: M) -> str:
        return site_url(reverse(self.url_name, args=[obj.pk, getattr(obj, self.token_field)]))

    def send(self, obj: M, *, language: str, context: dict) -> None:
        """E-mail the link to the address (from a task, after the commit)."""
        message = message_render(
            template_prefix=self.template_prefix,
            context=context | {"url": self.url(obj)},
            recipient=getattr(obj, self.email_field),
            language=language,
        )
        messages_send([message])

    def expires_at(self, obj: M) -> datetime.datetime | None:
        if not (self.made_field and self.valid_days_setting):
            return None
        days = getattr(settings, self.valid_days_setting)
        return getattr(obj, self.made_field) + datetime.timedelta(days=days)

    def is_expired(self, obj: M, *, now: datetime.datetime | None = None) -> bool:
        expires_at = self.expires_at(obj)
        return expires_at is not None and (now or timezone.now()) >= expires_at

    @transaction.atomic
    def confirm(self, *, pk: int, token: str, user: User) -> M:
        """`user` opened the link of their object `pk` with `token`. Raises the model's
        DoesNotExist for a wrong link, LinkExpired for one too late."""
        obj = (
            self.model._default_manager.select_for_update()
            .filter(pk=pk, user=user)
            .exclude(**{self.token_field: ""})
            .first()
        )
        if obj is None or not secrets.compare_digest(getattr(obj, self.token_field), token):
            raise self.model.DoesNotExist  # type: ignore[attr-defined]  # every model has one
        if getattr(obj, self.confirmed_field) is None:
            if self.is_expired(obj):
                raise LinkExpired(obj)
            setattr(obj, self.confirmed_field, timezone.now())
            obj.save(update_fields=[self.confirmed_field])
            # Imported here: moderation's services import accounts' (as accounts/services.py).
            from moderation.models import AuditEntry
            from moderation.services import audit_record

            audit_record(actor=user, action=AuditEntry.Action.CONFIRM_EMAIL, target=obj)
        return obj

    def renew(self, obj: M) -> None:
        """A new link for the same, still unconfirmed address (saved): the old one stops."""
        self.issue(obj, getattr(obj, self.email_field))
        fields = [self.token_field, self.confirmed_field]
        obj.save(update_fields=[*fields, self.made_field] if self.made_field else fields)


WORK_EMAIL: AddressLink[WorkerProfile] = AddressLink(
    model=WorkerProfile,
    email_field="work_email",
    token_field="work_email_token",
    confirmed_field="work_email_confirmed_at",
    url_name="accounts:worker-email",
    template_prefix="accounts/email/worker_email_confirm",
    made_field="work_email_token_at",
    valid_days_setting="WORK_EMAIL_LINK_VALID_DAYS",
)

# Valid while the claim waits: the link is sent only until a moderator decides.
CLAIM_EMAIL: AddressLink[OrganisationClaim] = AddressLink(
    model=OrganisationClaim,
    email_field="email",
    token_field="email_token",
    confirmed_field="email_confirmed_at",
    url_name="accounts:claim-email",
    template_prefix="accounts/email/claim_confirm",
)
