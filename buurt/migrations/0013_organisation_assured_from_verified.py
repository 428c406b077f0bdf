"""A listing's last confirmation: the day a moderator verified it (last_verified_on) where
there is one, else the day it was added. Reversible: back, verified listings keep the date."""

from django.db import migrations
from django.db.models import F


def forwards(apps, schema_editor):
    Organisation = apps.get_model("buurt", "Organisation")
    Organisation.objects.filter(last_verified_on__isnull=False).update(
        assured_on=F("last_verified_on"), assurer="moderator"
    )
    for pk, created_at in Organisation.objects.filter(last_verified_on__isnull=True).values_list(
        "pk", "created_at"
    ):
        Organisation.objects.filter(pk=pk).update(assured_on=created_at.date(), assurer="")


def backwards(apps, schema_editor):
    Organisation = apps.get_model("buurt", "Organisation")
    Organisation.objects.filter(assurer="moderator").update(last_verified_on=F("assured_on"))


class Migration(migrations.Migration):
    dependencies = [
        ("buurt", "0012_organisation_assured"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
