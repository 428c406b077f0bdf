"""The one parser of search parameters (page, print view and API): what it accepts, and that
nothing it is given ends in anything but SearchParams or a SearchParamsError."""

import datetime
import math
from urllib.parse import urlencode

import pytest
from django.http import QueryDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from buurt.search.params import DEFAULT_RADIUS_M, FilterUnit, SearchParams
from maps.search.forms import MAX_VALUES, SearchForm, SearchParamsError, form_state, parse_search

pytestmark = pytest.mark.django_db  # the languages to choose from are rows

HOME = "lat=51.0448&lon=3.7253"


def parse(query: str, **kwargs) -> SearchParams:
    return parse_search(QueryDict(query), **kwargs)


def errors(query: str) -> dict:
    with pytest.raises(SearchParamsError) as caught:
        parse(query)
    return caught.value.errors


def test_a_point_and_the_defaults():
    params = parse(HOME)
    assert (params.point.x, params.point.y) == (3.7253, 51.0448)  # x is the longitude
    assert params.radius_m == DEFAULT_RADIUS_M == 800
    assert params.walking_preset == 10
    assert params.filter_items() == []
    assert params.page == 1


def test_an_address_wins_over_a_point():
    params = parse(f"address=Korenmarkt+1+Gent&{HOME}")
    assert params.address == "Korenmarkt 1 Gent"
    assert params.point is None


@pytest.mark.parametrize(
    ("query", "meters"),
    [
        ("radius=400", 400),
        ("radius=2400", 2400),
        ("radius=3333.4", 3333),
        ("radius=custom&radius_km=2,5", 2500),  # a Dutch decimal comma
        ("radius_km=10", 10_000),
        ("radius=10000", 10_000),
    ],
)
def test_radius_presets_and_custom(query, meters):
    assert parse(f"{HOME}&{query}").radius_m == meters


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("lat=91&lon=3.72", "lat"),
        ("lat=NaN&lon=3.72", "lat"),
        ("lat=51.05&lon=Infinity", "lat"),
        ("lat=51.05&lon=-inf", "lat"),
        ("lat=3.7253&lon=51.0448", "lat"),  # swapped axes: a point off Somalia
        ("lat=0&lon=0", "lat"),
        ("lat=51.05", "lon"),
        ("lon=3.72", "lat"),
        ("lat=north&lon=3.72", "lat"),
        (f"{HOME}&radius=0", "radius"),
        (f"{HOME}&radius=-5", "radius"),
        (f"{HOME}&radius=1e9", "radius"),
        (f"{HOME}&radius=nan", "radius"),
        (f"{HOME}&radius=0.4", "radius"),
        (f"{HOME}&radius=custom", "radius_km"),
        (f"{HOME}&radius=custom&radius_km=11", "radius_km"),
        (f"{HOME}&category=skydiving", "category"),
        (f"{HOME}&kind=castles", "kind"),
        (f"{HOME}&access=lift", "access"),
        (f"{HOME}&language=xx", "language"),
        (f"{HOME}&model=8", "model"),
        (f"{HOME}&age=99", "age"),
        (f"{HOME}&when=tomorrow", "when"),
        (f"{HOME}&reduced_rate=maybe", "reduced_rate"),
        (f"{HOME}&page=0", "page"),
        (f"{HOME}&page=201", "page"),
        (f"{HOME}&page_size=101", "page_size"),
        (f"{HOME}&radius=400&radius=800", "radius"),
        (f"{HOME}&date_from=2025-02-30", "date_from"),
        (f"{HOME}&date_from=9999-12-31", "date_from"),
        (f"{HOME}&when=dates", "date_from"),
        (f"{HOME}&date_from=2026-03-02&date_to=2026-03-01", "date_to"),
        (f"{HOME}&date_from=2026-01-01&date_to=2027-06-01", "date_to"),
        (f"{HOME}&when=today&date_from=2026-01-01", "when"),
        (f"{HOME}&colour=red", "colour"),
    ],
)
def test_bad_input_names_the_parameter(query, field):
    found = errors(query)
    assert field in found
    assert all(message.strip() for message in found[field])


def test_messages_are_translated(settings):
    from django.utils import translation

    with translation.override("nl"), pytest.raises(SearchParamsError) as caught:
        parse("lat=91&lon=3.72")
    assert caught.value.errors["lat"] == ["De breedtegraad moet tussen -90 en 90 liggen."]


def test_too_many_values():
    query = QueryDict(mutable=True)
    query.setlist("category", ["culture"] * (MAX_VALUES + 1))
    with pytest.raises(SearchParamsError) as caught:
        parse_search(query)
    assert list(caught.value.errors) == ["__all__"]


def test_two_thousand_parameters():
    query = QueryDict(mutable=True)
    for i in range(2_000):
        query[f"p{i}"] = "1"
    with pytest.raises(SearchParamsError):
        parse_search(query)


def test_unknown_names_may_be_ignored_or_kept():
    assert parse(f"{HOME}&fbclid=abc", ignore_unknown=True).point is not None
    assert parse(f"{HOME}&bbox=1,2,3,4", allowed_extra=("bbox",)).extra == {"bbox": "1,2,3,4"}


