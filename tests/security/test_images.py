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

from . import image_memory

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


# --- Memory: what the worst upload of each kind costs (core.images.MAX_PIXELS) -----------------


def flat(image_format, size, mode, orientation=None, **options) -> bytes:
    """One colour: a few kB on disk however many pixels, so the 5 MB limit does not help. An
    EXIF orientation makes the cleaning turn the whole canvas."""
    colour = {"CMYK": (200, 90, 0, 20), "L": 90}.get(mode, (213, 94, 0, 255)[: len(mode)])
    if orientation:
        exif = Image.Exif()
        exif[0x0112] = orientation
        options["exif"] = exif
    buffer = io.BytesIO()
    Image.new(mode, size, colour).save(buffer, format=image_format, **options)
    return buffer.getvalue()


WORST_CASES = {
    # Decoded whole, turned upright, and copied with premultiplied alpha to resize.
    "PNG with alpha at 10 MP": lambda: flat("PNG", (3162, 3162), "RGBA", orientation=6),
    "animated WebP at 6 MP": lambda: flat(
        "WEBP", (3000, 2000), "RGBA", save_all=True, append_images=[Image.new("RGBA", (3000, 2000))]
    ),
    # Every coefficient kept, 4 components at full resolution, then converted to RGB.
    "progressive CMYK JPEG at 12.5 MP": lambda: flat(
        "JPEG", (3199, 3907), "CMYK", orientation=6, progressive=True, subsampling=0
    ),
    # Just too small to be decoded at half scale.
    "CMYK JPEG at 10 MP": lambda: flat("JPEG", (3199, 3199), "CMYK", orientation=6),
    "CMYK JPEG at 40 MP": lambda: flat("JPEG", (6320, 6320), "CMYK", orientation=6),
}


@pytest.mark.parametrize("case", WORST_CASES)
def test_the_worst_upload_of_each_kind_costs_at_most_the_stated_memory(case, tmp_path):
    path = tmp_path / "upload"
    path.write_bytes(WORST_CASES[case]())

    result, megabytes = image_memory.peak_mb(path)

    assert result == "ok"
    assert megabytes <= images.MEMORY_WORST_CASE_MB


def test_the_36_megapixel_png_of_the_issue_is_refused_before_it_is_decoded(tmp_path):
    path = tmp_path / "upload.png"
    path.write_bytes(flat("PNG", (7000, 5150), "RGB"))  # it raised a process by 275 MB

    result, megabytes = image_memory.peak_mb(path)

    assert result == "too_many_pixels"
    assert megabytes < 10


@pytest.mark.parametrize(
    ("content", "cap"),
    [
        (lambda: flat("PNG", (3163, 3162), "L"), "PNG"),
        (lambda: flat("WEBP", (3001, 2000), "RGB"), "WEBP"),
        (lambda: flat("JPEG", (3200, 3907), "L", progressive=True), "JPEG several scans"),
        (lambda: flat("JPEG", (6325, 6325), "L"), "JPEG"),
    ],
)
def test_one_row_over_the_cap_of_its_kind_is_refused(content, cap):
    data = content()
    opened = Image.open(io.BytesIO(data))
    assert opened.width * opened.height > images.MAX_PIXELS[cap]
    assert opened.width * (opened.height - 1) <= images.MAX_PIXELS[cap]

    with pytest.raises(ValidationError) as refused:
        images.clean_image(upload("big", data))

    assert refused.value.code == "too_many_pixels"


def test_scans_are_counted_in_the_main_picture_only():
    assert images._jpeg_scans(image_bytes("JPEG")) == 1
    assert images._jpeg_scans(image_bytes("JPEG", progressive=True)) > 1
    # A second picture after the photo (as a phone's HDR gain map) is not the photo's scan.
    assert images._jpeg_scans(multi_picture_jpeg()) == 1
    assert images._jpeg_scans(b"\xff\xd8 not a jpeg") == 0


def multi_picture_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (2400, 1800), "#d55e00").save(
        buffer, format="MPO", save_all=True, append_images=[Image.new("RGB", (600, 450))]
    )
    return buffer.getvalue()


def test_a_jpeg_that_carries_more_pictures_is_cleaned_as_a_jpeg():
    content = multi_picture_jpeg()
    assert Image.open(io.BytesIO(content)).format == "MPO"  # as Pillow opens it

    cleaned = images.clean_image(upload("PXL_20260601_HDR.jpg", content))

    stored = reopen(cleaned)
    assert (stored.format, stored.size) == ("JPEG", (1600, 1200))
    assert getattr(stored, "n_frames", 1) == 1  # only the photo is kept
    assert cleaned.name.endswith(".jpg")
