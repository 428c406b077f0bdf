"""Demo data for one real city, Gent (NIS 44021), so that a fresh install shows a living map.

The neighbourhoods are the Voronoi cells of Gent's postcode centroids, clipped to a hand-drawn
outline of the municipality (see buurt/data/README.md): good enough to show the map, not
official boundaries, hence `is_approximate`. The ~40 organisations are fictitious and say so
in their names. Everything written here is `is_demo`, and running it again updates rather
than duplicates: neighbourhoods by code, organisations by slug.

The apps built on buurt add their own demo data through `register_seeder` from their
AppConfig.ready(), so that buurt does not import them.
"""

import csv
import json
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.contrib.gis.geos import GEOSGeometry, Point, Polygon
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from tqdm import tqdm

import spatial

from .models import Language, Neighbourhood, NetworkModel, Organisation
from .services import neighbourhood_upsert, organisation_save

DATA_DIR = Path(__file__).resolve().parent / "data"
MUNICIPALITY_NAME = "Gent"
MUNICIPALITY_CODE = "44021"
NEIGHBOURHOOD_CODE_PREFIX = "demo-"
SCALE_SLUG_PREFIX = "demo-scale-"
DEMO_POPULATION_SOURCE = "buurt/data/gent_postcodes.csv (demo_population): invented demo figures"
SCALE_BATCH_SIZE = 5_000
# Metres: synthetic organisations cluster around the postcode centroids like real ones do
# around village centres, yet still reach most of the area.
SCALE_SPREAD_M = 1_500

SCALE_KINDS = [kind for kind in Organisation.Kind if kind != Organisation.Kind.OTHER]

# Ofcom's range for drama (+44 20 7946 0000–0999) never rings anyone; Belgium reserves none.
FICTIONAL_PHONE = "+44 20 7946 0{number:03d}"

# Short names used in gent_demo_organisations.json → boolean fields of Organisation.
FLAGS = {
    "wheelchair": "wheelchair_accessible",
    "hearing_loop": "hearing_loop",
    "quiet": "quiet_space",
    "child": "child_friendly",
    "welcome": "welcome_person",
    "reduced": "reduced_rate",
    "verified": "is_verified",
}


@dataclass(frozen=True)
class Postcode:
    code: str
    name: str
    centroid: Point  # EPSG:4326
    demo_population: int  # invented, plausible; see buurt/data/README.md


@dataclass
class SeedResult:
    neighbourhoods_created: int = 0
    neighbourhoods_updated: int = 0
    organisations_created: int = 0
    organisations_updated: int = 0


# name → (order, seeder): run after the organisations, lowest order first.
_SEEDERS: dict[str, tuple[int, Callable[[], object]]] = {}


def register_seeder(name: str, seed: Callable[[], object], *, order: int) -> None:
    """Let `demo_seed` call `seed()` (idempotent, as demo_seed is) after buurt's own data."""
    _SEEDERS[name] = (order, seed)


def gent_postcodes() -> tuple[Postcode, ...]:
    """Gent's postcodes with approximate centroids, from buurt/data/gent_postcodes.csv."""
    with (DATA_DIR / "gent_postcodes.csv").open(encoding="utf-8", newline="") as file:
        return tuple(
            Postcode(
                code=row["postcode"],
                name=row["name"],
                centroid=spatial.make_point(lat=row["lat"], lon=row["lon"]),
                demo_population=int(row["demo_population"]),
            )
            for row in csv.DictReader(file)
        )


def gent_outline() -> Polygon:
    """The hand-drawn EPSG:4326 outline of the municipality, from gent_outline.geojson."""
    feature = json.loads((DATA_DIR / "gent_outline.geojson").read_text(encoding="utf-8"))
    return GEOSGeometry(json.dumps(feature["geometry"]), srid=spatial.WGS84)


def demo_organisation_specs() -> list[dict]:
    """The fictitious organisations, as written in gent_demo_organisations.json."""
    return json.loads((DATA_DIR / "gent_demo_organisations.json").read_text(encoding="utf-8"))


