"""A staff account that may only view cannot read hidden fields through changelist URL filters:
each probe of the attack (bisecting a polygon, a prefix, a substring) answers 400 whatever the
hidden value, so two probes with opposite truths look the same."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse

from core.admin import ListedFiltersOnly
from tests import factories
from tests.project import project_apps

pytestmark = pytest.mark.django_db


def polygon_around(point, half: float) -> str:
    x, y = point.x, point.y
    ring = [(x - half, y - half), (x + half, y - half), (x + half, y + half), (x - half, y + half)]
    ring.append(ring[0])
    return "POLYGON((" + ",".join(f"{a} {b}" for a, b in ring) + "))"


@pytest.fixture
def viewer(client):
    """Staff with view permission on everything, neither moderator nor superuser."""
    user = factories.UserFactory(is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
    client.force_login(user)
    return client


@pytest.fixture
def hidden():
    offer = factories.HelpOfferFactory()
    item = factories.ReferralFactory(pseudonym="Jan", note="Woont alleen sinds de zomer")
    return {"offer": offer, "referral": item}


def probes(hidden):
    offer, item = hidden["offer"], hidden["referral"]
    offers = reverse("admin:neighbourhelp_helpoffer_changelist")
    referrals = reverse("admin:referrals_referral_changelist")
    users = reverse("admin:accounts_user_changelist")
    home = offer.private_point
    far = home.clone()
    far.x += 1
    return [
        # (a probe whose answer is "yes", the same probe answering "no")
        (
            f"{offers}?private_point__intersects={polygon_around(home, 0.001)}",
            f"{offers}?private_point__intersects={polygon_around(far, 0.001)}",
        ),
        (
            f"{offers}?renew_token__startswith={offer.renew_token[:3]}",
            f"{offers}?renew_token__startswith=%21%21%21",
        ),
        (f"{referrals}?pseudonym__startswith=J", f"{referrals}?pseudonym__startswith=Q"),
        (f"{referrals}?note__contains=alleen", f"{referrals}?note__contains=xyzzy"),
        (
            f"{referrals}?worker__email__startswith={item.worker.email[:2]}",
            f"{referrals}?worker__email__startswith=%21",
        ),
        (f"{users}?password__startswith=pbkdf2", f"{users}?password__startswith=%21"),
    ]


def test_filters_on_hidden_fields_are_refused_whatever_the_value(viewer, hidden):
    for truthy, falsy in probes(hidden):
        yes, no = viewer.get(truthy), viewer.get(falsy)
        assert yes.status_code == 400, truthy
        assert (no.status_code, no.content) == (yes.status_code, yes.content), truthy


def test_the_offered_filters_still_work(viewer, hidden):
    offers = reverse("admin:neighbourhelp_helpoffer_changelist")
    assert viewer.get(offers + "?status__exact=active").status_code == 200
    assert viewer.get(offers + "?moderation_state__exact=approved").status_code == 200
    page = viewer.get(reverse("admin:referrals_referral_changelist") + "?status__exact=sent")
    assert page.status_code == 200
    organisations = reverse("admin:buurt_organisation_changelist")
    assert viewer.get(organisations + "?updated_at__year=2026").status_code == 200
    answer = viewer.get(organisations + "?neighbourhood__municipality_name=Gent")
    assert answer.status_code == 200
    workers = reverse("admin:accounts_workerprofile_changelist")
    assert viewer.get(workers + "?verified_at__isempty=1").status_code == 200


def test_every_admin_of_the_project_uses_the_filter_policy():
    ours = [
        model_admin
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_config in project_apps()
    ]
    assert len(ours) >= 10
    for model_admin in ours:
        assert isinstance(model_admin, ListedFiltersOnly), type(model_admin)
