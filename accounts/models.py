from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fields import EnterpriseNumberField
from core.moderation import ModerationState
from core.tokens import new_token


class EmailUserManager(UserManager):
    """Users sign in with their e-mail address; there is no username."""

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person with an account. The e-mail address is the login; no username is shown."""

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    is_moderator = models.BooleanField(
        _("moderator"), default=False, help_text=_("Verifies organisations and moderates posts.")
    )
    is_coordinator = models.BooleanField(
        _("coordinator"),
        default=False,
        help_text=_("Local government: reads everything, sees statistics, changes nothing."),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = EmailUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.get_full_name() or self.email


class Membership(models.Model):
    """A user who keeps an organisation's profile and activities, invited by its admin."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        EDITOR = "editor", _("Editor")

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        "buurt.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.EDITOR)
    created_at = models.DateTimeField(_("member since"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_org")
        ]

    def __str__(self):
        return f"{self.user} · {self.organisation} ({self.get_role_display()})"


class WorkerProfile(models.Model):
    """A professional (social worker, OCMW/CPAS, GP practice, buddy coordinator).

    Worker rights start only when a moderator has verified the profile."""

    class Profession(models.TextChoices):
        SOCIAL_WORKER = "social_worker", _("Social worker")
        OCMW = "ocmw", _("OCMW / CPAS")
        GP_PRACTICE = "gp_practice", _("GP practice")
        BUDDY_COORDINATOR = "buddy_coordinator", _("Buddy coordinator")
        OTHER = "other", _("Other care or welfare professional")

    user = models.OneToOneField(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="worker_profile"
    )
    profession = models.CharField(_("profession"), max_length=30, choices=Profession.choices)
    employer = models.ForeignKey(
        "buurt.Organisation",
        verbose_name=_("employer"),
        on_delete=models.PROTECT,
        related_name="workers",
        null=True,
        blank=True,
    )
    # What a moderator needs to decide: an employer not on the map by name, a work address
    # confirmed by a link sent to it, a phone number to call for a check.
    employer_name = models.CharField(_("employer (not in the list)"), max_length=200, blank=True)
    work_email = models.EmailField(_("work e-mail address"), blank=True)
    work_email_token = models.CharField(_("token"), max_length=64, blank=True, editable=False)
    work_email_confirmed_at = models.DateTimeField(
        _("work e-mail address confirmed on"), null=True, blank=True
    )
    # The link to confirm it works for WORK_EMAIL_LINK_VALID_DAYS from here (address_links).
    work_email_token_at = models.DateTimeField(
        _("confirmation link made on"), default=timezone.now, editable=False
    )
    phone = models.CharField(_("phone number for a check"), max_length=40, blank=True)
    verified_at = models.DateTimeField(_("verified on"), null=True, blank=True)
    verified_by = models.ForeignKey(
        User,
        verbose_name=_("verified by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("worker profile")
        verbose_name_plural = _("worker profiles")

    def __str__(self):
        return f"{self.user} ({self.get_profession_display()}, {self.employer_label})"

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @property
    def employer_label(self) -> str:
        """The employer's name, from the list or as typed."""
        return self.employer.name if self.employer_id else self.employer_name

    @property
    def work_email_confirmed(self) -> bool:
        return self.work_email_confirmed_at is not None


class InvitationQuerySet(models.QuerySet):
    def pending(self, *, now=None):
        """Not accepted and not expired: the ones that can still be accepted."""
        return self.filter(accepted_at__isnull=True, expires_at__gt=now or timezone.now())


class Invitation(models.Model):
    """An invitation by e-mail to become a member of an organisation.

    The token in the link is the only key: it is random, single-use and expires. Accepting
    needs an account with the invited address verified, so a forwarded link is useless."""

    organisation = models.ForeignKey(
        "buurt.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(
        _("role"), max_length=10, choices=Membership.Role.choices, default=Membership.Role.EDITOR
    )
    token = models.CharField(_("token"), max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        User,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The inviter's interface language: the e-mail is written in it.
    language = models.CharField(_("language"), max_length=8, default="nl")
    created_at = models.DateTimeField(_("sent on"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires on"))
    accepted_at = models.DateTimeField(_("accepted on"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        User,
        verbose_name=_("accepted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} → {self.organisation} ({self.get_role_display()})"

    @property
    def is_accepted(self) -> bool:
        return self.accepted_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_pending(self) -> bool:
        return not self.is_accepted and not self.is_expired


class OrganisationClaim(models.Model):
    """Someone says a listing without members is their association and asks to keep it.

    A moderator decides in the moderation queue (the claim is a moderated item, registered in
    accounts/moderated.py); approving makes the claimant an admin member. The evidence: their
    role, an e-mail address on the association's website domain (confirmed through the secret
    link sent to it), the enterprise number they know, a note for the moderator."""

    user = models.ForeignKey(
        User, verbose_name=_("claimed by"), on_delete=models.CASCADE, related_name="claims"
    )
    organisation = models.ForeignKey(
        "buurt.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="claims",
    )
    role = models.CharField(
        _("your role in the association"),
        max_length=100,
        help_text=_("For example: chair, secretary, volunteer, staff member."),
    )
    email = models.EmailField(
        _("e-mail address at the association"),
        blank=True,
        help_text=_(
            "An address on the association's website domain: we send a link to it that "
            "you click to show the address is yours."
        ),
    )
    email_token = models.CharField(_("token"), max_length=64, blank=True, editable=False)
    email_confirmed_at = models.DateTimeField(
        _("e-mail address confirmed on"), null=True, blank=True
    )
    enterprise_number = EnterpriseNumberField(_("enterprise number"), blank=True)
    note = models.TextField(
        _("note for the moderator"),
        max_length=2000,
        blank=True,
        help_text=_("Anything that helps us see it is your association."),
    )
    moderation_state = models.CharField(
        _("moderation"),
        max_length=20,
        choices=ModerationState.choices,
        default=ModerationState.PENDING,
        db_index=True,
    )
    created_at = models.DateTimeField(_("claimed on"), auto_now_add=True)

    class Meta:
        verbose_name = _("claim of an organisation")
        verbose_name_plural = _("claims of organisations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"],
                condition=models.Q(moderation_state="pending"),
                name="one_open_claim_per_user_and_organisation",
            )
        ]

    def __str__(self):
        return f"{self.organisation} · {self.user}"

    def get_absolute_url(self):
        """The listing claimed: where an approved claimant finds the page they now keep."""
        return self.organisation.get_absolute_url()

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def enterprise_number_matches(self) -> bool | None:
        """Whether the number given is the listing's; None when either is unknown."""
        if not (self.enterprise_number and self.organisation.enterprise_number):
            return None
        return self.enterprise_number == self.organisation.enterprise_number


class ListingReviewQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closed_at__isnull=True)


class ListingReview(models.Model):
    """A request to an association's admin members: is your listing still correct?

    Made by the beat task LISTING_REVIEW_MONTHS after the last confirmation (accounts.
    listing_reviews). The row is the promise that the e-mail goes out: `mailed_at` stays empty
    until a task has sent it, and the beat task queues again what was not sent. The one-click
    link carries `token` and needs the member's own session. It closes when anyone confirms the
    listing; unanswered after LISTING_REVIEW_ANSWER_DAYS it is on the freshness queue."""

    organisation = models.ForeignKey(
        "buurt.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="reviews",
    )
    asked_at = models.DateTimeField(_("asked on"), default=timezone.now)
    token = models.CharField(max_length=64, default=new_token, unique=True, editable=False)
    mail_queued_at = models.DateTimeField(_("e-mail queued on"), null=True, blank=True)
    mailed_at = models.DateTimeField(_("e-mailed on"), null=True, blank=True)
    closed_at = models.DateTimeField(_("confirmed on"), null=True, blank=True)

    objects = ListingReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("listing review")
        verbose_name_plural = _("listing reviews")
        ordering = ["-asked_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(closed_at__isnull=True),
                name="one_open_review_per_organisation",
            )
        ]

    def __str__(self):
        return f"{self.organisation} ({self.asked_at:%Y-%m-%d})"

    def confirm_url(self) -> str:
        return reverse("accounts:listing-confirm-link", args=[self.organisation.slug, self.token])
