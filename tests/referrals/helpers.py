"""Referrals between known parties: a verified worker, an association with a contact person,
a neighbour who offers company near it."""

from __future__ import annotations

from django.utils import timezone

from accounts.models import Membership
from referrals import services
from referrals.models import FirstContact, Referral
from tests import factories


def worker(**kwargs):
    profile = factories.WorkerProfileFactory(verified_at=timezone.now(), **kwargs)
    return profile.user


def association(**kwargs):
    """A published theatre group at the Korenmarkt with one contact person (admin)."""
    organisation = factories.OrganisationFactory(**{"name": "Theatergroep De Buurt", **kwargs})
    contact = factories.UserFactory(first_name="Els")
    factories.MembershipFactory(organisation=organisation, user=contact, role=Membership.Role.ADMIN)
    return organisation, contact


def companion_offer(**fields):
    """An approved offer of company by a neighbour living at the Korenmarkt."""
    data = {"categories": ["company"], "max_distance_m": 2000, **fields}
    if "helper" not in data:
        data["helper"] = factories.ResidentFactory(first_name="Mo")
    return factories.HelpOfferFactory(**data)


def referral(*, by=None, to=None, **fields) -> Referral:
    if to is None:
        to, _contact = association()
    data = {
        "worker": by or worker(),
        "organisation": to,
        "pseudonym": "Jan",
        "needs": ["company", "creative"],
        "first_contact": FirstContact.CALL_WORKER,
        "consent": True,
    }
    data.update(fields)
    return services.referral_create(**data)


def accepted(referral_: Referral) -> Referral:
    contact = referral_.organisation.memberships.first().user
    return services.referral_respond(user=contact, referral=referral_, decision="accept")