@transaction.atomic
def demo_seed(*, progress: bool = False) -> SeedResult:
    """Create or update Gent's demo neighbourhoods and organisations (idempotent).

    Organisations go through `organisation_save`, so each gets its neighbourhood by
    point-in-polygon like any other. Then the registered seeders of the apps built on buurt
    run, in their order. `progress` shows a progress bar on stderr.
    """
    result = SeedResult()
    postcodes = gent_postcodes()
    cells = spatial.voronoi_cells([p.centroid for p in postcodes], gent_outline())
    for postcode, cell in zip(postcodes, cells, strict=True):
        _neighbourhood, created = neighbourhood_upsert(
            code=f"{NEIGHBOURHOOD_CODE_PREFIX}{postcode.code}",
            name=f"{postcode.code} {postcode.name}",
            municipality_name=MUNICIPALITY_NAME,
            municipality_code=MUNICIPALITY_CODE,
            boundary=cell,
            is_approximate=True,
            population=postcode.demo_population,
            population_source=DEMO_POPULATION_SOURCE,
            population_is_demo=True,
        )
        if created:
            result.neighbourhoods_created += 1
        else:
            result.neighbourhoods_updated += 1

    specs = demo_organisation_specs()
    bar = tqdm(specs, desc=_("Demo organisations"), disable=not progress, file=sys.stderr)
    for number, spec in enumerate(bar, start=100):
        if _organisation_upsert(spec, number=number):
            result.organisations_created += 1
        else:
            result.organisations_updated += 1

    for _order, seed in sorted(_SEEDERS.values(), key=lambda entry: entry[0]):
        seed()
    return result


def _organisation_upsert(spec: dict, *, number: int) -> bool:
    """Create or update one demo organisation by the slug of its name; True when created."""
    slug = slugify(spec["name"])
    organisation = Organisation.objects.filter(slug=slug).first()
    created = organisation is None
    organisation = organisation or Organisation(slug=slug)
    organisation.name = spec["name"]
    organisation.kind = spec["kind"]
    organisation.description = spec["description"]
    organisation.content_language = spec.get("content_language", "nl")
    organisation.street_address = spec["street"]
    organisation.postcode = spec["postcode"]
    organisation.city = spec["city"]
    organisation.point = spatial.make_point(lat=spec["lat"], lon=spec["lon"])
    organisation.phone = FICTIONAL_PHONE.format(number=number)
    organisation.email = f"{slug}@example.org"
    organisation.website = f"https://example.org/{slug}/"
    organisation.opening_hours = spec["hours"]
    organisation.cost = spec["cost"]
    for flag, field in FLAGS.items():
        setattr(organisation, field, flag in spec["flags"])
    # Relative to today, so that the demo never looks stale: verified listings were confirmed
    # by a moderator in the last half year; a few others were never confirmed after they were
    # added 14 months ago, to show "possibly out of date".
    if organisation.is_verified:
        organisation.assured_on = timezone.localdate() - timedelta(days=number * 17 % 180)
        organisation.assurer = Organisation.Assurer.MODERATOR
    else:
        organisation.assured_on = timezone.localdate() - timedelta(
            days=425 if number % 9 == 0 else number * 11 % 150
        )
        organisation.assurer = ""
    organisation.status = Organisation.Status.PUBLISHED
    organisation.is_demo = True
    organisation_save(
        organisation=organisation, languages=spec["languages"], network_models=spec["models"]
    )
    return created


