"""Benchmark of the coordination snapshot (regie): reach for six filters at three distances.

Not a test: it prints figures, with progress, and writes bench/results/reach-<backend>-<a>.json.
It uses a database of its own and empties its buurt/regie tables first:

    createdb -h 127.0.0.1 -U postgres buurtkaart_reach_bench
    DEBUG=1 nice -n 15 .venv/bin/python bench/reach.py \\
        --addresses 1000000 --listings 100000 --neighbourhoods 1000

Synthetic data: a square of neighbourhoods (a grid of --neighbourhoods cells of 700 x 700 m,
about a Flemish statistical sector) south of Gent; addresses scattered over it, half of them
in dense clusters (streets) and half uniformly; listings likewise, with the flags the filters
ask for at fixed rates (reduced rate 40%, welcome person 30%, wheelchair 50%, peer groups and
community centres among the kinds, a network model on 10%). Addresses are loaded with COPY
(PostGIS) or executemany (SpatiaLite); listings with bulk_create.

Timed: the grid/address basis, each filter's reach (all neighbourhoods, three distances in one
pass), and the whole snapshot_take (counts included).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))
ORIGIN = (3.60, 50.90)  # lon, lat of the south-west corner
CELL_M = 700
M_PER_DEG_LAT = 111_195.08


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DEBUG", "1")
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    nice_backend()


def nice_backend() -> None:
    """Give this connection's PostgreSQL backend the niceness of this process (nice -n 15
    on the shared machine): the SQL runs there, not in Python. Needs the right to renice it."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        os.setpriority(os.PRIO_PROCESS, pid, os.getpriority(os.PRIO_PROCESS, 0))
        log(f"PostgreSQL backend {pid} reniced to {os.getpriority(os.PRIO_PROCESS, pid)}")
    except OSError as error:
        log(f"could not renice the PostgreSQL backend {pid}: {error}")


