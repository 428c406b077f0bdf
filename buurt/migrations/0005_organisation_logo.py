import core.images
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("buurt", "0004_postcode_centroids"),
    ]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="logo",
            field=core.images.CleanImageField(
                blank=True, upload_to="organisations/logos/", verbose_name="logo"
            ),
        ),
    ]
