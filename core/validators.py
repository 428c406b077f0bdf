"""Validators shared by apps that have no other reason to know each other."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# A first name, with an initial at most: "Jan", "Marie-Claire", "Jan D." — never a surname, and
# no digits or signs (so no markup either: "Jan<svg onload=…>" is refused, not escaped later).
_PSEUDONYM = re.compile(r"^[^\W\d_]+(?:[-'][^\W\d_]+)*(?: [^\W\d_]\.?)?$")


def pseudonym_normalised(value: str) -> str:
    """Runs of white space as one space, none at the ends ("Jan  D. " -> "Jan D.")."""
    return " ".join(value.split())


def validate_pseudonym(value: str) -> None:
    """Refuses anything but a first name or pseudonym: a referral's client, the person a help
    request is asked on behalf of. Professional secrecy: never a surname or a number."""
    if not _PSEUDONYM.match(value):
        raise ValidationError(
            _(
                "Only a first name or a pseudonym (with an initial at most), no surname, "
                "numbers or signs."
            ),
            code="pseudonym",
        )


# A Belgian enterprise number (KBO/BCE, "ondernemingsnummer"): ten digits, the first 0 or 1,
# the last two 97 minus the first eight modulo 97. Written "0123.456.749", "BE 0123 456 749",
# or with nine digits from before 2005 ("123.456.749": a leading 0 was added then).
_ENTERPRISE_NUMBER_SEPARATORS = re.compile(r"[\s.\-/]")


def enterprise_number_normalise(value: str) -> str:
    """The ten digits of an enterprise number as typed ("BE 0123.456.749" -> "0123456749"),
    "" when empty. Raises ValidationError when it is not a valid number (check digits)."""
    digits = _ENTERPRISE_NUMBER_SEPARATORS.sub("", value or "").upper()
    if digits.startswith("BE"):
        digits = digits[2:]
    if not digits:
        return ""
    if len(digits) == 9 and digits.isdigit():
        digits = "0" + digits
    if not (len(digits) == 10 and digits.isascii() and digits.isdigit()):
        raise ValidationError(
            _("An enterprise number has ten digits, such as 0123.456.749."),
            code="enterprise_number_format",
        )
    if digits[0] not in "01" or 97 - int(digits[:8]) % 97 != int(digits[8:]):
        raise ValidationError(
            _(
                "This enterprise number does not exist: check the digits (the last two are "
                "a check on the others)."
            ),
            code="enterprise_number_check",
        )
    return digits


def validate_enterprise_number(value: str) -> None:
    """Model validator: refuses a stored value that is not a valid enterprise number."""
    enterprise_number_normalise(value)
