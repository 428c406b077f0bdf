"""Seed the languages and the seven network-strengthening models. Reversible."""

from django.db import migrations

# ISO 639-1 code, name in the language itself: the languages most often spoken in Flemish
# and Dutch neighbourhoods besides the official ones.
LANGUAGES = [
    ("nl", "Nederlands"),
    ("fr", "Français"),
    ("en", "English"),
    ("de", "Deutsch"),
    ("ar", "العربية"),
    ("tr", "Türkçe"),
    ("ber", "Tamaziɣt"),
    ("pl", "Polski"),
    ("ro", "Română"),
    ("bg", "Български"),
    ("uk", "Українська"),
    ("ru", "Русский"),
    ("es", "Español"),
    ("it", "Italiano"),
    ("pt", "Português"),
    ("so", "Soomaali"),
    ("ti", "ትግርኛ"),
    ("ps", "پښتو"),
    ("fa", "فارسی"),
    ("sgn", "Vlaamse Gebarentaal"),
]

NETWORK_MODELS = [
    ("competence", 1),
    ("buddy", 2),
    ("own_network", 3),
    ("peers", 4),
    ("context", 5),
    ("volunteering", 6),
    ("community", 7),
]


def forwards(apps, schema_editor):
    Language = apps.get_model("buurt", "Language")
    NetworkModel = apps.get_model("buurt", "NetworkModel")
    for code, name in LANGUAGES:
        Language.objects.update_or_create(code=code, defaults={"name_local": name})
    for code, number in NETWORK_MODELS:
        NetworkModel.objects.update_or_create(code=code, defaults={"number": number})


def backwards(apps, schema_editor):
    apps.get_model("buurt", "Language").objects.filter(
        code__in=[code for code, _ in LANGUAGES]
    ).delete()
    apps.get_model("buurt", "NetworkModel").objects.filter(
        code__in=[code for code, _ in NETWORK_MODELS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("buurt", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
