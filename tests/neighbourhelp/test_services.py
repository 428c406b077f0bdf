"""Neighbour help: locations, matching, answering, capacity, limits and housekeeping."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

import spatial
from core.moderation import ModerationState
from neighbourhelp import selectors, services
from neighbourhelp.models import HelpMatch, HelpOffer, HelpRequest
from tests import factories

from .helpers import HOMES, approve, covered_area, help_request, offer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def area(tmp_path):
    return covered_area(tmp_path)


def test_the_public_point_is_the_centre_of_the_250_m_cell_and_stored_once():
    created = offer("Sint-Pietersnieuwstraat 33")
    lat, lon = HOMES["Sint-Pietersnieuwstraat 33"]
    exact = created.private_point
    assert (round(exact.y, 5), round(exact.x, 5)) == (lat, lon)
    # Within half a cell diagonal (~177 m) of the home, and not the home itself.
    moved = spatial.great_circle_m(exact, created.public_point)
    assert 1 < moved < 180
    assert created.public_point.equals_exact(spatial.coarsen(exact, cell_m=250), tolerance=1e-5)
    # A neighbour in the same cell gets the very same public point: nothing to average.
    neighbour = offer("Sint-Pietersnieuwstraat 41")
    same_cell = spatial.coarsen(neighbour.private_point) == spatial.coarsen(exact)
    assert (neighbour.public_point == created.public_point) == same_cell


def test_in_a_small_neighbourhood_the_public_point_is_its_centre(area):
    area.population = 400
    area.save()
    created = offer("Korenmarkt 1")
    centre = area.boundary.point_on_surface
    assert spatial.great_circle_m(created.public_point, centre) < 1


def test_new_residents_wait_for_a_moderator_older_accounts_do_not():
    newcomer = factories.UserFactory()
    assert offer(helper=newcomer).moderation_state == ModerationState.PENDING
    assert offer(helper=factories.ResidentFactory()).moderation_state == ModerationState.APPROVED


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"capacity_per_month": 0}, "capacity_per_month"),
        ({"capacity_per_month": 1000}, "capacity_per_month"),
        ({"max_distance_m": 500_000}, "max_distance_m"),
    ],
)
def test_out_of_range_numbers_are_refused_and_nothing_is_saved(fields, field):
    with pytest.raises(services.ValidationError) as caught:
        offer(**fields)
    assert field in caught.value.message_dict
    assert not HelpOffer.objects.exists()


def test_an_address_outside_the_covered_area_is_refused():
    # Wetstraat 16 is in Brussels: in the gazetteer, not in any neighbourhood we cover.
    with pytest.raises(services.HelpError, match="outside the area"):
        offer("Wetstraat 16, 1000 Brussel")
    assert not HelpOffer.objects.exists()


def test_unverified_accounts_cannot_offer_or_ask():
    unverified = factories.UserFactory(verified=False)
    with pytest.raises(PermissionDenied):
        offer(helper=unverified)
    with pytest.raises(PermissionDenied):
        help_request(requester=unverified)
    assert not HelpOffer.objects.exists()
    assert not HelpRequest.objects.exists()


def test_only_verified_workers_ask_on_behalf_of_a_client():
    with pytest.raises(PermissionDenied):
        help_request(on_behalf_of="Mo")
    worker = factories.WorkerProfileFactory(verified_at=timezone.now()).user
    item = help_request(requester=worker, on_behalf_of="Mo")
    assert item.on_behalf_of == "Mo"


def test_matching_fits_distance_category_time_and_language():
    near = offer("Korenmarkt 1")  # ~300 m from Veldstraat 33
    wrong_kind = offer("Korenmarkt 1", categories=["garden"])
    wrong_time = offer("Korenmarkt 1", times=["weekday_morning"])
    wrong_language = offer("Korenmarkt 1", languages=["ar"])
    too_far_for_them = offer("Kortrijksesteenweg 100", max_distance_m=500)  # ~1.7 km away
    item = help_request("Veldstraat 33")
    found = [s.offer for s in selectors.offers_for_request(item)]
    assert found == [near]
    assert {wrong_kind, wrong_time, wrong_language, too_far_for_them}.isdisjoint(found)


def test_distances_to_helpers_are_buckets_not_metres():
    offer("Korenmarkt 1")
    offer("Kortrijksesteenweg 100")
    item = help_request("Veldstraat 33")
    labels = [s.distance for s in selectors.offers_for_request(item)]
    assert labels == ["under 500 m", "1 – 2 km"]


def test_requests_spread_over_helpers_instead_of_always_the_nearest():
    nearest = offer("Veldstraat 33")
    also_near = offer("Korenmarkt 1")  # same 500 m bucket, a bit further
    first = help_request("Veldstraat 33")
    assert selectors.offers_for_request(first)[0].offer == nearest
    services.help_match_create(request=first, offer=nearest, actor=first.requester)
    second = help_request("Veldstraat 33")
    # The nearest helper already has a request waiting: the next one is asked first.
    assert selectors.offers_for_request(second)[0].offer == also_near


def test_the_whole_journey_shares_contact_only_after_both_said_yes(
    django_capture_on_commit_callbacks,
):
    given = offer("Korenmarkt 1")
    worker = factories.WorkerProfileFactory(verified_at=timezone.now()).user
    item = help_request(requester=worker, on_behalf_of="Mo")
    with django_capture_on_commit_callbacks(execute=True):
        match = services.help_match_create(request=item, offer=given, actor=worker)
    assert not match.contact_shared
    assert [m.to for m in mail.outbox] == [[given.helper.email]]
    assert worker.email not in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        services.help_match_answer(match=match, actor=given.helper, accept=True)
    match.refresh_from_db()
    item.refresh_from_db()
    assert match.contact_shared
    assert item.status == HelpRequest.Status.MATCHED
    assert mail.outbox[-1].to == [worker.email]


def test_only_the_helper_answers():
    given = offer("Korenmarkt 1")
    item = help_request()
    match = services.help_match_create(request=item, offer=given, actor=item.requester)
    with pytest.raises(PermissionDenied):
        services.help_match_answer(match=match, actor=item.requester, accept=True)
    with pytest.raises(PermissionDenied):
        services.help_match_create(request=item, offer=given, actor=factories.ResidentFactory())


def test_an_unverified_helper_cannot_be_contacted():
    given = offer("Korenmarkt 1")
    given.helper.emailaddress_set.update(verified=False)
    item = help_request()
    assert selectors.offers_for_request(item) == []
    with pytest.raises(services.HelpError):
        services.help_match_create(request=item, offer=given, actor=item.requester)
    assert not HelpMatch.objects.exists()


def test_at_most_three_pending_requests_per_helper():
    given = offer("Korenmarkt 1")
    for _ in range(3):
        item = help_request()
        services.help_match_create(request=item, offer=given, actor=item.requester)
    fourth = help_request()
    assert selectors.offers_for_request(fourth) == []
    with pytest.raises(services.HelpError, match="enough open requests"):
        services.help_match_create(request=fourth, offer=given, actor=fourth.requester)


def test_capacity_pauses_the_offer_until_next_month():
    given = offer("Korenmarkt 1", capacity_per_month=1)
    item = help_request()
    match = services.help_match_create(request=item, offer=given, actor=item.requester)
    now = timezone.now()
    services.help_match_answer(match=match, actor=given.helper, accept=True, now=now)
    given.refresh_from_db()
    assert given.status == HelpOffer.Status.PAUSED
    assert given.paused_until == services.next_month_start(now)
    assert given not in HelpOffer.objects.public()
    # Next month it resumes by itself.
    services.help_housekeeping(now=given.paused_until + datetime.timedelta(minutes=1))
    given.refresh_from_db()
    assert given.status == HelpOffer.Status.ACTIVE


def test_relayed_messages_are_rate_limited_and_nothing_is_saved_beyond():
    given = offer("Korenmarkt 1")
    item = help_request()
    match = services.help_match_create(request=item, offer=given, actor=item.requester)
    for n in range(services.MESSAGE_RATE_LIMIT):
        services.help_message_send(match=match, sender=item.requester, body=f"Hallo {n}")
    with pytest.raises(services.HelpError, match="too often"):
        services.help_message_send(match=match, sender=item.requester, body="Nog eens")
    assert match.messages.count() == services.MESSAGE_RATE_LIMIT
    with pytest.raises(PermissionDenied):
        services.help_message_send(match=match, sender=factories.ResidentFactory(), body="Ik ook")


def test_a_message_of_only_emoji_is_refused():
    given = offer("Korenmarkt 1")
    item = help_request()
    match = services.help_match_create(request=item, offer=given, actor=item.requester)
    with pytest.raises(services.HelpError):
        services.help_message_send(match=match, sender=item.requester, body="🙂🙂🙂")
    assert not match.messages.exists()


def test_offers_expire_after_three_months_unless_renewed(django_capture_on_commit_callbacks):
    given = offer("Korenmarkt 1")
    soon = given.expires_at - datetime.timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.help_housekeeping(now=soon)
    assert report["reminded"] == 1
    assert given.renew_token in mail.outbox[-1].body
    services.help_housekeeping(now=given.expires_at + datetime.timedelta(minutes=1))
    given.refresh_from_db()
    assert given.status == HelpOffer.Status.EXPIRED
    services.help_offer_renew(offer=given)
    given.refresh_from_db()
    assert given.status == HelpOffer.Status.ACTIVE
    assert given.expires_at > timezone.now() + datetime.timedelta(days=85)


def test_open_requests_close_after_a_while_with_a_message(django_capture_on_commit_callbacks):
    item = help_request()
    with django_capture_on_commit_callbacks(execute=True):
        services.help_housekeeping(now=item.closes_at + datetime.timedelta(minutes=1))
    item.refresh_from_db()
    assert item.status == HelpRequest.Status.CLOSED
    assert mail.outbox[-1].to == [item.requester.email]


def test_counts_per_area_only_from_three_offers(area):
    offer("Korenmarkt 1")
    offer("Veldstraat 33")
    assert selectors.offer_counts_by_area() == []
    offer("Sint-Pietersnieuwstraat 33")
    assert [(c.neighbourhood, c.count) for c in selectors.offer_counts_by_area()] == [(area, 3)]


def test_export_and_anonymise():
    given = offer("Korenmarkt 1")
    exported = services.export_help(given.helper)
    assert exported["offers"][0]["categories"] == ["shopping", "paperwork"]
    services.anonymise_help(user=given.helper)
    assert not HelpOffer.objects.exists()


def test_pending_items_are_not_public():
    newcomer = factories.UserFactory()
    given = offer(helper=newcomer)
    assert given not in HelpOffer.objects.public()
    approve(given)
    assert given in HelpOffer.objects.public()
