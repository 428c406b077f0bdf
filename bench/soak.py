"""Soak benchmark: does a gunicorn worker keep its memory and its speed over many requests?

Sends a fixed mix of requests (searches with results, searches in an empty area, a rare
filter, /healthz, organisation pages, the home page, and map tiles when the project has them)
to gunicorn with --workers sync workers, on loopback, with at most --concurrency in flight,
until --requests were sent or --duration seconds passed. It prints the RSS of every worker
and the p50 per kind of request in the first and the last window (--window requests each, the
first one after --warmup requests), side by side, with the ratios, and writes them to
bench/results/soak-<backend>-<scale>.json and .md. It uses a database of its own:

    DEBUG=1 .venv/bin/python bench/soak.py                         # 100,000 requests, ~10 min
    DEBUG=1 .venv/bin/python bench/soak.py --requests 5000 --duration 60

Targets (issue 18): RSS per worker at the end at most 1.3x the start, p50 at most 1.2x.
With BENCH_MEMORY_PROBE=1 in the environment, the workers answer /__bench/memory
(bench/memprobe.py) and the run ends with what grew in each worker.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

import search as search_bench  # noqa: E402  bench/search.py: database, seeding, gunicorn helpers
from load import fetch  # noqa: E402
from memprobe import rss_kib  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
# Share of each kind in the mix, in requests per 1,000.
MIX = {
    "search": 300,
    "empty": 150,
    "rare": 100,
    "healthz": 250,
    "organisation": 130,
    "home": 20,
    "tile": 50,
}
# Far enough from Gent that nothing is within 10 km (the widest radius suggested).
EMPTY_AREA = {"lat": (50.05, 50.35), "lon": (4.9, 5.6)}
RARE_FILTERS = [
    (("language", "ar"), ("access", "wheelchair"), ("reduced_rate", "1")),
    (("model", "peers"), ("come_alone", "1"), ("language", "ar")),
]
TARGETS = {"rss": 1.3, "p50": 1.2}
OK = (200, 204)  # 204: a map tile with nothing in it


def paths_of_kinds(count: int, *, seed_value: int, tiles: bool) -> dict[str, list[str]]:
    """`count` paths of every kind, different ones (a distinct point for each search)."""
    from buurt.demo import SCALE_SLUG_PREFIX
    from buurt.models import Organisation

    rng = random.Random(seed_value)
    searches = search_bench.search_paths(count * 2, radius=None, seed_value=seed_value)
    slugs = list(
        Organisation.objects.on_map()
        .filter(slug__startswith=SCALE_SLUG_PREFIX)
        .order_by("?")
        .values_list("slug", flat=True)[: min(count, 5000)]
    )
    kinds = {
        "search": searches[:count],
        "empty": [
            "/api/search/?"
            + urlencode(
                {
                    "lat": f"{rng.uniform(*EMPTY_AREA['lat']):.6f}",
                    "lon": f"{rng.uniform(*EMPTY_AREA['lon']):.6f}",
                    "radius": rng.choice(search_bench.RADII),
                }
            )
            for _ in range(count)
        ],
        "rare": [
            path.split("&radius=")[0] + "&radius=2400&" + urlencode(rng.choice(RARE_FILTERS))
            for path in searches[count:]
        ],
        "healthz": ["/healthz"] * count,
        "organisation": [f"/organisaties/{rng.choice(slugs)}/" for _ in range(count)],
        "home": ["/"] * count,
    }
    if tiles:
        kinds["tile"] = [tile_path(rng) for _ in range(count)]
    return kinds


def tile_path(rng: random.Random) -> str:
    """A tile over Gent at zoom 12 to 17."""
    import math

    zoom = rng.randint(12, 17)
    lat, lon = rng.uniform(51.0, 51.1), rng.uniform(3.65, 3.8)
    n = 2**zoom
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return f"/api/tiles/{zoom}/{x}/{y}.mvt"


def has_tiles() -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve("/api/tiles/14/8343/5480.mvt")
    except Resolver404:
        return False
    return True


def schedule(
    total: int, kinds: dict[str, list[str]], *, seed_value: int, without=()
) -> list[tuple]:
    """(kind, path) for every request, the kinds shuffled in the proportions of MIX."""
    rng = random.Random(seed_value)
    weights = {k: share for k, share in MIX.items() if k in kinds and k not in without}
    chosen = rng.choices(list(weights), weights=list(weights.values()), k=total)
    cursors = dict.fromkeys(kinds, 0)
    plan = []
    for kind in chosen:
        pool = kinds[kind]
        plan.append((kind, pool[cursors[kind] % len(pool)]))
        cursors[kind] += 1
    return plan


def worker_pids(master: int) -> list[int]:
    try:
        with open(f"/proc/{master}/task/{master}/children", encoding="ascii") as handle:
            return sorted(int(pid) for pid in handle.read().split())
    except OSError:
        return []


def collect_static(env: dict) -> None:
    """With DEBUG off, pages name their static files through collectstatic's manifest."""
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--no-input", "-v", "0"],
        env=env,
        check=True,
    )


