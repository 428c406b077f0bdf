"""factory_boy factories with real places in Gent (EPSG:4326, x=lon, y=lat)."""

from datetime import timedelta
from functools import cache

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.utils import timezone

from accounts.models import Invitation, Membership, User, WorkerProfile
from buurt.models import Address, Neighbourhood, Organisation, Street
from core.moderation import ModerationState
from neighbourhelp.models import HelpMatch, HelpOffer, HelpRequest
from neighbourhelp.services import OFFER_LIFETIME, REQUEST_LIFETIME, public_point_for
from referrals.models import FirstContact, Notification, Referral

# Korenmarkt, in the historic centre of Gent.
KORENMARKT = Point(3.7196, 51.0543, srid=4326)
# Veldstraat 33, the shopping street south of it (about 290 m away).
VELDSTRAAT = Point(3.7210, 51.0518, srid=4326)


def box(west, south, east, north) -> MultiPolygon:
    return MultiPolygon(Polygon.from_bbox((west, south, east, north)), srid=4326)


class NeighbourhoodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Neighbourhood

    name = factory.Sequence(lambda n: f"Buurt {n}")
    code = factory.Sequence(lambda n: f"44021A{n:03d}")
    municipality_name = "Gent"
    municipality_code = "44021"
    # Roughly the old town of Gent around the Korenmarkt.
    boundary = factory.LazyFunction(lambda: box(3.70, 51.045, 3.74, 51.065))


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Vereniging {n}")
    slug = factory.Sequence(lambda n: f"vereniging-{n}")
    kind = Organisation.Kind.CULTURE
    street_address = "Korenmarkt 1"
    postcode = "9000"
    city = "Gent"
    point = factory.LazyFunction(lambda: KORENMARKT.clone())
    status = Organisation.Status.PUBLISHED


class StreetFactory(factory.django.DjangoModelFactory):
    """A street of the address register in Gent (Veldstraat)."""

    class Meta:
        model = Street

    uid = factory.Sequence(lambda n: f"test-street-{n}")
    name = "Veldstraat"
    key = "veldstraat"
    key_alt = ""
    postcode = "9000"
    municipality = "Gent"
    place_keys = "gent"


class AddressFactory(factory.django.DjangoModelFactory):
    """An address point of the register; give it a `point`."""

    class Meta:
        model = Address

    street = factory.SubFactory(StreetFactory)
    house_number = factory.Sequence(lambda n: str(n + 1))
    house_key = factory.SelfAttribute("house_number")
    point = factory.LazyFunction(lambda: VELDSTRAAT.clone())
    source = "test"
    source_id = factory.Sequence(lambda n: f"test-address-{n}")


# --- Accounts -----------------------------------------------------------------------------------

PASSWORD = "kaart-van-de-buurt-9000"


@cache
def hashed_password() -> str:
    """Hashed once per run: the real hasher takes a noticeable fraction of a second."""
    return make_password(PASSWORD)


class UserFactory(factory.django.DjangoModelFactory):
    """A signed-up resident whose e-mail address is confirmed (allauth's EmailAddress)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"bewoner{n}@example.org")
    password = factory.LazyFunction(hashed_password)

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(
                user=user, email=user.email, primary=True, verified=extracted is not False
            )


class ResidentFactory(UserFactory):
    """A resident whose account is older than the review period for new residents, so that
    what they post is not held for a moderator."""

    date_joined = factory.LazyFunction(lambda: timezone.now() - timedelta(days=120))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.ADMIN


class WorkerProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkerProfile

    user = factory.SubFactory(UserFactory)
    profession = WorkerProfile.Profession.SOCIAL_WORKER
    employer = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.PUBLIC_SERVICE)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"genodigde{n}@example.org")
    role = Membership.Role.EDITOR
    token = factory.Sequence(lambda n: f"token-{n}-abcdefghijklmnopqrstuvwxyz")
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))


# --- Activities ---------------------------------------------------------------------------------


def brussels(*args):
    """An aware datetime in Europe/Brussels: brussels(2026, 10, 20, 19, 30)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime(*args, tzinfo=ZoneInfo("Europe/Brussels"))