def cpu_seconds() -> float:
    """CPU seconds spent so far where the SQL runs: this connection's PostgreSQL backend
    (read from /proc, same machine), or this process for SpatiaLite. On a shared machine the
    wall time depends on the others' load; this does not (much)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return time.process_time()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def grid_size(neighbourhoods: int) -> int:
    return math.ceil(math.sqrt(neighbourhoods))


def degrees(meters_x: float, meters_y: float) -> tuple[float, float]:
    lat = ORIGIN[1] + meters_y / M_PER_DEG_LAT
    lon = ORIGIN[0] + meters_x / (M_PER_DEG_LAT * math.cos(math.radians(ORIGIN[1])))
    return lon, lat


def random_points(count: int, side_m: float, rng: random.Random):
    """Half in clusters of ~200 m around random centres, half uniform, as (lon, lat)."""
    centres = [
        (rng.uniform(0, side_m), rng.uniform(0, side_m)) for _ in range(max(1, count // 400))
    ]
    for index in range(count):
        if index % 2:
            x, y = rng.uniform(0, side_m), rng.uniform(0, side_m)
        else:
            cx, cy = rng.choice(centres)
            x = min(max(cx + rng.gauss(0, 200), 0), side_m)
            y = min(max(cy + rng.gauss(0, 200), 0), side_m)
        yield degrees(x, y)


def empty() -> None:
    from django.db import connection

    tables = [
        "regie_areafigures",
        "regie_snapshot",
        "regie_gridpoint",
        "activities_occurrence",
        "activities_activity_network_models",
        "activities_activity_languages",
        "activities_activity",
        "buurt_organisation_network_models",
        "buurt_organisation_languages",
        "buurt_address",
        "buurt_street",
        "buurt_organisation",
        "buurt_neighbourhood",
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")


def seed_neighbourhoods(count: int):
    from django.contrib.gis.geos import MultiPolygon, Polygon

    from buurt.models import Neighbourhood

    side = grid_size(count)
    rows = []
    for number in range(count):
        i, j = number % side, number // side
        w, s = degrees(i * CELL_M, j * CELL_M)
        e, n = degrees((i + 1) * CELL_M, (j + 1) * CELL_M)
        ring = ((w, s), (e, s), (e, n), (w, n), (w, s))
        rows.append(
            Neighbourhood(
                code=f"bench-{number:05d}",
                name=f"Sector {number}",
                municipality_name="Bench",
                municipality_code="99999",
                boundary=MultiPolygon(Polygon(ring, srid=4326), srid=4326),
                population=random.Random(number).randint(300, 2500),
                population_source="bench (invented)",
            )
        )
    Neighbourhood.objects.bulk_create(rows, batch_size=1000)
    return side * CELL_M


def seed_addresses(count: int, side_m: float, rng: random.Random) -> None:
    from django.db import connection, transaction

    from buurt.models import Street

    street = Street.objects.create(
        uid="bench", name="Benchstraat", key="benchstraat", key_alt="", postcode="9999",
        municipality="Bench", place_keys="bench",
    )  # fmt: skip
    columns = (
        "street_id, house_number, number, house_key, box, box_key, point, source, source_id, status"
    )
    batch = 50_000
    points = random_points(count, side_m, rng)
    done = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor
            with raw.copy(f"COPY buurt_address ({columns}) FROM STDIN") as copy:
                for number, (lon, lat) in enumerate(points, start=1):
                    copy.write_row(
                        (street.pk, str(number), number, str(number), "", "",
                         f"SRID=4326;POINT({lon} {lat})", "bench", f"bench-{number}", "")
                    )  # fmt: skip
                    if number % batch == 0:
                        log(f"  addresses {number:,}/{count:,}")
            cursor.execute("ANALYZE buurt_address")
        else:
            sql = (
                f"INSERT INTO buurt_address ({columns}) VALUES "
                "(%s, %s, %s, %s, '', '', MakePoint(%s, %s, 4326), 'bench', %s, '')"
            )
            rows = []
            for number, (lon, lat) in enumerate(points, start=1):
                rows.append(
                    (street.pk, str(number), number, str(number), lon, lat, f"bench-{number}")
                )
                if len(rows) == batch:
                    with transaction.atomic():  # one commit a batch, not one a row
                        cursor.executemany(sql, rows)
                    done += len(rows)
                    rows = []
                    log(f"  addresses {done:,}/{count:,}")
            with transaction.atomic():
                cursor.executemany(sql, rows)


def seed_listings(count: int, side_m: float, rng: random.Random) -> None:
    from django.contrib.gis.geos import Point
    from django.db import connection

    from buurt.models import Neighbourhood, NetworkModel, Organisation
    from core.moderation import ModerationState

    kinds = [k for k in Organisation.Kind.values if k != Organisation.Kind.OTHER]
    models = list(NetworkModel.objects.values_list("code", flat=True))
    batch, made = 5_000, 0
    points = random_points(count, side_m, rng)
    while made < count:
        rows = []
        for _ in range(min(batch, count - made)):
            lon, lat = next(points)
            made += 1
            rows.append(
                Organisation(
                    name=f"Bench {made}", slug=f"bench-{made:08d}", kind=rng.choice(kinds),
                    point=Point(lon, lat, srid=4326), status=Organisation.Status.PUBLISHED,
                    moderation_state=ModerationState.APPROVED,
                    reduced_rate=rng.random() < 0.4, welcome_person=rng.random() < 0.3,
                    wheelchair_accessible=rng.random() < 0.5,
                    cost=rng.choice(Organisation.Cost.values), is_demo=True,
                )
            )  # fmt: skip
        created = Organisation.objects.bulk_create(rows)
        through = Organisation.network_models.through
        through.objects.bulk_create(
            [
                through(organisation_id=o.pk, networkmodel_id=rng.choice(models))
                for o in created
                if models and rng.random() < 0.1
            ]
        )
        log(f"  listings {made:,}/{count:,}")
    # Listings in their neighbourhood, as organisation_save would place them.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "UPDATE buurt_organisation o SET neighbourhood_id = n.id "
                "FROM buurt_neighbourhood n WHERE ST_Intersects(n.boundary, o.point::geometry)"
            )
            cursor.execute("ANALYZE buurt_organisation")
        else:
            for n in Neighbourhood.objects.all():
                Organisation.objects.filter(point__within=n.boundary).update(neighbourhood=n)


def seed_activities(count: int, side_m: float, rng: random.Random) -> None:
    """`count` activities of random listings, each with one date in the next five weeks (on
    any day, so about a seventh on a Sunday): two in three at their organisation's place,
    the others at a random point; flags at the listings' rates."""
    import datetime

    from django.contrib.gis.geos import Point
    from django.utils import timezone

    from activities.models import Activity, Occurrence
    from buurt.models import Organisation

    Activity.objects.all().delete()
    organisations = list(Organisation.objects.values_list("pk", "point"))
    categories = Activity.Category.values
    now = timezone.now()
    points = random_points(count, side_m, rng)
    batch, made = 5_000, 0
    while made < count:
        rows = []
        for _ in range(min(batch, count - made)):
            made += 1
            organisation, place = rng.choice(organisations)
            lon, lat = next(points)
            starts = now + datetime.timedelta(hours=rng.uniform(1, 35 * 24))
            rows.append(
                Activity(
                    organisation_id=organisation, title=f"Bench {made}",
                    category=rng.choice(categories), starts_at=starts,
                    ends_at=starts + datetime.timedelta(hours=2),
                    venue="organisation" if made % 3 else "address",
                    point=place if made % 3 else Point(lon, lat, srid=4326),
                    status="published", cost=rng.choice(Activity.Cost.values),
                    come_alone=rng.random() < 0.3, welcome_person=rng.random() < 0.2,
                    wheelchair_accessible=rng.random() < 0.5, is_demo=True,
                )
            )  # fmt: skip
        created = Activity.objects.bulk_create(rows)
        Occurrence.objects.bulk_create(
            [Occurrence(activity=a, starts_at=a.starts_at, ends_at=a.ends_at) for a in created]
        )
        log(f"  activities {made:,}/{count:,}")


