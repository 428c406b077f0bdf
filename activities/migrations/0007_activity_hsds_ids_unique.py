"""Open data identifiers (HSDS): required and unique once every row has its own."""

import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("activities", "0006_activity_hsds_ids_fill")]

    operations = [
        migrations.AlterField(
            model_name="activity",
            name="uuid",
            field=models.UUIDField(
                default=uuid.uuid4, editable=False, unique=True, verbose_name="identifier"
            ),
        ),
        migrations.AlterField(
            model_name="activity",
            name="location_uuid",
            field=models.UUIDField(
                default=uuid.uuid4, editable=False, unique=True, verbose_name="identifier of its location"
            ),
        ),
        migrations.AlterField(
            model_name="activity",
            name="service_at_location_uuid",
            field=models.UUIDField(
                default=uuid.uuid4, editable=False, unique=True, verbose_name="identifier of its service at its location"
            ),
        ),
    ]
