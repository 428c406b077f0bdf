from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("buurt", "0013_organisation_assured_from_verified"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="organisation",
            name="last_verified_on",
        ),
    ]