def run(args) -> dict:
    from django.db import connection

    from regie import services
    from regie.indicators import DISTANCES, REACH_FILTERS
    from spatial.reach import reach_counts

    rng = random.Random(args.seed)
    figures: dict = {
        "backend": connection.vendor,
        "addresses": args.addresses,
        "listings": args.listings,
        "neighbourhoods": args.neighbourhoods,
        "listing_every": args.listing_every,
        "cpus": os.cpu_count(),
        "load_before": os.getloadavg()[0],
    }
    if not args.skip_seed:
        log("emptying the bench tables")
        empty()
        started = time.perf_counter()
        side_m = seed_neighbourhoods(args.neighbourhoods)
        log(f"{args.neighbourhoods:,} neighbourhoods over {side_m / 1000:.1f} km square")
        seed_addresses(args.addresses, side_m, rng)
        seed_listings(args.listings, side_m, rng)
        seed_activities(args.activities, side_m, rng)
        figures["seed_s"] = round(time.perf_counter() - started, 1)
        log(f"seeded in {figures['seed_s']} s")
    from activities.models import Activity

    if args.skip_seed and Activity.objects.count() != args.activities:
        seed_activities(args.activities, grid_size(args.neighbourhoods) * CELL_M, rng)
    figures["activities"] = args.activities
    if args.seed_only:
        return figures

    from django.utils import timezone

    from spatial.reach import CELLS, POINTS, Listings

    started, cpu = time.perf_counter(), cpu_seconds()
    basis = services._reach_points()
    figures["basis_s"] = round(time.perf_counter() - started, 1)
    figures["basis_cpu_s"] = round(cpu_seconds() - cpu, 1)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*), SUM(n) FROM {POINTS}")
        distinct, placed = cursor.fetchone()
        cells = None
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT COUNT(*) FROM {CELLS}")
            cells = cursor.fetchone()[0]
    figures.update(points_placed=int(placed or 0), points_distinct=distinct, cells=cells)
    log(
        f"{placed:,} addresses and grid points placed in their neighbourhoods and grouped "
        f"({distinct:,} distinct points, {cells} cells): {figures['basis_s']} s "
        f"({figures['basis_cpu_s']} s CPU)"
    )

    figures["filters"] = {}
    reach_total = reach_cpu = 0.0
    now = timezone.now()
    for reach_filter in REACH_FILTERS:
        sources = services.reach_listings(reach_filter, now)
        if args.listing_every > 1:  # every Nth listing (PostgreSQL): growth with listings
            sources = [
                Listings(
                    src.table,
                    f"SELECT k.id FROM ({src.ids_sql}) AS k(id) "
                    f"WHERE k.id %% {args.listing_every} = 0",
                    src.ids_params,
                )
                for src in sources
            ]
        started, cpu = time.perf_counter(), cpu_seconds()
        counts = reach_counts(connection, listings=sources, bands=DISTANCES)
        seconds = time.perf_counter() - started
        cpu = cpu_seconds() - cpu
        reach_total += seconds
        reach_cpu += cpu
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM regie_reach_listings")
            matching = cursor.fetchone()[0]
        points = sum(row[0] for row in counts.values())
        shares = {
            str(d): round(100 * sum(row[i + 1] for row in counts.values()) / max(points, 1), 1)
            for i, d in enumerate(DISTANCES)
        }
        figures["filters"][reach_filter.code] = {
            "listings": matching,
            "seconds": round(seconds, 1),
            "cpu_seconds": round(cpu, 1),
            "points": points,
            "reached_percent": shares,
        }
        log(
            f"reach {reach_filter.code}: {matching:,} listings, {points:,} points, "
            f"{seconds:.1f} s ({cpu:.1f} s CPU), reached % {shares}"
        )
    figures["reach_s"] = round(reach_total, 1)
    figures["reach_cpu_s"] = round(reach_cpu, 1)
    figures["total_s"] = round(figures["basis_s"] + reach_total, 1)
    figures["total_cpu_s"] = round(figures["basis_cpu_s"] + reach_cpu, 1)
    figures["grid_areas"] = sum(1 for kind, _n in basis.values() if kind == "grid")
    log(
        f"all reach figures ({len(REACH_FILTERS)} filters x 3 distances): {figures['reach_s']} s"
        f" ({figures['reach_cpu_s']} s CPU); with placing: {figures['total_s']} s"
        f" ({figures['total_cpu_s']} s CPU)"
    )
    if not args.skip_snapshot:
        started = time.perf_counter()
        services.snapshot_take()
        figures["snapshot_s"] = round(time.perf_counter() - started, 1)
        log(f"whole snapshot (counts + basis + reach, stored): {figures['snapshot_s']} s")
    figures["load_after"] = os.getloadavg()[0]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--addresses", type=int, default=100_000)
    parser.add_argument("--listings", type=int, default=10_000)
    parser.add_argument("--neighbourhoods", type=int, default=100)
    parser.add_argument(
        "--activities", type=int, default=None, help="activities with a date (listings / 5)"
    )
    parser.add_argument(
        "--database-url",
        default="postgis://postgres@127.0.0.1:5432/buurtkaart_reach_bench",
        help="a database of its own: its buurt and regie tables are emptied",
    )
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--skip-seed", action="store_true", help="reuse the seeded data")
    parser.add_argument("--skip-snapshot", action="store_true", help="time the reach only")
    parser.add_argument("--seed-only", action="store_true", help="seed, time nothing")
    parser.add_argument(
        "--listing-every", type=int, default=1, help="count every Nth seeded listing only"
    )
    args = parser.parse_args()
    if args.activities is None:
        args.activities = args.listings // 5
    setup(args.database_url)
    figures = run(args)
    print(json.dumps(figures, indent=2))
    RESULTS.mkdir(exist_ok=True)
    name = f"reach-{figures['backend']}-{args.addresses}-{args.listings}-{args.neighbourhoods}"
    name += f"-every{args.listing_every}.json" if args.listing_every > 1 else ".json"
    (RESULTS / name).write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
