"""Loading a list from the moderation pages: upload, see the dry run, confirm."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from buurt import selectors as buurt_selectors
from buurt.models import Organisation
from core.moderation import ModerationState
from moderation.models import AuditEntry
from tests.buurt.test_import_organisations import DUTCH_CSV, languages, run, write
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

__all__ = ["languages"]  # the command's fixture: the languages the list names

PAGE = reverse("moderation:organisation-import")
CONFIRM = reverse("moderation:organisation-import-confirm")


def upload(client, data: bytes = DUTCH_CSV, name: str = "verenigingen.csv", **fields):
    return client.post(
        PAGE, {"file": SimpleUploadedFile(name, data), "source": "gent", "mapping": "", **fields}
    )


@pytest.fixture
def coordinator(client):
    user = UserFactory(is_coordinator=True)
    client.force_login(user)
    return user


def test_only_coordinators_and_moderators_load_lists(client):
    assert client.get(PAGE).status_code == 404
    client.force_login(UserFactory())
    assert client.get(PAGE).status_code == 404
    assert upload(client).status_code == 404
    assert client.post(CONFIRM, {"token": "x"}).status_code == 404
    assert Organisation.objects.count() == 0


def test_upload_shows_the_dry_run_then_confirm_loads_it(client, coordinator):
    OrganisationFactory(name="Het Anker vzw", postcode="9000")

    response = upload(client)

    page = response.content.decode()
    assert response.status_code == 200
    assert "What loading this list would do" in page
    assert "2 new, 0 updated, 0 unchanged, 1 possible duplicates, 2 bad rows." in page
    assert "line 4" in page
    assert "no name" in page
    assert "Het Anker vzw (a similar name in the same postcode)" in page
    assert Organisation.objects.count() == 1  # nothing saved yet
    assert "publish" not in page.split("<form")[-1]  # coordinators do not publish at once
    token = page.split('name="token" value="')[1].split('"')[0]

    loaded = client.post(CONFIRM, {"token": token}).content.decode()

    assert "The list was loaded" in loaded
    assert Organisation.objects.count() == 3
    assert set(
        Organisation.objects.filter(source_id="")
        .exclude(name="Het Anker vzw")
        .values_list("moderation_state", flat=True)
    ) == {ModerationState.PENDING}
    # The file is gone once loaded: the same confirmation cannot load it twice.
    assert cache.get(f"organisation-import:{token}") is None
    again = client.post(CONFIRM, {"token": token})
    assert again.status_code == 400
    assert "This upload is no longer here" in again.content.decode()


def test_another_account_cannot_confirm_someone_elses_upload(client, coordinator):
    page = upload(client).content.decode()
    token = page.split('name="token" value="')[1].split('"')[0]
    client.force_login(UserFactory(is_coordinator=True))

    assert client.post(CONFIRM, {"token": token}).status_code == 400
    assert Organisation.objects.count() == 0


def test_a_moderator_publishes_the_new_listings_at_once(client):
    moderator = UserFactory(is_moderator=True)
    client.force_login(moderator)
    page = upload(client).content.decode()
    token = page.split('name="token" value="')[1].split('"')[0]
    loaded = client.post(CONFIRM, {"token": token}).content.decode()
    assert "Publish these 3 new listings now" in loaded
    ids = [value.split('"')[0] for value in loaded.split('name="organisation" value="')[1:]]

    response = client.post(reverse("moderation:organisation-import-publish"), {"organisation": ids})

    assert response.status_code == 302
    assert Organisation.objects.public().count() == 3


def test_bad_uploads_get_a_clear_error_and_nothing_changes(client, coordinator, settings):
    settings.ORGANISATION_IMPORT_MAX_BYTES = 1000
    too_big = upload(client, DUTCH_CSV * 10)
    assert too_big.status_code == 400
    assert "The file is larger than 1000" in too_big.content.decode()

    wrong_kind = upload(client, b"%PDF-1.4", "lijst.pdf")
    assert "Upload a .csv, .xlsx or .json file" in wrong_kind.content.decode()

    not_excel = upload(client, b"PK\x03\x04 kapot", "lijst.xlsx")
    assert "This is not an Excel file (XLSX) that can be read." in not_excel.content.decode()

    bad_mapping = upload(client, mapping="Naam vzw")
    assert bad_mapping.status_code == 400
    assert "--map wants COLUMN=field" in bad_mapping.content.decode()
    assert Organisation.objects.count() == 0


def test_an_xlsx_upload(client, coordinator):
    workbook = openpyxl.Workbook()
    workbook.active.append(["Naam vzw", "Postcode", "Gemeente"])
    workbook.active.append(["Schaakclub De Toren", 9000, "Gent"])
    data = io.BytesIO()
    workbook.save(data)

    page = upload(client, data.getvalue(), "lijst.xlsx", mapping="Naam vzw=name").content.decode()

    assert "1 new, 0 updated" in page
    assert "Naam vzw → name" in page


def test_a_command_line_import_is_published_in_one_step_by_a_moderator(client, tmp_path):
    """manage.py buurt_import_organisations leaves its new listings waiting; the import page
    lists the batch (source and day) and a moderator publishes it at once, audited per listing.
    A resident cannot, and a coordinator sees the batch without the button."""
    run(write(tmp_path, "verenigingen.csv", DUTCH_CSV), "--source", "gent")
    waiting = Organisation.objects.filter(moderation_state=ModerationState.PENDING)
    assert waiting.count() == 3
    assert Organisation.objects.public().count() == 0
    publish = reverse("moderation:organisation-import-publish")
    # This list has no id column: its rows carry no source label, only the day of the import.
    batch = f"/{timezone.localdate(waiting.first().created_at).isoformat()}"

    client.force_login(UserFactory())
    assert client.get(PAGE).status_code == 404
    assert client.post(publish, {"batch": batch}).status_code == 404
    client.force_login(UserFactory(is_coordinator=True))
    page = client.get(PAGE).content.decode()
    assert "Loaded lists waiting for a moderator" in page
    assert f'value="{batch}"' not in page
    assert client.post(publish, {"batch": batch}).status_code == 404
    assert Organisation.objects.public().count() == 0

    moderator = UserFactory(is_moderator=True)
    client.force_login(moderator)
    page = client.get(PAGE).content.decode()
    assert "Publish these 3 new listings now" in page
    assert f'name="batch" value="{batch}"' in page
    queue = client.get(reverse("moderation:queue")).content.decode()
    assert "1 loaded list waits: publish its new listings in one step" in queue

    response = client.post(publish, {"batch": batch})

    assert response.status_code == 302
    assert Organisation.objects.public().count() == 3
    approvals = AuditEntry.objects.filter(actor=moderator, action=AuditEntry.Action.APPROVE)
    assert approvals.count() == 3
    assert "Loaded lists waiting for a moderator" not in client.get(PAGE).content.decode()
    assert "loaded list" not in client.get(reverse("moderation:queue")).content.decode()
    # The same batch again (a second click, a stale page) publishes nothing more.
    assert client.post(publish, {"batch": batch}).status_code == 302
    assert approvals.count() == 3


def test_waiting_batches_are_grouped_by_source_and_day_and_only_imports():
    def imported(source_id):
        return OrganisationFactory(
            source_id=source_id,
            assurer=Organisation.Assurer.IMPORT,
            moderation_state=ModerationState.PENDING,
        )

    gent = [imported("gent:1"), imported("gent:2")]
    antwerpen = imported("antwerpen:1")
    imported("gent:3")
    Organisation.objects.filter(source_id="gent:3").update(
        created_at=timezone.now() - datetime.timedelta(days=2)
    )
    OrganisationFactory(moderation_state=ModerationState.PENDING)  # registered by a person
    OrganisationFactory(source_id="gent:4", assurer=Organisation.Assurer.IMPORT)  # published

    batches = buurt_selectors.organisation_import_batches_waiting()

    today = timezone.localdate()
    assert [(b.source, b.day, len(b.ids)) for b in batches] == [
        ("antwerpen", today, 1),
        ("gent", today, 2),
        ("gent", today - datetime.timedelta(days=2), 1),
    ]
    assert set(batches[1].ids) == {o.pk for o in gent}
    assert buurt_selectors.organisation_import_batch_ids(key=f"antwerpen/{today}") == [antwerpen.pk]
    assert buurt_selectors.organisation_import_batch_ids(key="elders/2026-01-01") == []