def start_gunicorn(
    url: str, *, workers: int, extra_env: dict, log: Path, config: Path
) -> tuple[subprocess.Popen, int]:
    """gunicorn on a free port; its log goes to a file (a pipe nobody reads fills up and
    stops the workers)."""
    port = search_bench.free_port()
    env = {**search_bench.gunicorn_env(url), **extra_env}
    collect_static(env)
    server = subprocess.Popen(
        search_bench.gunicorn_command(
            port,
            workers,
            "--config",
            str(config),
            # The production safety net would replace the workers: measure them instead.
            "--max-requests",
            "0",
            "--timeout",
            "180",  # a home page at 100,000 listings on a busy machine: not killed for it
        ),
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
    )
    try:
        search_bench.wait_until_up(port, server, timeout=180)  # a busy machine is slow to boot
    except (RuntimeError, AttributeError):  # AttributeError: it stopped (no stderr pipe)
        server.terminate()
        raise RuntimeError("gunicorn did not start: " + log.read_text()[-2000:]) from None
    deadline = time.monotonic() + 30
    while len(worker_pids(server.pid)) < workers and time.monotonic() < deadline:
        time.sleep(0.2)
    return server, port


async def drive(
    port: int,
    plan: list[tuple],
    *,
    concurrency: int,
    duration: float,
    master: int,
    start_at: int,
    baseline_at: int | None = None,
    workers: int = 2,
):
    """Sends the plan; returns (kind, status, ms, finished at) per request and RSS samples
    (every 10 s, and after `start_at` requests: the start). With `baseline_at`, the memory
    probe of every worker takes its baseline after that many requests."""
    done: list[tuple[str, int, float, float]] = []
    samples: list[tuple[int, dict[int, int]]] = []  # (requests done, {pid: KiB})
    queue = list(reversed(plan))
    started = time.perf_counter()
    stop_at = started + duration
    next_sample = next_print = started

    def sample():
        rss = {}
        for pid in worker_pids(master):
            with contextlib.suppress(OSError):  # a worker that just left
                rss[pid] = rss_kib(pid)
        samples.append((len(done), rss))

    async def client():
        nonlocal next_sample, next_print
        while queue and time.perf_counter() < stop_at:
            kind, path = queue.pop()
            try:
                status, elapsed, _size = await fetch("127.0.0.1", port, path)
            except OSError:
                status, elapsed = 0, 0.0
            done.append((kind, status, elapsed, time.perf_counter() - started))
            if baseline_at is not None and len(done) == baseline_at:
                await asyncio.to_thread(probe, port, workers, baseline=True)
            now = time.perf_counter()
            if len(done) == start_at or now >= next_sample:
                sample()
                next_sample = now + 10
            if now >= next_print:
                next_print = now + 30
                rate = len(done) / (time.perf_counter() - started)
                rss = ", ".join(f"{kib / 1024:.0f}" for kib in samples[-1][1].values())
                print(
                    f"  {len(done):>7,} / {len(plan):,} requests, {rate:.0f}/s, "
                    f"worker RSS {rss} MB",
                    flush=True,
                )

    sample()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    sample()
    return done, samples, time.perf_counter() - started


