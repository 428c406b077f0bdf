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
# A small file can claim a huge canvas (a "decompression bomb"); refuse before decoding it.
MAX_PIXELS = 40_000_000
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
            if image.width * image.height > MAX_PIXELS:
                raise _fail("too_many_pixels")
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _fail("too_many_pixels") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise _fail("not_an_image") from exc
    return image


def clean_image(upload) -> ContentFile:
    """The upload as a new JPEG, PNG or WebP file without metadata, at most MAX_DIMENSION
    pixels on its longer side, with a random name. Raises ValidationError with a message for
    the person who uploaded it."""
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise _fail("too_large")
    image = _read(upload)
    image_format = image.format
    icc_profile = image.info.get("icc_profile")  # colours, not personal data: kept

    image = ImageOps.exif_transpose(image)  # the orientation lives in the EXIF we drop
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
