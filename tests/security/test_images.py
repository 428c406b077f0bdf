"""Image uploads: accepted by content (JPEG, PNG, WebP), at most 5 MB, stored without EXIF
and at most 1600 px; everything else refused with a message for the person uploading."""

import io
import os

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from buurt.models import Organisation
from core import images
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

# Gent, Korenmarkt, as a phone would write it: degrees, minutes, seconds.
GPS_LATITUDE = (51.0, 3.0, 15.48)
GPS_LONGITUDE = (3.0, 43.0, 10.56)


def image_bytes(image_format: str, size=(800, 600), mode="RGB", **save_options) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, "#d55e00").save(buffer, format=image_format, **save_options)
    return buffer.getvalue()


def jpeg_with_gps(size=(2400, 1800)) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 1  # Orientation
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", GPS_LATITUDE
    gps[3], gps[4] = "E", GPS_LONGITUDE
    return image_bytes("JPEG", size=size, exif=exif, comment=b"Jan Peeters, Sleepstraat 5")


def upload(name: str, content: bytes, content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def reopen(cleaned) -> Image.Image:
    cleaned.seek(0)
    return Image.open(io.BytesIO(cleaned.read()))


def test_a_phone_photo_loses_its_gps_position_and_is_resized():
    original = Image.open(io.BytesIO(jpeg_with_gps()))
    assert original.getexif().get_ifd(0x8825)  # the test photo really carries a position

    cleaned = images.clean_image(upload("IMG_20260601_Jan.jpg", jpeg_with_gps()))

    stored = reopen(cleaned)
    assert stored.format == "JPEG"
    assert dict(stored.getexif()) == {}
    assert "exif" not in stored.info
    assert "comment" not in stored.info
    assert stored.size == (1600, 1200)  # the longer side at MAX_DIMENSION, proportions kept
    assert cleaned.name.endswith(".jpg")
    assert "Jan" not in cleaned.name  # the uploaded name is not kept


def test_upright_orientation_is_applied_before_the_exif_is_dropped():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    content = image_bytes("JPEG", size=(400, 200), exif=exif)

    stored = reopen(images.clean_image(upload("sideways.jpg", content)))

    assert stored.size == (200, 400)


@pytest.mark.parametrize(
    ("image_format", "extension", "mode"),
    [("JPEG", "jpg", "RGB"), ("PNG", "png", "RGBA"), ("WEBP", "webp", "RGB")],
)
def test_jpeg_png_and_webp_are_accepted_and_kept_in_their_format(image_format, extension, mode):
    cleaned = images.clean_image(upload(f"logo.{extension}", image_bytes(image_format, mode=mode)))

    stored = reopen(cleaned)
    assert stored.format == image_format
    assert stored.size == (800, 600)  # small images are not enlarged
    assert cleaned.name.endswith(f".{extension}")


def test_the_type_comes_from_the_content_not_the_name():
    cleaned = images.clean_image(upload("logo.jpg", image_bytes("PNG")))

    assert reopen(cleaned).format == "PNG"
    assert cleaned.name.endswith(".png")


def messages(error: ValidationError) -> list[str]:
    return [str(message) for message in error.messages]


def test_a_text_file_named_png_is_refused_with_a_clear_message():
    with pytest.raises(ValidationError) as refused:
        images.clean_image(upload("logo.png", b"just some text, not an image\n", "image/png"))

    assert refused.value.code == "not_an_image"
    assert messages(refused.value) == [
        "This file is not an image we accept. Please choose a JPEG, PNG or WebP."
    ]


@pytest.mark.parametrize("image_format", ["GIF", "BMP", "TIFF"])
def test_other_image_formats_are_refused(image_format):
    with pytest.raises(ValidationError) as refused:
        images.clean_image(upload("logo.jpg", image_bytes(image_format)))

    assert refused.value.code == "not_an_image"


def test_a_truncated_jpeg_is_refused():
    with pytest.raises(ValidationError) as refused:
        images.clean_image(upload("broken.jpg", image_bytes("JPEG")[:400]))

    assert refused.value.code == "not_an_image"


def test_a_file_over_5_mb_is_refused_before_it_is_read():
    # Random bytes do not compress: a real 6 MB upload.
    content = image_bytes("PNG", size=(10, 10)) + os.urandom(6 * 1024 * 1024)

    with pytest.raises(ValidationError) as refused:
        images.clean_image(upload("big.png", content, "image/png"))

    assert refused.value.code == "too_large"
    assert messages(refused.value) == [
        "The image is larger than 5.0\xa0MB. Please choose a smaller one."
    ]


def test_a_decompression_bomb_is_refused():
    # 10,000 x 10,000 pixels of one colour: a few kB on disk, 100 megapixels to decode.
    content = image_bytes("PNG", size=(10_000, 10_000), mode="1")
    assert len(content) < 100_000

    with pytest.raises(ValidationError) as refused:
        images.clean_image(upload("bomb.png", content, "image/png"))

    assert refused.value.code == "too_many_pixels"


def test_a_huge_decompression_bomb_is_refused_too():
    # Past twice Pillow's own limit, where Pillow raises instead of warning.
    content = image_bytes("PNG", size=(20_000, 20_000), mode="1")

    with pytest.raises(ValidationError) as refused:
        images.clean_image(upload("bomb.png", content, "image/png"))

    assert refused.value.code == "too_many_pixels"


def test_messages_are_translated():
    with pytest.raises(ValidationError) as refused:
        images.clean_image(upload("logo.png", b"text", "image/png"))

    # Lazy: the message speaks the language of the page that shows it.
    with translation.override("nl"):
        assert messages(refused.value) == [
            "Dit bestand is geen afbeelding die we aanvaarden. Kies een JPEG, PNG of WebP."
        ]
    with translation.override("fr"):
        assert messages(refused.value)[0].startswith("Ce fichier n'est pas une image")


class LogoForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["logo"]


def test_every_model_form_cleans_the_logo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    organisation = OrganisationFactory()

    form = LogoForm(
        data={}, files={"logo": upload("IMG_4032.jpg", jpeg_with_gps())}, instance=organisation
    )
    assert form.is_valid(), form.errors
    form.save()

    organisation.refresh_from_db()
    assert organisation.logo.name.startswith("organisations/logos/")
    with organisation.logo.open("rb") as stored_file:
        stored = Image.open(io.BytesIO(stored_file.read()))
    assert dict(stored.getexif()) == {}
    assert max(stored.size) == images.MAX_DIMENSION


def test_a_model_form_shows_the_message_for_a_wrong_file(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    form = LogoForm(data={}, files={"logo": upload("logo.png", b"<svg onload=alert(1)>")})

    assert not form.is_valid()
    assert form.errors["logo"] == [
        "This file is not an image we accept. Please choose a JPEG, PNG or WebP."
    ]


def test_the_admin_uploads_a_logo_through_the_same_cleaning(admin_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    organisation = OrganisationFactory()
    change_url = f"/admin/buurt/organisation/{organisation.pk}/change/"
    form = admin_client.get(change_url).context["adminform"].form

    assert isinstance(form.fields["logo"], images.CleanImageFormField)


def test_the_organisation_page_shows_the_logo_with_alt_text(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    organisation = OrganisationFactory(name="Toneelgroep De Planken")
    organisation.logo = images.clean_image(upload("logo.png", image_bytes("PNG")))
    organisation.save()

    html = client.get(organisation.get_absolute_url()).content.decode()

    assert f'src="{organisation.logo.url}"' in html
    assert 'alt="Logo of Toneelgroep De Planken"' in html