def window_figures(rows: list[tuple]) -> dict:
    by_kind: dict[str, list[float]] = {}
    for kind, status, elapsed, _at in rows:
        if status in OK:
            by_kind.setdefault(kind, []).append(elapsed)
    figures = {kind: search_bench.summary(values) for kind, values in sorted(by_kind.items())}
    figures["all"] = search_bench.summary([r[2] for r in rows if r[1] in OK])
    return figures


def rss_at(samples: list[tuple], done: int) -> dict[int, int]:
    """The first RSS sample taken after `done` requests."""
    for count, rss in samples:
        if count >= done:
            return rss
    return samples[-1][1]


def probe(port: int, workers: int, *, baseline: bool = False) -> list[dict]:
    """/__bench/memory of every worker (asked until each answered once)."""
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    found: dict[int, dict] = {}
    url = f"http://127.0.0.1:{port}/__bench/memory?{'baseline' if baseline else 'trim'}=1&hold=0.3"

    def ask(_n: int) -> dict:
        with urllib.request.urlopen(url, timeout=60) as r:
            return json.load(r)

    # One probe per worker at once, each held 0.3 s: every worker takes one.
    with ThreadPoolExecutor(workers) as pool:
        for _ in range(20):
            for answer in pool.map(ask, range(workers)):
                found.setdefault(answer["pid"], answer)
            if len(found) == workers:
                break
    return list(found.values())


