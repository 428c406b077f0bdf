import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from moderation.models import AuditEntry
from referrals import services
from referrals.models import Notification, Referral
from tests import factories

from .helpers import accepted, association, companion_offer, referral, worker

pytestmark = pytest.mark.django_db

FORM = {
    "pseudonym": "Jan",
    "needs": ["company", "creative"],
    "note": "Komt liefst in de voormiddag.",
    "first_contact": "call_worker",
    "give_back": "set_up",
    "consent": "on",
}


def create_url(**query) -> str:
    return reverse("referrals:create") + "?" + "&".join(f"{k}={v}" for k, v in query.items())


def test_a_worker_refers_from_the_association_page(client):
    organisation, contact = association()
    referring = worker()
    client.force_login(referring)
    page = client.get(organisation.get_absolute_url()).content.decode()
    assert create_url(organisation=organisation.slug) in page.replace("&amp;", "&")
    response = client.post(create_url(organisation=organisation.slug), FORM)
    made = Referral.objects.get()
    assert response.status_code == 302
    assert response.url == made.get_absolute_url()
    assert (made.worker, made.pseudonym, made.give_back) == (referring, "Jan", "set_up")
    assert made.notifications.filter(recipient=contact, event="new").exists()


def test_residents_see_no_referral_link_and_cannot_refer(client):
    organisation, _contact = association()
    client.force_login(factories.UserFactory())
    assert "verbinden" not in client.get(organisation.get_absolute_url()).content.decode()
    response = client.post(create_url(organisation=organisation.slug), FORM)
    assert response.status_code == 403
    assert not Referral.objects.exists()


def test_a_referral_from_an_activity_and_with_a_companion(client):
    organisation, _contact = association()
    activity = factories.ActivityFactory(organisation=organisation, title="Repetitie")
    offer = companion_offer()
    client.force_login(worker())
    page = client.get(create_url(activity=activity.pk)).content.decode()
    assert "Repetitie" in page
    assert "Mo" in page
    response = client.post(
        create_url(activity=activity.pk),
        {**FORM, "activity": activity.pk, "companion": offer.pk, "first_contact": "companion"},
    )
    assert response.status_code == 302
    made = Referral.objects.get()
    assert (made.activity, made.companion_offer, made.companion_status) == (
        activity,
        offer,
        "asked",
    )


def test_starting_from_a_help_offer_chooses_the_association(client):
    organisation, _contact = association()
    offer = companion_offer()
    client.force_login(worker())
    page = client.get(create_url(offer=offer.pk)).content.decode()
    assert organisation.name in page
    response = client.post(
        create_url(offer=offer.pk),
        {**FORM, "organisation": organisation.pk, "companion": offer.pk},
    )
    assert response.status_code == 302
    assert Referral.objects.get().companion_offer == offer


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"pseudonym": "Jan Peeters"}, "Only a first name or a pseudonym"),
        ({"pseudonym": "85.07.30-033.28"}, "Only a first name or a pseudonym"),
        ({"note": "Bel hem op 0470 12 34 56"}, "Leave contact details and numbers out"),
        ({"note": "Woont in de Kerkstraat 12 bij zijn zus"}, "Kerkstraat 12"),
        ({"note": "Habite rue de la Loi 16."}, "rue de la Loi 16"),
        ({"consent": ""}, "This field is required"),
        ({"needs": ["diagnosis"]}, "Select a valid choice"),
        ({"first_contact": "companion"}, "Choose who goes along the first time"),
    ],
)
def test_bad_input_is_refused_with_a_reason_and_saves_nothing(client, change, message):
    organisation, _contact = association()
    client.force_login(worker())
    response = client.post(create_url(organisation=organisation.slug), {**FORM, **change})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Referral.objects.exists()


def test_health_information_needs_a_second_look(client):
    organisation, _contact = association()
    client.force_login(worker())
    url = create_url(organisation=organisation.slug)
    data = {**FORM, "note": "Hij heeft een depressie en neemt medicatie."}
    page = client.post(url, data).content.decode()
    assert "This looks like health information (depressie, medicatie)" in page
    assert not Referral.objects.exists()
    # Confirmed as not health information (a false alarm): it goes through.
    assert client.post(url, {**data, "health_confirmed": "on"}).status_code == 302
    assert Referral.objects.count() == 1


def test_an_association_without_members_says_how_to_reach_it(client):
    organisation = factories.OrganisationFactory(phone="09 123 45 67")
    client.force_login(worker())
    page = client.get(create_url(organisation=organisation.slug)).content.decode()
    assert "does not receive referrals on Buurtkaart yet" in page
    assert "09 123 45 67" in page


def test_a_draft_association_or_activity_is_404(client):
    draft, _contact = association(status="draft")
    activity = factories.ActivityFactory(status="draft")
    client.force_login(worker())
    assert client.get(create_url(organisation=draft.slug)).status_code == 404
    assert client.get(create_url(activity=activity.pk)).status_code == 404
    assert client.get(create_url(activity="x")).status_code == 404


def test_the_contact_accepts_from_the_incoming_page_and_views_are_audited(client):
    made = referral(pseudonym="Jozefien")
    contact = made.organisation.memberships.first().user
    client.force_login(contact)
    incoming = client.get(reverse("referrals:incoming", args=[made.organisation.slug]))
    assert "Jozefien" in incoming.content.decode()
    detail = client.get(made.get_absolute_url())
    assert "Jozefien" in detail.content.decode()
    assert AuditEntry.objects.filter(action="view", actor=contact, object_id=made.pk).count() == 2
    moment = (timezone.localtime() + datetime.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("referrals:respond", args=[made.pk]), {"decision": "propose", "moment": moment}
    )
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.status == "accepted"
    assert made.proposed_moment is not None
    assert made.follow_ups.count() == 3


