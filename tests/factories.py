"""factory_boy factories with real places in Gent (EPSG:4326, x=lon, y=lat)."""

from datetime import timedelta
from functools import cache

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.utils import timezone

from accounts.models import Invitation, Membership, User, WorkerProfile
from buurt.models import Neighbourhood, Organisation

# Korenmarkt, in the historic centre of Gent.
KORENMARKT = Point(3.7196, 51.0543, srid=4326)


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