def report(run: dict) -> str:
    start, end = run["start"], run["end"]
    lines = [
        f"### {run['backend']}, {run['listings']:,} listings: {run['sent']:,} requests in "
        f"{run['wall_s']:.0f} s ({run['requests_per_s']}/s), {run['workers']} workers, "
        f"{run['concurrency']} in flight",
        "",
        f"Load average before/after: {run['load_before']} / {run['load_after']}. Windows: "
        f"requests {start['from']:,}–{start['to']:,} and {end['from']:,}–{end['to']:,}. "
        f"Statuses: {run['statuses']}.",
        "",
        "| | start | end | end / start |",
        "|---|---:|---:|---:|",
    ]
    for pid in run["rss_start_kib"]:
        first, last = run["rss_start_kib"][pid], run["rss_end_kib"].get(pid)
        lines.append(
            f"| RSS worker {pid} (booted: {run['rss_boot_kib'].get(pid, 0) / 1024:.0f} MB) "
            f"| {first / 1024:.0f} MB | "
            + (f"{last / 1024:.0f} MB | {last / first:.2f} |" if last else "(gone) | – |")
        )
    for kind in start["latency"]:
        a, b = start["latency"][kind], end["latency"].get(kind, {})
        if not b or not a["n"] or not b.get("n"):
            continue
        lines.append(
            f"| p50 {kind} (n {a['n']:,} / {b['n']:,}) | {a['p50']} ms | {b['p50']} ms | "
            f"{b['p50'] / a['p50']:.2f} |"
        )
    lines += [
        "",
        f"Targets: RSS end ≤ {TARGETS['rss']}× start: "
        + ("met" if run["rss_met"] else "**not met**")
        + f"; p50 (all) end ≤ {TARGETS['p50']}× start: "
        + ("met" if run["p50_met"] else "**not met**")
        + ".",
    ]
    return "\n".join(lines) + "\n"


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: the search benchmark's database")
    parser.add_argument("--backend", choices=["postgis", "spatialite"], default="postgis")
    parser.add_argument("--scale", type=int, default=100_000, help="synthetic listings")
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--duration", type=float, default=900, help="seconds at most")
    parser.add_argument("--warmup", type=int, default=None, help="default: 2%% of --requests")
    parser.add_argument("--window", type=int, default=None, help="default: 5%% of --requests")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument(
        "--gunicorn-config",
        type=Path,
        default=ROOT / "gunicorn.conf.py",
        help="to compare with another gunicorn configuration",
    )
    parser.add_argument(
        "--without", action="append", default=[], choices=list(MIX), help="leave a kind out"
    )
    parser.add_argument("--out", type=Path, default=search_bench.RESULTS)
    args = parser.parse_args(argv)
    warmup = args.warmup if args.warmup is not None else args.requests // 50
    window = args.window or max(20, args.requests // 20)

    url = search_bench.database_url(args)
    search_bench.ensure_database(url)
    search_bench.setup_django(url)
    from django.db import connection

    listings = search_bench.seed(args.scale)
    backend = "postgis" if connection.vendor == "postgresql" else "spatialite"
    tiles = has_tiles()
    plan = schedule(
        args.requests,
        paths_of_kinds(min(args.requests, 20_000), seed_value=18, tiles=tiles),
        seed_value=18,
        without=args.without,
    )
    connection.close()
    print(
        f"{backend}: {listings:,} public listings; {args.requests:,} requests "
        f"(at most {args.duration:.0f} s), {args.workers} workers, {args.concurrency} in flight"
        + ("" if tiles else "; no tile endpoint on this tree"),
        flush=True,
    )
    load_before = os.getloadavg()[0]
    args.out.mkdir(parents=True, exist_ok=True)
    log = args.out / "soak-gunicorn.log"
    server, port = start_gunicorn(
        url, workers=args.workers, extra_env={}, log=log, config=args.gunicorn_config
    )
    try:
        booted = {pid: rss_kib(pid) for pid in worker_pids(server.pid)}
        done, samples, wall = asyncio.run(
            drive(
                port,
                plan,
                concurrency=args.concurrency,
                duration=args.duration,
                master=server.pid,
                start_at=min(warmup + window, args.requests),
                baseline_at=warmup if os.environ.get("BENCH_MEMORY_PROBE") else None,
                workers=args.workers,
            )
        )
        probes = probe(port, args.workers) if os.environ.get("BENCH_MEMORY_PROBE") else []
        final_rss = {pid: rss_kib(pid) for pid in worker_pids(server.pid)}
    finally:
        server.terminate()
        server.wait(timeout=30)
    sent = len(done)
    first = (min(warmup, max(0, sent - 2 * window)), 0)
    first = (first[0], min(sent, first[0] + window))
    last = (max(first[1], sent - window), sent)
    start = {"from": first[0], "to": first[1], "latency": window_figures(done[slice(*first)])}
    end = {"from": last[0], "to": last[1], "latency": window_figures(done[slice(*last)])}
    statuses: dict[str, int] = {}
    for _kind, status, _ms, _at in done:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    rss_start = rss_at(samples, first[1])
    rss_end = {pid: kib for pid, kib in final_rss.items() if pid in rss_start}
    run = {
        "backend": backend,
        "listings": listings,
        "scale": args.scale,
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "machine": f"{os.cpu_count()} CPUs",
        "workers": args.workers,
        "concurrency": args.concurrency,
        "sent": sent,
        "wall_s": round(wall, 1),
        "requests_per_s": round(sent / wall, 1),
        "load_before": round(load_before, 2),
        "load_after": round(os.getloadavg()[0], 2),
        "statuses": statuses,
        "rss_boot_kib": booted,
        "rss_start_kib": rss_start,
        "rss_end_kib": rss_end,
        "rss_samples": samples,
        "start": start,
        "end": end,
        "probes": probes,
    }
    run["rss_met"] = bool(rss_end) and all(
        rss_end[pid] <= TARGETS["rss"] * rss_start[pid] for pid in rss_end
    )
    run["p50_met"] = end["latency"]["all"]["p50"] <= TARGETS["p50"] * start["latency"]["all"]["p50"]
    text = report(run)
    print(text, flush=True)
    for answer in probes:
        print(json.dumps(answer, indent=1)[:4000], flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    stem = f"soak-{backend}-{args.scale}"
    (args.out / f"{stem}.json").write_text(json.dumps(run, indent=1) + "\n", encoding="utf-8")
    (args.out / f"{stem}.md").write_text(text, encoding="utf-8")
    print(f"written: {args.out / stem}.json and .md", flush=True)
    return run


if __name__ == "__main__":
    main()
