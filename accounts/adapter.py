"""django-allauth adapted to Buurtkaart: its e-mails go out through a Celery task."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site

from core.mail import message_send_on_commit


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render now (in the request's language, with its host), send after the commit.

        allauth renders its own templates (same names, same ACCOUNT_EMAIL_SUBJECT_PREFIX as
        core.mail.message_render); the sending is core.mail's. Sending in a task keeps a slow
        mail server from holding up sign-up and log-in, and nothing is sent for a request that
        rolled back."""
        request = allauth_context.request
        message = self.render_mail(
            template_prefix,
            email,
            {
                "request": request,
                "email": email,
                "current_site": get_current_site(request),
                **context,
            },
        )
        message_send_on_commit(message)
