"""Load the shipped Belgian postcode centres (buurt/data/be_postcodes.csv) and mark the
organisations that already have a point as placed by hand. Reversible."""

from django.contrib.gis.geos import Point
from django.db import migrations


def load(apps, schema_editor):
    from buurt.geocoding.postcodes import read_postcode_csv

    PostcodeCentroid = apps.get_model("buurt", "PostcodeCentroid")
    for row in read_postcode_csv():
        lat, lon = row.pop("lat"), row.pop("lon")
        PostcodeCentroid.objects.update_or_create(
            postcode=row.pop("postcode"), defaults={**row, "point": Point(lon, lat, srid=4326)}
        )
    Organisation = apps.get_model("buurt", "Organisation")
    Organisation.objects.filter(point__isnull=False).update(geocode_status="manual")


def unload(apps, schema_editor):
    from buurt.geocoding.postcodes import read_postcode_csv

    PostcodeCentroid = apps.get_model("buurt", "PostcodeCentroid")
    PostcodeCentroid.objects.filter(postcode__in=[r["postcode"] for r in read_postcode_csv()]).delete()
    Organisation = apps.get_model("buurt", "Organisation")
    Organisation.objects.filter(geocode_status="manual").update(geocode_status="none")


class Migration(migrations.Migration):
    dependencies = [("buurt", "0003_address_gazetteer")]

    operations = [migrations.RunPython(load, unload)]