def test_filters_and_their_units():
    params = parse(
        f"{HOME}&category=culture&category=sports&access=wheelchair&access=quiet"
        "&language=ar&language=tr&reduced_rate=1&come_alone=true&no_dutch=on&age=seniors"
        "&model=peers&when=week"
    )
    assert params.categories == ("culture", "sports")
    assert params.access == ("wheelchair", "quiet")
    assert (params.reduced_rate, params.come_alone, params.no_dutch) == (True, True, True)
    # Any-of lists are dropped whole; all-of values one at a time.
    assert params.filter_units() == [
        FilterUnit("category"),
        FilterUnit("when", "week"),
        FilterUnit("reduced_rate", "1"),
        FilterUnit("access", "wheelchair"),
        FilterUnit("access", "quiet"),
        FilterUnit("language"),
        FilterUnit("no_dutch", "1"),
        FilterUnit("come_alone", "1"),
        FilterUnit("age", "seniors"),
        FilterUnit("model"),
    ]
    assert params.without(FilterUnit("access", "wheelchair")).access == ("quiet",)
    assert params.without(FilterUnit("category")).categories == ()
    assert not params.without(FilterUnit("come_alone", "1")).come_alone
    assert params.without(FilterUnit("when", "week")).when == ""


def test_dates_imply_a_period():
    params = parse(f"{HOME}&date_from=2026-05-01")
    assert params.when == "dates"
    assert params.period() == (datetime.date(2026, 5, 1), datetime.date(2026, 5, 1))


@pytest.mark.parametrize(
    ("when", "today", "period"),
    [
        ("today", "2026-05-06", ("2026-05-06", "2026-05-06")),  # a Wednesday
        ("week", "2026-05-06", ("2026-05-06", "2026-05-10")),  # to Sunday
        ("weekend", "2026-05-06", ("2026-05-09", "2026-05-10")),
        ("weekend", "2026-05-10", ("2026-05-10", "2026-05-10")),  # on Sunday: today only
    ],
)
def test_periods(when, today, period):
    params = parse(f"{HOME}&when={when}")
    found = params.period(today=datetime.date.fromisoformat(today))
    assert found == tuple(datetime.date.fromisoformat(day) for day in period)


def test_the_form_shows_what_was_typed_even_when_wrong():
    state = form_state(QueryDict("address=Veldstr&radius=3000&access=wheelchair&reduced_rate=1"))
    assert state["address"] == "Veldstr"
    assert (state["radius"], state["radius_km"]) == ("custom", "3")
    assert state["access"] == {"wheelchair"}
    assert state["reduced_rate"] is True
    assert form_state(QueryDict(""))["radius"] == "800"


# --- properties --------------------------------------------------------------------------

NAMES = sorted(SearchForm.base_fields)
# Values that are nearly right are the interesting ones: numbers, codes, dates, and junk.
VALUES = st.one_of(
    st.text(max_size=30),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.sampled_from(
        [
            "",
            "custom",
            "culture",
            "organisations",
            "wheelchair",
            "ar",
            "nl",
            "peers",
            "seniors",
            "dates",
            "today",
            "1",
            "0",
            "true",
            "2026-02-29",
            "2024-02-29",
            "51.05",
            "3.72",
            "Korenmarkt 1",
        ]
    ),
)
QUERIES = st.lists(
    st.tuples(st.one_of(st.sampled_from(NAMES), st.text(max_size=8)), VALUES), max_size=25
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pairs=QUERIES)
def test_any_query_parses_or_says_why(pairs):
    query = QueryDict(urlencode(pairs))
    try:
        params = parse_search(query)
    except SearchParamsError as exc:
        problems = exc.messages
    else:
        problems = None
    if problems is not None:
        assert problems
        assert all(isinstance(m, str) and m for m in problems)
        return
    assert 1 <= params.radius_m <= 10_000
    assert 1 <= params.page <= 200
    if params.point is not None:
        assert math.isfinite(params.point.x)
        assert math.isfinite(params.point.y)
        assert 49 <= params.point.y <= 54  # in the Benelux, so axes are not swapped


LATS = st.floats(min_value=49.5, max_value=53.5)
LONS = st.floats(min_value=2.6, max_value=7.2)


@st.composite
def valid_queries(draw):
    pairs = [("lat", f"{draw(LATS):.6f}"), ("lon", f"{draw(LONS):.6f}")]
    pairs.append(("radius", str(draw(st.integers(min_value=1, max_value=10_000)))))
    for name, choices in [
        ("category", ["culture", "sports", "youth", "other"]),
        ("access", ["wheelchair", "hearing_loop", "quiet"]),
        ("language", ["nl", "ar", "tr", "fr"]),
        ("model", ["peers", "buddy", "community"]),
    ]:
        pairs += [(name, v) for v in draw(st.lists(st.sampled_from(choices), unique=True))]
    for name in ("reduced_rate", "no_dutch", "come_alone"):
        if draw(st.booleans()):
            pairs.append((name, "1"))
    pairs.append(("when", draw(st.sampled_from(["", "today", "week", "weekend"]))))
    pairs.append(("page", str(draw(st.integers(min_value=1, max_value=200)))))
    return pairs


@settings(max_examples=100, deadline=None)
@given(pairs=valid_queries())
def test_the_canonical_url_means_the_same_search(pairs):
    params = parse_search(QueryDict(urlencode(pairs)))
    again = parse_search(QueryDict(urlencode(params.query_items())))
    assert again == params
    assert again.point.equals_exact(params.point, tolerance=1e-6)
