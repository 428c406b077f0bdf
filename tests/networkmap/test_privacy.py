"""Privacy by design: a saved map is its worker's alone. Every URL of it is 404 for another
worker, a moderator, the association a referral from it went to, a coordinator; it is not in
the admin, the logs or the data exports; it goes on request, with the worker's account and
after NETWORK_MAP_RETENTION_DAYS without a visit; the address typed for the search is kept
nowhere."""

import datetime
import json
import logging
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import services as account_services
from accounts.models import Membership
from accounts.personal_data import exporters
from buurt.models import NetworkModel
from buurt.search.registry import category_choices, kind_choices
from maps.search.forms import parse_search
from networkmap import selectors
from networkmap.models import SEARCH_FOR, Drawing, Missing, NetworkMap, Tie
from referrals.models import Referral
from tests import factories
from tests.referrals.helpers import association, referral, worker
from tests.test_access_logs import gunicorn_line

from .helpers import FIVE_TIES, form_data, saved_map

pytestmark = pytest.mark.django_db

ADDRESS = "Sint-Pietersnieuwstraat 33, 9000 Gent"
SECRETS = ("Jan", "Anna", "Kevin", "Sint-Pieters", "late_call")


def urls_of(network_map: NetworkMap) -> list[tuple[str, str, dict]]:
    detail = reverse("networkmap:detail", args=[network_map.pk])
    drawings = list(network_map.drawings.values_list("pk", flat=True))
    return [
        ("get", detail, {}),
        ("get", f"{detail}?from={drawings[0]}&to={drawings[-1]}", {}),
        ("post", detail, form_data(action="save")),
        ("post", detail, form_data(action="draw")),
        ("post", reverse("networkmap:delete", args=[network_map.pk]), {}),
    ]


@pytest.fixture
def jan_map():
    """Jan's map by one worker, drawn twice, with a referral from it to a theatre group."""
    owner = worker()
    network_map = saved_map(by=owner)
    from networkmap import services

    from .helpers import ties

    services.drawing_add(network_map=network_map, ties=ties(FIVE_TIES[:3]), missing=["sunday"])
    organisation, contact = association()
    made = referral(by=owner, to=organisation, network_map=network_map)
    return network_map, made, contact


def outsiders(contact):
    moderator = factories.UserFactory(is_moderator=True)
    coordinator = factories.UserFactory(is_coordinator=True)
    superuser = factories.UserFactory(is_superuser=True, is_staff=True)
    colleague = worker()
    # A colleague at the same employer: still not theirs.
    return {
        "another worker": colleague,
        "a moderator": moderator,
        "the association's contact": contact,
        "a coordinator": coordinator,
        "a superuser": superuser,
    }


def test_only_the_worker_reaches_the_map(client, jan_map):
    network_map, _made, contact = jan_map
    for who, user in outsiders(contact).items():
        client.force_login(user)
        for method, url, data in urls_of(network_map):
            response = getattr(client, method)(url, data)
            assert response.status_code == 404, (who, method, url)
    assert NetworkMap.objects.filter(pk=network_map.pk).exists()
    assert network_map.drawings.count() == 2

    anonymous = Client()
    for method, url, data in urls_of(network_map):
        response = getattr(anonymous, method)(url, data)
        assert response.status_code == 302
        assert urlsplit(response["Location"]).path == reverse("account_login")

    owner = Client()
    owner.force_login(network_map.worker)
    assert owner.get(network_map.get_absolute_url()).status_code == 200


def test_a_worker_who_loses_verification_loses_the_map(client, jan_map):
    network_map, _made, _contact = jan_map
    network_map.worker.worker_profile.verified_at = None
    network_map.worker.worker_profile.save()
    client.force_login(network_map.worker)
    assert client.get(network_map.get_absolute_url()).status_code == 404