def test_declining_without_a_reason_is_a_clear_error(client):
    made = referral()
    client.force_login(made.organisation.memberships.first().user)
    response = client.post(reverse("referrals:respond", args=[made.pk]), {"decision": "decline"})
    assert response.status_code == 400
    assert "Say why, so the worker can look further." in response.content.decode()
    made.refresh_from_db()
    assert made.status == "sent"


def test_the_worker_sees_due_follow_ups_and_answers_in_one_click(client):
    made = accepted(referral())
    services.follow_ups_ask(today=timezone.localdate() + datetime.timedelta(weeks=2))
    follow_up = made.follow_ups.get(weeks=2)
    client.force_login(made.worker)
    page = client.get(reverse("referrals:mine")).content.decode()
    assert "After 2 weeks: did Jan go?" in page
    response = client.post(
        reverse("referrals:follow-up-answer", args=[follow_up.pk]), {"answer": "regularly"}
    )
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.outcome == "regularly"
    assert "After 2 weeks" not in client.get(reverse("referrals:mine")).content.decode()


def test_the_one_click_link_needs_the_token_and_the_workers_session(client):
    made = accepted(referral())
    services.follow_ups_ask(today=timezone.localdate() + datetime.timedelta(weeks=2))
    follow_up = made.follow_ups.get(weeks=2)
    link = follow_up.answer_url("once")
    # A link scanner or anyone without the worker's session changes nothing.
    assert client.get(link).status_code == 302
    client.force_login(factories.UserFactory())
    assert client.get(link).status_code == 404
    client.force_login(made.worker)
    wrong = reverse("referrals:follow-up-link", args=[follow_up.pk, "wrong-token", "once"])
    assert client.get(wrong).status_code == 404
    follow_up.refresh_from_db()
    assert follow_up.answer == ""
    assert client.get(link).status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.answer == "once"


def test_a_failed_e_mail_is_shown_and_can_be_sent_again(client, mailoutbox):
    made = referral()
    Notification.objects.filter(referral=made).update(status="failed", last_error="refused")
    client.force_login(made.worker)
    page = client.get(made.get_absolute_url()).content.decode()
    assert 'The e-mail "New referral" to Els could not be sent.' in page
    (notification,) = made.notifications.all()
    response = client.post(reverse("referrals:notification-retry", args=[notification.pk]))
    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.status in ("pending", "sent")


def test_statistics_are_for_coordinators_and_hide_small_cells(client):
    organisation, _contact = association()
    small, _other = association(name="Kookclub", slug="kookclub")
    for _i in range(6):
        made = accepted(referral(to=organisation, needs=["company"]))
        services.follow_ups_ask(today=timezone.localdate() + datetime.timedelta(weeks=12))
        for follow_up in made.follow_ups.all():
            services.follow_up_answer(user=made.worker, follow_up=follow_up, answer="regularly")
    for _i in range(2):
        referral(to=small, needs=["company"])
    client.force_login(factories.UserFactory())
    assert client.get(reverse("referrals:statistics")).status_code == 404
    client.force_login(factories.UserFactory(is_coordinator=True))
    page = client.get(reverse("referrals:statistics")).content.decode()
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</th>(.*?)</tr>", page)
    cells = {label: re.findall(r"<td[^>]*>(.*?)</td>", rest) for label, rest in rows}
    assert cells["Theatergroep De Buurt"] == ["6", "6", "6"]
    assert "Kookclub" not in cells  # two referrals: too few to show
    assert cells["Company, fewer lonely hours"] == ["8", "6", "6"]
    assert "Jan" not in page


def test_list_pages_do_not_grow_queries_with_referrals(client, django_assert_max_num_queries):
    organisation, contact = association()
    referring = worker()
    for _i in range(3):
        referral(by=referring, to=organisation)
    client.force_login(referring)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("referrals:mine"))
    for _i in range(5):
        referral(by=referring, to=organisation)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("referrals:mine"))
    client.force_login(contact)
    with django_assert_max_num_queries(14) as few:
        client.get(reverse("referrals:incoming", args=[organisation.slug]))
    referral(by=referring, to=organisation)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("referrals:incoming", args=[organisation.slug]))


def test_the_form_suggests_a_way_to_give_back_without_choosing_it(client):
    organisation, _contact = association(kind="community_centre")
    client.force_login(worker())
    page = client.get(create_url(organisation=organisation.slug)).content.decode()
    assert "here, for example: bring soup or cake" in page
    assert '<option value="cook" selected>' not in page


def test_the_members_dashboard_shows_referrals_waiting_for_an_answer(client):
    made = referral()
    client.force_login(made.organisation.memberships.first().user)
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert "(1 waiting for an answer)" in page
    assert reverse("referrals:incoming", args=[made.organisation.slug]) in page


def test_companion_choices_cost_the_same_queries_for_more_neighbours(
    django_assert_max_num_queries,
):
    from referrals import selectors

    organisation, _contact = association()
    referring = worker()
    companion_offer()
    with django_assert_max_num_queries(3) as few:
        assert len(selectors.companion_choices(organisation, worker=referring)) == 1
    for _i in range(4):
        companion_offer()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(selectors.companion_choices(organisation, worker=referring)) == 5
