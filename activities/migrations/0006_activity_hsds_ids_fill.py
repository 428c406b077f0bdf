"""A random identifier for every existing row, stored: it never changes after this."""

import uuid

from django.db import migrations

FIELDS = ("uuid", "location_uuid", "service_at_location_uuid",)


def fill(apps, schema_editor):
    model = apps.get_model("activities", "activity")
    rows = list(model.objects.only("pk", *FIELDS))
    for row in rows:
        for field in FIELDS:
            if getattr(row, field) is None:
                setattr(row, field, uuid.uuid4())
    model.objects.bulk_update(rows, FIELDS, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("activities", "0005_activity_hsds_ids")]

    # Backwards: the previous migration's reversal drops the columns.
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
