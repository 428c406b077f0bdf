"""The organisation profile page for its members: /organisaties/<slug>/bewerken/."""

import pytest
from django.urls import reverse

from accounts.models import Membership
from buurt.models import GeocodeStatus, Language, Organisation
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation():
    return OrganisationFactory(
        name="Taalcafé Rabot",
        slug="taalcafe-rabot",
        kind=Organisation.Kind.LANGUAGE_CAFE,
        geocode_status=GeocodeStatus.MANUAL,
    )


def form_data(**changes):
    data = {
        "description": "Elke dinsdag samen Nederlands oefenen.",
        "content_language": "nl",
        "street_address": "Korenmarkt 1",
        "postcode": "9000",
        "city": "Gent",
        "phone": "09 123 45 67",
        "email": "info@taalcafe.example.org",
        "website": "taalcafe.example.org",
        "opening_hours": "di 14-16u",
        "cost": "free",
        "welcome_person": "on",
        "wheelchair_accessible": "on",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("role", [Membership.Role.ADMIN, Membership.Role.EDITOR])
def test_members_edit_the_profile(client, organisation, role):
    Language.objects.get_or_create(code="ar", defaults={"name_local": "العربية"})
    user = MembershipFactory(organisation=organisation, role=role).user
    client.force_login(user)
    url = reverse("accounts:organisation-edit", args=[organisation.slug])
    assert client.get(url).status_code == 200
    response = client.post(url, form_data(languages=["ar"]))
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.description == "Elke dinsdag samen Nederlands oefenen."
    assert organisation.website == "https://taalcafe.example.org"
    assert organisation.welcome_person
    assert organisation.wheelchair_accessible
    assert not organisation.hearing_loop
    assert [lang.code for lang in organisation.languages.all()] == ["ar"]
    # What members may not change stays as it was.
    assert organisation.name == "Taalcafé Rabot"
    assert organisation.status == Organisation.Status.PUBLISHED


def test_a_new_address_is_placed_again(client, organisation, django_capture_on_commit_callbacks):
    user = MembershipFactory(organisation=organisation).user
    client.force_login(user)
    url = reverse("accounts:organisation-edit", args=[organisation.slug])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(url, form_data(street_address="Sleepstraat 10"))
    organisation.refresh_from_db()
    assert organisation.street_address == "Sleepstraat 10"
    assert organisation.geocode_status == GeocodeStatus.PENDING
    assert callbacks  # the geocoding task runs after the commit


def test_errors_are_shown_and_nothing_saved(client, organisation):
    user = MembershipFactory(organisation=organisation).user
    client.force_login(user)
    url = reverse("accounts:organisation-edit", args=[organisation.slug])
    response = client.post(url, form_data(email="geen-adres", cost="duur"))
    assert response.status_code == 400
    content = response.content.decode()
    assert "Enter a valid email address." in content
    assert "Select a valid choice." in content
    organisation.refresh_from_db()
    assert organisation.email == ""


def test_a_moderator_edits_any_organisation(client, organisation):
    client.force_login(UserFactory(is_moderator=True))
    url = reverse("accounts:organisation-edit", args=[organisation.slug])
    assert client.post(url, form_data()).status_code == 302


@pytest.mark.parametrize("who", ["resident", "coordinator", "member_elsewhere"])
def test_others_get_404(client, organisation, who):
    user = {
        "resident": lambda: UserFactory(),
        "coordinator": lambda: UserFactory(is_coordinator=True),
        "member_elsewhere": lambda: MembershipFactory().user,
    }[who]()
    client.force_login(user)
    url = reverse("accounts:organisation-edit", args=[organisation.slug])
    assert client.get(url).status_code == 404
    assert client.post(url, form_data(description="Gekaapt")).status_code == 404
    organisation.refresh_from_db()
    assert organisation.description == ""


def test_members_edit_their_draft_organisation(client):
    draft = OrganisationFactory(status=Organisation.Status.DRAFT)
    client.force_login(MembershipFactory(organisation=draft).user)
    assert client.get(reverse("accounts:organisation-edit", args=[draft.slug])).status_code == 200


def test_a_moderator_editing_on_behalf_is_audited(client, organisation):
    from moderation.models import AuditEntry

    member = MembershipFactory(organisation=organisation).user
    moderator = UserFactory(is_moderator=True)
    url = reverse("accounts:organisation-edit", args=[organisation.slug])
    client.force_login(member)
    client.post(url, form_data())
    assert not AuditEntry.objects.exists()

    client.force_login(moderator)
    client.post(url, form_data(description="Door de moderator verbeterd."))
    entry = AuditEntry.objects.get()
    assert entry.action == AuditEntry.Action.EDIT_ON_BEHALF
    assert entry.actor == moderator
    assert entry.target == organisation


def test_personal_data_in_the_description_asks_for_a_check_before_publishing(client, organisation):
    client.force_login(MembershipFactory(organisation=organisation).user)
    url = reverse("accounts:organisation-edit", args=[organisation.slug])
    text = "Bel gerust naar Mieke op 0470 12 34 56, zij komt je halen."

    response = client.post(url, form_data(description=text))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Check before publishing: this looks like personal data." in html
    assert "0470 12 34 56" in html
    organisation.refresh_from_db()
    assert organisation.description != text  # nothing saved yet

    response = client.post(url, form_data(description=text, personal_data_confirmed="on"))
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.description == text