class ActivityFactory(factory.django.DjangoModelFactory):
    """Saved through activities.services.activity_save, so its occurrences exist."""

    class Meta:
        model = "activities.Activity"

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Activiteit {n}")
    category = "culture"
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=2))
    ends_at = factory.LazyAttribute(lambda a: a.starts_at + timedelta(hours=2))
    status = "published"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from activities.services import activity_save

        return activity_save(activity=model_class(*args, **kwargs))


# --- Neighbour help -----------------------------------------------------------------------------
# Rows as neighbourhelp.services stores them once an address is geocoded: the exact point kept
# private, the public point coarsened from it by the service's own function. Tests of the
# geocoding path use tests/neighbourhelp/helpers.py (offer, help_request) instead.


class PrivateLocationFactory(factory.django.DjangoModelFactory):
    """What neighbourhelp.models.PrivateLocation adds: the public point is computed from the
    private one (and a small neighbourhood, when given) by the service's own function."""

    class Meta:
        abstract = True

    neighbourhood = None
    public_point = factory.LazyAttribute(
        lambda item: public_point_for(item.private_point, item.neighbourhood)
    )
    moderation_state = ModerationState.APPROVED


class HelpOfferFactory(PrivateLocationFactory):
    """An approved, active offer of help with shopping by a neighbour living at the Korenmarkt."""

    class Meta:
        model = HelpOffer

    helper = factory.SubFactory(ResidentFactory)
    private_point = factory.LazyFunction(lambda: KORENMARKT.clone())
    categories = factory.LazyFunction(lambda: ["shopping"])
    languages = factory.LazyFunction(lambda: ["nl"])
    expires_at = factory.LazyFunction(lambda: timezone.now() + OFFER_LIFETIME)


class HelpRequestFactory(PrivateLocationFactory):
    """An approved, open request for shopping from a neighbour in the Veldstraat."""

    class Meta:
        model = HelpRequest

    requester = factory.SubFactory(ResidentFactory)
    private_point = factory.LazyFunction(lambda: VELDSTRAAT.clone())
    category = "shopping"
    description = "Boodschappen"
    closes_at = factory.LazyFunction(lambda: timezone.now() + REQUEST_LIFETIME)


class HelpMatchFactory(factory.django.DjangoModelFactory):
    """A request put to a helper, not answered yet."""

    class Meta:
        model = HelpMatch

    request = factory.SubFactory(HelpRequestFactory)
    offer = factory.SubFactory(HelpOfferFactory)


# --- Referrals ----------------------------------------------------------------------------------
# Rows only. A referral as a worker makes it (consent checked, the association notified) comes
# from referrals.services.referral_create: tests/referrals/helpers.py's referral().


def _verified_worker():
    return WorkerProfileFactory(verified_at=timezone.now()).user


class ReferralFactory(factory.django.DjangoModelFactory):
    """A referral sent by a verified worker to an association at the Korenmarkt."""

    class Meta:
        model = Referral

    worker = factory.LazyFunction(_verified_worker)
    organisation = factory.SubFactory(OrganisationFactory)
    neighbourhood = factory.SelfAttribute("organisation.neighbourhood")
    pseudonym = "Jan"
    needs = factory.LazyFunction(lambda: ["company"])
    consent_at = factory.LazyFunction(timezone.now)
    first_contact = FirstContact.CALL_WORKER


class NotificationFactory(factory.django.DjangoModelFactory):
    """An e-mail about a referral waiting in the outbox, to its worker by default."""

    class Meta:
        model = Notification

    referral = factory.SubFactory(ReferralFactory)
    recipient = factory.SelfAttribute("referral.worker")
    event = Notification.Event.NEW
