from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.core.validators import validate_slug
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from activities.models import CalendarSubscription
from activities.subscriptions import error_message, subscription_subscribe, subscription_sync
from buurt.models import Organisation
from core.commands import HelpfulCommand


class Command(HelpfulCommand):
    help = gettext_lazy(
        "Subscribe an organisation to a public iCal feed (Google Calendar, Outlook, Nextcloud, "
        "a WordPress events plugin), or update its subscription, and read it at once. Every "
        "event becomes an activity of the organisation, with its repeat rule, skipped, moved "
        "and cancelled dates; new ones are drafts unless --publish is given. Running it again "
        "updates what the feed changed and cancels what left it; activities made by hand are "
        "never touched. After this, the feed is read again every hour."
    )
    examples = gettext_lazy(
        "Examples:\n"
        "  python manage.py activities_import_ical "
        "https://calendar.google.com/calendar/ical/…/public/basic.ics --organisation buurthuis\n"
        "  python manage.py activities_import_ical https://example.org/events.ics "
        "--organisation buurthuis --publish\n"
        "  python manage.py activities_import_ical ORGANIZER_ID --uit --organisation buurthuis"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "url", help=_("The address of the feed (or with --uit, the organiser's id).")
        )
        parser.add_argument(
            "--organisation",
            required=True,
            help=_("The slug of the organisation (as in its page's address)."),
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help=_("Publish new activities at once instead of keeping them as drafts."),
        )
        parser.add_argument(
            "--uit",
            action="store_true",
            help=_("Read the organiser's events from UiTdatabank (UITDATABANK_API_KEY)."),
        )

    def handle(self, *args, url, organisation, publish, uit, **options):
        try:
            validate_slug(organisation)
            owner = Organisation.objects.get(slug=organisation)
        except (ValidationError, Organisation.DoesNotExist):
            raise CommandError(
                _("There is no organisation %(slug)s.") % {"slug": organisation}
            ) from None
        kind = CalendarSubscription.Kind.UIT if uit else CalendarSubscription.Kind.ICAL
        try:
            subscription = subscription_subscribe(
                organisation=owner, source=url, kind=kind, publish=publish
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stderr.write(_("Reading %(url)s …") % {"url": subscription.source})
        report = subscription_sync(subscription=subscription)
        for key, reason in report.skipped:
            self.stderr.write(_("skipped %(item)s: %(reason)s") % {"item": key, "reason": reason})
        if report.error:
            raise CommandError(error_message(subscription))
        if report.not_modified:
            self.stdout.write(_("The feed did not change since it was last read."))
            return
        self.stdout.write(
            _(
                "%(created)d activities created, %(updated)d updated, %(unchanged)d unchanged, "
                "%(cancelled)d cancelled, %(deleted)d drafts removed, %(skipped)d skipped."
            )
            % {
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "cancelled": report.cancelled,
                "deleted": report.deleted,
                "skipped": len(report.skipped),
            }
        )
