"""The audit log: written by the services, read by moderators, never changed or deleted."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from moderation import services
from moderation.models import AppendOnlyError, AuditEntry
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

AUDIT_LOG = reverse("moderation:audit-log")


@pytest.fixture
def entry(moderator, organisation):
    return services.audit_record(
        actor=moderator, action=AuditEntry.Action.APPROVE, target=organisation, reason="Prima."
    )


def test_audit_record_keeps_who_what_and_why(entry, moderator, organisation):
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert (entry.actor, entry.actor_repr, entry.action) == (moderator, "Mona", "approve")
    assert (entry.target, entry.target_repr) == (organisation, "Buurttheater De Koekoek")
    assert entry.reason == "Prima."
    assert timezone.now() - entry.at < timedelta(minutes=1)


def test_an_entry_cannot_be_changed(entry):
    entry.reason = "Toch niet."
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(reason="Toch niet.")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.bulk_update([entry], ["reason"])
    assert AuditEntry.objects.get(pk=entry.pk).reason == "Prima."


def test_an_existing_row_cannot_be_overwritten_through_a_new_object(entry, moderator):
    copy = AuditEntry(pk=entry.pk, actor=moderator, action="reject", target_repr="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()


def test_an_entry_cannot_be_deleted(entry):
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_deleting_the_moderators_account_keeps_the_entry(entry, moderator, organisation):
    moderator.delete()
    organisation.delete()
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert (entry.actor, entry.actor_repr) == (None, "Mona")
    assert (entry.target, entry.target_repr) == (None, "Buurttheater De Koekoek")


def test_the_admin_is_read_only(admin_client, entry):
    changelist = reverse("admin:moderation_auditentry_changelist")
    change = reverse("admin:moderation_auditentry_change", args=[entry.pk])
    delete = reverse("admin:moderation_auditentry_delete", args=[entry.pk])

    assert admin_client.get(changelist).status_code == 200
    page = admin_client.get(change)
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert 'name="_save"' not in page.content.decode()
    assert admin_client.post(change, {"reason": "Anders."}).status_code == 403
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert admin_client.get(reverse("admin:moderation_auditentry_add")).status_code == 403
    bulk = admin_client.post(
        changelist, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
    )
    assert bulk.status_code in (200, 302)
    assert AuditEntry.objects.get(pk=entry.pk).reason == "Prima."


def test_moderators_read_the_log_newest_first_and_filter_by_action(client, moderator):
    organisations = OrganisationFactory.create_batch(3)
    for organisation in organisations:
        services.audit_record(actor=moderator, action="approve", target=organisation)
    services.audit_record(actor=moderator, action="reject", target=organisations[0], reason="Nee.")
    services.audit_record(actor=None, action="auto_hide", target=organisations[1])
    client.force_login(moderator)

    everything = client.get(AUDIT_LOG)
    rejected = client.get(AUDIT_LOG, {"action": "reject"})
    unknown = client.get(AUDIT_LOG, {"action": "drop table"})

    assert [e.action for e in everything.context["page"]] == [
        "auto_hide",
        "reject",
        "approve",
        "approve",
        "approve",
    ]
    assert [e.reason for e in rejected.context["page"]] == ["Nee."]
    assert len(unknown.context["page"]) == 5
    content = everything.content.decode()
    assert "Hidden after reports" in content
    assert "automatic" in content


def test_the_log_is_paginated(client, moderator, organisation, django_assert_max_num_queries):
    for _ in range(60):
        services.audit_record(actor=moderator, action="approve", target=organisation)
    client.force_login(moderator)

    with django_assert_max_num_queries(6):
        first = client.get(AUDIT_LOG)
    second = client.get(AUDIT_LOG, {"page": 2, "action": "approve"})

    assert len(first.context["page"]) == 50
    assert len(second.context["page"]) == 10
    assert "page=2" in first.content.decode()
    assert client.get(AUDIT_LOG, {"page": "x"}).status_code == 200


def test_other_apps_record_edits_on_behalf(organisation):
    moderator = UserFactory(is_moderator=True)
    entry = services.audit_record(
        actor=moderator,
        action=AuditEntry.Action.EDIT_ON_BEHALF,
        target=organisation,
        reason="Openingsuren aangepast op vraag van de vereniging.",
    )
    assert entry.get_action_display() == "Edited on behalf of the author"


def test_an_unknown_action_is_refused(organisation, moderator):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.audit_record(actor=moderator, action="erase", target=organisation)
