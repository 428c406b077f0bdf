"""The network map in a real browser (issue 21's "Done when"): a worker draws a map with five
ties, marks "peers" and "something on Sunday" as missing, saves it with the person's consent,
prints it on A4, follows the search to a peer group and starts a warm referral from the map;
a second visit shows what changed; another worker, a moderator and the association get 404 on
every URL of the map; nothing of it reaches the logs, the admin or the data export. axe-core
checks each page; a page without JavaScript draws the same map."""

import datetime
import json
import logging
import re

import pytest
from django.utils import timezone

from accounts.models import Membership
from buurt.models import Organisation
from networkmap.models import Drawing, NetworkMap
from referrals.models import Referral
from tests.e2e.conftest import is_local
from tests.e2e.layout import page_width
from tests.e2e.test_neighbourhelp import sign_in
from tests.e2e.test_search import axe_problems
from tests.factories import MembershipFactory, UserFactory
from tests.maps.search_places import HOME_ADDRESS, organisation_at
from tests.networkmap.helpers import FIVE_TIES
from tests.referrals.helpers import worker

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SECRETS = ("Anna", "Kevin", "sister", "Jan D.", "Sint-Pietersnieuwstraat")


def fill_tie(page, index: int, tie: dict) -> None:
    page.locator(f"#id_tie-{index}-name").fill(tie["name"])
    for field in ("sector", "ring", "frequency", "quality"):
        page.locator(f"#id_tie-{index}-{field}").select_option(tie[field])
    for code in tie["gives"]:
        page.locator(f"input[name='tie-{index}-gives'][value='{code}']").check()


