"""Open data identifiers (HSDS), added empty: the next migration fills them."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("activities", "0004_first_date_on_rule")]

    operations = [
        migrations.AddField(
            model_name="activity",
            name="uuid",
            field=models.UUIDField(editable=False, null=True, verbose_name="identifier"),
        ),
        migrations.AddField(
            model_name="activity",
            name="location_uuid",
            field=models.UUIDField(editable=False, null=True, verbose_name="identifier of its location"),
        ),
        migrations.AddField(
            model_name="activity",
            name="service_at_location_uuid",
            field=models.UUIDField(editable=False, null=True, verbose_name="identifier of its service at its location"),
        ),
    ]
