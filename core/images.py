"""Image uploads (organisation logos, activity pictures): checked by content, re-encoded.

An upload is accepted when Pillow reads it as JPEG, PNG or WebP — whatever its name says — and
it is at most MAX_UPLOAD_BYTES. It is then decoded and written anew: that drops EXIF (a phone
photo's GPS position!), XMP and comments, turns it upright, and shrinks it to MAX_DIMENSION.
The stored file gets a random name: the uploaded one can carry a person's name, or a path.
"""

from __future__ import annotations

import io
import uuid
import warnings

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_DIMENSION = 1600  # pixels, the longer side
# A small file can claim a huge canvas (a "decompression bomb"), and what a canvas costs to
# process depends on how it is decoded; so each kind has its own cap, refused before decoding,
# that keeps the worst case of every kind at about the same memory. Peak RSS of a process
# above its resting size, measured by tests/security/test_images.py (Pillow 13, libjpeg-turbo):
# - a JPEG with one scan (phones, cameras) is decoded at 1/2, 1/4 or 1/8 scale when it is
#   large (draft), so no more than about 10 megapixels are ever held: <= 80 MB at 40 MP;
# - a JPEG with several scans (progressive) makes libjpeg keep every coefficient of the full
#   image, up to 8 bytes a pixel in CMYK: <= 110 MB at 12.5 MP;
# - a PNG is decoded whole (4 bytes a pixel) and one with alpha is copied to resize it:
#   <= 105 MB at 10 MP;
# - Pillow's WebP decoder holds about 16 bytes a pixel: <= 115 MB at 6 MP (animated).
# So a worst-case upload costs a web process about 115 MB; the test holds every kind to
# MEMORY_WORST_CASE_MB. Before (40 MP for all, and a copy of the canvas to turn it upright even
# when there was nothing to turn), a 36-megapixel PNG cost 275-330 MB.
MAX_PIXELS = {
    "JPEG": 40_000_000,
    "JPEG several scans": 12_500_000,
    "PNG": 10_000_000,
    "WEBP": 6_000_000,
}
MEMORY_WORST_CASE_MB = 120
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
SAVE_OPTIONS = {
    "JPEG": {"quality": 85, "optimize": True, "progressive": True},
    "PNG": {"optimize": True},
    "WEBP": {"quality": 85, "method": 4},
}
# Modes each format can store; anything else is converted first (e.g. a CMYK JPEG to RGB).
MODES = {
    "JPEG": {"RGB", "L"},
    "PNG": {"RGB", "RGBA", "L", "LA", "P", "1"},
    "WEBP": {"RGB", "RGBA"},
}

MESSAGES = {
    "too_large": _("The image is larger than %(max)s. Please choose a smaller one."),
    "not_an_image": _("This file is not an image we accept. Please choose a JPEG, PNG or WebP."),
    "too_many_pixels": _(
        "This image has too many pixels to process. Please make it smaller and try again."
    ),
}


def _fail(code: str) -> ValidationError:
    params = {"max": filesizeformat(MAX_UPLOAD_BYTES)} if code == "too_large" else None
    return ValidationError(MESSAGES[code], code=code, params=params)


def _read(upload) -> Image.Image:
    """Open and fully decode the upload, or raise ValidationError; never trusts its name."""
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow only warns about a moderately oversized canvas; treat that as refused.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload, formats=list(FORMATS))
            if image.width * image.height > MAX_PIXELS[_kind(image, upload)]:
                raise _fail("too_many_pixels")
            # A JPEG is decoded at 1/2, 1/4 or 1/8 scale when the stored size allows it (a
            # no-op for PNG and WebP, which are always decoded whole).
            image.draft(image.mode, _stored_size(image.size))
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _fail("too_many_pixels") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise _fail("not_an_image") from exc
    return image


def _format(image: Image.Image) -> str:
    """The key of FORMATS. A JPEG that carries more pictures (MPF: a phone's HDR gain map, a
    camera's preview) opens as "MPO"; its first picture is the photo, an ordinary JPEG."""
    return "JPEG" if image.format == "MPO" else image.format


def _kind(image: Image.Image, upload) -> str:
    """The key of MAX_PIXELS for an opened (not yet decoded) image."""
    if _format(image) != "JPEG":
        return _format(image)
    position = upload.tell()
    upload.seek(0)
    data = upload.read()
    upload.seek(position)
    return "JPEG several scans" if _jpeg_scans(data) > 1 else "JPEG"


def _jpeg_scans(data: bytes) -> int:
    """How many scans (SOS markers) the main image of a JPEG has, counted up to its end (EOI):
    a phone's photo may carry a second JPEG after it (a gain map), and EXIF a thumbnail before.
    Inside a scan's coded data a 0xFF byte is always followed by 0x00 or a restart marker, so a
    found 0xFFDA or 0xFFD9 is a marker (a table between scans could hold those bytes: then we
    count too many, and only apply the lower cap)."""
    position = 2  # after SOI
    while position + 4 <= len(data) and data[position] == 0xFF:
        marker = data[position + 1]
        if marker == 0xDA:  # the first scan
            end = data.find(b"\xff\xd9", position)
            return 1 + data.count(b"\xff\xda", position + 2, end if end != -1 else len(data))
        if marker == 0xFF:  # fill byte
            position += 1
        elif 0xD0 <= marker <= 0xD8 or marker == 0x01:  # markers without a length
            position += 2
        else:
            position += 2 + int.from_bytes(data[position + 2 : position + 4], "big")
    return 0  # no scan: Pillow refuses it when decoding


def _stored_size(size: tuple[int, int]) -> tuple[int, int]:
    """The size thumbnail() will give an image of `size`: at most MAX_DIMENSION on the longer
    side, proportions kept, never enlarged."""
    width, height = size
    scale = min(1.0, MAX_DIMENSION / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def clean_image(upload) -> ContentFile:
    """The upload as a new JPEG, PNG or WebP file without metadata, at most MAX_DIMENSION
    pixels on its longer side, with a random name. Raises ValidationError with a message for
    the person who uploaded it."""
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise _fail("too_large")
    image = _read(upload)
    image_format = _format(image)
    icc_profile = image.info.get("icc_profile")  # colours, not personal data: kept

    # The orientation lives in the EXIF we drop. In place: otherwise a copy of the whole
    # canvas, even when there is nothing to turn.
    ImageOps.exif_transpose(image, in_place=True)
    if image.mode not in MODES[image_format]:
        image = image.convert("RGBA" if "A" in image.mode and image_format != "JPEG" else "RGB")
        icc_profile = None  # it described the old colour space (e.g. CMYK)
    image.thumbnail((MAX_DIMENSION, MAX_DIMENSION), Image.Resampling.LANCZOS)
    image.info = {}  # Pillow falls back to the info dict for comments and profiles

    output = io.BytesIO()
    options = dict(SAVE_OPTIONS[image_format])
    if icc_profile:
        options["icc_profile"] = icc_profile
    image.save(output, format=image_format, **options)
    return ContentFile(output.getvalue(), name=f"{uuid.uuid4().hex}.{FORMATS[image_format]}")


class CleanImageFormField(forms.FileField):
    """A file field whose cleaned value is the re-encoded image of clean_image()."""

    widget = forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is None:
            return None
        return clean_image(upload)


class CleanImageField(models.ImageField):
    """An ImageField that every form (admin included) fills through clean_image()."""

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": CleanImageFormField, **kwargs})
