"""The search registry's shared helpers."""

import pytest
from django.urls import reverse, set_script_prefix

from buurt.search.registry import detail_url


@pytest.mark.parametrize(
    ("view_name", "argument"),
    [
        ("buurt:organisation-detail", "buurthuis-de-brug-9000"),
        ("buurt:organisation-detail", "a_7301946285"),  # holds the placeholder's digits
        ("activities:detail", 12),
        ("neighbourhelp:offer-detail", 7301946285),
    ],
)
def test_detail_url_is_what_reverse_gives(view_name, argument):
    assert detail_url(view_name, argument) == reverse(view_name, args=[argument])


def test_detail_url_follows_the_script_prefix():
    plain = detail_url("activities:detail", 3)
    set_script_prefix("/buurtkaart/")
    try:
        assert detail_url("activities:detail", 3) == "/buurtkaart" + plain
        assert detail_url("activities:detail", 3) == reverse("activities:detail", args=[3])
    finally:
        set_script_prefix("/")
    assert detail_url("activities:detail", 3) == plain