def demo_scale(*, count: int, progress: bool = False, batch_size: int = SCALE_BATCH_SIZE) -> int:
    """Add `count` synthetic published demo organisations around Gent, for benchmarks.

    Deterministic: the random generator is seeded with the first new slug number, so the same
    database gives the same organisations, and running it again adds new ones with new slugs.
    Rows are inserted with bulk_create, `batch_size` at a time; their neighbourhood is found
    in memory (no query per row) with the same rule as `address_locate`.
    Returns the number added.
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    first = _next_scale_number()
    rng = random.Random(f"buurtkaart-demo-scale-{first}")
    outline = gent_outline()
    centres = [postcode.centroid for postcode in gent_postcodes()]
    neighbourhoods = Neighbourhood.objects.filter(
        spatial.in_bbox("boundary", spatial.BBox(*outline.extent))
    )
    locator = spatial.AreaLocator((n, n.boundary) for n in neighbourhoods)
    languages = list(Language.objects.values_list("code", flat=True))
    network_models = list(NetworkModel.objects.values_list("code", flat=True))

    added = 0
    with tqdm(
        total=count, desc=_("Synthetic organisations"), disable=not progress, file=sys.stderr
    ) as bar:
        while added < count:
            size = min(batch_size, count - added)
            points = spatial.scatter_points(
                centres, count=size, spread_m=SCALE_SPREAD_M, rng=rng, within=outline
            )
            organisations = [
                _synthetic_organisation(first + added + i, point, locator.locate(point), rng)
                for i, point in enumerate(points)
            ]
            with transaction.atomic():
                Organisation.objects.bulk_create(organisations)
                _bulk_link(organisations, languages, network_models, rng)
            added += size
            bar.update(size)
    return added


def _next_scale_number() -> int:
    # Slugs carry a zero-padded number, so the largest slug has the largest number.
    last = (
        Organisation.objects.filter(slug__startswith=SCALE_SLUG_PREFIX)
        .order_by("-slug")
        .values_list("slug", flat=True)
        .first()
    )
    return int(last.removeprefix(SCALE_SLUG_PREFIX)) + 1 if last else 1


def _synthetic_organisation(
    number: int, point: Point, neighbourhood: Neighbourhood | None, rng: random.Random
) -> Organisation:
    code = neighbourhood.code if neighbourhood else ""
    return Organisation(
        name=f"Testorganisatie {number} (demo)",
        slug=f"{SCALE_SLUG_PREFIX}{number:08d}",
        kind=rng.choice(SCALE_KINDS),
        description="Fictieve organisatie, automatisch aangemaakt voor prestatietests.",
        postcode=code.removeprefix(NEIGHBOURHOOD_CODE_PREFIX)
        if code.startswith(NEIGHBOURHOOD_CODE_PREFIX)
        else "",
        city=MUNICIPALITY_NAME,
        point=point,
        neighbourhood=neighbourhood,
        phone=FICTIONAL_PHONE.format(number=number % 1000),
        email=f"test{number}@example.org",
        wheelchair_accessible=rng.random() < 0.5,
        hearing_loop=rng.random() < 0.2,
        quiet_space=rng.random() < 0.3,
        child_friendly=rng.random() < 0.4,
        cost=rng.choice(Organisation.Cost.values),
        reduced_rate=rng.random() < 0.4,
        welcome_person=rng.random() < 0.3,
        is_verified=rng.random() < 0.5,
        status=Organisation.Status.PUBLISHED,
        is_demo=True,
    )


def _bulk_link(organisations, languages, network_models, rng: random.Random) -> None:
    """Give each new organisation Dutch plus up to two other languages and one to three models."""
    language_links = Organisation.languages.through
    model_links = Organisation.network_models.through
    others = [code for code in languages if code != "nl"]
    language_rows, model_rows = [], []
    for organisation in organisations:
        spoken = ["nl", *rng.sample(others, k=min(len(others), rng.randint(0, 2)))]
        language_rows += [
            language_links(organisation_id=organisation.pk, language_id=code) for code in spoken
        ]
        model_rows += [
            model_links(organisation_id=organisation.pk, networkmodel_id=code)
            for code in rng.sample(network_models, k=min(len(network_models), rng.randint(1, 3)))
        ]
    language_links.objects.bulk_create(language_rows)
    model_links.objects.bulk_create(model_rows)
