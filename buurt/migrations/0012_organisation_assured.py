import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("buurt", "0011_neighbourhood_population_source"),
    ]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="assured_on",
            field=models.DateField(
                db_index=True, default=django.utils.timezone.localdate, verbose_name="last confirmed on"
            ),
        ),
        migrations.AddField(
            model_name="organisation",
            name="assurer",
            field=models.CharField(
                blank=True,
                choices=[
                    ("member", "a member of the association"),
                    ("moderator", "a moderator"),
                    ("import", "an import"),
                ],
                max_length=20,
                verbose_name="confirmed by",
            ),
        ),
    ]
