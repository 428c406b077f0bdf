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