def test_the_association_and_moderators_never_see_the_map_on_the_referral(client, jan_map):
    network_map, made, contact = jan_map
    map_url = network_map.get_absolute_url()
    for user in (contact, factories.UserFactory(is_moderator=True)):
        client.force_login(user)
        for url in (
            made.get_absolute_url(),
            reverse("referrals:incoming", args=[made.organisation.slug]),
        ):
            response = client.get(url)
            html = response.content.decode()
            assert map_url not in html
            assert "network map" not in html.lower()
    client.force_login(network_map.worker)
    assert map_url in client.get(made.get_absolute_url()).content.decode()


def test_the_admin_has_no_network_maps(client, jan_map):
    network_map, made, _contact = jan_map
    assert not [m for m in admin.site._registry if m._meta.app_label == "networkmap"]
    client.force_login(factories.UserFactory(is_superuser=True, is_staff=True))
    html = client.get(reverse("admin:index")).content.decode()
    assert "Network map" not in html
    html = client.get(reverse("admin:referrals_referral_change", args=[made.pk])).content.decode()
    assert "network_map" not in html
    assert network_map.pseudonym not in html


def test_exports_hold_no_map_content(client, jan_map):
    network_map, _made, _contact = jan_map
    owner = network_map.worker
    exported = {name: exporter(owner) for name, exporter in exporters().items()}
    assert exported["network_maps"]["count"] == 1
    text = json.dumps(exported["network_maps"])
    for secret in ("Jan", "Anna", "sister", "Kevin", "peers"):
        assert secret not in text
    # The download on "My account" is the same registry.
    client.force_login(owner)
    response = client.get(reverse("accounts:export"))
    body = b"".join(response.streaming_content) if response.streaming else response.content
    data = json.loads(body)
    assert "Anna" not in json.dumps(data)
    assert data["network_maps"]["count"] == 1


def test_nothing_of_it_reaches_the_logs(client, caplog, settings):
    settings.DEBUG = False
    owner = worker()
    client.force_login(owner)
    with caplog.at_level(logging.DEBUG):
        client.post("/netwerkkaart/", form_data(missing=["peers"], action="draw"))
        client.post("/netwerkkaart/", form_data(action="save", pseudonym="Jan"))  # no consent
        client.post("/netwerkkaart/", form_data(action="save", pseudonym="Jan", consent="on"))
        network_map = NetworkMap.objects.get()
        client.get(network_map.get_absolute_url())
        client.post(network_map.get_absolute_url(), form_data(FIVE_TIES[:2], action="save"))
        find = client.get(reverse("networkmap:find"), {"address": ADDRESS, "missing": "peers"})
        client.get(find["Location"])
        other = Client()
        other.force_login(worker())
        other.get(network_map.get_absolute_url())  # a 404, logged by django.request
        client.post(reverse("networkmap:delete", args=[network_map.pk]))
    logged = "\n".join(
        f"{record.name} {record.getMessage()} {record.args!r}" for record in caplog.records
    )
    assert "Not Found" in logged  # the capture works
    for secret in SECRETS:
        assert secret not in logged, secret


def test_the_request_log_leaves_the_typed_address_out():
    """gunicorn's access log (gunicorn.conf.py) writes the search link's path, not its query
    string, nor the search page's Referer that carries it."""
    query = urlencode({"address": ADDRESS, "missing": "peers"})
    line = gunicorn_line("/netwerkkaart/zoeken/", query, status="302 Found")
    assert '"GET /netwerkkaart/zoeken/ HTTP/1.1" 302' in line
    assert "Sint-Pieters" not in line


def test_the_typed_address_goes_into_the_search_url_only(client):
    client.force_login(worker())
    response = client.get(reverse("networkmap:find"), {"address": ADDRESS, "missing": "sunday"})
    assert response.status_code == 302
    parts = urlsplit(response["Location"])
    assert parts.path == reverse("maps:search")
    assert parse_qs(parts.query) == {
        "address": [ADDRESS],
        "radius": ["800"],
        "kind": ["activities"],
        "when": ["weekend"],
    }
    assert NetworkMap.objects.count() == 0
    assert ADDRESS not in str(client.session.items())


