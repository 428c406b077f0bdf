"""Voronoi cells, in-memory point location and scattered points, with places in Gent.

Lengths and areas are compared in EPSG:3035 metres, where the cells are built; the haversine
checks show that the bisector is also right on the ground, to within a metre.
"""

import random

import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon

import spatial
from buurt.models import Neighbourhood
from tests.factories import KORENMARKT, NeighbourhoodFactory

pytestmark = pytest.mark.django_db

# 2,172 m apart (haversine), Sint-Pieters almost due south-south-west of the Korenmarkt.
STATION_SINT_PIETERS = Point(3.7106, 51.0356, srid=4326)
GRAVENSTEEN = Point(3.7207, 51.0572, srid=4326)


def lonlat_box(west, south, east, north) -> Polygon:
    polygon = Polygon.from_bbox((west, south, east, north))
    polygon.srid = 4326
    return polygon


def gent_box() -> Polygon:
    """About 3.5 km × 5.5 km around the centre and the station, EPSG:4326."""
    return lonlat_box(3.69, 51.02, 3.74, 51.07)


def metric(geom):
    return geom.transform(spatial.LAEA_EUROPE, clone=True)


def test_two_sites_are_split_by_their_perpendicular_bisector():
    centre, station = spatial.voronoi_cells([KORENMARKT, STATION_SINT_PIETERS], gent_box())

    assert isinstance(centre, MultiPolygon)
    assert centre.srid == station.srid == 4326
    assert centre.contains(KORENMARKT)
    assert station.contains(STATION_SINT_PIETERS)
    assert not centre.contains(STATION_SINT_PIETERS)
    # The nearest point of the other cell lies half way: 2,174.7 m / 2 in EPSG:3035, which
    # stretches distances here by 0.1% against the 2,172 m on the ground.
    apart = metric(KORENMARKT).distance(metric(STATION_SINT_PIETERS))
    assert apart == pytest.approx(2_174.7, abs=0.5)
    assert metric(KORENMARKT).distance(metric(station)) == pytest.approx(apart / 2, abs=0.01)
    # Every point of the shared edge is as far from one site as from the other, on the ground.
    edge = centre.intersection(station)
    assert edge.geom_type == "LineString"
    assert metric(edge).length > 3_000
    for x, y in edge.coords:
        point = Point(x, y, srid=4326)
        to_centre = spatial.great_circle_m(point, KORENMARKT)
        to_station = spatial.great_circle_m(point, STATION_SINT_PIETERS)
        assert to_centre == pytest.approx(to_station, abs=1.0)


def test_cells_partition_the_clip_without_overlap():
    sites = [KORENMARKT, STATION_SINT_PIETERS, GRAVENSTEEN, Point(3.7350, 51.0450, srid=4326)]
    clip = gent_box()
    cells = spatial.voronoi_cells(sites, clip)

    assert len(cells) == len(sites)
    for site, cell in zip(sites, cells, strict=True):
        assert cell.valid
        assert cell.contains(site)
    for i, cell in enumerate(cells):
        for other in cells[i + 1 :]:
            assert metric(cell).intersection(metric(other)).area < 0.01  # m²
    union = metric(MultiPolygon([p for cell in cells for p in cell], srid=4326).unary_union)
    # Of about 19.5 km², a few m² differ: PROJ's way back from EPSG:3035 shifts latitudes by
    # 0.3 mm, which along a 20 km perimeter adds up to ~2 m².
    assert union.sym_difference(metric(clip)).area < 10


def test_a_single_site_gets_the_whole_clip():
    (cell,) = spatial.voronoi_cells([KORENMARKT], gent_box())
    assert metric(cell).sym_difference(metric(gent_box())).area < 10  # m², see above


def test_a_site_hidden_behind_another_outside_the_clip_gets_an_empty_cell():
    # Sint-Pieters, then 10 km further south: the far site's cell starts 5 km beyond the box.
    far_south = Point(3.7106, 50.9456, srid=4326)
    _station, far = spatial.voronoi_cells([STATION_SINT_PIETERS, far_south], gent_box())
    assert far.empty
    assert far.srid == 4326


def test_two_sites_in_one_place_are_refused():
    with pytest.raises(spatial.SpatialInputError):
        spatial.voronoi_cells([KORENMARKT, KORENMARKT.clone()], gent_box())


def test_area_locator_agrees_with_containing_in_sql():
    cells = spatial.voronoi_cells([KORENMARKT, STATION_SINT_PIETERS], gent_box())
    centre, station = (
        NeighbourhoodFactory(name=name, boundary=cell)
        for name, cell in zip(["Centrum", "Sint-Pieters"], cells, strict=True)
    )
    locator = spatial.AreaLocator((n, n.boundary) for n in Neighbourhood.objects.all())
    # 1.8 km from the Korenmarkt, 0.8 km from the station.
    citadelpark = Point(3.7220, 51.0380, srid=4326)
    antwerp = Point(4.4003, 51.2194, srid=4326)

    assert locator.locate(GRAVENSTEEN) == centre
    assert locator.locate(citadelpark) == station
    assert locator.locate(antwerp) is None
    for point in (GRAVENSTEEN, citadelpark, antwerp):
        assert Neighbourhood.objects.containing(point).first() == locator.locate(point)


def test_area_locator_returns_the_first_area_in_the_given_order():
    box = lonlat_box(3.70, 51.045, 3.74, 51.065)
    assert spatial.AreaLocator([("a", box), ("b", box)]).locate(KORENMARKT) == "a"
    assert spatial.AreaLocator([("b", box), ("a", box)]).locate(KORENMARKT) == "b"


def test_scatter_points_is_deterministic_and_stays_inside():
    area = gent_box()
    first = spatial.scatter_points(
        [KORENMARKT], count=300, spread_m=1_000, rng=random.Random(7), within=area
    )
    again = spatial.scatter_points(
        [KORENMARKT], count=300, spread_m=1_000, rng=random.Random(7), within=area
    )

    assert [p.coords for p in first] == [p.coords for p in again]
    assert all(p.srid == 4326 and area.contains(p) for p in first)
    # A 2D Gaussian with σ = 1,000 m puts the median distance at 1,177 m (σ·√(2 ln 2)); the
    # box cuts off a little of the tail, so the median comes out a bit lower.
    distances = sorted(spatial.great_circle_m(p, KORENMARKT) for p in first)
    assert 950 < distances[150] < 1_350
