"""Open data identifiers (HSDS), added empty: the next migration fills them."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("buurt", "0007_organisation_enterprise_number")]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="uuid",
            field=models.UUIDField(editable=False, null=True, verbose_name="identifier"),
        ),
        migrations.AddField(
            model_name="organisation",
            name="service_uuid",
            field=models.UUIDField(editable=False, null=True, verbose_name="identifier of its service"),
        ),
        migrations.AddField(
            model_name="organisation",
            name="location_uuid",
            field=models.UUIDField(editable=False, null=True, verbose_name="identifier of its location"),
        ),
        migrations.AddField(
            model_name="organisation",
            name="service_at_location_uuid",
            field=models.UUIDField(editable=False, null=True, verbose_name="identifier of its service at its location"),
        ),
    ]
