from django.core.management.base import CommandError

from accounts import services
from accounts.models import User
from core.commands import HelpfulCommand


class Command(HelpfulCommand):
    help = (
        "Make an existing account a moderator (it may verify organisations and workers and "
        "moderate posts); its e-mail address counts as confirmed."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="e-mail address of the account")

    def handle(self, *args, email, **options):
        try:
            user = services.user_make_moderator(email=email)
        except User.DoesNotExist as exc:
            raise CommandError(
                f"No account with the address {email}: sign up first, or run createsuperuser."
            ) from exc
        self.stdout.write(self.style.SUCCESS(f"{user.email} is now a moderator."))
