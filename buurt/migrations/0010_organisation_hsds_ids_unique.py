"""Open data identifiers (HSDS): required and unique once every row has its own."""

import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("buurt", "0009_organisation_hsds_ids_fill")]

    operations = [
        migrations.AlterField(
            model_name="organisation",
            name="uuid",
            field=models.UUIDField(
                default=uuid.uuid4, editable=False, unique=True, verbose_name="identifier"
            ),
        ),
        migrations.AlterField(
            model_name="organisation",
            name="service_uuid",
            field=models.UUIDField(
                default=uuid.uuid4, editable=False, unique=True, verbose_name="identifier of its service"
            ),
        ),
        migrations.AlterField(
            model_name="organisation",
            name="location_uuid",
            field=models.UUIDField(
                default=uuid.uuid4, editable=False, unique=True, verbose_name="identifier of its location"
            ),
        ),
        migrations.AlterField(
            model_name="organisation",
            name="service_at_location_uuid",
            field=models.UUIDField(
                default=uuid.uuid4, editable=False, unique=True, verbose_name="identifier of its service at its location"
            ),
        ),
    ]