def test_the_search_needs_an_address_and_a_known_wish(client):
    client.force_login(worker())
    response = client.get(reverse("networkmap:find"))  # the form on its own
    assert response.status_code == 200
    assert response.content.decode().count('name="missing"') == len(Missing.values)
    response = client.get(reverse("networkmap:find"), {"address": "", "missing": "peers"})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    response = client.get(reverse("networkmap:find"), {"address": ADDRESS, "missing": "x"})
    assert response.status_code == 400


@pytest.mark.parametrize("missing", Missing.values)
def test_every_wish_is_a_search_the_map_search_accepts(missing):
    wanted = SEARCH_FOR[missing]
    assert set(wanted.get("kinds", ())) <= {code for code, _label in kind_choices()}
    assert set(wanted.get("categories", ())) <= {code for code, _label in category_choices()}
    assert set(wanted.get("models", ())) <= set(NetworkModel.Code.values)
    query = urlsplit(selectors.search_url(address=ADDRESS, missing=missing)).query
    from django.http import QueryDict

    params = parse_search(QueryDict(query))  # raises on any parameter the search refuses
    assert params.address == ADDRESS


def test_retention_removes_maps_nobody_opened(settings, jan_map):
    network_map, made, _contact = jan_map
    recent = saved_map(pseudonym="Lea")
    now = timezone.now()
    NetworkMap.objects.filter(pk=network_map.pk).update(
        last_visited_at=now - datetime.timedelta(days=366)
    )
    NetworkMap.objects.filter(pk=recent.pk).update(
        last_visited_at=now - datetime.timedelta(days=364)
    )

    counts = account_services.personal_data_retention(now=now)

    assert counts["network_maps"] == 1
    assert list(NetworkMap.objects.all()) == [recent]
    assert not Tie.objects.filter(drawing__network_map_id=network_map.pk).exists()
    made.refresh_from_db()
    assert made.network_map is None  # the referral stays, without the link

    settings.NETWORK_MAP_RETENTION_DAYS = 30
    assert account_services.personal_data_retention(now=now)["network_maps"] == 1
    assert NetworkMap.objects.count() == 0


def test_the_maps_go_with_the_workers_account(jan_map):
    network_map, made, _contact = jan_map
    owner = network_map.worker
    account_services.account_delete(user=owner)
    assert NetworkMap.objects.count() == 0
    assert Drawing.objects.count() == 0
    assert Referral.objects.filter(pk=made.pk, network_map__isnull=True).exists()


def test_a_referral_links_only_the_workers_own_map(client, jan_map):
    network_map, _made, _contact = jan_map
    organisation, _contact2 = association(name="Kookclub", slug="kookclub")
    stranger = worker()
    with pytest.raises(Exception, match="Choose one of your own network maps"):
        referral(by=stranger, to=organisation, network_map=network_map)

    client.force_login(network_map.worker)
    start = f"?organisation={organisation.slug}&network_map={network_map.pk}"
    url = reverse("referrals:create") + start
    response = client.get(url)
    assert response.context["form"]["network_map"].value() == str(network_map.pk)
    response = client.post(
        url,
        {
            "pseudonym": "Jan",
            "needs": ["peers"],
            "first_contact": "call_worker",
            "consent": "on",
            "network_map": str(network_map.pk),
        },
    )
    assert response.status_code == 302
    assert Referral.objects.get(organisation=organisation).network_map == network_map

    client.force_login(stranger)
    html = client.get(url).content.decode()
    assert "Started from a network map" not in html  # no maps of their own, no field


def test_memberships_give_nothing(client, jan_map):
    """An admin of the worker's own employer organisation is not the worker."""
    network_map, _made, _contact = jan_map
    employer = network_map.worker.worker_profile.employer
    admin_user = factories.MembershipFactory(organisation=employer, role=Membership.Role.ADMIN).user
    client.force_login(admin_user)
    assert client.get(network_map.get_absolute_url()).status_code == 404