def draw_five_ties(page) -> None:
    fill_tie(page, 0, FIVE_TIES[0])
    for index, tie in enumerate(FIVE_TIES[1:], start=1):
        page.get_by_role("button", name="Add a tie").click()
        fill_tie(page, index, tie)
    page.get_by_role("button", name="Draw the map").first.click()


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def test_draw_save_print_search_refer_and_revisit(
    page, live_server, local_tiles, gent, requested_urls, page_errors, caplog
):
    caplog.set_level(logging.DEBUG)
    page.set_default_timeout(20_000)  # a long journey on a shared 2-core machine
    peer_group = organisation_at(
        400, name="Lotgenotengroep Samen Sterk", kind=Organisation.Kind.PEER_GROUP, models=["peers"]
    )
    contact = UserFactory(first_name="Els")
    MembershipFactory(organisation=peer_group, user=contact, role=Membership.Role.ADMIN)
    sofie = worker(user=UserFactory(first_name="Sofie"))
    sign_in(page, live_server, sofie)

    # Drawing at the kitchen table: five ties, two wishes, nothing stored yet.
    page.goto(f"{live_server.url}/netwerkkaart/")
    assert axe_problems(page) == []
    draw_five_ties(page)
    page.get_by_label("Peers with the same experience").check()
    page.get_by_label("Something to do on Sunday").check()
    page.get_by_role("button", name="Draw the map").first.click()
    assert page.locator("svg.network-drawing g.tie").count() == 5
    assert page.locator(".ties-table tbody tr").count() == 5
    assert "Peers with the same experience" in page.locator(".missing-summary").inner_text()
    assert NetworkMap.objects.count() == 0
    assert axe_problems(page) == []

    # Removing a tie and adding it back, with buttons only.
    page.get_by_role("button", name="Remove tie 5").click()
    assert page.locator("svg.network-drawing g.tie").count() == 4
    page.get_by_role("button", name="Add a tie").click()
    fill_tie(page, 4, FIVE_TIES[4])
    page.get_by_role("button", name="Draw the map").first.click()
    assert page.locator("svg.network-drawing g.tie").count() == 5

    # With the person's consent the worker keeps it under a pseudonym.
    page.get_by_label("First name or pseudonym of the person").fill("Jan D.")
    page.get_by_label("The person agreed that I keep this map").check()
    page.get_by_role("button", name="Save the map").click()
    page.get_by_role("heading", name="Network map of Jan D.").wait_for()
    network_map = NetworkMap.objects.get()
    assert axe_problems(page) == []

    # Printed on A4 for the person to keep: the drawing, the legend and the table, no forms.
    page.emulate_media(media="print")
    assert page.locator("svg.network-drawing").is_visible()
    assert page.locator(".ties-table").is_visible()
    assert not page.locator("form.network-editor").is_visible()
    assert not page.locator("section.find").is_visible()
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF")
    assert pdf_pages(pdf) == 1  # five ties: the drawing, its legend and table on one sheet
    page.emulate_media(media="screen")
    assert page.get_by_role("button", name="Print the map").is_visible()  # with JavaScript

    # What is missing, found in the buurt: the search opens already filtered, in a new tab.
    page.get_by_label("The person's address or street").fill(HOME_ADDRESS)
    with page.expect_popup() as popup:
        page.locator("section.find").get_by_role(
            "button", name="Peers with the same experience"
        ).click()
    search = popup.value
    search.wait_for_selector("#results-heading")
    assert "model=peers" in search.url
    results = search.locator("main").inner_text()
    assert "Lotgenotengroep Samen Sterk" in results
    assert "Toneelgroep Tinnen Pot" not in results  # a theatre, no peers model
    search.get_by_role("link", name="Connect someone with Lotgenotengroep Samen Sterk").click()

    # The warm referral, linked to the map; the association never sees the map.
    search.get_by_role(
        "heading", name="Connect someone with Lotgenotengroep Samen Sterk"
    ).wait_for()
    search.get_by_label("Started from a network map (optional)").select_option(str(network_map.pk))
    search.get_by_label("First name or pseudonym").fill("Jan")
    search.get_by_label("Peers with a shared experience").check()
    search.get_by_label("My client agreed to be introduced to this association.").check()
    search.get_by_role("button", name="Send the referral").click()
    search.get_by_role("heading", name="Jan to Lotgenotengroep Samen Sterk").wait_for()
    referral = Referral.objects.get(organisation=peer_group)
    assert referral.network_map == network_map
    search.close()

    # Weeks later, together again: Kevin is gone, the peer group is new, Mo comes more often.
    Drawing.objects.update(drawn_at=timezone.now() - datetime.timedelta(days=42))
    page.goto(f"{live_server.url}{network_map.get_absolute_url()}")
    page.get_by_role("button", name="Remove tie 5").click()
    page.locator("#id_tie-2-frequency").select_option("daily")
    page.get_by_role("button", name="Add a tie").click()
    fill_tie(page, 4, {"name": "Samen Sterk", "sector": "associations", "ring": "close",
                       "frequency": "weekly", "quality": "good", "gives": ["company"]})  # fmt: skip
    page.get_by_label("Peers with the same experience").uncheck()
    page.get_by_role("button", name="Save today's map").click()
    page.get_by_text("Today's map is saved next to the earlier ones.").wait_for()
    changes = page.locator("section.changes").inner_text()
    assert "New: Samen Sterk" in changes
    assert "No longer on the map: Kevin" in changes
    assert "Mo: how often: every week → (almost) every day" in changes
    assert "No longer missing: Peers with the same experience" in changes
    assert axe_problems(page) == []

    # Everyone else: 404 on every URL of the map, also the association the referral went to.
    urls = [
        ("get", network_map.get_absolute_url()),
        ("post", network_map.get_absolute_url()),
        ("post", f"/netwerkkaart/{network_map.pk}/verwijderen/"),
    ]
    for outsider in (worker(), UserFactory(is_moderator=True), contact):
        sign_in(page, live_server, outsider)
        for method, url in urls:
            if method == "get":
                assert page.goto(f"{live_server.url}{url}").status == 404, url
            else:
                response = page.request.post(f"{live_server.url}{url}", form={"action": "save"})
                assert response.status in (403, 404), url  # 403: no CSRF token at all
    sign_in(page, live_server, contact)
    page.goto(f"{live_server.url}{referral.get_absolute_url()}")
    assert "Jan to Lotgenotengroep Samen Sterk" in page.content()
    assert network_map.get_absolute_url() not in page.content()
    assert "Anna" not in page.content()

    # Not in the admin, nor in the worker's data export.
    admin = UserFactory(is_superuser=True, is_staff=True)
    sign_in(page, live_server, admin)
    page.goto(f"{live_server.url}/admin/")
    assert "Network map" not in page.content()
    page.goto(f"{live_server.url}/admin/referrals/referral/{referral.pk}/change/")
    assert "Anna" not in page.content()
    assert "network_map" not in page.content()
    sign_in(page, live_server, sofie)
    exported = json.loads(page.request.get(f"{live_server.url}/account/gegevens/").body())
    assert exported["network_maps"]["count"] == 1
    assert "Anna" not in json.dumps(exported)

    # Nor in the logs (django.request's 404s and everything else the app logs).
    logged = "\n".join(f"{r.name} {r.getMessage()}" for r in caplog.records)
    assert "/netwerkkaart/" in logged
    for secret in SECRETS:
        assert secret not in logged, secret

    # The worker's list of saved maps: theirs only.
    page.goto(f"{live_server.url}/netwerkkaart/mijn/")
    assert page.get_by_role("link", name="Jan D.").is_visible()
    assert axe_problems(page) == []

    # Deleted on request, in one click.
    page.goto(f"{live_server.url}{network_map.get_absolute_url()}")
    page.get_by_role("button", name="Delete this network map").click()
    page.get_by_text("The network map is deleted").wait_for()
    assert NetworkMap.objects.count() == 0
    referral.refresh_from_db()
    assert referral.network_map is None

    assert [url for url in requested_urls if not is_local(url)] == []
    assert page_errors == []


def test_without_javascript_on_a_small_phone(page_without_js, live_server):
    page = page_without_js
    page.set_default_timeout(20_000)
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, live_server, worker())
    page.goto(f"{live_server.url}/netwerkkaart/")
    fill_tie(page, 0, FIVE_TIES[0])
    page.get_by_role("button", name="Een contact toevoegen").click()
    fill_tie(page, 1, FIVE_TIES[1])
    page.get_by_role("button", name="Teken de kaart").first.click()
    assert page.locator("svg.network-drawing g.tie").count() == 2
    assert "Gezin en familie" in page.locator("svg.network-drawing").inner_html()
    # Nothing wider than the phone; the print button needs JavaScript and stays hidden.
    assert page_width(page) <= 360
    drawing = page.locator("svg.network-drawing").bounding_box()
    assert 300 <= drawing["width"] <= 360  # the whole width of the phone, not a stamp
    assert not page.get_by_role("button", name="De kaart afdrukken").is_visible()
    assert NetworkMap.objects.count() == 0
